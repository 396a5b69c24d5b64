"""Every channel from one item: feeds (parsed by feedparser), calendars (parsed by icalendar),
JSON-LD and sharing tags, the sitemap and robots.txt, and the next change of state."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest
from icalendar import Calendar

from newsdesk.content.models import MODELS, Call, Event
from newsdesk.content.states import CallState
from newsdesk.content.vocabulary import EVENT_KIND_KEYS as EVENT_KINDS
from tests.conftest import Project, build_sample, error_lines, reader_pages, sample_catalog

SITE = "https://www.clustercollaboration.eu/"
FEEDS = ["feed.xml", "atom.xml"] + [f"{c}/{n}" for c in MODELS for n in ("feed.xml", "atom.xml")]


def _calendars(site: Path) -> list[Path]:
    return sorted(site.rglob("*.ics"))


# -- feeds -----------------------------------------------------------------------------------


def _content_moment(item, clock) -> datetime:
    """When the content says an item came out: its date, or a later ``publish``."""
    moment = clock.start_of(item.date)
    return max(moment, clock.moment(item.publish)) if item.publish else moment


def test_every_feed_parses_and_lists_the_newest_fifty_of_the_catalog(sample_site: Path):
    catalog = sample_catalog()
    for name in FEEDS:
        parsed = feedparser.parse((sample_site / name).read_bytes())
        assert not parsed.bozo, f"{name}: {parsed.get('bozo_exception')}"
        collection = name.split("/")[0] if "/" in name else None
        items = [i for i in catalog.listed() if collection in (None, i.collection)]
        items.sort(key=lambda i: (_content_moment(i, catalog.clock), i.src_uri), reverse=True)
        expected = [SITE + item.page_url for item in items[:50]]
        assert [entry.link for entry in parsed.entries] == expected, name
        assert [entry.id for entry in parsed.entries] == expected, name
        if name.endswith("atom.xml"):  # RFC 4287: a feed without authors on every entry has one
            assert parsed.feed.author_detail.name == "European Cluster Collaboration Platform"
        first = parsed.entries[0]
        summary = items[0].summary or getattr(items[0], "preheader", None)
        assert first.title == items[0].title and first.summary == summary
        moment = _content_moment(items[0], catalog.clock).astimezone(UTC)
        assert first.get("published_parsed") or first.get("updated_parsed")
        assert tuple((first.get("published_parsed") or first.updated_parsed)[:5]) == (
            moment.year,
            moment.month,
            moment.day,
            moment.hour,
            moment.minute,
        )


def test_every_feed_links_its_page_and_names_itself(sample_site: Path):
    """A feed reader shows a feed's <link> as the site to visit, and subscribes to the file
    that names itself "self": the HTML page, and the very file, RSS or Atom."""
    for name in FEEDS:
        parsed = feedparser.parse((sample_site / name).read_bytes())
        folder = name.rpartition("/")[0]
        page = SITE + (f"{folder}/" if folder else "")
        assert (sample_site / (f"{folder}/" if folder else "") / "index.html").exists()
        links = {link.rel: link.href for link in parsed.feed.links}
        assert parsed.feed.link == page, name
        assert links == {"alternate": page, "self": SITE + name}, name


def test_feeds_calendars_and_sitemap_do_not_change_with_the_hour_of_the_build(
    sample_site: Path, tmp_path: Path
):
    """Built again later the same day (nothing changes state in between): the same feeds and
    sitemap, and the same calendars but for their DTSTAMP."""
    again = build_sample(tmp_path / "again", "2020-03-01T12:00")
    for name in [*FEEDS, "sitemap.xml"]:
        assert (again / name).read_bytes() == (sample_site / name).read_bytes(), name
    stamp = re.compile(rb"DTSTAMP:[0-9TZ]+")
    for path in _calendars(sample_site):
        later = (again / path.relative_to(sample_site)).read_bytes()
        assert stamp.sub(b"", later) == stamp.sub(b"", path.read_bytes()), path
    dates = re.findall(
        rb"<(?:updated|lastBuildDate|pubDate)>([^<]+)<", (again / "feed.xml").read_bytes()
    )
    assert dates and all(b"2026" not in d for d in dates), "no date comes from the clock"


def test_events_and_calls_are_dated_in_feeds_by_their_announcement(sample_site: Path):
    parsed = feedparser.parse((sample_site / "events/atom.xml").read_bytes())
    entries = {entry.link: entry for entry in parsed.entries}
    strasbourg = entries[SITE + "events/eu-japan-matchmaking-strasbourg-2020/"]
    assert strasbourg.published.startswith("2020-02-25T00:00:00")  # its date, not its start


def test_pages_link_their_feeds(sample_site: Path):
    page = (sample_site / "news/index.html").read_text()
    assert 'type="application/rss+xml" title="News (RSS)" href="feed.xml"' in page
    assert 'type="application/atom+xml" title="Everything (Atom)" href="../atom.xml"' in page
    assert '<a href="feed.xml">RSS feed</a>' in page


# -- calendars ---------------------------------------------------------------------------------


def test_every_calendar_is_valid_icalendar(sample_site: Path):
    files = _calendars(sample_site)
    assert len(files) > 20
    for path in files:
        raw = path.read_bytes()
        assert raw.count(b"\r\n") == raw.count(b"\n"), f"{path}: lines end in CRLF"
        assert max(len(line) for line in raw.split(b"\r\n")) <= 75, f"{path}: long lines fold"
        calendar = Calendar.from_ical(raw)
        assert [c for c in calendar.walk() if getattr(c, "errors", None)] == []
        events = calendar.walk("VEVENT")
        uids = [str(e["UID"]) for e in events]
        assert len(uids) == len(set(uids)), path
        zones = {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")}
        used = {
            e[name].params["TZID"]
            for e in events
            for name in ("DTSTART", "DTEND")
            if "TZID" in e[name].params
        }
        assert used <= zones, f"{path}: every TZID has its VTIMEZONE"
        for event in events:
            assert "DTSTAMP" in event and str(event["URL"]).startswith(SITE)


def test_the_upcoming_events_calendar_matches_the_catalog(sample_site: Path):
    catalog = sample_catalog()
    calendar = Calendar.from_ical((sample_site / "calendars/events.ics").read_bytes())
    events = {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    assert set(events) == {e.slug for e in catalog.upcoming_events}
    # All day, over three days: dates, the end being the day after the last.
    strasbourg = events["eu-japan-matchmaking-strasbourg-2020"]
    assert strasbourg["DTSTART"].dt == date(2020, 4, 27)
    assert strasbourg["DTEND"].dt == date(2020, 4, 30)
    assert str(strasbourg["LOCATION"]) == "Strasbourg, France"
    # Written with a +09:00 offset: kept exact, in UTC.
    seoul = events["eu-korea-matchmaking-seoul-2020"]
    assert seoul["DTSTART"].dt == datetime.fromisoformat("2020-05-27T00:00:00+00:00")
    listing = (sample_site / "events/index.html").read_text()
    for kind in EVENT_KINDS:  # every kind has its calendar; offered if something is coming
        url = f"webcal://www.clustercollaboration.eu/calendars/events-{kind}.ics"
        coming = any(e.kind == kind for e in catalog.upcoming_events)
        assert (f'href="{url}"' in listing) == coming
        per_kind = Calendar.from_ical((sample_site / f"calendars/events-{kind}.ics").read_bytes())
        slugs = {str(e["UID"]).split("@")[0] for e in per_kind.walk("VEVENT")}
        assert slugs == {e.slug for e in catalog.upcoming_events if e.kind == kind}


def test_a_timed_event_in_the_site_zone_carries_its_tzid(project: Project):
    project.write(
        "events/meet-the-expert.md",
        "---\ntitle: Meet the expert\nsummary: A webinar.\nkind: webinar\n"
        "start: 2020-03-26 12:30\nend: 2020-03-26 13:30\nonline: true\n---\n",
    )
    assert project.build().exit_code == 0
    raw = project.site / "events/meet-the-expert/meet-the-expert.ics"
    calendar = Calendar.from_ical(raw.read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert event["DTSTART"].dt.hour == 12 and event["DTEND"].dt.hour == 13
    assert {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")} == {"Europe/Brussels"}


def test_the_deadlines_calendar_has_every_deadline_of_every_open_call(sample_site: Path):
    catalog = sample_catalog()
    calendar = Calendar.from_ical((sample_site / "calendars/deadlines.ics").read_bytes())
    uids = {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    open_calls = [
        c
        for c in catalog.collection("calls")
        if isinstance(c, Call) and catalog.status(c).state is not CallState.CLOSED
    ]

    def stamp(moment) -> str:
        return moment.strftime("%Y%m%dT%H%M" if isinstance(moment, datetime) else "%Y%m%d")

    assert set(uids) == {
        f"{call.slug}-deadline-{stamp(d.date)}" for call in open_calls for d in call.deadlines
    }
    innosup = uids["innosup-1-final-call-deadline-20200402T1700"]
    assert innosup["DTEND"].dt == datetime.fromisoformat("2020-04-02T17:00:00+02:00")
    assert str(innosup["URL"]) == SITE + "calls/innosup-1-final-call/"


def test_event_pages_offer_add_to_calendar(sample_site: Path):
    page = (sample_site / "events/eu-japan-matchmaking-strasbourg-2020/index.html").read_text()
    assert '<a href="eu-japan-matchmaking-strasbourg-2020.ics" download>' in page
    google = re.search(r'href="(https://calendar\.google\.com/calendar/render\?[^"]+)"', page)
    query = parse_qs(urlsplit(google.group(1).replace("&amp;", "&")).query)
    assert query["dates"] == ["20200427/20200430"]
    assert query["text"] == ["EU–Japan Cluster Matchmaking Event 2020"]
    listing = (sample_site / "events/index.html").read_text()
    assert 'href="webcal://www.clustercollaboration.eu/calendars/events.ics"' in listing


# -- structured data and sharing ----------------------------------------------------------------


def _json_ld(page: str) -> dict:
    """The page's own node of its JSON-LD graph (the one that is not its breadcrumbs)."""
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(block)
    assert data["@context"] == "https://schema.org"
    (node,) = [node for node in data["@graph"] if node["@type"] != "BreadcrumbList"]
    return node


def test_event_pages_describe_the_event_in_json_ld(sample_site: Path):
    catalog = sample_catalog()
    for event in catalog.collection("events"):
        assert isinstance(event, Event)
        data = _json_ld((sample_site / event.page_url / "index.html").read_text())
        assert data["@type"] == "Event" and data["name"] == event.title
        assert data["eventStatus"] == "https://schema.org/EventScheduled"
        assert data["eventAttendanceMode"].startswith("https://schema.org/")
        if event.location or event.online:  # the seeds name no place for a few events
            where = data["location"]
            places = where if isinstance(where, list) else [where]
            types = {p["@type"] for p in places}
            expected = {"Place"} if event.location else set()
            assert types == expected | ({"VirtualLocation"} if event.online else set())
        if isinstance(event.start, datetime):
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", data["startDate"])
        else:
            assert data["startDate"] == event.start.isoformat()
    webinar = _json_ld(
        (sample_site / "events/eu-japan-centre-webinars-march-2020/index.html").read_text()
    )
    assert webinar["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert webinar["location"]["@type"] == "VirtualLocation"


def test_news_and_knowledge_pages_describe_their_articles(sample_site: Path):
    news = _json_ld(
        (sample_site / "news/green-deal-clusters-climate-neutral-europe/index.html").read_text()
    )
    assert news["@type"] == "NewsArticle"
    assert news["datePublished"] == "2020-02-24T00:00:00+01:00"
    assert news["image"] == [SITE + "news/images/green-tech-clusters.png"]
    assert news["publisher"]["name"] == "European Cluster Collaboration Platform"
    page = sample_site / "knowledge/european-panorama-clusters-industrial-change-2019/index.html"
    doc = _json_ld(page.read_text())
    assert doc["@type"] == "Article" and doc["headline"].startswith("European Panorama")


def test_every_page_has_sharing_tags_a_canonical_url_and_a_description(sample_site: Path):
    pages = [p for p in reader_pages(sample_site) if "pagefind" not in p.parts]
    assert len(pages) > 100
    for path in pages:
        page = path.read_text()
        url = SITE + path.parent.relative_to(sample_site).as_posix() + "/"
        url = url.replace(f"{SITE}./", SITE)
        assert f'<meta property="og:url" content="{url}">' in page, path
        assert f'<link rel="canonical" href="{url}">' in page, path
        for tag in ('property="og:title"', 'property="og:description"', 'name="twitter:card"'):
            assert tag in page, (path, tag)
        assert re.search(r'<meta name="description" content="[^"]+">', page), path


# -- sitemap, robots, 404 ------------------------------------------------------------------------


SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _sitemap_rows(site: Path, name: str) -> dict[str, str | None]:
    """A sitemap's or a sitemap index's rows: each address with its last change."""
    return {
        row.find("s:loc", SITEMAP).text: getattr(row.find("s:lastmod", SITEMAP), "text", None)
        for row in ElementTree.parse(site / name).getroot()
    }


def test_the_sitemap_lists_real_pages_with_real_dates(sample_site: Path):
    """sitemap.xml is an index of one sitemap per folder, each dated by its newest page;
    every page is in one of them, once."""
    catalog = sample_catalog()
    index = ElementTree.parse(sample_site / "sitemap.xml").getroot()
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    rows: dict[str, str | None] = {}
    for part, newest in _sitemap_rows(sample_site, "sitemap.xml").items():
        part_rows = _sitemap_rows(sample_site, part.removeprefix(SITE))
        assert newest == max((m for m in part_rows.values() if m), default=None), part
        assert not rows.keys() & part_rows.keys()
        rows.update(part_rows)
    assert len(rows) == len(reader_pages(sample_site)) - 1  # all but the search page
    for loc in rows:
        assert (sample_site / loc.removeprefix(SITE) / "index.html").exists(), loc
    assert rows[SITE + "news/green-deal-clusters-climate-neutral-europe/"] == (
        "2020-02-24T00:00:00+01:00"
    )
    # A past event's page last changed when the event ended.
    assert rows[SITE + "events/eu-taiwan-matchmaking-lyon-2019/"] == "2019-03-09T00:00:00+01:00"
    # An open call: announced (and opened) in November, no deadline yet passed.
    assert rows[SITE + "calls/innosup-1-final-call/"] == "2019-11-07T00:00:00+01:00"
    now = catalog.clock.now
    assert all(datetime.fromisoformat(m) <= now for m in rows.values() if m)
    assert rows[SITE + "news/"] == "2020-02-27T00:00:00+01:00"  # its newest story
    assert (sample_site / "robots.txt").read_text().endswith(f"Sitemap: {SITE}sitemap.xml\n")


def test_the_404_page_helps_readers_on(sample_site: Path):
    page = (sample_site / "404.html").read_text()
    assert "<h1>Page not found</h1>" in page
    # A tab or a bookmark says what happened, as other pages' titles name them.
    (title,) = re.findall(r"<title>(.*?)</title>", page)
    assert title == "Page not found - European Cluster Collaboration Platform"
    form = re.search(r'<form[^>]*action="([^"]+)"[^>]*>\s*<label for="nd-404-search"', page)
    assert form and form.group(1) == "/search/"
    assert '<li><a href="/knowledge/">Knowledge repository</a></li>' in page


# -- the next change ------------------------------------------------------------------------------


NEXT_CHANGE_CONTENT = {
    "events/summit.md": (
        "---\ntitle: Cluster summit\nsummary: A summit.\nkind: conference\n"
        "start: 2020-03-10\nend: 2020-03-11\n---\n"
    ),
    "calls/fund.md": (
        "---\ntitle: Cluster fund\nsummary: A fund.\nprogramme: COSME\n"
        "deadlines:\n  - date: 2020-03-20\n---\n"
    ),
    "news/launch.md": (
        "---\ntitle: Launch story\ndate: 2020-03-01\nsummary: A launch.\n"
        "publish: 2020-03-15 10:00\n---\n"
    ),
}


@pytest.mark.parametrize(
    ("today", "next_change", "reason", "pages"),
    [
        (
            "2020-03-01",
            "2020-03-06T23:59:59+01:00",
            "“Cluster fund” is closing soon",
            {"calls/fund/": "Open", "events/summit/": "Upcoming"},
        ),
        (
            "2020-03-07",
            "2020-03-10T00:00:00+01:00",
            "“Cluster summit” starts",
            {"calls/fund/": "Closing soon"},
        ),
        (
            "2020-03-10T12:00",
            "2020-03-12T00:00:00+01:00",
            "“Cluster summit” ends",
            {"events/summit/": "Happening now"},
        ),
        (
            "2020-03-12",
            "2020-03-15T10:00:00+01:00",
            "“Launch story” is published",
            {"events/summit/": "Past event"},
        ),
        (
            "2020-03-15T10:00",
            "2020-03-20T23:59:59+01:00",
            "a deadline of “Cluster fund” passes",
            {"news/launch/": "Launch story"},
        ),
        ("2020-03-20T23:59:59", None, None, {"calls/fund/": "Closed"}),  # at the very moment
    ],
)
def test_next_change_and_the_pages_follow_the_build_date(
    project: Project, today: str, next_change: str | None, reason: str | None, pages: dict
):
    for src_uri, text in NEXT_CHANGE_CONTENT.items():
        project.write(src_uri, text)
    result = project.build("--today", today)
    assert result.exit_code == 0, result.output
    record = json.loads((project.site / "build.json").read_text())
    assert record["next_change"] == next_change
    printed = project.run("next-change", "--today", today).output
    if next_change is None:
        assert record["reasons"] == [] and printed.startswith("none")
    else:
        public = "a scheduled item is published" if "Launch" in reason else reason
        assert record["reasons"] == [public], "a scheduled item is not named before it is out"
        waiting = int(datetime.fromisoformat(today) < datetime(2020, 3, 15, 10))
        later = f"later: {waiting} item{'' if waiting == 1 else 's'} to be published, 0 items"
        assert printed == f"{next_change}\n  {reason}\n{later} to be archived\n"
    for url, shown in pages.items():
        assert shown in project.page(url), (url, shown)
    if today < "2020-03-15T10:00":
        assert not (project.site / "news/launch").exists()


def test_next_change_due_tells_a_scheduler_whether_to_rebuild(project: Project):
    project.write("events/summit.md", NEXT_CHANGE_CONTENT["events/summit.md"])
    assert project.run("next-change", "--due").exit_code == 0, "never built: due"
    assert project.build().exit_code == 0  # built for 2020-03-01: its summit has long begun
    assert project.run("next-change", "--due").exit_code == 0, "the next change has come"
    far = (date.today() + timedelta(days=400)).isoformat()
    project.write(
        "events/summit.md",
        NEXT_CHANGE_CONTENT["events/summit.md"]
        .replace("2020-03-10", far)
        .replace("2020-03-11", far),
    )
    assert project.build().exit_code == 0
    assert project.run("next-change", "--due").exit_code == 1, "the next change is a year away"


def test_a_timed_event_without_an_end_is_shown_at_its_start(project: Project):
    project.write(
        "events/talk.md",
        "---\ntitle: Expert talk\nsummary: A talk.\nkind: webinar\nstart: 2020-03-10 10:00\n"
        "online: true\n---\n",
    )
    assert project.build().exit_code == 0
    calendar = Calendar.from_ical((project.site / "events/talk/talk.ics").read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].dt == datetime.fromisoformat("2020-03-10T10:00:00+01:00")
    assert "DTEND" not in event and "DURATION" not in event
    data = _json_ld(project.page("events/talk"))
    assert data["startDate"] == "2020-03-10T10:00:00+01:00" and "endDate" not in data
    google = re.search(r"dates=([0-9TZ]+)%2F([0-9TZ]+)", project.page("events/talk"))
    assert google.groups() == ("20200310T090000Z", "20200310T100000Z")  # an hour, for Google


def test_the_events_page_offers_only_calendars_with_something_in_them(sample_site: Path):
    page = (sample_site / "events" / "index.html").read_text()
    offered = set(re.findall(r"calendars/(events[-a-z]*\.ics|deadlines\.ics)", page))
    for path in (sample_site / "calendars").glob("*.ics"):
        calendar = Calendar.from_ical(path.read_bytes())
        events = [c for c in calendar.subcomponents if c.name == "VEVENT"]
        assert (path.name in offered) == bool(events), path.name
        assert calendar.subcomponents, f"{path.name}: RFC 5545 wants one component at least"
    assert "events-workshop.ics" not in offered  # no workshop is coming up on the sample date


def test_the_events_page_offers_each_calendar_once(sample_site: Path):
    """One "Subscribe to a calendar" list, each calendar in it once for calendar apps and
    once for Google Calendar, and no second offer beside the feeds."""
    page = (sample_site / "events" / "index.html").read_text()
    webcal = re.findall(r'href="(webcal://[^"]+)"', page)
    google = re.findall(r'href="https://calendar\.google\.com/calendar/r\?cid=([^"]+)"', page)
    assert webcal and len(webcal) == len(set(webcal))
    assert sorted(parse_qs(f"cid={cid}")["cid"][0] for cid in google) == sorted(webcal)
    assert page.count("Subscribe to") == 1
    (links,) = re.findall(r'<p class="nd-links">(.*?)</p>', page)
    assert "calendar" not in links.lower()


def test_each_collection_folder_has_a_sitemap_of_its_own_pages(sample_site: Path):
    """Material's script reads the sitemap.xml beside each feed a page links, on every page:
    the site's is an index of folders, a collection's lists its own pages only."""
    for collection in MODELS:
        locs = _sitemap_rows(sample_site, f"{collection}/sitemap.xml")
        assert locs and all(loc.startswith(f"{SITE}{collection}/") for loc in locs), collection
    index = ElementTree.parse(sample_site / "sitemap.xml").getroot()
    assert index.findall("s:url", SITEMAP) == []


# -- time: items dated later, items that expire -----------------------------------------


TIMED_CONTENT = {
    "news/dated-later.md": (
        "---\ntitle: Dated later\ndate: 2020-03-05\nsummary: Out on its day.\n"
        "tags: [matchmaking]\n---\nA story for the fifth.\n"
    ),
    "news/short-lived.md": (
        "---\ntitle: Short lived\ndate: 2020-02-20\nsummary: Until the third.\n"
        "tags: [matchmaking]\nexpires: 2020-03-03\n---\nA story for a fortnight.\n"
    ),
    "news/linking.md": (
        "---\ntitle: Linking\ndate: 2020-02-21\nsummary: Links to the short-lived story.\n"
        "---\nSee [the story](short-lived.md).\n"
    ),
}


def _listed(project: Project, url: str) -> list[str]:
    return re.findall(r'class="nd-card__title"><a href="[^"]*">([^<]*)</a>', project.page(url))


def test_an_item_dated_later_waits_for_its_day_and_one_that_expires_is_archived(
    project: Project,
):
    for src_uri, text in TIMED_CONTENT.items():
        project.write(src_uri, text)

    checked = project.run("check", "--today", "2020-03-01").output
    assert "  2020-03-05 00:00  content/news/dated-later.md  “Dated later”" in checked
    printed = project.run("next-change", "--today", "2020-03-01").output.splitlines()
    assert printed[:2] == ["2020-03-03T00:00:00+01:00", "  “Short lived” is archived"]
    assert printed[-1] == "later: 1 item to be published, 1 item to be archived"

    assert project.build("--today", "2020-03-01").exit_code == 0
    assert not (project.site / "news/dated-later").exists()
    assert "Dated later" not in (project.site / "feed.xml").read_text()
    assert "Short lived" in _listed(project, "news") and "Short lived" in _listed(
        project, "tags/matchmaking"
    )

    assert project.build("--today", "2020-03-05").exit_code == 0
    assert _listed(project, "news")[0] == "Dated later"  # out on its day, newest first
    assert "Short lived" not in _listed(project, "news")
    assert "Short lived" not in _listed(project, "tags/matchmaking")
    feed = feedparser.parse((project.site / "news/feed.xml").read_bytes())
    assert [entry.title for entry in feed.entries] == ["Dated later", "Linking"]
    page = project.page("news/short-lived")  # still there for the links to it
    assert "This page was archived on 3 March 2020." in page
    assert "data-pagefind-body" not in page
    assert 'href="../short-lived/"' in project.page("news/linking")
    record = json.loads((project.site / "build.json").read_text())
    assert record["next_change"] is None
    checked = project.run("check", "--today", "2020-03-05").output
    assert "  2020-03-03 00:00  content/news/short-lived.md  “Short lived”" in checked


def test_an_item_that_would_expire_before_it_goes_live_is_an_error(project: Project):
    project.write(
        "news/never.md",
        "---\ntitle: Never seen\ndate: 2020-02-20\nsummary: Gone before it came.\n"
        "publish: 2020-02-25 09:00\nexpires: 2020-02-25\n---\nText.\n",
    )
    result = project.build("--today", "2020-03-01")
    assert result.exit_code == 1
    assert error_lines(result) == [
        "content/news/never.md:6: expires 2020-02-25 is not after the item is published "
        "(publish 2020-02-25 09:00); give a later moment or remove expires"
    ]
