"""Where an event's and a call's calendar files are, which calendars the site offers to
subscribe to, and links that open Google Calendar with an event or a deadline filled in.

The plan links each page to its calendars from here; ``outputs.calendars`` makes the files,
at the same paths and with the same spans and titles, from here too.

All-day events are dates (the end is the day after the last, as the standard has it);
timed events carry their zone, or UTC when they were written with a bare offset.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from newsdesk.content.catalog import Catalog
from newsdesk.content.models import Call, Deadline, Event
from newsdesk.content.states import CallState
from newsdesk.content.vocabulary import EVENT_KINDS
from newsdesk.settings import SiteInfo

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


def deadline_span(deadline: Deadline) -> tuple[date | datetime, date | datetime]:
    """A deadline as a calendar shows it: its day, or the half hour before its time."""
    if isinstance(deadline.date, datetime):
        closes = _zoned(deadline.date)
        return closes - DEADLINE_BLOCK, closes
    return deadline.date, deadline.date + timedelta(days=1)


def deadline_title(call: Call, deadline: Deadline) -> str:
    """What a deadline's calendar entry is called: its label, then the call's title."""
    return f"{deadline.label or 'Deadline'}: {call.title}"


def deadline_details(call: Call, url: str) -> str:
    """What a deadline's calendar entry says: the programme, the summary, the call's page."""
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
    details = deadline_details(call, site.absolute(call.page_url))
    return tuple(
        _google_link(deadline_title(call, deadline), *deadline_span(deadline), details, catalog)
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
