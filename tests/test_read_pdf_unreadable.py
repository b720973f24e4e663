"""Reading PDFs that have no text layer or cannot be read: image-only pages (OCR off, and
OCR with tesseract, ``slow``), bad input that raises a one-line read error, limits."""

from __future__ import annotations

import io
import os
import random
import shutil

import pytest
from fpdf import FPDF
from fpdf.enums import EncryptionMethod

from saksfinn.extractors.read import read_document
from saksfinn.models.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    TooLargeError,
    UnsupportedFormatError,
)
from tests.pdf_helpers import FONT_DIR, _line, _pdf, _three_pages


def test_image_only_page_listed_when_ocr_off():
    doc = read_document(_image_pdf("Skannet side"), source="s.pdf", document_id="t", ocr="off")
    assert doc.pages[0].text == ""
    assert doc.needs_ocr_pages == (1,)
    assert not doc.pages[0].ocr
    assert any("OCR" in w for w in doc.warnings)


def _image_pdf(text: str) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1700, 600), 255)
    draw = ImageDraw.Draw(image)
    font = (
        ImageFont.truetype(f"{FONT_DIR}/DejaVuSans.ttf", 64)
        if os.path.exists(f"{FONT_DIR}/DejaVuSans.ttf")
        else ImageFont.load_default(size=64)
    )
    draw.text((80, 200), text, fill=0, font=font)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    pdf = FPDF(format="A4", unit="mm")
    pdf.add_page()
    pdf.image(io.BytesIO(buf.getvalue()), x=10, y=10, w=190)
    return bytes(pdf.output())


@pytest.mark.slow
def test_ocr_reads_image_only_page():
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-nor)")
    doc = read_document(_image_pdf("Kommunestyret vedtok planen"), source="s.pdf", document_id="t")
    if doc.needs_ocr_pages:
        pytest.skip(f"tesseract could not OCR here: {doc.warnings}")
    assert doc.pages[0].ocr
    assert "kommunestyret" in doc.text.lower()
    assert "planen" in doc.text.lower()


# --- bad input ------------------------------------------------------------------------


def _encrypted() -> bytes:
    pdf = _pdf()
    pdf.add_page()
    _line(pdf, 40, "Hemmelig")
    pdf.set_encryption(owner_password="eier", user_password="bruker", encryption_method=EncryptionMethod.RC4)
    return bytes(pdf.output())


def _random_binary() -> bytes:
    rng = random.Random(7)
    return bytes(rng.randrange(256) for _ in range(4096))


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: b"", EmptyFileError),
        (lambda: _three_pages()[: len(_three_pages()) // 2], CorruptFileError),
        (lambda: b"%PDF-1.7\n" + b"\x00garbage" * 50, CorruptFileError),
        (_random_binary, UnsupportedFormatError),
        (lambda: b"PK\x03\x04" + b"\x00" * 100, UnsupportedFormatError),
        (_encrypted, EncryptedFileError),
    ],
    ids=["empty", "truncated", "garbage-pdf", "random-binary", "zip", "encrypted"],
)
def test_bad_input_raises_read_error(make, error):
    with pytest.raises(error) as info:
        read_document(make(), source="bad.pdf", document_id="t")
    message = str(info.value)
    assert message and "\n" not in message


def test_too_many_pages():
    with pytest.raises(TooLargeError, match="3 pages"):
        read_document(_three_pages(), source="a.pdf", document_id="t", max_pages=2)


def test_unknown_ocr_mode_rejected():
    with pytest.raises(ValueError):
        read_document(_three_pages(), source="a.pdf", document_id="t", ocr="sometimes")
