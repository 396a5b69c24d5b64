"""What a reader sees, in headless Chromium (Debian's package, driven by Playwright).

The built sample site is served over http on 127.0.0.1; any request to another origin
is blocked and recorded, so a stray font or CDN call fails the test.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from newsdesk.content.models import Call
from tests.conftest import AXE, REPO, sample_catalog, sample_sections

pytestmark = pytest.mark.browser


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
    assert page.locator(".nd-item__header").get_by_text("Upcoming", exact=True).is_visible()
    assert foreign == []


ACCESSIBILITY_PAGES = [
    "",
    "news/",
    "events/",
    "events/past/",
    "calls/",
    "tags/",
    "newsletters/",
    "newsletters/2020-03/",
]


def _item_pages() -> list[str]:
    catalog = sample_catalog()
    return [
        catalog.collection(name)[0].page_url
        for name in ("news", "events", "calls", "interviews", "knowledge")
    ]


@pytest.mark.parametrize(("width", "scheme"), [(1280, "light"), (375, "light"), (1280, "dark")])
def test_no_serious_accessibility_violations(open_page, width, scheme):
    assert AXE.exists(), "axe-core is missing: run scripts/install-test-deps"
    opener, foreign = open_page
    found = {}
    for url in ACCESSIBILITY_PAGES + _item_pages():
        page = opener(url, width, scheme)
        expected = "slate" if scheme == "dark" else "default"
        assert page.locator("body").get_attribute("data-md-color-scheme") == expected
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


def test_no_page_repeats_what_the_header_or_the_tabs_already_say(open_page):
    """The home page's heading is the site's name, which the header shows: it is there for
    screen readers only. About, a tab of its own, has no sidebar listing just itself."""
    opener, _ = open_page
    page = opener("", 1280)
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "European Cluster Collaboration Platform"
    assert heading.bounding_box()["height"] <= 1
    page = opener("about/", 1280)
    assert page.get_by_role("heading", level=1).inner_text() == "About"
    assert not page.locator(".md-sidebar--primary").is_visible()


# -- images ------------------------------------------------------------------------------

PICTURE_PAGES = (
    "",
    "news/",
    "interviews/",
    "newsletters/",
    "newsletters/2020-03/",
    "news/green-deal-clusters-climate-neutral-europe/",
    "interviews/magnus-thure-nilsson-media-evolution/",
)
_IMAGES = """() => [...document.querySelectorAll("img.nd-picture")].map(img => {
    const box = img.getBoundingClientRect(), card = img.closest(".nd-card");
    return {
        alt: img.getAttribute("alt"), width: +img.getAttribute("width"),
        height: +img.getAttribute("height"), srcset: img.getAttribute("srcset"),
        sizes: img.getAttribute("sizes"), loading: img.getAttribute("loading"),
        shown: [box.width, box.height], top: box.top + scrollY,
        item: card ? card.querySelector(".nd-card__title a").href : location.href,
        heads_a_later_column: !!img.closest(".nd-home-grid") && box.left > 300,
    };
})"""
_LOADED = """async () => {
    for (const img of document.querySelectorAll("img.nd-picture")) {
        img.scrollIntoView();
        await img.decode();
    }
    return [...document.querySelectorAll("img.nd-picture")].map(img => ({
        current: img.currentSrc, width: img.naturalWidth, height: img.naturalHeight,
        shown: img.getBoundingClientRect().width,
    }));
}"""


def _pictures() -> dict[str, str]:
    """The alt text of each item's picture, by its page's path."""
    catalog = sample_catalog()
    return {f"/{item.page_url}": item.picture[1] for item in catalog.items() if item.picture}


def _opened(browser, address: str, width: int, density: int, images: bool = True):
    """A page at ``address`` in a window ``width`` CSS pixels wide, at ``density`` device
    pixels to one, and what closes it; without ``images``, the images it asks for do not
    come while it is open (it shows the room it keeps for them)."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, device_scale_factor=density
    )

    held = []

    def answer(route) -> None:
        if urlsplit(route.request.url).hostname != "127.0.0.1":
            route.abort()
        elif images or route.request.resource_type != "image":
            route.continue_()
        else:
            held.append(route)  # left waiting until the page is measured

    context.route("**/*", answer)
    page = context.new_page()
    page.goto(address, wait_until="networkidle" if images else "domcontentloaded")
    styled = "getComputedStyle(document.querySelector('img.nd-picture')).display == 'block'"
    page.wait_for_function(f"() => !document.querySelector('img.nd-picture') || {styled}")

    def close() -> None:
        for route in held:
            route.abort()
        context.close()

    return close, page


@pytest.mark.parametrize(("width", "density"), [(1280, 1), (375, 1), (375, 2)])
def test_images_show_with_their_alt_text_at_the_size_their_room_is_kept_for(
    browser, base_url, width, density
):
    """Every item with an image shows it on its cards and its page, with its alt text;
    the width and height attributes keep the room it takes before it loads (nothing
    moves when it comes); the browser picks the file it needs from srcset (sharp, and no
    larger than that); images on the first screen are not left to load lazily (but at the
    top of the home page's later columns), and those far below it are."""
    pictures, screen = _pictures(), 900
    seen = set()
    for url in PICTURE_PAGES:
        close, page = _opened(browser, base_url + url, width, density, images=False)
        waiting = page.evaluate(_IMAGES)
        close()
        close, page = _opened(browser, base_url + url, width, density)
        found = page.evaluate(_IMAGES)
        assert found and len(found) == len(waiting), url
        for image, before in zip(found, waiting, strict=True):  # within a copy's rounding
            assert image["shown"] == pytest.approx(before["shown"], abs=1), url
        for image in found:
            path = urlsplit(image["item"]).path
            seen.add(path)
            assert image["alt"] == pictures.get(path, image["alt"]) and image["alt"], url
            ratio = image["height"] / image["width"]
            assert image["shown"][1] == pytest.approx(image["shown"][0] * ratio, abs=1), url
            # Which card heads the home page's second or third column depends on the
            # width; a lazy image there still loads as soon as the page is laid out.
            if image["top"] < screen and not image["heads_a_later_column"]:
                assert image["loading"] != "lazy", (url, path, "on the first screen")
            if image["top"] > 2 * screen:
                assert image["loading"] == "lazy", (url, path, "far below the first screen")
        cards = page.evaluate(
            "() => [...document.querySelectorAll('.nd-card__title a')].map(a => a.href)"
        )
        shown = {urlsplit(image["item"]).path for image in found}
        assert {urlsplit(card).path for card in cards} & pictures.keys() <= shown, url
        for image, loaded in zip(found, page.evaluate(_LOADED), strict=True):
            ratio = image["width"] / image["height"]
            assert loaded["width"] / loaded["height"] == pytest.approx(ratio, rel=0.01), url
            files = [entry.split() for entry in (image["srcset"] or "").split(", ") if entry]
            if len(files) < 2:
                continue
            assert image["sizes"], url
            widths = {src.rsplit("/", 1)[-1]: int(w.removesuffix("w")) for src, w in files}
            chosen = widths[loaded["current"].rsplit("/", 1)[-1]]
            needed = loaded["shown"] * density
            narrower = [w for w in widths.values() if w < chosen]
            assert chosen >= 0.95 * needed or chosen == max(widths.values()), (url, loaded)
            assert not narrower or max(narrower) < 1.05 * needed, (url, loaded, "too wide")
        close()
    assert set(pictures) <= seen  # each item's picture was seen on a card or its page


# -- email editions ----------------------------------------------------------------------

SITE_HOST = "www.clustercollaboration.eu"
SITE = f"https://{SITE_HOST}/"
EMAIL_WIDTHS = (600, 375)
EDITIONS = ("2019-03", "2019-12", "2020-03")
SCREENSHOTS = REPO / "test-results"


@pytest.fixture
def open_email(browser, base_url, sample_site):
    """Open an edition's email.html as a mail client would show it: its images, which point
    at the public site, are answered from the built site; nothing else leaves 127.0.0.1."""
    contexts, foreign = [], []

    def answer(route):
        parts = urlsplit(route.request.url)
        if parts.hostname == "127.0.0.1":
            route.continue_()
        elif parts.hostname == SITE_HOST and (sample_site / parts.path[1:]).is_file():
            route.fulfill(path=str(sample_site / parts.path[1:]))
        else:
            foreign.append(route.request.url)
            route.abort()

    def opener(edition: str, width: int, images: bool = True, scheme: str = "light"):
        context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        context.route("**/*", answer if images else lambda route: route.abort())
        if not images:
            context.route("http://127.0.0.1*/**", lambda route: route.continue_())
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{base_url}newsletters/{edition}/email.html", wait_until="networkidle")
        return page

    yield opener, foreign
    for context in contexts:
        context.close()


def _box(page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("width", EMAIL_WIDTHS)
def test_email_columns_sit_side_by_side_at_600_and_stack_on_a_phone(open_email, edition, width):
    opener, foreign = open_email
    page = opener(edition, width)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"email-{edition}-{width}px.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    main, side = _box(page, ".column-main"), _box(page, ".column-side")
    side_first = page.evaluate(
        """() => !!(document.querySelector('.column-side').compareDocumentPosition(
            document.querySelector('.column-main')) & Node.DOCUMENT_POSITION_FOLLOWING)"""
    )
    assert side_first == (edition == "2020-03"), "2020-03 writes its sidebar first"
    if width == 600:  # the sidebar on the right, whichever was written first
        assert side["x"] >= main["x"] + main["width"] - 1 and abs(side["y"] - main["y"]) < 1
    else:
        upper, lower = (side, main) if side_first else (main, side)
        assert lower["y"] >= upper["y"] + upper["height"] - 1, "they stack in the order written"
        assert side["width"] == main["width"] == pytest.approx(width, abs=1)
    images = page.evaluate("[...document.images].map(i => i.complete && i.naturalWidth > 0)")
    assert all(images)
    assert foreign == []


def test_email_stacks_and_keeps_its_buttons_without_styles_or_images(open_email):
    """As a client that drops <style> (so no media queries) and blocks images shows it."""
    opener, _ = open_email
    for edition in ("2019-12", "2020-03"):  # the sidebar written after, and before
        page = opener(edition, 375, images=False)
        page.evaluate("document.querySelectorAll('style').forEach(s => s.remove())")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        main, side = _box(page, ".column-main"), _box(page, ".column-side")
        upper, lower = (side, main) if edition == "2020-03" else (main, side)
        assert lower["y"] >= upper["y"] + upper["height"] - 1
    button = page.get_by_role("link", name="Visit our portal: www.clustercollaboration.eu")
    assert button.is_visible() and button.bounding_box()["height"] >= 20


def test_email_follows_a_dark_colour_scheme(open_email):
    opener, _ = open_email
    colours = {}
    for scheme in ("light", "dark"):
        page = opener("2020-03", 600, scheme=scheme)
        colours[scheme] = page.evaluate(
            """() => [".container", ".item-title a", ".text p"].map(
                s => getComputedStyle(document.querySelector(s)).color + " on "
                     + getComputedStyle(document.querySelector(".container")).backgroundColor)"""
        )
    light, dark = colours["light"], colours["dark"]
    assert light[0].endswith("on rgb(255, 255, 255)") and dark[0].endswith("on rgb(26, 31, 39)")
    assert light[1].startswith("rgb(11, 61, 122)") and dark[1].startswith("rgb(156, 194, 255)")
    assert light[2].startswith("rgb(27, 27, 27)") and dark[2].startswith("rgb(232, 236, 242)")


def test_email_has_no_serious_accessibility_violations(open_email):
    assert AXE.exists(), "axe-core is missing: run scripts/install-test-deps"
    opener, _ = open_email
    found = {}
    for edition in EDITIONS:
        for scheme in ("light", "dark"):
            page = opener(edition, 600, scheme=scheme)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                "async () => await axe.run(document, {resultTypes: ['violations']})"
            )
            impacts = ("serious", "critical")
            serious = [v["id"] for v in result["violations"] if v["impact"] in impacts]
            if serious:
                found[f"{edition} ({scheme})"] = serious
    assert found == {}


def test_an_email_without_a_sidebar_gives_the_main_column_the_whole_width(browser, tmp_path):
    from tests.conftest import make_project

    project = make_project(tmp_path / "newsroom")
    for name in ("story", "another"):  # the newest leads; the other fills the section
        project.write(
            f"news/{name}.md", "---\ntitle: A story\ndate: 2020-02-20\nsummary: In brief.\n---\n"
        )
    project.write(
        "newsletters/2020-03.md",
        "---\ntitle: March\ndate: 2020-03-01\nsubject: March\npreheader: The news.\n"
        "sections:\n  - heading: News\n    collection: news\n    rule: since-previous\n---\n",
    )
    assert project.build().exit_code == 0
    html = (project.site / "newsletters/2020-03/email.html").read_text()
    assert 'class="column column-side' not in html and 'width="230"' not in html
    context = browser.new_context(viewport={"width": 600, "height": 900})
    context.route("**/*", lambda route: route.abort())
    page = context.new_page()
    page.set_content(html)
    assert page.locator(".band").bounding_box()["width"] == 600
    context.close()


def test_a_reader_subscribes_by_keyboard_and_no_other_site_is_asked_until_then(
    open_page, browser, base_url
):
    opener, foreign = open_page
    for url in ("", "newsletters/", "newsletters/2020-03/"):  # the form, once, and no band
        page = opener(url, 375)
        assert page.locator("form.nd-signup__form").count() == 1, url
        assert page.locator(".nd-signup-band").count() == 0, url
        note = page.locator(".nd-signup__note").inner_text()
        assert "only to send you the newsletter" in note and "unsubscribe" in note, url
        assert page.get_by_role("link", name="How we handle your data").count() == 1, url
    for url in ("news/", "events/eu-japan-matchmaking-strasbourg-2020/"):  # elsewhere, a band
        page = opener(url, 375)
        assert page.locator("form.nd-signup__form").count() == 0, url
        band = page.get_by_role("complementary", name="Newsletter").get_by_role("link")
        assert band.evaluate("a => a.href") == f"{base_url}newsletters/#nd-signup-archive"
    assert foreign == []  # a form asks nothing of the platform until it is sent
    page = opener("newsletters/", 1280)
    page.get_by_label("Email address").focus()
    page.keyboard.type("reader@example.org")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Subscribe"
    with page.expect_request(
        lambda request: "lists.clustercollaboration.eu" in request.url
    ) as sent:
        page.keyboard.press("Enter")
    assert sent.value.method == "POST"
    assert sent.value.post_data == "email=reader%40example.org"
    # without JavaScript, the same plain form
    context = browser.new_context(java_script_enabled=False)
    context.route("**/lists.clustercollaboration.eu/**", lambda route: route.abort())
    page = context.new_page()
    page.goto(base_url + "newsletters/")
    page.get_by_label("Email address").fill("reader@example.org")
    with page.expect_request(lambda request: request.method == "POST") as sent:
        page.get_by_role("button", name="Subscribe").click()
    assert sent.value.url == "https://lists.clustercollaboration.eu/subscription/form"
    context.close()


def test_no_page_asks_for_anything_that_is_not_there(browser, base_url):
    """Every request a page makes (Material's script asks for a sitemap.xml beside each
    feed link, say) is answered; nothing ends in the console as an error."""
    assert _missing_and_errors(browser, base_url, ACCESSIBILITY_PAGES) == ([], [])


def _missing_and_errors(browser, base_url: str, urls: list[str]) -> tuple[list, list]:
    """The requests that failed, and the console's errors, as the pages at ``urls`` load."""
    failed, errors = [], []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for url in urls:
        page.goto(base_url + url, wait_until="networkidle")
    context.close()
    return failed, errors


# -- an item's page ----------------------------------------------------------------------


@pytest.mark.parametrize("width", (1280, 375))
def test_an_item_page_leads_back_by_its_breadcrumbs_and_on_to_related_items(open_page, width):
    opener, foreign = open_page
    page = opener("knowledge/smart-guide-european-strategic-cluster-partnerships/", width)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    trail = page.get_by_role("navigation", name="Breadcrumb")
    assert trail.is_visible()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert trail.locator("[aria-current=page]").inner_text() == heading
    tags = set(page.locator("nav.nd-tags a").all_inner_texts())
    related = page.get_by_role("region", name="Related")
    titles = related.get_by_role("heading", level=3)
    assert 1 <= titles.count() <= 3 and heading not in titles.all_inner_texts()
    titles.first.get_by_role("link").click()
    page.wait_for_load_state("networkidle")
    assert tags & set(page.locator("nav.nd-tags a").all_inner_texts()), "they share a tag"
    crumbs = page.get_by_role("navigation", name="Breadcrumb").get_by_role("link")
    collection = crumbs.nth(1).inner_text()
    crumbs.nth(1).click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == collection
    assert foreign == []


ITEM = "news/eu-cluster-weeks-launched/"
"""An item page: outside the navigation, in the News section."""


def test_on_a_phone_an_item_s_drawer_leads_to_every_section_its_own_marked(open_page):
    opener, foreign = open_page
    page = opener(ITEM, 375)
    item = page.url
    for title, url in sample_sections():
        page.goto(item, wait_until="networkidle")
        page.locator("label.md-header__button[for=__drawer]").click()
        drawer = page.locator(".md-sidebar--primary").get_by_role("navigation", name="Navigation")
        links = drawer.get_by_role("list").get_by_role("link")
        assert links.all_inner_texts() == [name for name, _ in sample_sections()]
        current = drawer.locator("[aria-current=true]")
        assert current.all_inner_texts() == ["News"]
        colours = [link.evaluate("a => getComputedStyle(a).color") for link in links.all()]
        assert colours.count(current.evaluate("a => getComputedStyle(a).color")) == 1
        link = links.get_by_text(title, exact=True)
        expect(link).to_be_in_viewport()  # once the drawer has slid in
        link.click()
        page.wait_for_load_state("networkidle")
        assert page.url == urljoin(item, f"/{url}")
    assert foreign == []


def test_on_a_desk_an_item_s_tabs_lead_to_every_section_its_own_marked(open_page):
    opener, foreign = open_page
    page = opener(ITEM, 1280)
    item = page.url
    for title, url in sample_sections():
        page.goto(item, wait_until="networkidle")
        assert not page.locator("label.md-header__button[for=__drawer]").is_visible()
        tabs = page.get_by_role("navigation", name="Tabs")
        assert tabs.get_by_role("link").all_inner_texts() == [n for n, _ in sample_sections()]
        current = tabs.locator("[aria-current=true]")
        assert current.all_inner_texts() == ["News"]
        opacity = "a => getComputedStyle(a).opacity"
        others = tabs.locator("a:not([aria-current])")
        assert current.evaluate(opacity) == "1" and others.first.evaluate(opacity) != "1"
        tabs.get_by_role("link", name=title, exact=True).click()
        page.wait_for_load_state("networkidle")
        assert page.url == urljoin(item, f"/{url}")
    assert foreign == []


def test_a_document_downloads_from_its_button_and_the_page_shares_by_plain_links(
    open_page, base_url
):
    opener, foreign = open_page
    page = opener("knowledge/smart-guide-european-strategic-cluster-partnerships/", 375)
    stored = (
        REPO / "content/knowledge/documents/smart-guide-european-strategic-cluster-partnerships.pdf"
    )
    kilobytes = max(1, round(stored.stat().st_size / 1024))
    button = page.get_by_role("link", name=f"Download the guide (PDF, {kilobytes} KB)")
    assert button.is_visible() and button.bounding_box()["height"] >= 24
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename == stored.name
    assert Path(download.value.path()).read_bytes() == stored.read_bytes()
    for name in ("Share by email", "Share on LinkedIn", "Share on X", "Share on Facebook"):
        link = page.get_by_role("link", name=name)
        assert link.is_visible() and "noopener" in link.get_attribute("rel")
        assert quote(
            f"{SITE}knowledge/smart-guide-european-strategic-cluster-partnerships/", safe=""
        ) in link.get_attribute("href")
    assert foreign == []  # nothing was asked of the networks


def test_each_deadline_of_a_call_downloads_into_a_calendar(open_page):
    opener, foreign = open_page
    call = next(c for c in sample_catalog().of(Call) if len(c.deadlines) > 1)
    page = opener(call.page_url, 375)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    for number, deadline in enumerate(call.deadlines, start=1):
        label = deadline.label or f"Deadline {number}"
        link = page.get_by_role("link", name=f"download (.ics) ({label})")
        with page.expect_download() as download:
            link.click()
        (event,) = Calendar.from_ical(Path(download.value.path()).read_bytes()).walk("VEVENT")
        shown = event["DTEND"].dt if isinstance(deadline.date, datetime) else event["DTSTART"].dt
        assert shown == deadline.date
        google = page.get_by_role("link", name=f"Google Calendar ({label})")
        assert google.get_attribute("href").startswith("https://calendar.google.com/")
    assert foreign == []


def test_item_pages_ask_for_nothing_that_is_not_there(browser, base_url):
    catalog = sample_catalog()
    urls = [items[0].page_url for items in catalog.collections.values() if items]
    urls += [
        "knowledge/smart-guide-european-strategic-cluster-partnerships/",
        "calls/innosup-1-final-call/",
    ]
    assert _missing_and_errors(browser, base_url, urls) == ([], [])
