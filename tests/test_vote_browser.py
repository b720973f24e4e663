"""The vote pages in a real headless browser: a Levanger case ingested from its protocol and its
saksframlegg, opened from *Voteringer*, then the person and party pages reached by clicking.
Skips like tests/test_web_browser.py when chromium or playwright is missing."""

from __future__ import annotations

import re

import pytest

from saksfinn.flows.ingest import run_ingest
from saksfinn.index.storage.store import Store
from saksfinn.web.app import create_app
from tests.ingest_helpers import local_settings
from tests.test_web_browser import browser, serve  # noqa: F401 (browser is a fixture)
from tests.vote_docs import write_case
from tests.web_fixtures import FakeSearcher

pytestmark = [pytest.mark.slow, pytest.mark.browser]
CASE_ADDRESS = re.compile(r"/sak\?kommune=Levanger&utvalg=Kommunestyret&sak=sak\+13%2F2026$")


@pytest.fixture(scope="module")
def site(tmp_path_factory, browser):  # noqa: F811 (browser first: no ingest when it skips)
    root = tmp_path_factory.mktemp("votes")
    write_case(root / "docs")
    settings = local_settings(root / "home")
    run_ingest([str(root / "docs")], settings)
    store = Store(settings.db_url, files_dir=settings.files_dir)
    with serve(create_app(settings, store=store, searcher=FakeSearcher(store))) as url:
        yield url


@pytest.fixture()
def page(browser):  # noqa: F811
    page = browser.new_page()
    page.set_default_timeout(5000)  # a missing element fails in seconds, not 30
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    yield page
    page.close()
    assert not errors


def open_case(page, url: str) -> None:
    """From the *Voteringer* list, by its link (not a typed address)."""
    page.goto(url + "/voteringer?municipality=Levanger")
    assert page.locator("#vote-count").inner_text() == "4 voteringer"
    page.locator("#votes a.case").first.click()
    page.wait_for_url(CASE_ADDRESS)


def record(page) -> dict[str, str]:
    """The counts of a person or party page."""
    return {k: page.locator(f"#{k}").inner_text() for k in ("cast", "winning", "proposals")}


def test_case_page_in_order_with_counts_amendments_vedtak_and_saksframlegg(site, page):
    open_case(page, site)
    assert page.locator("h1").inner_text() == "Kommunestyret, sak 13/2026"
    assert page.locator("#vote-total").inner_text() == "4"

    # every votering in the order shown: the innstilling with the two amendments voted on it, then
    # the oversendelsesforslag voted after it
    blocks = page.locator("article.votering")
    assert blocks.locator("h3").all_inner_texts() == [
        "Innstilling vedtatt",
        "Endringsforslag fra Vegard Austmo (AP) vedtatt",
        "Tilleggsforslag fra Håvard Lutdal (H) falt",
        "Oversendelsesforslag fra Randi Haugskott (SP) falt",
    ]
    counts = ["5 for, 1 mot", "4 for, 2 mot", "2 for, 4 mot", "2 for, 4 mot"]
    assert blocks.locator(".counts").all_inner_texts() == counts
    main = page.locator("#voteringer > li").nth(0)
    assert page.locator("#voteringer > li").count() == 2
    assert main.locator(".voters-for").first.inner_text() == (
        "For (5): Vegard Austmo (AP), Anne Grete Krogstad (AP), Randi Haugskott (SP), Håvard Lutdal (H), "
        "Julianne Hjelmstad (H)")
    assert main.locator(".voters-mot").first.inner_text() == "Mot (1): Siv Gjertrud Skjerve (SV)"

    # amendments next to what they changed, pointing at it
    amendments = main.locator("section.amendments")
    assert amendments.locator("h4").first.inner_text() == "Endringer i dette forslaget (2)"
    amended = main.locator("article.votering").first.get_attribute("id")
    assert amendments.locator("p.amends").first.inner_text() == "Endrer Pkt 2 i forslaget det ble stemt over"
    assert {a.get_attribute("href") for a in amendments.locator("p.amends a").all()} == {f"#{amended}"}
    assert "maksimalt 5 år" in amendments.locator("blockquote.proposal").first.inner_text()

    # the vedtak under the votering that produced it, not under the oversendelsesforslag after it
    assert "Garantien tidsbegrenses til maksimalt 5 år." in main.locator("section.decision").inner_text()
    assert page.locator("section.decision").count() == 1

    # the saksframlegg with the same case number, with its saksgang, opens
    paper = page.locator("ul.papers li")
    assert paper.count() == 1
    assert paper.inner_text() == (
        "Søknad om lån - Levanger Fotballklubb – saksgang: "
        "Formannskapet 18. mars 2026 (21/26) → Kommunestyret 25. mars 2026 (13/26)")
    paper.locator("a").click()
    page.wait_for_url("**/dokument/*")
    assert page.locator("h1").inner_text() == "Søknad om lån - Levanger Fotballklubb"


def test_person_page_from_the_proposer_link(site, page):
    open_case(page, site)
    page.locator("article.tilleggsforslag h3 a.person").click()
    page.wait_for_url("**/person?kommune=Levanger&navn=H%C3%A5vard+Lutdal")
    assert page.locator("h1").inner_text() == "Håvard Lutdal"
    # mot the endringsforslag (passed), for his tilleggsforslag (fell), for the innstilling (passed),
    # mot the oversendelsesforslag (fell): 2 of 4 on the winning side
    assert record(page) == {"cast": "4", "winning": "2 av 4", "proposals": "1"}
    assert page.locator("table.proposals tbody tr").all_inner_texts() == [
        "25. mars 2026\tsak 13/2026\tTilleggsforslag fra Håvard Lutdal\t2 for, 4 mot\tfalt"]
    assert page.locator("#votes tbody tr").count() == 4
    assert page.locator(".parties").inner_text() == "Parti i voteringene: H (4)"

    # a voter (not a proposer) from the case page: no proposals
    page.go_back()
    page.wait_for_url(CASE_ADDRESS)
    innstilling = page.locator("#voteringer > li > article.votering").first
    innstilling.locator(".voters-mot a.person", has_text="Siv Gjertrud Skjerve").click()
    page.wait_for_url("**/person?**")
    assert page.locator("h1").inner_text() == "Siv Gjertrud Skjerve"
    assert record(page) == {"cast": "4", "winning": "2 av 4", "proposals": "0"}
    assert page.locator("table.proposals").count() == 0


def test_party_pages_from_the_case_and_person_pages(site, page):
    open_case(page, site)
    page.locator("article.oversendelsesforslag h3 a.party").click()
    page.wait_for_url("**/parti?kommune=Levanger&parti=SP")
    assert page.locator("h1").inner_text() == "SP i Levanger"
    assert record(page) == {"cast": "4", "winning": "3 av 4", "proposals": "1"}
    assert page.locator(".members").inner_text() == "Stemte for partiet: Randi Haugskott (4)"

    # Høyre via a person page: two members in four voteringer
    page.go_back()
    page.wait_for_url(CASE_ADDRESS)
    page.locator("article.tilleggsforslag h3 a.person").click()
    page.wait_for_url("**/person?**")
    page.locator(".parties a.party").click()
    page.wait_for_url("**/parti?kommune=Levanger&parti=H")
    assert page.locator("h1").inner_text() == "H i Levanger"
    assert record(page) == {"cast": "8", "winning": "4 av 8", "proposals": "1"}
    members = "Stemte for partiet: Håvard Lutdal (4), Julianne Hjelmstad (4)"
    assert page.locator(".members").inner_text() == members
    lines = page.locator("#votes tbody tr td:nth-child(5)").all_inner_texts()
    assert lines == ["mot: 2", "for: 2", "for: 2", "mot: 2"]  # the protocol's order, both members alike

    # and back to the case from the party's table
    page.locator("#votes a.case").first.click()
    page.wait_for_url(CASE_ADDRESS)
    assert page.locator("#vote-total").inner_text() == "4"
