"""Dates, times and amounts as readers read them: "26–27 November 2020", "EUR 25.15 million"."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import get_timezone_name
from babel.numbers import format_compact_decimal, format_decimal

DASH = "\u2013"


@lru_cache(maxsize=8192)
def format_date(day: date, pattern: str, locale: str) -> str:
    """Babel's, remembered: a large site shows the same few thousand dates many times."""
    return babel_format_date(day, pattern, locale=locale)


def day_text(day: date, locale: str = "en_GB") -> str:
    return format_date(day, "d MMMM y", locale=locale)


def zone_text(moment: datetime, locale: str = "en_GB") -> str:
    """The clock a time is on, as a person writes it after the time: the zone's short name
    where the locale has one (``CET``, ``BST``, ``UTC``), else the offset from UTC in
    brackets (``(UTC+9)``, ``(UTC+5:30)``, ``(UTC−3)``), as for a time given with an
    offset rather than a zone."""
    if isinstance(moment.tzinfo, ZoneInfo):
        name = _short_zone_name(moment.tzinfo, moment.replace(tzinfo=None), locale)
        if name:
            return name
    offset = moment.utcoffset() or timedelta()
    if not offset:
        return "UTC"
    sign = "+" if offset > timedelta() else "\u2212"
    hours, seconds = divmod(abs(int(offset.total_seconds())), 3600)
    minutes = f":{seconds // 60:02d}" if seconds // 60 else ""
    return f"(UTC{sign}{hours}{minutes})"


@lru_cache(maxsize=1024)
def _short_zone_name(zone: ZoneInfo, wall_clock: datetime, locale: str) -> str | None:
    """Babel's short name of ``zone`` at that time, if it is an abbreviation (``CET``);
    where the locale has none, Babel gives an offset (``+0900``) or a long name."""
    name = get_timezone_name(wall_clock.replace(tzinfo=zone), "short", locale=locale)
    return name if name.isalpha() and name.isupper() else None


def time_text(moment: datetime, locale: str = "en_GB") -> str:
    """``17:00 CET``, ``09:00 (UTC+9)``: the time, and which clock it is on."""
    return f"{moment:%H:%M} {zone_text(moment, locale)}"


def moment_text(moment: date | datetime, locale: str = "en_GB") -> str:
    if isinstance(moment, datetime):
        return f"{day_text(moment.date(), locale)}, {time_text(moment, locale)}"
    return day_text(moment, locale)


def range_text(start: date | datetime, end: date | datetime | None, locale: str = "en_GB") -> str:
    """A date range written once, naturally: shared month and year are not repeated."""
    first = start.date() if isinstance(start, datetime) else start
    last = end.date() if isinstance(end, datetime) else (end or first)
    if first == last:
        text = day_text(first, locale)
    elif (first.year, first.month) == (last.year, last.month):
        text = f"{format_date(first, 'd', locale=locale)}{DASH}{day_text(last, locale)}"
    elif first.year == last.year:
        text = f"{format_date(first, 'd MMMM', locale=locale)} {DASH} {day_text(last, locale)}"
    else:
        text = f"{day_text(first, locale)} {DASH} {day_text(last, locale)}"
    if isinstance(start, datetime):
        if end is None or not isinstance(end, datetime):
            return f"{text}, {time_text(start, locale)}"
        # The zone is said once, after the end, when both are on the same clock.
        same_zone = zone_text(start, locale) == zone_text(end, locale)
        start_time = f"{start:%H:%M}" if same_zone else time_text(start, locale)
        if first == last:
            return f"{text}, {start_time}{DASH}{time_text(end, locale)}"
        return (
            f"{day_text(first, locale)}, {start_time} {DASH} "
            f"{day_text(last, locale)}, {time_text(end, locale)}"
        )
    return text


def amount_text(euros: float, locale: str = "en_GB") -> str:
    """``EUR 25.15 million`` for large sums, ``EUR 500,000`` below a million."""
    if euros >= 1_000_000:
        # Round first, so 999,999,999 reads "1 billion", not "1000 million".
        rounded = round(euros / 1_000_000, 2) * 1_000_000
        compact = format_compact_decimal(
            rounded, format_type="long", locale=locale, fraction_digits=2
        )
        return f"EUR {compact}"
    return f"EUR {format_decimal(euros, locale=locale)}"


FILE_TYPES = {
    ".pdf": "PDF",
    ".pptx": "PowerPoint",
    ".ppt": "PowerPoint",
    ".docx": "Word",
    ".doc": "Word",
    ".odt": "OpenDocument text",
    ".odp": "OpenDocument presentation",
    ".xlsx": "Excel",
    ".ods": "OpenDocument spreadsheet",
    ".csv": "CSV",
    ".zip": "ZIP",
    ".epub": "EPUB",
}


def file_text(name: str, size: int, locale: str = "en_GB") -> str:
    """``PDF, 1.2 MB``: what a reader needs before downloading an attachment."""
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    kind = FILE_TYPES.get(suffix, suffix.lstrip(".").upper() or "File")
    if size >= 1024 * 1024:
        amount = f"{format_decimal(size / 1024 / 1024, '#,##0.0', locale=locale)} MB"
    else:
        amount = f"{format_decimal(max(size / 1024, 1), '#,##0', locale=locale)} KB"
    return f"{kind}, {amount}"
