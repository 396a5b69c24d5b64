"""iCalendar files, made with the icalendar library: one per event and one per deadline of
a call, and feeds to subscribe to: every upcoming event, the upcoming events of each kind,
and the deadlines of open calls; and links that open Google Calendar with an event or a
deadline filled in.

All-day events are dates (the end is the day after the last, as the standard has it);
timed events carry their zone (``TZID`` with a matching ``VTIMEZONE``), or UTC when they
were written with a bare offset. UIDs come from slugs, so they never change between
builds; ``DTSTAMP`` is the build date.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import cast
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone
from icalendar import Event as VEvent

from newsdesk.content.catalog import Catalog
from newsdesk.content.models import Call, Deadline, Event
from newsdesk.content.states import CallState
from newsdesk.content.vocabulary import EVENT_KINDS
from newsdesk.outputs import SiteInfo
from newsdesk.site.views import Presenter

DEADLINE_BLOCK = timedelta(minutes=30)
"""A deadline at a time shows as the half hour before it."""
DEFAULT_LENGTH = timedelta(hours=1)
"""Google Calendar needs an end: an event written without one gets an hour."""


def event_ics_path(event: Event) -> str:
    return f"{event.page_url}{event.slug}.ics"


def deadline_ics_path(call: Call, number: int) -> str:
    """The file of a call's ``number``-th deadline (from 1, as the page lists them)."""
    return f"{call.page_url}{call.slug}-deadline-{number}.ics"


def calendar_paths(catalog: Catalog) -> list[tuple[str, str]]:
    """(title, site-relative path) of each calendar offered to subscribe to: those with
    something in them. Every kind's file is written all the same (valid, with no events
    when it has none), so a subscription made earlier never breaks."""
    kinds = {event.kind for event in catalog.upcoming_events}
    calls = any(catalog.status(c).state is not CallState.CLOSED for c in catalog.of(Call))
    return [
        ("All upcoming events", "calendars/events.ics"),
        *(
            (kind.plural, f"calendars/events-{kind.key}.ics")
            for kind in EVENT_KINDS
            if kind.key in kinds
        ),
        *((("Deadlines of open calls", "calendars/deadlines.ics"),) if calls else ()),
    ]


def calendars(
    catalog: Catalog, site: SiteInfo, presenter: Presenter
) -> Iterator[tuple[str, bytes]]:
    """(site-relative path, bytes) of every calendar file."""
    stamp = catalog.clock.now.astimezone(UTC)
    tz = catalog.clock.tz
    events = cast(Iterable[Event], catalog.every("events"))  # an archived event's page too

    def own(event: Event) -> bytes:
        place = presenter.place(event)
        return _calendar(event.title, [_event(event, site, stamp, place)], site, tz)

    for event in events:  # made once per version of the event's file
        yield event_ics_path(event), presenter.once("calendar", event, own)

    def each_deadline(call: Call) -> tuple[tuple[str, bytes], ...]:
        entries = zip(call.deadlines, _deadlines(call, site, stamp), strict=True)
        return tuple(
            (
                deadline_ics_path(call, number),
                _calendar(_deadline_title(call, deadline), [entry], site, tz),
            )
            for number, (deadline, entry) in enumerate(entries, start=1)
        )

    for call in catalog.of(Call):
        yield from presenter.once("deadline calendars", call, each_deadline)
    upcoming = catalog.upcoming_events
    yield (
        "calendars/events.ics",
        _calendar(
            f"{site.name}: upcoming events",
            (_event(e, site, stamp, presenter.place(e)) for e in upcoming),
            site,
            tz,
        ),
    )
    for kind in EVENT_KINDS:
        yield (
            f"calendars/events-{kind.key}.ics",
            _calendar(
                f"{site.name}: {kind.plural.lower()}",
                (
                    _event(e, site, stamp, presenter.place(e))
                    for e in upcoming
                    if e.kind == kind.key
                ),
                site,
                tz,
            ),
        )
    calls = [c for c in catalog.of(Call) if catalog.status(c).state is not CallState.CLOSED]
    yield (
        "calendars/deadlines.ics",
        _calendar(
            f"{site.name}: deadlines of open calls",
            (entry for call in calls for entry in _deadlines(call, site, stamp)),
            site,
            tz,
        ),
    )


def _calendar(name: str, events: Iterable[VEvent], site: SiteInfo, tz: ZoneInfo) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//Newsdesk//{site.host}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    if not calendar.subcomponents:  # RFC 5545 wants one component: the site's time zone
        calendar.add_component(Timezone.from_tzid(tz.key))
    return calendar.to_ical()


def _event(event: Event, site: SiteInfo, stamp: datetime, place: str | None) -> VEvent:
    entry = VEvent()
    url = site.absolute(event.page_url)
    entry.add("uid", f"{event.slug}@{site.host}")
    entry.add("dtstamp", stamp)
    entry.add("summary", event.title)
    start, end = event_span(event)
    entry.add("dtstart", start)
    if end is not None:  # a time without an end: the event is shown at its start
        entry.add("dtend", end)
    description = event.summary
    if event.dates_note:
        description = f"{event.dates_note}. {description}"
    entry.add("description", f"{description}\n\n{url}")
    entry.add("url", url)
    if place:
        entry.add("location", place)
    return entry


def event_span(event: Event) -> tuple[date | datetime, date | datetime | None]:
    """Start and end as a calendar wants them: dates, the end being the day after the last;
    or date-times in the site's zone, or in UTC when written with a bare offset. A time
    written without an end has none."""
    if not isinstance(event.start, datetime):
        last = event.end if isinstance(event.end, date) else event.start
        return event.start, last + timedelta(days=1)
    end = _zoned(event.end) if isinstance(event.end, datetime) else None
    return _zoned(event.start), end


def _zoned(moment: datetime) -> datetime:
    if isinstance(moment.tzinfo, ZoneInfo):
        return moment
    return moment.astimezone(UTC)


def _deadlines(call: Call, site: SiteInfo, stamp: datetime) -> Iterator[VEvent]:
    url = site.absolute(call.page_url)
    for deadline in call.deadlines:
        entry = VEvent()
        entry.add("uid", f"{call.slug}-deadline-{_stamp(deadline.date)}@{site.host}")
        entry.add("dtstamp", stamp)
        entry.add("summary", _deadline_title(call, deadline))
        start, end = deadline_span(deadline)
        entry.add("dtstart", start)
        entry.add("dtend", end)
        entry.add("description", _deadline_details(call, url))
        entry.add("url", url)
        yield entry


def deadline_span(deadline: Deadline) -> tuple[date | datetime, date | datetime]:
    """A deadline as a calendar shows it: its day, or the half hour before its time."""
    if isinstance(deadline.date, datetime):
        closes = _zoned(deadline.date)
        return closes - DEADLINE_BLOCK, closes
    return deadline.date, deadline.date + timedelta(days=1)


def _deadline_title(call: Call, deadline: Deadline) -> str:
    return f"{deadline.label or 'Deadline'}: {call.title}"


def _deadline_details(call: Call, url: str) -> str:
    return f"{call.programme}. {call.summary}\n\n{url}"


def google_calendar_link(event: Event, catalog: Catalog, site: SiteInfo, place: str | None) -> str:
    """A link that opens Google Calendar with the event filled in."""
    start, end = event_span(event)
    if isinstance(start, datetime):
        end = end or start + DEFAULT_LENGTH
    details = f"{event.summary}\n\n{site.absolute(event.page_url)}"
    return _google_link(event.title, start, end, details, catalog, place)


def google_deadline_links(call: Call, catalog: Catalog, site: SiteInfo) -> tuple[str, ...]:
    """For each of a call's deadlines, a link that opens Google Calendar with it filled in,
    as its ``.ics`` has it."""
    details = _deadline_details(call, site.absolute(call.page_url))
    return tuple(
        _google_link(_deadline_title(call, deadline), *deadline_span(deadline), details, catalog)
        for deadline in call.deadlines
    )


def _google_link(
    title: str,
    start: date | datetime,
    end: date | datetime | None,
    details: str,
    catalog: Catalog,
    place: str | None = None,
) -> str:
    if isinstance(start, datetime) and isinstance(end, datetime):
        dates = f"{start.astimezone(UTC):%Y%m%dT%H%M%SZ}/{end.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    else:
        dates = f"{start:%Y%m%d}/{end:%Y%m%d}"
    query = {
        "action": "TEMPLATE",
        "text": title,
        "dates": dates,
        "details": details,
        "ctz": catalog.clock.tz.key,
    }
    if place:
        query["location"] = place
    return f"https://calendar.google.com/calendar/render?{urlencode(query)}"


def _stamp(moment: date | datetime) -> str:
    """A deadline's own part of its UID: its date, and time if it has one."""
    if isinstance(moment, datetime):
        return moment.strftime("%Y%m%dT%H%M")
    return moment.strftime("%Y%m%d")
