"""Where events and calls stand as the build date moves, and how dates read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from newsdesk.clock import make_clock
from newsdesk.content.models import Call, Event
from newsdesk.content.states import CallState, call_status, deadline_state, is_ongoing, is_upcoming
from newsdesk.site.formatting import amount_text, range_text

BRUSSELS = ZoneInfo("Europe/Brussels")
SEOUL = timezone(timedelta(hours=9))  # a time written with an offset: "+09:00"


def event(**fields) -> Event:
    base = {
        "slug": "e",
        "src_uri": "events/e.md",
        "title": "T",
        "summary": "S",
        "kind": "conference",
    }
    return Event.model_validate(base | fields, context={"tz": BRUSSELS})


def call(**fields) -> Call:
    base = {
        "slug": "c",
        "src_uri": "calls/c.md",
        "title": "T",
        "summary": "S",
        "programme": "Horizon 2020",
    }
    return Call.model_validate(base | fields, context={"tz": BRUSSELS})


def clock(moment: str):
    return make_clock(moment, "Europe/Brussels")


SOCIAL_ECONOMY_SUMMIT = {"start": "2020-11-26", "end": "2020-11-27"}


@pytest.mark.parametrize(
    ("today", "upcoming", "ongoing"),
    [
        ("2020-03-01", True, False),
        ("2020-11-26", True, True),
        ("2020-11-27T23:59", True, True),  # the last day is still on
        ("2020-11-28", False, False),
    ],
)
def test_multi_day_event_is_upcoming_until_its_last_day_ends(today, upcoming, ongoing):
    summit = event(**SOCIAL_ECONOMY_SUMMIT)
    assert is_upcoming(summit, clock(today)) is upcoming
    assert is_ongoing(summit, clock(today)) is ongoing


def test_timed_event_ends_at_its_end_time_in_its_own_zone():
    webinar = event(kind="webinar", start="2020-03-17T10:00+09:00", end="2020-03-17T11:30+09:00")
    # 11:30 in Tokyo is 03:30 in Brussels
    assert is_upcoming(webinar, clock("2020-03-17T03:29"))
    assert not is_upcoming(webinar, clock("2020-03-17T03:31"))


INNOSUP = {
    "opens": "2019-11-07",
    "deadlines": [
        {"date": "2020-04-02 17:00", "label": "First stage"},
        {"date": "2020-09-08 17:00", "label": "Second stage"},
    ],
    "budget_eur": 25150000,
}


@pytest.mark.parametrize(
    ("today", "state", "next_label"),
    [
        ("2019-11-01", CallState.FORTHCOMING, "First stage"),
        ("2020-03-01", CallState.OPEN, "First stage"),
        ("2020-03-19T17:00", CallState.CLOSING_SOON, "First stage"),  # 14 days before
        ("2020-04-02T16:59", CallState.CLOSING_SOON, "First stage"),
        ("2020-04-02T17:01", CallState.OPEN, "Second stage"),  # follows the next one
        ("2020-08-30", CallState.CLOSING_SOON, "Second stage"),
        ("2020-09-08T17:01", CallState.CLOSED, None),
    ],
)
def test_two_stage_call_follows_its_next_deadline(today, state, next_label):
    status = call_status(call(**INNOSUP), clock(today), closing_soon_days=14)
    assert status.state is state
    assert (status.next.label if status.next else None) == next_label


def test_deadline_given_as_a_date_closes_at_the_end_of_that_day_in_brussels():
    cosme = call(deadlines=[{"date": "2019-04-04"}])
    assert call_status(cosme, clock("2019-04-04T23:59"), 14).state is CallState.CLOSING_SOON
    assert call_status(cosme, clock("2019-04-05T00:00"), 14).state is CallState.CLOSED


def test_closing_soon_window_is_configurable():
    cosme = call(deadlines=[{"date": "2019-04-04"}])
    assert call_status(cosme, clock("2019-03-10"), 14).state is CallState.OPEN
    assert call_status(cosme, clock("2019-03-10"), 30).state is CallState.CLOSING_SOON


def test_each_deadline_has_its_own_state():
    innosup = call(**INNOSUP)
    states = [deadline_state(d, innosup, clock("2020-05-01")).value for d in innosup.deadlines]
    assert states == ["passed", "next"]


def test_naive_times_are_brussels_time_and_offsets_are_kept():
    assert event(start="2020-03-17 10:00").start == datetime(2020, 3, 17, 10, tzinfo=BRUSSELS)
    assert event(start="2020-03-17T10:00+09:00").start.utcoffset().total_seconds() == 9 * 3600


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (date(2020, 5, 27), None, "27 May 2020"),
        (date(2020, 11, 26), date(2020, 11, 27), "26–27 November 2020"),
        (date(2020, 4, 30), date(2020, 5, 2), "30 April – 2 May 2020"),
        (date(2020, 12, 30), date(2021, 1, 2), "30 December 2020 – 2 January 2021"),
        (
            datetime(2020, 3, 17, 10, tzinfo=BRUSSELS),
            datetime(2020, 3, 17, 11, 30, tzinfo=BRUSSELS),
            "17 March 2020, 10:00–11:30 CET",
        ),
        (datetime(2020, 6, 1, 9, tzinfo=BRUSSELS), None, "1 June 2020, 09:00 CEST"),
        (
            datetime(2020, 5, 27, 9, tzinfo=SEOUL),
            datetime(2020, 5, 29, 17, tzinfo=SEOUL),
            "27 May 2020, 09:00 – 29 May 2020, 17:00 (UTC+9)",
        ),
        (
            datetime(2020, 3, 28, 9, tzinfo=BRUSSELS),
            datetime(2020, 3, 30, 17, tzinfo=BRUSSELS),
            "28 March 2020, 09:00 CET – 30 March 2020, 17:00 CEST",
        ),
        (
            datetime(2020, 4, 2, 17, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            None,
            "2 April 2020, 17:00 (UTC+5:30)",
        ),
        (
            datetime(2020, 4, 2, 17, tzinfo=timezone(-timedelta(hours=3))),
            None,
            "2 April 2020, 17:00 (UTC\u22123)",
        ),
        (datetime(2020, 4, 2, 17, tzinfo=UTC), None, "2 April 2020, 17:00 UTC"),
    ],
)
def test_date_ranges_read_naturally(start, end, text):
    assert range_text(start, end) == text


@pytest.mark.parametrize(
    ("euros", "text"),
    [
        (25_150_000, "EUR 25.15 million"),
        (999_999_999, "EUR 1 billion"),
        (19_000_000, "EUR 19 million"),
        (500_000, "EUR 500,000"),
    ],
)
def test_amounts(euros, text):
    assert amount_text(euros) == text


def test_build_date_accepts_a_date_or_a_date_time_and_rejects_nonsense():
    assert clock("2020-03-01").now == datetime(2020, 3, 1, tzinfo=BRUSSELS)
    assert clock("2020-03-01T12:30+00:00").now.hour == 13
    with pytest.raises(ValueError, match="build date '1 March' is not a date"):
        clock("1 March")


def test_timed_event_without_an_end_lasts_the_rest_of_its_day():
    launch = event(kind="webinar", start="2021-02-26 12:30")
    assert is_upcoming(launch, clock("2021-02-26T12:45"))
    assert is_ongoing(launch, clock("2021-02-26T12:45"))
    assert not is_upcoming(launch, clock("2021-02-27"))


def test_deadlines_on_one_day_are_ordered_by_their_time():
    bad = call(deadlines=[{"date": "2020-04-02 17:00"}, {"date": "2020-04-02 09:00"}])
    assert list(bad.problems()) == [
        (
            ("deadlines", 1, "date"),
            "deadline 2020-04-02 09:00 comes before the one above it (2020-04-02 17:00); "
            "list deadlines in date order",
        )
    ]
    late_opening = call(opens="2020-04-02 18:00", deadlines=[{"date": "2020-04-02 17:00"}])
    assert [path for path, _ in late_opening.problems()] == [("opens",)]
    same_day = call(opens="2020-04-02", deadlines=[{"date": "2020-04-02"}])
    assert list(same_day.problems()) == []
