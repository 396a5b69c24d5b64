"""The sample content exercises every feature, and its built site holds together."""

from __future__ import annotations

import html
import posixpath
import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

from newsdesk.content.models import Call, Event, KnowledgeDoc
from newsdesk.content.states import CallState, call_status, is_upcoming
from newsdesk.outputs.schedule import scheduled
from tests.conftest import (
    REPO,
    build_sample,
    reader_pages,
    sample_catalog,
    sample_sections,
    site_files,
)

LINK = re.compile(r'(?:href|src)="([^"]+)"')


def test_sample_content_covers_every_kind_of_item():
    sample = sample_catalog()
    counts = {name: len(items) for name, items in sample.collections.items()}
    assert counts["news"] >= 12 and counts["events"] >= 12 and counts["calls"] >= 8
    assert counts["interviews"] >= 2 and counts["knowledge"] >= 7
    assert sample.unpublished["news/european-cluster-conference-2020-berlin.md"].draft
    waiting = {item.src_uri: item for item, _ in scheduled(sample)}
    assert waiting["news/european-climate-pact-consultation.md"].publish  # by its publish
    assert waiting["interviews/christophe-guichard-eu-cluster-policy.md"].publish is None
    assert set(waiting) | {"news/european-cluster-conference-2020-berlin.md"} == set(
        sample.unpublished
    )
    assert set(sample.archived) == {"news/cosme-cluster-excellence-call-last-chance.md"}

    events: list[Event] = list(sample.collection("events"))  # type: ignore[arg-type]
    assert {"conference", "matchmaking", "webinar", "mission"} <= {e.kind for e in events}
    upcoming = [e for e in events if is_upcoming(e, sample.clock)]
    assert 5 <= len(upcoming) < len(events)
    assert any(e.end and e.end != e.start for e in events)
    assert any(e.dates_note and e.dates_note.startswith("Various dates") for e in events)

    calls: list[Call] = list(sample.collection("calls"))  # type: ignore[arg-type]
    states = Counter(call_status(c, sample.clock, 14).state for c in calls)
    assert states[CallState.CLOSED] and states[CallState.CLOSING_SOON]
    assert states[CallState.OPEN] and states[CallState.FORTHCOMING]
    assert any(len(c.deadlines) == 2 and all(d.label for d in c.deadlines) for c in calls)
    assert any(len(c.deadlines) >= 3 for c in calls)
    assert any(c.budget_eur for c in calls)

    knowledge: list[KnowledgeDoc] = list(sample.collection("knowledge"))  # type: ignore[arg-type]
    assert {"report", "presentation", "guide", "policy-example"} <= {k.kind for k in knowledge}
    for example in (k for k in knowledge if k.kind == "policy-example"):
        assert example.territorial_validity and example.strategic_challenges
        assert example.thematic_priorities and example.support_types and example.typology


def test_every_link_in_the_built_site_resolves(sample_site: Path):
    broken = []
    for page in sample_site.rglob("*.html"):
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            parts = urlsplit(target)
            if parts.scheme or target.startswith(("#", "mailto:")) or not parts.path:
                continue
            base = sample_site if parts.path.startswith("/") else page.parent
            resolved = (base / unquote(parts.path).lstrip("/")).resolve()
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.exists():
                broken.append(f"{page.relative_to(sample_site)} -> {target}")
    assert broken == []


def test_pages_load_nothing_from_other_origins(sample_site: Path):
    """(Emails are not pages: their images must be absolute, so they are left out.)"""
    loads = re.compile(
        r'<(?:script|img|iframe)[^>]+src="(https?:[^"]+)"|'
        r'<link[^>]+href="(https?:[^"]+)"[^>]*rel="(?:stylesheet|preconnect)"|'
        r'<link[^>]+rel="(?:stylesheet|preconnect)"[^>]*href="(https?:[^"]+)"'
    )
    found = {
        page.relative_to(sample_site).as_posix(): hits
        for page in sample_site.rglob("*.html")
        if page.name != "email.html"
        and (hits := [m for m in loads.findall(page.read_text()) if any(m)])
    }
    assert found == {}
    css = "".join(p.read_text() for p in sample_site.rglob("*.css"))
    assert "fonts.googleapis" not in css and "fonts.gstatic" not in css


def test_sample_pages_exist_for_every_item_and_listing(sample_site: Path):
    sample = sample_catalog()
    for item in sample.items():
        assert (sample_site / item.page_url / "index.html").exists(), item.page_url
    for listing in (
        "news",
        "events",
        "events/past",
        "calls",
        "calls/closed",
        "interviews",
        "knowledge",
        "newsletters",
        "tags",
        "about",
    ):
        assert (sample_site / listing / "index.html").exists(), listing
    seoul = (sample_site / "events/eu-korea-matchmaking-seoul-2020/index.html").read_text()
    assert "27 May 2020, 09:00 – 29 May 2020, 17:00 (UTC+9)" in seoul


def test_newsletter_cards_say_what_each_edition_holds(sample_site: Path):
    """The archive's cards (and an edition's page) show the edition's summary, else its
    preheader; no card anywhere has an empty summary."""
    editions = {e.title: e for e in sample_catalog().collection("newsletters")}
    archive = (sample_site / "newsletters" / "index.html").read_text()
    shown = {}
    for card in re.findall(r'<article class="nd-card.*?</article>', archive, flags=re.S):
        title = re.search(r'nd-card__title"><a [^>]*>([^<]*)<', card).group(1)
        summary = re.search(r'<p class="nd-card__summary">([^<]*)</p>', card)
        shown[html.unescape(title)] = html.unescape(summary.group(1)) if summary else None
    assert shown == {t: e.summary or e.preheader for t, e in editions.items()}
    for page in reader_pages(sample_site):
        text = page.read_text()
        assert '<p class="nd-card__summary"></p>' not in text, page
        assert 'class="nd-item__summary" data-pagefind-meta="summary"></p>' not in text, page


def test_sample_site_is_byte_identical_when_built_again(sample_site: Path, tmp_path: Path):
    again = build_sample(tmp_path / "again")
    assert site_files(again) == site_files(sample_site)


def test_every_page_has_one_h1_and_every_form_an_address(sample_site: Path):
    """One heading names each page, the home page's too; a form with an empty action is
    invalid HTML (the W3C validator says so) and would submit to wherever it was opened."""
    headings = {
        page.relative_to(sample_site).as_posix(): len(re.findall(r"<h1[\s>]", page.read_text()))
        for page in reader_pages(sample_site)
    }
    assert {page: count for page, count in headings.items() if count != 1} == {}
    assert headings["index.html"] == 1
    for page in sample_site.rglob("*.html"):
        assert 'action=""' not in page.read_text(), page


def test_every_page_s_footer_links_its_legal_notice_privacy_accessibility_and_contact(
    sample_site: Path,
):
    expected = [
        ("https://commission.europa.eu/legal-notice_en", "Legal notice"),
        (
            "https://commission.europa.eu/privacy-policy-websites-managed-european-commission_en",
            "Privacy",
        ),
        ("https://commission.europa.eu/accessibility-statement_en", "Accessibility"),
        ("mailto:contact@clustercollaboration.eu", "Contact"),
    ]  # as mkdocs.yml's extra.footer_links lists them
    for page in reader_pages(sample_site):
        html = page.read_text()
        footer = html[html.index('<nav class="nd-footer-links"') :]
        footer = footer[: footer.index("</nav>")]
        assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', footer) == expected, page
        assert "Made with" not in html, page


def test_cards_and_badges_say_one_thing_and_only_what_the_page_does_not(sample_site: Path):
    def badges(url: str) -> Counter[str]:
        html = (sample_site / url / "index.html").read_text()
        return Counter(re.findall(r'class="nd-badge nd-badge--([a-z-]+)"', html))

    assert badges("events")["upcoming"] == 0 and badges("")["upcoming"] > 0
    assert badges("events/past")["past"] == 0
    assert badges("calls")["open"] == 0 and badges("calls")["closing-soon"] > 0
    assert badges("calls/closed")["closed"] == 0
    closed = (sample_site / "calls/closed/index.html").read_text()
    assert 'nd-card__kind">Call</p>' in closed and 'nd-card__kind">Open call' not in closed
    online = (sample_site / "events/eu-japan-centre-webinars-march-2020/index.html").read_text()
    assert "Format" not in online  # its place says "Online" already


def test_the_theme_s_stylesheet_and_script_are_sent_minified(sample_site: Path):
    """Readers' phones download no comments or indentation; the browser tests show the
    minified script still runs (search, filters, the filter sheet)."""
    for name, comment in (("newsdesk.css", "/*"), ("newsdesk.js", "// ")):
        source = (REPO / "templates" / "site" / "assets" / name).read_text(encoding="utf-8")
        sent = (sample_site / "assets" / name).read_text(encoding="utf-8")
        assert comment in source and comment not in sent, name
        assert len(sent) < 0.85 * len(source), name
        assert sent.count("\n") < source.count("\n") / 10, name


NAV_BUDGET = 2048
"""Bytes of the navigation (the drawer's list) a page outside it may carry. A title row with
the logo (about 500 bytes) and one link to each of the sample's nine sections (about 120
bytes each) come to 1.7 KB on the deepest page; Material's partial wrote 2.6 KB for the same
nine links, and 10 KB where mkdocs.yml has no ``nav`` and each collection is a section."""


def element(text: str, start: str, tag: str) -> str:
    """The element of ``text`` that begins with ``start``, to its closing tag (elements of
    the same name inside it included)."""
    begin, depth = text.index(start), 0
    for match in re.compile(rf"<(/?){tag}\b[^>]*>").finditer(text, begin):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return text[begin : match.end()]
    raise AssertionError(f"{start}… is not closed")


def address(page_url: str, href: str) -> str:
    """The address, from the site's root, of a link on the page at ``page_url``."""
    joined = posixpath.normpath(posixpath.join(page_url, href))
    return "" if joined == "." else f"{joined}/"


def test_a_page_outside_the_navigation_carries_a_link_to_each_section_and_no_more(
    sample_site: Path,
):
    """Items, listings' later pages and tag pages lead to each section, by the tabs on a
    desk and the drawer on a phone, and mark the one they are in (a page under its
    folder), in fewer bytes than NAV_BUDGET whatever the number of items."""
    sections = [url for _, url in sample_sections()]
    outside = {}
    for page in reader_pages(sample_site):
        url = page.parent.relative_to(sample_site).as_posix() + "/"
        if url not in ("./", *sections):
            outside[url] = page.read_text(encoding="utf-8")
    assert {item.page_url for item in sample_catalog().items()} <= set(outside)
    assert {"tags/health/", "events/past/", "calls/closed/"} <= set(outside)
    weights = {}
    for url, text in outside.items():
        top = url.split("/")[0] + "/"
        current = [top] if url.count("/") > 1 and top in sections else []
        for start, link in (
            ('<nav class="md-nav md-nav--primary', "md-nav__link"),
            ('<nav class="md-tabs"', "md-tabs__link"),
        ):
            block = element(text, start, "nav")
            links = re.findall(rf'<a href="([^"]*)" class="{link}"( aria-current="true")?', block)
            assert [address(url, href) for href, _ in links] == sections, (url, start)
            assert [address(url, href) for href, mark in links if mark] == current, url
        weights[url] = len(element(text, '<nav class="md-nav md-nav--primary', "nav").encode())
    assert {url: size for url, size in weights.items() if size > NAV_BUDGET} == {}
