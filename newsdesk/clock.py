"""The build date: one explicit input from which every state (upcoming, open, published) derives."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

YEARS = range(1900, 2200)
"""The years a date may fall in, the build date among them: enough for any archive and any
plan, and far from the ends of what dates and time zones can be computed with (year 1,
year 9999)."""
MAX_DAYS = 3653
"""The longest span, in days, a setting may give (ten years)."""


@dataclass(frozen=True, slots=True)
class Clock:
    """The moment the site is built for, in the site's timezone."""

    now: datetime
    tz: ZoneInfo

    @property
    def today(self) -> date:
        return self.now.date()

    def moment(self, value: date | datetime) -> datetime:
        """A date-time as it is; a date as the start of that day, site time."""
        return value if isinstance(value, datetime) else self.start_of(value)

    def start_of(self, day: date) -> datetime:
        return datetime.combine(day, time(0, 0), self.tz)

    def end_of(self, day: date) -> datetime:
        """The last second of a day: a deadline given as a date closes then."""
        return datetime.combine(day, time(23, 59, 59), self.tz)

    def day_after(self, day: date) -> datetime:
        return self.start_of(day + timedelta(days=1))


_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def not_a_day(text: str) -> str | None:
    """Why ``text``, written as YYYY-MM-DD (a time may follow), names no day of the
    calendar, or None: ``2020-02-30 is not a day: February 2020 has 29 days``."""
    written = _DAY.match(text)
    if written is None:
        return None
    year, month, day = (int(part) for part in written.groups())
    if year == 0:  # not a year of the calendar at all: not what this tells
        return None
    if not 1 <= month <= 12:
        return f"{written.group()} is not a day: a year has 12 months, from 01 to 12"
    length = calendar.monthrange(year, month)[1]
    if not 1 <= day <= length:
        month_name = calendar.month_name[month]
        return f"{written.group()} is not a day: {month_name} {year} has {length} days"
    return None


def timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {name!r}; use a name like 'Europe/Brussels'") from None


def make_clock(today: str | date | datetime | None, tz_name: str) -> Clock:
    """Build the clock from ``--today`` (``YYYY-MM-DD`` or an ISO date-time); None is now."""
    tz = timezone(tz_name)
    if today is None:
        return Clock(datetime.now(tz).replace(microsecond=0), tz)
    if isinstance(today, datetime):
        moment = today
    elif isinstance(today, date):
        moment = datetime.combine(today, time(0, 0))
    else:
        try:
            moment = datetime.fromisoformat(today.strip())
        except ValueError:
            why = not_a_day(today.strip())
            raise ValueError(
                f"build date {why}"
                if why
                else f"build date {today!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM"
            ) from None
    if moment.year not in YEARS:
        raise ValueError(
            f"build date {today!s} is out of range; give a year from {YEARS.start} to "
            f"{YEARS.stop - 1}"
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return Clock(moment.astimezone(tz), tz)
