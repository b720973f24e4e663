"""The exception tree. Every expected failure is one of these, with a message a
person can act on (one line, no traceback needed)."""


class SaksfinnError(Exception):
    """Base of all expected saksfinn errors."""


class ReadError(SaksfinnError):
    """A source file could not be read as a document."""


class EmptyFileError(ReadError):
    pass


class CorruptFileError(ReadError):
    pass


class EncryptedFileError(ReadError):
    pass


class UnsupportedFormatError(ReadError):
    pass


class TooLargeError(ReadError):
    pass


class NeedsOCRError(ReadError):
    """No text layer and no OCR engine available."""


class StoreError(SaksfinnError):
    pass


class RunLockedError(SaksfinnError):
    """Another ingestion run holds the lock."""


class IndexNotBuiltError(SaksfinnError):
    pass


class ModelLoadError(SaksfinnError):
    pass


class SourceFetchError(SaksfinnError):
    """A remote source could not be fetched (after retries)."""


class InvalidValueError(SaksfinnError):
    """A value a person typed is not allowed (unknown vocabulary word, bad date, inverted range);
    the message names what is allowed."""
