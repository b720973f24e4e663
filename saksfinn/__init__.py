"""saksfinn: Norwegian municipal council papers made findable and reusable."""

__version__ = "0.1.0"
