"""Pure functions from bytes and text to records: reading, sections, metadata, findings."""

READER_VERSION = "read@1"
"""Bump when reading or sectioning changes in a way that needs documents re-read."""
