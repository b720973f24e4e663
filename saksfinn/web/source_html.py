"""Stored HTML sources shown as HTML, made harmless first.

Contract: :func:`sanitised_page` turns the stored bytes of an HTML source into a
complete page that keeps the document's structure (headings, paragraphs, lists,
tables, links) and nothing that runs: no scripts, styles, frames, forms, images,
event handlers, ``style`` attributes or ``javascript:`` links (``nh3``, i.e. the
Ammonia sanitiser, with an allow-list). The response also carries
:data:`SOURCE_CSP`, which forbids scripts and sandboxes the page, so a sanitiser
miss still cannot run in the app's origin.
"""

from __future__ import annotations

import nh3
from markupsafe import escape

from saksfinn.extractors.read import decode_text

SOURCE_CSP = ("default-src 'none'; img-src 'self' data:; style-src 'self'; base-uri 'none'; form-action 'none'; "
              "frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox")
"""For a served source page: nothing may load or run but our own stylesheet."""

_TAGS = frozenset(nh3.ALLOWED_TAGS) - {"img", "map", "area"}
_DROPPED_WITH_CONTENT = frozenset({
    "script", "style", "head", "title", "noscript", "iframe", "frame", "frameset", "template", "svg", "math",
    "object", "embed", "applet", "textarea", "select", "button",
})
_URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitised_body(html: str) -> str:
    """The markup of ``html`` with everything that could run or load removed."""
    return nh3.clean(html, tags=set(_TAGS), clean_content_tags=set(_DROPPED_WITH_CONTENT),
                     url_schemes=set(_URL_SCHEMES), strip_comments=True)


def sanitised_page(data: bytes, *, title: str | None) -> str:
    """A whole HTML page (UTF-8) showing the stored source ``data`` without anything active."""
    text, _ = decode_text(data, source="kildefil")
    heading = escape(title or "Originaldokument")
    return (
        '<!doctype html><html lang="nb"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{heading} – Saksfinn</title>'
        '<link rel="stylesheet" href="/static/style.css"></head><body class="source-page">'
        '<p class="source-note">Kopi av originalen slik den ble lest inn, vist uten skript og eksterne ressurser.</p>'
        f'<main>{sanitised_body(text)}</main></body></html>'
    )
