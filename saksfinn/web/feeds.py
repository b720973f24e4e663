"""Atom feeds (RFC 4287) of saved searches, so advisers can follow one in any feed reader.

Contract of :func:`watch_feed`: one ``<entry>`` per document the saved search has
matched (newest first, at most :data:`FEED_ENTRIES`), with the document's title, a
link to its page in the app (the feed's own ``alternate`` link is the saved search's page), its municipality (also as a ``<category>``), its date
and the matching passage. Ids are stable URNs (``urn:saksfinn:watch:<id>`` and
``…:<document id>``), so a reader shows each document once however often it polls;
``<updated>`` is when saksfinn stored the document (the feed's: its newest entry, or
when the search was saved).
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from typing import Any

from saksfinn.flows.watches import watch_label

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot carry


def watch_feed(watch: dict[str, Any], entries: list[dict[str, Any]], *, base_url: str,
               date_text: Any, type_label: dict[str, str]) -> bytes:
    """The Atom document for ``watch`` (a row of ``watches``) and its ``entries``
    (:func:`saksfinn.flows.watches.watch_matches`). ``base_url`` is the app's address
    ("http://host:8000"); ``date_text`` formats a date in Norwegian; ``type_label`` names
    document types."""
    base = base_url.rstrip("/")
    wid = watch["watch_id"]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "nb"})
    _text(feed, "id", f"urn:saksfinn:watch:{wid}")
    _text(feed, "title", f"Saksfinn: lagret søk {watch_label(watch)}")
    _text(feed, "subtitle", "Nye saksdokumenter som passer til søket, fra hver innlesing")
    found = [e["found"] for e in entries if e.get("found")]
    _text(feed, "updated", _stamp(max(found) if found else watch.get("created")))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml",
                  href=f"{base}/feeds/watch/{wid}.atom")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=f"{base}/lagrede-sok/{wid}")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "Saksfinn")
    _text(feed, "generator", "saksfinn")
    for item in entries:
        feed.append(_entry(wid, item, base, date_text, type_label))
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False)


def _entry(wid: str, item: dict[str, Any], base: str, date_text: Any, type_label: dict[str, str]) -> ET.Element:
    entry = ET.Element(f"{{{ATOM}}}entry")
    doc_id = item["document_id"]
    _text(entry, "id", f"urn:saksfinn:watch:{wid}:{doc_id}")
    _text(entry, "title", item.get("title") or _name(item.get("source")) or doc_id[:12])
    _text(entry, "updated", _stamp(item.get("found")))
    if isinstance(item.get("date"), dt.date):
        _text(entry, "published", _stamp(item["date"]))
    ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=f"{base}/dokument/{doc_id}")
    municipality = item.get("municipality")
    if municipality:
        ET.SubElement(entry, f"{{{ATOM}}}category", term=municipality, label=municipality)
    facts = [municipality or "ukjent kommune", date_text(item.get("date")) or "uten dato"]
    if item.get("doc_type"):
        facts.append(type_label.get(item["doc_type"], item["doc_type"]))
    if item.get("page"):
        facts.append(f"s. {item['page']}")
    summary = " · ".join(facts) + (f" — {item['text']}" if item.get("text") else "")
    _text(entry, "summary", summary)
    return entry


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    el.text = _NOT_XML.sub("", value)
    return el


def _stamp(value: Any) -> str:
    """RFC 3339, as Atom wants it; a date is its midnight in UTC; missing is the epoch."""
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00Z"
    return "1970-01-01T00:00:00Z"


def _name(source: str | None) -> str | None:
    return source.replace("\\", "/").rsplit("/", 1)[-1] if source else None

