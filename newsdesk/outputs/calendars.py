"""iCalendar files, made with the icalendar library: one per event and one per deadline of
a call, and feeds to subscribe to: every upcoming event, the upcoming events of each kind,
and the deadlines of open calls.

Where each file is, and when each entry starts and ends, come from
``site.calendar_links``, which the pages' links and Google Calendar links read too.
All-day events are dates (the end is the day after the last, as the standard has it);
timed events carry their zone (``TZID`` with a matching ``VTIMEZONE``), or UTC when they
were written with a bare offset. UIDs come from slugs, so they never change between
builds; ``DTSTAMP`` is the build date.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import cast
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone
from icalendar import Event as VEvent

from newsdesk.content.catalog import Catalog
from newsdesk.content.models import Call, Event
from newsdesk.content.states import CallState
from newsdesk.content.vocabulary import EVENT_KINDS
from newsdesk.outputs import SiteInfo
from newsdesk.site.calendar_links import (
    deadline_details,
    deadline_ics_path,
    deadline_span,
    deadline_title,
    event_ics_path,
    event_span,
)
from newsdesk.site.views import Presenter


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
                _calendar(deadline_title(call, deadline), [entry], site, tz),
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


def _deadlines(call: Call, site: SiteInfo, stamp: datetime) -> Iterator[VEvent]:
    url = site.absolute(call.page_url)
    for deadline in call.deadlines:
        entry = VEvent()
        entry.add("uid", f"{call.slug}-deadline-{_stamp(deadline.date)}@{site.host}")
        entry.add("dtstamp", stamp)
        entry.add("summary", deadline_title(call, deadline))
        start, end = deadline_span(deadline)
        entry.add("dtstart", start)
        entry.add("dtend", end)
        entry.add("description", deadline_details(call, url))
        entry.add("url", url)
        yield entry


def _stamp(moment: date | datetime) -> str:
    """A deadline's own part of its UID: its date, and time if it has one."""
    if isinstance(moment, datetime):
        return moment.strftime("%Y%m%dT%H%M")
    return moment.strftime("%Y%m%d")
