"""Pure functions from bytes and text to records: reading, sections, metadata, findings."""

READER_VERSION = "read@4"  # 3: Document.furniture; 4: the PDF's own /Title (Document.file_title)
"""Bump when reading changes: stored documents are then read again from their bytes
(sections and metadata are re-derived from stored pages whenever the findings version changes)."""

ANALYSIS_VERSION = "analyse@4"  # 4: municipality from bodies, signatures, wrapped lines; titles (extractors/titles.py)
"""Bump when sections or metadata change: stored documents are then re-derived from their pages."""
