"""Where each event and call stands on the build date: upcoming or past; open, closing, closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from newsdesk.clock import Clock
from newsdesk.content.models import Call, Deadline, Event


class CallState(Enum):
    FORTHCOMING = "forthcoming"
    OPEN = "open"
    CLOSING_SOON = "closing-soon"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            "forthcoming": "Forthcoming",
            "open": "Open",
            "closing-soon": "Closing soon",
            "closed": "Closed",
        }[self.value]


class DeadlineState(Enum):
    PASSED = "passed"
    NEXT = "next"
    LATER = "later"


def event_start(event: Event, clock: Clock) -> datetime:
    return clock.moment(event.start)


def event_end(event: Event, clock: Clock) -> datetime:
    """When the event is over: its end time, or the end of its last day (a timed event with
    no end time is taken to last the rest of its day)."""
    if isinstance(event.end, datetime):
        return event.end
    last = event.end or event.start
    if isinstance(last, datetime):
        return clock.day_after(last.astimezone(clock.tz).date())
    return clock.day_after(last)


def is_upcoming(event: Event, clock: Clock) -> bool:
    """Upcoming until it is over, so an event under way still counts as upcoming."""
    return event_end(event, clock) > clock.now


def is_ongoing(event: Event, clock: Clock) -> bool:
    return event_start(event, clock) <= clock.now < event_end(event, clock)


def deadline_moment(deadline: Deadline, clock: Clock) -> datetime:
    """A deadline given as a date closes at the end of that day, site time."""
    if isinstance(deadline.date, datetime):
        return deadline.date
    return clock.end_of(deadline.date)


def opens_moment(call: Call, clock: Clock) -> datetime | None:
    if call.opens is None:
        return None
    return clock.moment(call.opens)


def next_deadline(call: Call, clock: Clock) -> Deadline | None:
    """The first deadline still ahead; the call's state follows it."""
    for deadline in call.deadlines:
        if deadline_moment(deadline, clock) > clock.now:  # closed from its moment on
            return deadline
    return None


@dataclass(frozen=True, slots=True)
class CallStatus:
    state: CallState
    next: Deadline | None


def call_status(call: Call, clock: Clock, closing_soon_days: int) -> CallStatus:
    upcoming = next_deadline(call, clock)
    if upcoming is None:
        return CallStatus(CallState.CLOSED, None)
    opens = opens_moment(call, clock)
    if opens is not None and clock.now < opens:
        return CallStatus(CallState.FORTHCOMING, upcoming)
    if deadline_moment(upcoming, clock) - clock.now <= timedelta(days=closing_soon_days):
        return CallStatus(CallState.CLOSING_SOON, upcoming)
    return CallStatus(CallState.OPEN, upcoming)


def deadline_state(deadline: Deadline, call: Call, clock: Clock) -> DeadlineState:
    if deadline_moment(deadline, clock) <= clock.now:
        return DeadlineState.PASSED
    return DeadlineState.NEXT if deadline is next_deadline(call, clock) else DeadlineState.LATER
