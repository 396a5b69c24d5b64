"""Dates, times and amounts as readers read them: "26–27 November 2020", "EUR 25.15 million"."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from babel.numbers import format_compact_decimal, format_decimal

DASH = "\u2013"


@lru_cache(maxsize=8192)
def format_date(day: date, pattern: str, locale: str) -> str:
    """Babel's, remembered: a large site shows the same few thousand dates many times."""
    return babel_format_date(day, pattern, locale=locale)


def day_text(day: date, locale: str = "en_GB") -> str:
    return format_date(day, "d MMMM y", locale=locale)


def time_text(moment: datetime) -> str:
    """``17:00 CET``: the zone abbreviation says which clock the time is on."""
    return f"{moment:%H:%M} {moment.tzname()}"


def moment_text(moment: date | datetime, locale: str = "en_GB") -> str:
    if isinstance(moment, datetime):
        return f"{day_text(moment.date(), locale)}, {time_text(moment)}"
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
            return f"{text}, {time_text(start)}"
        if first == last:
            same_zone = start.tzname() == end.tzname()
            start_time = f"{start:%H:%M}" if same_zone else time_text(start)
            return f"{text}, {start_time}{DASH}{time_text(end)}"
        return f"{moment_text(start, locale)} {DASH} {moment_text(end, locale)}"
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
