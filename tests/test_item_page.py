"""What an item's page offers a reader besides its text: breadcrumbs (and their JSON-LD),
related items, share links, a download button for an attachment, and calendar files and
links for each deadline of a call. Pages are read with the standard HTML parser."""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from newsdesk.clock import make_clock
from newsdesk.content.catalog import Catalog, load_catalog
from newsdesk.content.models import Call, Item, KnowledgeDoc, News
from newsdesk.settings import Settings
from newsdesk.site.related import RELATED_COUNT, WIDEST, related_items
from tests.conftest import Project, sample_catalog

SITE = "https://www.clustercollaboration.eu/"
SCRATCH_SITE = "https://news.example.org/"
BRUSSELS = ZoneInfo("Europe/Brussels")
VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


# -- reading pages ---------------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag and all(
                    value in child.attrs.get(name.rstrip("_"), "").split()
                    if name == "class_"
                    else child.attrs.get(name.replace("_", "-")) == value
                    for name, value in attrs.items()
                ):
                    found.append(child)
                found += child.find_all(tag, **attrs)
        return found

    def find(self, tag: str, **attrs: str) -> Node | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    def text(self) -> str:
        """The text inside, white space collapsed as a browser shows it."""
        return " ".join(self._raw().split())

    def _raw(self) -> str:
        return "".join(c if isinstance(c, str) else c._raw() for c in self.children)


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.open[-1].children.append(node)
        if tag not in VOID:
            self.open.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


def parse(html: str) -> Node:
    tree = _Tree()
    tree.feed(html)
    return tree.root


def item_page(site: Path, item: Item) -> Node:
    return parse((site / item.page_url / "index.html").read_text(encoding="utf-8"))


def target(site: Path, page_url: str, href: str) -> Path:
    """The file of the site that a link on the page at ``page_url`` opens."""
    path = posixpath.normpath(posixpath.join("/" + page_url, unquote(urlsplit(href).path)))
    found = site / path.lstrip("/")
    return found / "index.html" if found.is_dir() else found


def graph(page: Node) -> list[dict]:
    (script,) = page.find_all("script", type="application/ld+json")
    data = json.loads(script.text())
    assert data["@context"] == "https://schema.org"
    return data["@graph"]


# -- breadcrumbs -----------------------------------------------------------------------------


def test_every_item_page_has_breadcrumbs_home_its_collection_and_itself(sample_site: Path):
    catalog = sample_catalog()
    for item in catalog.items():
        page = item_page(sample_site, item)
        (trail,) = page.find_all("nav", aria_label="Breadcrumb")
        links = trail.find_all("a")
        opened = [target(sample_site, item.page_url, link.attrs["href"]) for link in links]
        assert opened == [
            sample_site / "index.html",
            sample_site / item.collection / "index.html",
            sample_site / item.page_url / "index.html",
        ]
        listing = parse(opened[1].read_text(encoding="utf-8")).find("h1")
        assert [link.text() for link in links] == ["Home", listing.text(), item.title]
        assert [link.attrs.get("aria-current") for link in links] == [None, None, "page"]
        (crumbs,) = [node for node in graph(page) if node["@type"] == "BreadcrumbList"]
        assert [
            (entry["position"], entry["name"], entry["item"]) for entry in crumbs["itemListElement"]
        ] == [
            (1, "Home", SITE),
            (2, links[1].text(), f"{SITE}{item.collection}/"),
            (3, item.title, SITE + item.page_url),
        ]


# -- related items ---------------------------------------------------------------------------


def _shared(one: Item, other: Item) -> int:
    return len(set(one.tags) & set(other.tags))


def _when(item: Item) -> tuple:
    return (item.sort_date, item.slug, item.collection)


def _by_definition(items: list[Item], count: int) -> dict[str, tuple[str, ...]]:
    """Related items as the pages promise them, every pair compared: the most shared tags,
    then the nearest in time, the most recent before the item first, then the earliest
    after it."""
    found = {}
    for item in items:
        others = [o for o in items if o.src_uri != item.src_uri and _shared(item, o)]
        after = sorted((o for o in others if _when(o) > _when(item)), key=_when)
        before = sorted((o for o in others if _when(o) < _when(item)), key=_when, reverse=True)
        others = before + after
        others.sort(key=lambda other: _shared(item, other), reverse=True)  # stable: nearest next
        if others:
            found[item.src_uri] = tuple(o.src_uri for o in others[:count])
    return found


def test_related_items_on_the_sample_pages_share_the_most_tags_then_are_nearest(
    sample_site: Path,
):
    catalog = sample_catalog()
    expected = _by_definition(list(catalog.listed()), RELATED_COUNT)  # never an archived one
    urls = {item.page_url: item for item in catalog.items()}
    shown_anywhere = 0
    for item in catalog.items():
        page = item_page(sample_site, item)
        section = page.find("section", class_="nd-related")
        if item.src_uri not in expected:
            assert section is None, item.src_uri
            continue
        assert section is not None and section.find("h2").text() == "Related"
        cards = section.find_all("article", class_="nd-card")
        hrefs = [card.find("h3").find("a").attrs["href"] for card in cards]
        shown = []
        for href in hrefs:
            opened = target(sample_site, item.page_url, href)
            shown.append(urls[opened.parent.relative_to(sample_site).as_posix() + "/"].src_uri)
        assert tuple(shown) == expected[item.src_uri], item.src_uri
        assert item.src_uri not in shown
        shown_anywhere += len(shown)
    assert shown_anywhere > 50  # most sample items have three


def test_related_items_leave_out_drafts_and_items_sharing_no_tag(project: Project):
    def story(slug: str, day: str, tags: str, extra: str = "") -> None:
        project.write(
            f"news/{slug}.md",
            f"---\ntitle: Story {slug}\ndate: {day}\nsummary: About {slug}.\n"
            f"tags: {tags}\n{extra}---\nText.\n",
        )

    story("subject", "2020-02-01", "[green-transition, digital-transition, matchmaking]")
    story("two-shared", "2019-01-01", "[green-transition, digital-transition]")
    story("newest-one", "2020-02-20", "[matchmaking]")
    story("older-one", "2019-06-01", "[green-transition]")
    story("oldest-one", "2018-06-01", "[digital-transition]")
    story("draft", "2020-02-25", "[green-transition, digital-transition]", "draft: true\n")
    story("other", "2020-02-28", "[]")
    project.write(
        "events/fair.md",
        "---\ntitle: Matchmaking fair\nsummary: A fair.\nkind: matchmaking\n"
        "start: 2020-02-10\ntags: [matchmaking]\n---\n",
    )
    assert project.build().exit_code == 0
    page = parse(project.page("news/subject"))
    section = page.find("section", class_="nd-related")
    titles = [card.find("h3").text() for card in section.find_all("article", class_="nd-card")]
    # two tags shared first, then those sharing one, the most recent before it first;
    # never a draft
    assert titles == ["Story two-shared", "Story older-one", "Story oldest-one"]
    section = parse(project.page("news/older-one")).find("section", class_="nd-related")
    titles = [card.find("h3").text() for card in section.find_all("article", class_="nd-card")]
    assert titles == ["Story two-shared", "Story subject"]  # the one before it, then after
    assert parse(project.page("news/other")).find("section", class_="nd-related") is None
    assert "Story draft" not in project.page("news/two-shared")


TAGS = ("a", "b", "c", "d", "e", "f", "g")


@st.composite
def _stories(draw: st.DrawFn) -> list[Item]:
    count = draw(st.integers(min_value=0, max_value=24))
    stories = []
    for number in range(count):
        tags = draw(st.lists(st.sampled_from(TAGS), unique=True, max_size=len(TAGS)))
        day = date(2020, 1, 1) + timedelta(days=draw(st.integers(0, 6)))
        stories.append(
            News.model_validate(
                {
                    "slug": f"s{number}",
                    "src_uri": f"news/s{number}.md",
                    "title": f"S{number}",
                    "summary": "S",
                    "date": day,
                    "tags": tags,
                }
            )
        )
    return stories


@settings(max_examples=200, deadline=None)
@given(_stories(), st.integers(min_value=1, max_value=4))
def test_related_items_are_those_the_definition_gives(stories: list[Item], count: int):
    """Items with more tags than the widest listed set are counted another way: both ways
    give what comparing every pair gives."""
    found = related_items(stories, count)
    assert {src: tuple(o.src_uri for o in others) for src, others in found.items()} == (
        _by_definition(stories, count)
    )


def test_related_items_hold_for_items_with_many_tags(project: Project):
    assert WIDEST < 5
    many = "[green-transition, digital-transition, matchmaking, resilience, circular-economy]"
    taxonomy = (project.root / "content/taxonomy.yml").read_text()
    taxonomy = taxonomy.replace(
        "tags:\n", "tags:\n  resilience: Resilience\n  circular-economy: Circular economy\n", 1
    )
    (project.root / "content/taxonomy.yml").write_text(taxonomy)
    for slug, tags in (("wide", many), ("four", many.replace(", circular-economy", ""))):
        project.write(
            f"news/{slug}.md",
            f"---\ntitle: Story {slug}\ndate: 2020-01-01\nsummary: S.\ntags: {tags}\n---\n",
        )
    project.write(
        "news/newer.md",
        "---\ntitle: Story newer\ndate: 2020-02-01\nsummary: S.\ntags: [matchmaking]\n---\n",
    )
    assert project.build().exit_code == 0
    section = parse(project.page("news/wide")).find("section", class_="nd-related")
    assert [h.text() for h in section.find_all("h3")] == ["Story four", "Story newer"]


# -- share links -----------------------------------------------------------------------------


def test_share_links_are_plain_links_with_the_page_s_address_and_title(sample_site: Path):
    catalog = sample_catalog()
    for item in catalog.items():
        page = item_page(sample_site, item)
        address = SITE + item.page_url
        (section,) = page.find_all("section", class_="nd-share")
        links = {link.text(): link for link in section.find_all("a")}
        assert set(links) == {
            "Share by email",
            "Share on LinkedIn",
            "Share on X",
            "Share on Facebook",
        }
        assert all("noopener" in link.attrs["rel"].split() for link in links.values())

        def query(name: str, links: dict[str, Node] = links) -> dict[str, list[str]]:
            return parse_qs(urlsplit(links[name].attrs["href"]).query)

        email = links["Share by email"].attrs["href"]
        assert email.startswith("mailto:?") and "+" not in email  # a mailto: + is a plus
        assert query("Share by email") == {"subject": [item.title], "body": [address]}
        assert links["Share on LinkedIn"].attrs["href"].startswith("https://www.linkedin.com/")
        assert query("Share on LinkedIn") == {"url": [address]}
        assert links["Share on X"].attrs["href"].startswith("https://x.com/intent/tweet?")
        assert query("Share on X") == {"text": [item.title], "url": [address]}
        assert links["Share on Facebook"].attrs["href"].startswith("https://www.facebook.com/")
        assert query("Share on Facebook") == {"u": [address]}
        scripts = [s.attrs.get("src", "") for s in page.find_all("script")]
        assert [src for src in scripts if urlsplit(src).netloc] == [], "no script from elsewhere"


# -- the download button ---------------------------------------------------------------------


def test_a_document_s_download_button_names_the_file_s_type_and_real_size(sample_site: Path):
    catalog = sample_catalog()
    documents = [d for d in catalog.of(KnowledgeDoc)]
    assert any(d.file for d in documents) and not all(d.file for d in documents)
    for document in documents:
        page = item_page(sample_site, document)
        buttons = [a for a in page.find_all("a", class_="md-button") if "download" in a.attrs]
        if not document.file:
            assert buttons == [], document.src_uri
            continue
        (button,) = buttons
        published = target(sample_site, document.page_url, button.attrs["href"])
        assert published.name == posixpath.basename(document.file) and published.is_file()
        label = re.fullmatch(r"Download the [a-z ]+ \(PDF, (\d+) KB\)", button.text())
        assert label, button.text()
        assert int(label.group(1)) == max(1, round(published.stat().st_size / 1024))


def test_a_large_attachment_is_told_in_megabytes(project: Project):
    project.write(
        "knowledge/report.md",
        "---\ntitle: A report\ndate: 2020-01-01\nsummary: S.\nkind: report\n"
        "file: documents/annual-report.pdf\n---\n",
    )
    size = 3 * 1024 * 1024 + 300 * 1024
    attachment = project.root / "content/knowledge/documents/annual-report.pdf"
    attachment.parent.mkdir()
    attachment.write_bytes(b"%" * size)
    assert project.build().exit_code == 0
    page = parse(project.page("knowledge/report"))
    (button,) = [a for a in page.find_all("a", class_="md-button") if "download" in a.attrs]
    stated = re.fullmatch(r"Download the report \(PDF, (\d+\.\d) MB\)", button.text())
    assert stated and float(stated.group(1)) == round(size / 1024 / 1024, 1)
    published = target(project.site, "knowledge/report/", button.attrs["href"])
    assert published.stat().st_size == size


# -- deadlines -------------------------------------------------------------------------------


def _deadline_links(site: Path, call: Call) -> list[tuple[Path, str]]:
    """Each deadline's .ics file and Google Calendar link, as the call's page lists them."""
    page = item_page(site, call)
    (block,) = page.find_all("div", class_="nd-calendar--deadlines")
    links = []
    for entry in block.find_all("li"):
        ics, google = entry.find_all("a")
        assert "download" in ics.attrs and "noopener" in google.attrs["rel"]
        links.append((target(site, call.page_url, ics.attrs["href"]), google.attrs["href"]))
    return links


def _utc(moment: date | datetime) -> str:
    if isinstance(moment, datetime):
        return f"{moment.astimezone(ZoneInfo('UTC')):%Y%m%dT%H%M%SZ}"
    return f"{moment:%Y%m%d}"


def _check_deadline_calendar(path: Path, google: str, call: Call, number: int, site: str):
    """The file holds the deadline alone, and the Google link says what the file does."""
    deadline = call.deadlines[number]
    calendar = Calendar.from_ical(path.read_bytes())
    assert [c for c in calendar.walk() if getattr(c, "errors", None)] == []
    (event,) = calendar.walk("VEVENT")
    start, end = event["DTSTART"].dt, event["DTEND"].dt
    if isinstance(deadline.date, datetime):  # the half hour before it closes
        assert end == deadline.date and end - start == timedelta(minutes=30)
        zones = {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")}
        assert {event["DTEND"].params.get("TZID", "UTC")} <= zones | {"UTC"}
    else:  # the whole day
        assert (start, end) == (deadline.date, deadline.date + timedelta(days=1))
    assert str(event["SUMMARY"]) == f"{deadline.label or 'Deadline'}: {call.title}"
    assert str(event["URL"]) == site + call.page_url
    query = parse_qs(urlsplit(google).query)
    assert query["action"] == ["TEMPLATE"] and query["text"] == [str(event["SUMMARY"])]
    assert query["dates"] == [f"{_utc(start)}/{_utc(end)}"]


def test_each_deadline_of_every_call_has_its_own_calendar_file(sample_site: Path):
    catalog: Catalog = sample_catalog()
    uids = set()
    for call in catalog.of(Call):
        links = _deadline_links(sample_site, call)
        assert len(links) == len(call.deadlines)
        for number, (path, google) in enumerate(links):
            _check_deadline_calendar(path, google, call, number, SITE)
            uids.add(str(Calendar.from_ical(path.read_bytes()).walk("VEVENT")[0]["UID"]))
    subscribed = Calendar.from_ical((sample_site / "calendars/deadlines.ics").read_bytes())
    assert {str(e["UID"]) for e in subscribed.walk("VEVENT")} <= uids  # the same deadlines


def test_a_call_with_a_day_and_a_timed_deadline_offers_both_to_calendars(project: Project):
    project.write(
        "calls/pilots.md",
        "---\ntitle: Pilot projects\nsummary: Funding for pilots.\nprogramme: COSME\n"
        "deadlines:\n  - date: 2020-04-01\n    label: Expression of interest\n"
        "  - date: 2020-06-15 17:00\n---\n",
    )
    assert project.build().exit_code == 0
    catalog = project_catalog(project)
    (call,) = catalog.of(Call)
    assert call.deadlines[1].date == datetime(2020, 6, 15, 17, 0, tzinfo=BRUSSELS)
    links = _deadline_links(project.site, call)
    assert len(links) == 2 and links[0][0] != links[1][0]
    for number, (path, google) in enumerate(links):
        _check_deadline_calendar(path, google, call, number, SCRATCH_SITE)
    page = project.page("calls/pilots")
    assert "Expression of interest, 1 April 2020: " in page
    names = [
        a.text() for a in parse(page).find("div", class_="nd-calendar--deadlines").find_all("a")
    ]
    assert names == [
        "download (.ics) (Expression of interest)",
        "Google Calendar (Expression of interest)",
        "download (.ics) (Deadline 2)",
        "Google Calendar (Deadline 2)",
    ]


def project_catalog(project: Project) -> Catalog:
    settings = Settings(
        docs_dir=project.root / "content",
        project_dir=project.root,
        clock=make_clock("2020-03-01", "Europe/Brussels"),
    )
    return load_catalog(settings)


# -- nothing points at nothing ---------------------------------------------------------------


def test_no_link_image_or_script_of_an_item_page_points_at_nothing(sample_site: Path):
    missing = []
    for item in sample_catalog().items():
        page = item_page(sample_site, item)
        for tag, name in (("a", "href"), ("img", "src"), ("script", "src"), ("link", "href")):
            for node in page.find_all(tag):
                address = node.attrs.get(name)
                if not address or urlsplit(address).scheme or address.startswith("#"):
                    continue
                if not target(sample_site, item.page_url, address).is_file():
                    missing.append(f"{item.page_url}: {address}")
    assert missing == []
