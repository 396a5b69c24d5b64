"""Search (Pagefind) and the knowledge repository: the header box, the search page, the
filter panels and their counts, the static pages per facet value, and attachments."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from newsdesk.content.models import Event
from newsdesk.content.states import is_upcoming
from newsdesk.content.vocabulary import KNOWLEDGE_FACETS, segment
from newsdesk.engine import search
from newsdesk.engine.search import PAGES, IndexedPage, Shard, indexed_part, plan_shards
from tests.conftest import AXE, make_project, sample_catalog, serving

PHRASE = "best time for harvest"
"""Occurs in one item only: the IDEEO smart viticulture story."""
PHRASE_PAGE = "news/ideeo-smart-viticulture-basilicata/"


def _keys(item, facet: str) -> tuple[str, ...]:
    """An item's values on a facet, read from its own fields (independently of the code
    that writes the search index)."""
    if facet == "kind":
        return (item.kind,)
    if facet == "year":
        return (str(item.sort_date.year),)
    if facet == "language":
        return (item.language,) if item.language else ()
    if facet == "countries" and isinstance(item, Event):
        return (item.location.country,) if item.location and item.location.country else ()
    return tuple(getattr(item, facet))


def _expected(collection: str, selection: dict[str, list[str]], keep=lambda item: True):
    """What the catalog says a filter choice shows: the matching items' titles, and each
    facet value's count (values of a facet OR, facets AND; a facet's counts leave out its
    own choice)."""
    items = [item for item in sample_catalog().collection(collection) if keep(item)]
    names = {
        "knowledge": KNOWLEDGE_FACETS,
        "events": ("kind", "countries", "tags"),
    }[collection]

    def matches(item, without=None):
        return all(
            set(keys) & set(_keys(item, name))
            for name, keys in selection.items()
            if name != without
        )

    titles = {item.title for item in items if matches(item)}
    counts = {}
    for name in names:
        for item in items:
            if matches(item, without=name):
                for key in _keys(item, name):
                    counts[(name, key)] = counts.get((name, key), 0) + 1
    return titles, counts


def _shown_counts(page) -> dict[tuple[str, str], int]:
    """Each filter value's count, as the panel shows it (values at 0 left out)."""
    found = page.evaluate(
        """() => [...document.querySelectorAll('fieldset[data-facet] input')].map(box => [
            box.name, box.value,
            box.nextElementSibling.querySelector('.nd-facet__count').textContent])"""
    )
    return {(name, value): int(count) for name, value, count in found if int(count)}


def _shown_titles(page) -> set[str]:
    page.wait_for_selector("[data-nd-filtered]:not([hidden])")
    return set(page.locator(".nd-filtered__results .nd-card__title").all_inner_texts())


def _settle(page) -> None:
    """Wait until the filter panel has answered the latest choice."""
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("[data-nd-facets][data-state=ready]", state="attached")


# -- search --------------------------------------------------------------------------------


def test_a_phrase_from_one_item_finds_it_first(open_page):
    opener, foreign = open_page
    page = opener("")
    page.fill("#nd-search-input", PHRASE)
    first = page.locator(".nd-search__list .nd-result").first
    first.wait_for()
    assert first.locator("a").get_attribute("href").endswith(PHRASE_PAGE)
    assert first.locator(".nd-result__meta").inner_text() == "News · 27 February 2019"
    assert first.locator(".nd-result__excerpt mark").count() >= 1
    assert foreign == []


@pytest.mark.parametrize("width", [1280, 375])
def test_results_line_up_with_the_search_box(open_page, width):
    """On the search page the cards start and end where the search field's row does; in the
    header's panel the results start where its summary line does, and the panel ends where
    the box does."""
    opener, _ = open_page
    page = opener("search/?q=cluster", width)
    page.locator(".nd-search-page__results .nd-card").first.wait_for()
    row = page.locator(".nd-search-page__row").bounding_box()
    field = page.locator("#nd-search-page-input").bounding_box()
    button = page.get_by_role("button", name="Search", exact=True).bounding_box()
    assert button["x"] + button["width"] <= row["x"] + row["width"] + 0.5  # on a phone too
    for card in page.locator(".nd-search-page__results .nd-card").all()[:3]:
        box = card.bounding_box()
        assert abs(box["x"] - field["x"]) < 0.5
        assert abs(box["x"] + box["width"] - (row["x"] + row["width"])) < 0.5

    page.fill("#nd-search-input", "cluster")
    page.locator(".nd-search__list .nd-result").first.wait_for()
    header_box = page.locator("#nd-search-input").bounding_box()
    panel = page.locator(".nd-search__results").bounding_box()
    summary = page.locator(".nd-search__summary").bounding_box()
    assert abs(panel["x"] + panel["width"] - (header_box["x"] + header_box["width"])) < 0.5
    for result in page.locator(".nd-search__list .nd-result").all():
        assert abs(result.bounding_box()["x"] - summary["x"]) < 0.5


def test_search_works_from_the_keyboard_alone(open_page):
    opener, _ = open_page
    page = opener("news/")
    for _ in range(30):  # Tab from the top of the page until the search box has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "nd-search-input":
            break
    else:
        pytest.fail("the search box cannot be reached with Tab")
    page.keyboard.type(PHRASE)
    page.locator(".nd-search__list .nd-result").first.wait_for()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')").endswith(PHRASE_PAGE)
    page.keyboard.press("Escape")
    assert page.locator(".nd-search__results").is_hidden()
    assert page.evaluate("document.activeElement.id") == "nd-search-input"
    page.keyboard.press("ArrowDown")  # opens the results again, on the first one
    assert page.evaluate("document.activeElement.getAttribute('href')").endswith(PHRASE_PAGE)
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")  # on the input: the search page, with every result
    page.wait_for_url("**/search/?q=*")
    page.locator(".nd-search-page__results .nd-result").first.wait_for()
    for _ in range(40):  # Tab on from the search field to the first result
        page.keyboard.press("Tab")
        if "nd-result__title" in page.evaluate("document.activeElement.className"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{PHRASE_PAGE}")
    assert page.get_by_role("heading", level=1).inner_text().startswith("IDEEO success story")


def test_the_search_page_shows_twenty_results_at_a_time(open_page):
    opener, _ = open_page
    page = opener("search/?q=cluster")
    results = page.locator(".nd-search-page__results .nd-result")
    results.first.wait_for()
    status = page.locator(".nd-search-page__status")
    # Twenty results with every word: the newest shard (the build's year) has them.
    assert re.fullmatch(r"\d+ results for “cluster” since January 2020", status.inner_text())
    assert results.count() == 20
    page.get_by_role("button", name="Show more").click()
    shown = "document.querySelectorAll('.nd-search-page__results .nd-result').length"
    page.wait_for_function(f"{shown} > 20")
    total = int(status.inner_text().split()[0])  # every shard asked now
    assert status.inner_text() == f"{total} results for “cluster”"
    assert results.count() == min(total, 40)
    twenty_first = page.locator(".nd-search-page__results .nd-result__title").nth(20)
    assert page.evaluate("document.activeElement.href") == twenty_first.evaluate("a => a.href")


def test_results_show_no_word_meant_for_the_index_only(open_page):
    opener, _ = open_page
    page = opener("search/?q=policy+toolkit")
    page.locator(".nd-search-page__results .nd-result").first.wait_for()
    text = page.locator(".nd-search-page__results").inner_text()
    assert "Policy Toolkit" in text and "ndevery" not in text


def test_results_never_come_back_after_the_box_is_left_emptied_or_closed(open_page):
    opener, _ = open_page
    page = opener("")
    results = page.locator(".nd-search__results")
    page.fill("#nd-search-input", "policy")
    page.keyboard.press("Escape")  # before the answer arrives
    page.wait_for_timeout(1000)
    assert results.is_hidden()
    page.fill("#nd-search-input", "toolkit")
    page.fill("#nd-search-input", "")
    page.wait_for_timeout(1000)
    assert results.is_hidden()
    page.fill("#nd-search-input", "green")
    results.wait_for()
    page.keyboard.press("Shift+Tab")  # out of the box
    page.wait_for_timeout(500)
    assert results.is_hidden()


def test_only_main_content_is_indexed(open_page):
    opener, _ = open_page
    page = opener("search/?q=reused")  # the footer's "Content may be reused under CC BY 4.0"
    status = page.locator(".nd-search-page__status")
    status.wait_for()
    page.wait_for_function("document.querySelector('.nd-search-page__status').textContent")
    assert status.inner_text() == "No results for “reused”"
    # What the index holds of each page: not the back link under every item, nor its tags.
    contents = page.evaluate(
        """async () => {
            const index = await (await import('/assets/newsdesk.js')).searchIndex();
            const search = await (await index.use(index.shards)).search('interviews');
            return Promise.all(search.results.map(async (r) => (await r.data()).content));
        }"""
    )
    back_link, tags = "All interviews. ndevery", "Tags. "
    assert contents and not [c for c in contents if back_link in c or tags in c]
    assert not [c for c in contents if "Email version (HTML)" in c]
    page = opener("search/?q=Newsletter+archive")
    page.wait_for_function("document.querySelector('.nd-search-page__status').textContent")
    urls = page.locator(".nd-search-page__results a").evaluate_all(
        "links => links.map(a => a.pathname)"
    )
    assert "/newsletters/" not in urls and "/news/" not in urls, "listings are not results"


# -- the knowledge repository ----------------------------------------------------------------


def test_repository_filters_combine_or_within_and_across_and_survive_a_reload(open_page):
    opener, foreign = open_page
    page = opener("knowledge/")
    _settle(page)
    titles, counts = _expected("knowledge", {})
    assert _shown_counts(page) == counts
    page.check("#nd-facet-strategic_challenges-green-transition")
    page.check("#nd-facet-strategic_challenges-skills")
    page.check("#nd-facet-territorial_validity-international")
    _settle(page)
    selection = {
        "strategic_challenges": ["green-transition", "skills"],
        "territorial_validity": ["international"],
    }
    titles, counts = _expected("knowledge", selection)
    assert 0 < len(titles) < len(sample_catalog().collection("knowledge"))
    assert _shown_titles(page) == titles
    assert _shown_counts(page) == counts
    count = len(titles)
    assert page.locator(".nd-filtered__status").inner_text() == (
        f"{count} {'item matches' if count == 1 else 'items match'} the filters"
    )
    assert page.locator("[data-nd-listing]").is_hidden()
    shared = page.url
    assert re.search(r"strategic_challenges=green-transition", shared)

    page = opener(shared.split("/", 3)[3])
    _settle(page)
    assert page.is_checked("#nd-facet-territorial_validity-international")
    assert _shown_titles(page) == titles
    assert _shown_counts(page) == counts
    page.get_by_role("button", name="Clear filters").click()
    _settle(page)
    assert page.locator("[data-nd-listing]").is_visible()
    assert page.url.endswith("/knowledge/")
    assert foreign == []


def test_events_filter_by_kind_and_country(open_page):
    opener, _ = open_page
    page = opener("events/")
    _settle(page)
    page.check("#nd-facet-kind-matchmaking")
    page.check("#nd-facet-kind-mission")
    _settle(page)
    selection = {"kind": ["matchmaking", "mission"]}
    catalog = sample_catalog()
    titles, counts = _expected("events", selection, lambda e: is_upcoming(e, catalog.clock))
    assert _shown_titles(page) == titles and len(titles) >= 3
    assert _shown_counts(page) == counts


BOXES = """() => [...document.querySelectorAll('fieldset[data-facet] input')].map(box => ({
    facet: box.name, value: box.value, checked: box.checked, disabled: box.disabled,
    count: Number(box.nextElementSibling.querySelector('.nd-facet__count').textContent),
    colour: getComputedStyle(box.nextElementSibling).color}))"""


def _luminance(colour: str) -> float:
    """How light a computed ``rgb(…)``/``rgba(…)`` text colour reads on white."""
    red, green, blue, *alpha = (float(n) for n in re.findall(r"[\d.]+", colour))
    opacity = alpha[0] if alpha else 1.0
    return sum(opacity * c + (1 - opacity) * 255 for c in (red, green, blue)) / 3


def test_a_value_that_would_find_nothing_cannot_be_ticked_unless_it_is(open_page):
    opener, _ = open_page
    page = opener("knowledge/")
    _settle(page)
    assert not any(box["disabled"] for box in page.evaluate(BOXES))
    page.check("#nd-facet-kind-report")
    _settle(page)
    _, counts = _expected("knowledge", {"kind": ["report"]})
    boxes = page.evaluate(BOXES)
    for box in boxes:
        nothing = (box["facet"], box["value"]) not in counts
        assert box["disabled"] == (nothing and not box["checked"]), box
    offered = [box["colour"] for box in boxes if not box["disabled"]]
    greyed = [box["colour"] for box in boxes if box["disabled"]]
    assert greyed and max(map(_luminance, offered)) + 40 < min(map(_luminance, greyed))
    # Read as unavailable, and a click on its label ticks nothing.
    international = page.get_by_role("checkbox", name=re.compile(r"^International \("))
    assert international.is_disabled()
    assert page.get_by_role("checkbox", disabled=True).count() == len(greyed)
    page.click("label[for=nd-facet-territorial_validity-international]", force=True)
    _settle(page)
    assert not international.is_checked()
    assert page.url.endswith("?kind=report")

    # A choice from an address that finds nothing: its values stay ticked and can be
    # unticked; the one unticked, now finding nothing, hands the focus on.
    page = opener("knowledge/?kind=report&territorial_validity=international")
    _settle(page)
    assert page.locator(".nd-filtered__status").inner_text() == "0 items match the filters"
    international = page.locator("#nd-facet-territorial_validity-international")
    report = page.locator("#nd-facet-kind-report")
    assert international.is_enabled() and report.is_enabled()
    international.uncheck()
    _settle(page)
    assert international.is_disabled() and not international.is_checked()
    assert page.evaluate(
        "document.activeElement.matches('.nd-facets input[type=checkbox]:enabled')"
    )
    page.get_by_role("button", name="Clear filters").click()
    _settle(page)
    assert not any(box["disabled"] for box in page.evaluate(BOXES))


@pytest.mark.parametrize("url", ["search/?q=cluster", "knowledge/?kind=report&kind=guide"])
def test_search_and_repository_pages_are_accessible(open_page, url):
    assert AXE.exists(), "axe-core is missing: run scripts/install-test-deps"
    opener, _ = open_page
    page = opener(url)
    if url.startswith("search/"):
        page.locator(".nd-search-page__results .nd-result").first.wait_for()
    else:
        _settle(page)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


# -- without JavaScript ----------------------------------------------------------------------


def test_repository_filters_are_links_to_a_page_per_value(sample_site: Path):
    catalog = sample_catalog()
    knowledge = (sample_site / "knowledge/index.html").read_text()
    reports = [d.title for d in catalog.collection("knowledge") if d.kind == "report"]
    assert 'href="kind/report/">Report</a>' in knowledge
    page = (sample_site / "knowledge/kind/report/index.html").read_text()
    shown = re.findall(r'class="nd-card__title"><a href="[^"]*">([^<]*)</a>', page)
    assert sorted(shown) == sorted(title.replace("&", "&amp;") for title in reports)
    for facet in KNOWLEDGE_FACETS:
        assert (sample_site / "knowledge" / segment(facet) / "index.html").exists()
    regional = (sample_site / "knowledge/territorial-validity/regional/index.html").read_text()
    assert "Territorial validity: Regional" in regional


def test_attachments_are_published_with_their_type_and_size(sample_site: Path):
    name = "smart-guide-european-strategic-cluster-partnerships"
    page = (sample_site / f"knowledge/{name}/index.html").read_text()
    pdf = sample_site / f"knowledge/documents/{name}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    size = round(pdf.stat().st_size / 1024)
    assert f'href="../documents/{name}.pdf">{name}.pdf (PDF, {size} KB)</a>' in page


def test_item_pages_carry_their_filters_for_the_index(sample_site: Path):
    page = sample_site / "knowledge/smart-guide-european-strategic-cluster-partnerships/index.html"
    found = re.findall(
        r'data-pagefind-filter="(\w+)\[data-value\]" data-value="([^"]+)"', page.read_text()
    )
    assert ("collection", "knowledge") in found and ("kind", "guide") in found
    assert ("strategic_challenges", "internationalisation") in found and ("year", "2019") in found
    shards = json.loads((sample_site / "pagefind/shards.json").read_text())["shards"]
    indexed = sum(
        json.loads((sample_site / "pagefind" / shard["path"] / "pagefind-entry.json").read_text())[
            "languages"
        ]["en"]["page_count"]
        for shard in shards
    )
    pages = sum(1 for _ in sample_catalog().listed()) + len(sample_catalog().pages) - 1
    assert indexed == pages  # items and plain pages, not the home


def test_filtered_results_come_a_page_at_a_time_newest_first_across_shards(browser, tmp_path: Path):
    # Two pages per shard: reports of 2015-2019 and a guide of 2016 make three shards.
    project = make_project(tmp_path / "newsroom", page_size=2, shard_pages=2)
    for number in range(1, 6):
        project.write(
            f"knowledge/report-{number}.md",
            f"---\ntitle: Report number {number}\ndate: 201{number + 4}-0{number}-01\n"
            "summary: A report.\nkind: report\n---\nFindings.\n",
        )
    project.write(
        "knowledge/guide.md",
        "---\ntitle: A guide\ndate: 2016-08-01\nsummary: A guide.\nkind: guide\n---\nSteps.\n",
    )
    # A page whose name Pagefind's glob would misread if taken as it is.
    project.write("reading list (2015-2019), [final].md", "# Reading list\n\nA digest.\n")
    assert project.build().exit_code == 0
    shards = json.loads((project.site / "pagefind/shards.json").read_text())["shards"]
    assert [shard["path"] for shard in shards if "knowledge" in shard["collections"]] == [
        "2018-04-2019-05/",
        "2016-08-2017-03/",
        "2015-01-2016-02/",
    ]
    with serving(project.site) as url:
        page = browser.new_page()
        page.goto(f"{url}knowledge/?kind=report", wait_until="networkidle")
        _settle(page)
        titles = page.locator(".nd-filtered__results .nd-card__title")
        assert titles.all_inner_texts() == ["Report number 5", "Report number 4"]  # newest first
        more = page.get_by_role("button", name="Show more")
        more.click()
        page.wait_for_function(
            "document.querySelectorAll('.nd-filtered__results article').length == 4"
        )
        assert page.evaluate("document.activeElement.textContent") == "Report number 3"
        more.click()
        page.wait_for_function(
            "document.querySelectorAll('.nd-filtered__results article').length == 5"
        )
        assert more.is_hidden()
        counts = page.locator("fieldset[data-facet=kind] .nd-facet__count").all_inner_texts()
        assert sorted(counts) == ["1", "5"]  # every shard counted: 5 reports, 1 guide
        # The header search merges every shard.
        page.fill("#nd-search-input", "findings")
        page.locator(".nd-search__results").wait_for()
        assert page.locator(".nd-search__summary").inner_text() == "5 results for “findings”"
        page.fill("#nd-search-input", "digest")
        page.locator(".nd-search__list .nd-result a", has_text="Reading list").wait_for()
        assert page.locator(".nd-search__list .nd-result").count() == 1
        page.close()


# -- shards of the index -------------------------------------------------------------------


def _pages(collection: str, months: dict[str, int]) -> list[IndexedPage]:
    """``count`` pages of ``collection`` in each month (``2019-03``)."""
    return [
        IndexedPage(f"{collection}/{month}-{n}/index.html", collection, month, f"{month}{n}")
        for month, count in months.items()
        for n in range(count)
    ]


def _edited(pages: list[IndexedPage], path: str) -> list[IndexedPage]:
    return [
        IndexedPage(page.path, page.collection, page.month, "edited") if page.path == path else page
        for page in pages
    ]


def _changed(before: list[Shard], after: list[Shard]) -> list[Shard]:
    """The shards of ``after`` a build indexes, ``before`` in the cache."""
    kept = {shard.key("en") for shard in before}
    return [shard for shard in after if shard.key("en") not in kept]


def test_shards_run_by_months_across_collections_newest_first_and_small_this_year():
    old = {f"{year}-{month:02d}": 30 for year in (2016, 2017, 2018) for month in range(1, 13)}
    pages = [
        *_pages("news", old),
        *_pages("events", {"2018-12": 20, "2020-01": 100, "2020-02": 100, "2020-03": 60}),
        *_pages("news", {"2020-02": 100, "2020-03": 40, "2021-05": 5}),  # 2021: announced
        IndexedPage("about/index.html", PAGES, "", "about"),
    ]
    shards = plan_shards(pages, this_year=2020, limit=1000)
    assert [(shard.name, len(shard.pages)) for shard in shards] == [
        ("pages", 1),  # plain pages: a shard of their own, asked first
        ("2020-03-2021-05", 105),  # this year's runs close at a quarter of the limit
        ("2020-02", 200),
        ("2020-01", 100),
        ("2018-10-2018-12", 110),  # earlier months in runs of up to 1000 pages
        ("2016-01-2018-09", 990),  # old years grouped
    ]
    assert shards[1].collections == ("events", "news")
    assert shards[1].months == ("2020-03", "2021-05")
    assert all(len(shard.pages) <= 250 for shard in shards[1:4])


def test_an_edit_to_a_recent_item_re_indexes_one_small_shard():
    pages = [
        *_pages(
            "news",
            {f"{year}-{month:02d}": 80 for year in range(2011, 2020) for month in range(1, 13)},
        ),
        *_pages("news", {f"2020-{month:02d}": 80 for month in range(1, 12)}),
        *_pages("events", {f"2020-{month:02d}": 20 for month in range(1, 13)}),
    ]
    before = plan_shards(pages, this_year=2020)
    assert len(pages) == 9 * 12 * 80 + 11 * 80 + 12 * 20
    after = plan_shards(_edited(pages, "news/2020-11-3/index.html"), this_year=2020)
    (changed,) = _changed(before, after)
    assert changed.months[-1] == "2020-12" and len(changed.pages) <= 250
    # An old one re-indexes its run, of at most the limit.
    after = plan_shards(_edited(pages, "news/2014-06-3/index.html"), this_year=2020)
    (changed,) = _changed(before, after)
    assert "2014-06" in changed.months and len(changed.pages) <= 1000


def test_new_items_leave_earlier_shards_as_they_were():
    pages = [
        *_pages(
            "news", {f"{year}-{month:02d}": 50 for year in (2018, 2019) for month in range(1, 13)}
        ),
        *_pages("news", {"2020-01": 200, "2020-02": 90}),
    ]
    before = plan_shards(pages, this_year=2020)
    after = plan_shards([*pages, *_pages("calls", {"2020-02": 3})], this_year=2020)
    assert [shard.name for shard in _changed(before, after)] == ["2020-02"]
    # A new year: last year's small runs become one large run; older runs stay.
    later = plan_shards(pages, this_year=2021)
    assert [shard.name for shard in _changed(before, later)] == ["2019-09-2020-02"]


def test_a_shard_key_changes_with_any_page():
    pages = _pages("knowledge", {"2019-04": 3})
    (shard,) = plan_shards(pages, this_year=2020)
    assert plan_shards(_edited(pages, pages[2].path), this_year=2020)[0].key("en") != shard.key(
        "en"
    )
    assert shard.key("fr") != shard.key("en")


def test_a_query_asks_the_newest_shards_and_goes_back_only_as_far_as_it_needs(
    browser, tmp_path: Path
):
    # Eight pages per shard, two from 2020 (the build's year) on: each month of 2020 is a
    # shard of its own, and 2019 one more.
    project = make_project(tmp_path / "newsroom", shard_pages=8)
    stories = [(f"2020-0{month}-0{day}", "") for month in (1, 2) for day in range(1, 6)]
    stories += [(f"2019-0{month}-01", "") for month in range(3, 9)]
    stories[-1] = ("2019-08-01", " The lighthouse keeps watch.")
    for number, (day, more) in enumerate(stories):
        project.write(
            f"news/story-{number}.md",
            f"---\ntitle: Story {number}\ndate: {day}\nsummary: News.\n---\n"
            f"Boats in the harbour.{more}\n",
        )
    assert project.build().exit_code == 0
    shards = json.loads((project.site / "pagefind/shards.json").read_text())["shards"]
    assert [shard["path"] for shard in shards] == ["2020-02/", "2020-01/", "2019-03-2019-08/"]
    with serving(project.site) as address:
        page = browser.new_page()
        asked = set()
        page.on("request", lambda request: asked.add(request.url.split("/pagefind/")[-1]))
        page.goto(address + "news/", wait_until="networkidle")
        page.fill("#nd-search-input", "harbour")
        page.locator(".nd-search__list .nd-result").first.wait_for()
        # Eight results with the word in 2020: 2019's shard is not fetched.
        summary = page.locator(".nd-search__summary")
        assert summary.inner_text() == "10 results for “harbour” since January 2020"
        assert page.locator(".nd-search__list .nd-result").count() == 8
        assert "2020-01/pagefind-entry.json" in {url.split("?")[0] for url in asked}
        assert not [url for url in asked if url.startswith("2019-")]
        # Words only an older item has: the search goes back for it, and shows it first.
        page.fill("#nd-search-input", "lighthouse harbour")
        page.wait_for_function(
            "document.querySelector('.nd-search__summary').textContent.includes('lighthouse')"
        )
        first = page.locator(".nd-search__list .nd-result a").first
        assert first.get_attribute("href").endswith("news/story-15/")
        # The search page: fewer than a page with every word, so every shard is asked.
        page.goto(address + "search/?q=harbour", wait_until="networkidle")
        page.locator(".nd-search-page__results .nd-result").first.wait_for()
        status = page.locator(".nd-search-page__status")
        assert status.inner_text() == "16 results for “harbour”"
        assert page.locator(".nd-search-page__more").is_hidden()
        page.close()


PAGE = b"""<!doctype html><html lang="en"><head><script>var menu = "<nav>";</script></head>
<body><nav>Menu</nav><article class="nd-item" data-pagefind-body data-pagefind-sort="date:2020">
<h1>Title</h1><!-- </article> --><article class="nd-card">Card</article><p>Text</p></article>
<aside><article class="nd-card">Related</article></aside><footer>Reused</footer></body></html>"""


def test_pagefind_is_given_the_marked_elements_of_a_page_alone():
    part = indexed_part(PAGE)
    start = PAGE.index(b'<article class="nd-item"')
    end = PAGE.index(b"</article>\n<aside>") + len(b"</article>")
    assert PAGE[start:end] in part
    assert b"Menu" not in part and b"Related" not in part and b"Reused" not in part
    assert indexed_part(part) == part  # the same marked elements
    two = PAGE.replace(b"<aside>", b"<aside data-pagefind-body>")
    assert b"Related" in indexed_part(two) and b"Reused" not in indexed_part(two)


@pytest.mark.parametrize(
    "odd",
    [
        PAGE.replace(b"<nav>Menu", b"<nav>How data-pagefind-body works"),  # a mark in text
        PAGE.replace(b"<nav>Menu", b'<nav title="data-pagefind-body">'),  # in a value
        PAGE.replace(b"<nav>Menu", b"<!-- <div data-pagefind-body> -->"),  # in a comment
        PAGE.replace(b"<footer>", b'<footer data-pagefind-meta="author:Desk">'),  # outside
        PAGE.replace(b"</article>\n<aside>", b"<aside>"),  # never closed
        PAGE.replace(b" data-pagefind-body ", b" "),  # no mark
    ],
)
def test_a_page_pagefind_might_read_otherwise_is_given_whole(odd: bytes):
    assert indexed_part(odd) == odd


def _bundles(site: Path, paths: list[str], folder: Path) -> tuple[Path, Path]:
    """Bundles of the pages at ``paths`` of ``site``: as the build makes them, and by
    Pagefind's own reading of the whole pages."""
    shard = Shard("some", (), (), tuple(IndexedPage(path, "", "", "") for path in paths))
    search.index_shard(lambda path: (site / path).read_bytes(), "en", shard, folder / "fed")
    whole = folder / "whole"
    for path in paths:
        (whole / "site" / path).parent.mkdir(parents=True, exist_ok=True)
        (whole / "site" / path).write_bytes((site / path).read_bytes())
    search._run_pagefind(whole / "site", shard, "en", whole)
    return folder / "fed", whole / "index"


def _fragments(bundle: Path) -> dict[str, dict]:
    """What a bundle keeps of each page, by its address."""
    found = {}
    for path in (bundle / "fragment").iterdir():
        fragment = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        found[fragment["url"]] = fragment
    return found


def test_the_index_of_the_marked_elements_is_the_index_of_the_pages(
    sample_site: Path, tmp_path: Path
):
    paths = [
        "about/index.html",
        "newsletters/2019-03/index.html",  # cards within the item
        "news/ideeo-smart-viticulture-basilicata/index.html",
    ]
    fed, whole = _bundles(sample_site, paths, tmp_path)
    assert sorted(path.name for path in (fed / "index").iterdir()) == sorted(
        path.name for path in (whole / "index").iterdir()
    )  # the words, in files named by their content
    assert _fragments(fed) == _fragments(whole)


def test_a_page_without_a_picture_no_longer_takes_a_related_item_s(
    sample_site: Path, tmp_path: Path
):
    # Pagefind takes a page's first image for its picture, and indexes its text: on the
    # whole page, that of a related item's card, below the item.
    fed, whole = _bundles(
        sample_site, ["events/automotive-skills-conference-2020/index.html"], tmp_path
    )
    ((url, page),) = _fragments(whole).items()
    assert "news/images/" in page["meta"]["image"]
    assert "image" not in _fragments(fed)[url]["meta"]


# -- filtered listings show the static listing's cards, in its order -----------------------

CARD = """cards => cards.map(card => ({
    text: card.innerText,
    links: [...card.querySelectorAll("[href]")].map(link => link.href),
    badges: [...card.querySelectorAll(".nd-badge")].map(badge => badge.className),
}))"""


@pytest.mark.parametrize(
    ("url", "facet"),
    [
        ("events/", "kind"),  # upcoming: soonest first
        ("events/past/", "kind"),  # latest first
        ("calls/", "state"),  # open and forthcoming: nearest deadline first
        ("calls/closed/", "state"),
        ("news/", "year"),  # newest first
    ],
)
def test_a_filter_that_keeps_everything_shows_the_listing_s_own_cards(open_page, url, facet):
    opener, foreign = open_page
    page = opener(url)
    _settle(page)
    static = page.locator("[data-nd-listing] .nd-card").evaluate_all(CARD)
    assert static and all(card["text"] for card in static)
    for box in page.locator(f"fieldset[data-facet={facet}] input").all():
        box.check()  # every value: every item of the listing matches
    _settle(page)
    page.wait_for_selector("[data-nd-filtered]:not([hidden])")
    filtered = page.locator(".nd-filtered__results .nd-card").evaluate_all(CARD)
    assert filtered == static
    assert foreign == []


def test_search_results_are_the_items_cards_with_what_matched(open_page):
    opener, _ = open_page
    listing = opener("events/")
    static = listing.locator("[data-nd-listing] .nd-card").first
    title = static.locator(".nd-card__title").inner_text()
    page = opener(f"search/?q={title.split(':')[0]}")
    result = page.locator(".nd-search-page__results .nd-result", has_text=title).first
    result.wait_for()
    card = result.locator(".nd-card")
    for part in (".nd-card__kind", ".nd-card__when", ".nd-card__summary"):
        assert card.locator(part).inner_text() == static.locator(part).inner_text(), part
    badges = static.locator(".nd-badge").all_inner_texts()
    # Search results come from everywhere: they say what the upcoming listing's title did.
    assert card.locator(".nd-badge").all_inner_texts() in (["Upcoming", *badges], badges)
    assert card.locator(".nd-badge--upcoming, .nd-badge--ongoing").count() == 1
    assert card.locator(".nd-result__excerpt").count() == 1
    # The passage that matched reads on from the summary, in the card's column of text.
    assert card.locator(".nd-card__text > .nd-card__summary + .nd-result__excerpt").count() == 1


def test_filtered_results_from_several_shards_keep_the_listing_s_order(browser, tmp_path):
    project = make_project(tmp_path / "newsroom", shard_pages=2)
    starts = ["2019-06-03", "2019-11-12", "2020-05-04", "2020-09-14", "2021-01-18", "2021-03-08"]
    for number, start in enumerate(starts):
        project.write(
            f"events/event-{number}.md",
            f"---\ntitle: Event {number}\nsummary: A conference.\nkind: conference\n"
            f"start: {start}\n---\n",
        )
    assert project.build().exit_code == 0
    shards = json.loads((project.site / "pagefind/shards.json").read_text())["shards"]
    assert len([s for s in shards if "events" in s["collections"]]) == 5  # 2020 on: one each
    with serving(project.site) as address:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        for url, expected in (("events/", [2, 3, 4, 5]), ("events/past/", [1, 0])):
            page.goto(address + url, wait_until="networkidle")
            _settle(page)
            page.check("#nd-facet-kind-conference")
            _settle(page)
            page.wait_for_selector("[data-nd-filtered]:not([hidden])")
            titles = page.locator(".nd-filtered__results .nd-card__title").all_inner_texts()
            assert titles == [f"Event {number}" for number in expected], url
        context.close()


# -- the knowledge repository on a phone --------------------------------------------------

SHIFTS = """
window.ndShifts = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.ndShifts += entry.value;
}).observe({ type: "layout-shift", buffered: true });
"""


@pytest.mark.parametrize("address", ["knowledge/", "knowledge/?strategic_challenges=skills"])
def test_on_a_phone_the_repository_shows_results_first_and_filters_in_a_sheet(
    browser, base_url, address
):
    context = browser.new_context(viewport={"width": 375, "height": 667})
    context.add_init_script(SHIFTS)
    page = context.new_page()
    page.goto(base_url + address, wait_until="networkidle")
    _settle(page)
    results = ".nd-filtered__results .nd-card" if "?" in address else "[data-nd-listing] .nd-card"
    first = page.locator(results).first
    assert first.bounding_box()["y"] + 80 < 667  # its kind and title on the first screen
    assert page.evaluate("window.ndShifts") < 0.1
    before = first.bounding_box()
    opener = page.get_by_role("button", name=re.compile("^Filter"))
    opener.click()
    sheet = page.locator("dialog.nd-sheet[open]")
    sheet.wait_for()
    assert first.bounding_box() == before and page.evaluate("scrollY") == 0  # nothing moved
    sheet.get_by_label(re.compile("^Policy example")).check()  # offered with skills too
    _settle(page)
    done = sheet.get_by_role("button", name=re.compile(r"^Show \d+ results?$"))
    count = int(done.inner_text().split()[1])
    done.click()
    assert page.locator("dialog.nd-sheet[open]").count() == 0
    assert page.locator(".nd-filtered__results .nd-card").count() == count
    assert page.evaluate("document.activeElement.textContent").startswith("Filter (")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_a_long_list_of_values_folds_behind_show_more(browser, tmp_path):
    project = make_project(tmp_path / "newsroom")
    tags = [f"theme-{letter}" for letter in "abcdefghi"]
    taxonomy = project.root / "content/taxonomy.yml"
    vocabulary = "".join(f"  {tag}: Theme {tag[-1].upper()}\n" for tag in tags)
    taxonomy.write_text(taxonomy.read_text().replace("tags:\n", "tags:\n" + vocabulary, 1))
    for number, tag in enumerate(tags):
        project.write(
            f"news/story-{number}.md",
            f"---\ntitle: Story {number}\ndate: 2020-02-0{number + 1}\nsummary: News.\n"
            f"tags: [{tag}]\n---\nText.\n",
        )
    assert project.build().exit_code == 0
    with serving(project.site) as address:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(address + "news/?tags=theme-i", wait_until="networkidle")
        _settle(page)
        group = page.locator("fieldset[data-facet=tags]")
        shown = group.locator("li:visible")
        assert shown.count() == 7  # six, and the chosen one
        assert group.locator("li:visible input:checked").get_attribute("value") == "theme-i"
        group.get_by_role("button", name="Show 3 more").click()
        more = group.locator(".nd-facet__more")
        assert shown.count() == 9 and more.get_attribute("aria-expanded") == "true"
        assert more.inner_text() == "Show fewer"
        context.close()


def test_a_document_s_values_link_to_the_repository_filtered_by_them(sample_site: Path):
    name = "update-on-eu-cluster-initiatives-2019"
    page = (sample_site / f"knowledge/{name}/index.html").read_text()
    row = re.search(r"<dt>Strategic challenges</dt>\s*<dd>(.*?)</dd>", page).group(1)
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', row)
    assert [label for _, label in links] == [
        "Internationalisation",
        "Skills",
        "Industrial modernisation",
    ]
    for url, _ in links:
        target = (sample_site / f"knowledge/{name}" / url / "index.html").resolve()
        assert f'href="../../{name}/"' in target.read_text()  # the document is listed there
