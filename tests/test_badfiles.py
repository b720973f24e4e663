"""The bad-file generator makes what it claims (so reader tests built on it mean something)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

from tests.badfiles import MANY_PAGES, SCANNED_TEXT, USER_PASSWORD, make_bad_files

EXPECTED = {"valid", "duplicate", "empty", "truncated", "corrupt", "encrypted", "text_as_pdf", "cp1252_txt",
            "many_pages", "scanned", "random_docx"}


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> dict[str, Path]:
    return make_bad_files(tmp_path_factory.mktemp("bad"))


def _opens(path: Path, password: str | None = None) -> int:
    doc = pdfium.PdfDocument(str(path), password=password)
    try:
        return len(doc)
    finally:
        doc.close()


def test_every_kind_is_written_with_distinct_names(bad):
    assert set(bad) == EXPECTED
    assert all(p.is_file() for p in bad.values())
    assert len({p.name for p in bad.values()}) == len(bad)


def test_valid_opens_and_duplicate_has_same_bytes_under_another_name(bad):
    assert _opens(bad["valid"]) == 2
    assert bad["duplicate"].name != bad["valid"].name
    assert hashlib.sha256(bad["duplicate"].read_bytes()).digest() == hashlib.sha256(bad["valid"].read_bytes()).digest()


@pytest.mark.parametrize("name", ["empty", "truncated", "corrupt", "text_as_pdf", "random_docx"])
def test_unreadable_files_fail_to_open_in_pdfium(bad, name):
    with pytest.raises(pdfium.PdfiumError):
        _opens(bad[name])


@pytest.mark.parametrize("name", ["truncated", "corrupt"])
def test_unreadable_files_fail_in_pdfplumber_too(bad, name):
    with pytest.raises(Exception):  # pdfminer raises several types; any failure is the point
        with pdfplumber.open(bad[name]) as pdf:
            _ = [p.extract_text() for p in pdf.pages]


def test_shapes_of_the_broken_files(bad):
    valid = bad["valid"].read_bytes()
    assert bad["empty"].stat().st_size == 0
    assert valid.startswith(bad["truncated"].read_bytes()) and bad["truncated"].stat().st_size == len(valid) // 2
    assert bad["corrupt"].read_bytes().startswith(b"%PDF-1.4\n")
    assert not bad["random_docx"].read_bytes().startswith(b"PK")  # not a zip, so not a real .docx
    assert bad["text_as_pdf"].suffix == ".pdf" and "Møteprotokoll" in bad["text_as_pdf"].read_text("utf-8")


def test_encrypted_needs_the_password(bad):
    with pytest.raises(pdfium.PdfiumError):
        _opens(bad["encrypted"])
    with pytest.raises(pdfium.PdfiumError):
        _opens(bad["encrypted"], password="feil")
    doc = pdfium.PdfDocument(str(bad["encrypted"]), password=USER_PASSWORD)
    try:
        assert "Unntatt offentlighet" in doc[0].get_textpage().get_text_range()
    finally:
        doc.close()


def test_cp1252_text_is_not_utf8_but_decodes_as_cp1252(bad):
    data = bad["cp1252_txt"].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    assert all(ch in text for ch in "æøåÅ")


def test_many_pages_has_300_pages_with_text(bad):
    assert _opens(bad["many_pages"]) == MANY_PAGES == 300
    doc = pdfium.PdfDocument(str(bad["many_pages"]))
    try:
        assert "side 300 av 300" in doc[299].get_textpage().get_text_range()
    finally:
        doc.close()


def test_scanned_page_is_an_image_without_a_text_layer(bad):
    doc = pdfium.PdfDocument(str(bad["scanned"]))
    try:
        assert len(doc) == 1
        page = doc[0]
        assert page.get_textpage().get_text_range().strip() == ""
        kinds = [obj.type for obj in page.get_objects()]
        assert pdfium.raw.FPDF_PAGEOBJ_IMAGE in kinds
        bitmap = page.render(scale=1, grayscale=True).to_pil().convert("L")
        dark = sum(1 for px in bitmap.tobytes() if px < 128)
        assert dark > 1000  # there is visible ink on the page
    finally:
        doc.close()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_scanned_page_is_readable_by_ocr(bad, tmp_path):
    doc = pdfium.PdfDocument(str(bad["scanned"]))
    try:
        png = tmp_path / "page.png"
        doc[0].render(scale=200 / 72).to_pil().save(png)
    finally:
        doc.close()
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    lang = "nor" if "nor" in langs else "eng"
    text = subprocess.run(["tesseract", str(png), "-", "-l", lang], capture_output=True, text=True,
                          check=True).stdout
    assert "Innstilling til vedtak" in text
    assert "7 %" in text or "7%" in text
    if lang == "nor":
        found = [line for line in SCANNED_TEXT if line in text]
        assert len(found) >= len(SCANNED_TEXT) - 1, found
