"""What a reader sees, in headless Chromium (Debian's package, driven by Playwright).

The built sample site is served over http on 127.0.0.1; any request to another origin
is blocked and recorded, so a stray font or CDN call fails the test.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import REPO, sample_catalog

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 375)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


@pytest.fixture(scope="module")
def base_url(sample_site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(sample_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is missing: run scripts/install-test-deps"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, base_url):
    """Open a page at a width; returns (page, requests that tried to leave 127.0.0.1)."""
    contexts, foreign = [], []

    def block_foreign(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    def opener(url: str, width: int = 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.route("**/*", block_foreign)
        contexts.append(context)
        page = context.new_page()
        page.goto(base_url + url, wait_until="networkidle")
        return page

    yield opener, foreign
    for context in contexts:
        context.close()


def test_home_leads_to_an_upcoming_event_with_its_date_and_place(open_page):
    opener, foreign = open_page
    page = opener("")
    section = page.locator("section", has=page.get_by_role("heading", name="Upcoming events"))
    section.get_by_role("link", name="EU–Japan Cluster Matchmaking Event 2020").click()
    page.wait_for_load_state("networkidle")

    assert page.url.endswith("/events/eu-japan-matchmaking-strasbourg-2020/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "EU–Japan Cluster Matchmaking Event 2020"
    )
    facts = page.locator("dl.nd-facts")
    assert facts.get_by_text("27–29 April 2020").is_visible()
    assert facts.get_by_text("Strasbourg, France").is_visible()
    assert page.get_by_text("Upcoming", exact=True).is_visible()
    assert foreign == []


ACCESSIBILITY_PAGES = ["", "news/", "events/", "events/past/", "calls/", "tags/"]


def _item_pages() -> list[str]:
    catalog = sample_catalog()
    return [
        catalog.collection(name)[0].page_url
        for name in ("news", "events", "calls", "interviews", "knowledge")
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_serious_accessibility_violations(open_page, width):
    assert AXE.exists(), "axe-core is missing: run scripts/install-test-deps"
    opener, foreign = open_page
    found = {}
    for url in ACCESSIBILITY_PAGES + _item_pages():
        page = opener(url, width)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            found[url] = serious
    assert found == {}, "\n".join(f"{url}: {v}" for url, v in found.items())
    assert foreign == []


def test_phone_width_does_not_scroll_sideways(open_page):
    opener, _ = open_page
    for url in ["", "calls/", _item_pages()[2]]:
        page = opener(url, 375)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, url
