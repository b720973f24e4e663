"""OCR of one rendered page image with the Tesseract command-line tool.

Contract: :func:`ocr_image` takes PNG bytes and returns the recognised text (lines kept,
possibly empty). It raises :class:`OCRFailed` with a one-line reason when tesseract is
missing, times out, exits non-zero (e.g. the language pack is not installed) — callers
record that as a warning on the document, never crash. The image goes to tesseract's
stdin, so no temporary files are written.
"""

from __future__ import annotations

import logging
import shutil
import subprocess

logger = logging.getLogger(__name__)

OCR_DPI = 300
"""Resolution pages are rendered at for OCR; Tesseract is trained on ~300 dpi scans."""


class OCRFailed(Exception):
    """Tesseract could not produce text for an image (reason in the message)."""


def tesseract_path() -> str | None:
    """The tesseract executable on PATH, or ``None`` when OCR is unavailable."""
    return shutil.which("tesseract")


def ocr_image(png: bytes, *, languages: str = "nor", timeout: float = 180.0) -> str:
    """Text Tesseract reads in ``png`` using ``languages`` (tesseract ``-l`` syntax, e.g. ``nor+eng``)."""
    exe = tesseract_path()
    if exe is None:
        raise OCRFailed("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-nor)")
    cmd = [exe, "stdin", "stdout", "-l", languages, "--psm", "3"]
    try:
        proc = subprocess.run(cmd, input=png, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise OCRFailed(f"tesseract timed out after {timeout:.0f} s") from exc
    except OSError as exc:
        raise OCRFailed(f"tesseract could not start: {exc}") from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = err[-1] if err else f"exit code {proc.returncode}"
        raise OCRFailed(f"tesseract failed: {reason}")
    return proc.stdout.decode("utf-8", "replace")
