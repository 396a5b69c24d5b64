"""When the site next needs rebuilding: the first moment after the build date at which
anything it shows changes state (an event starts or ends, a call opens, nears or passes a
deadline, a scheduled or future-dated item goes live, an item expires)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import singledispatch

from newsdesk.content.catalog import Catalog
from newsdesk.content.models import Call, Event, Item
from newsdesk.content.states import deadline_moment, event_end, event_start, opens_moment


@dataclass(frozen=True, slots=True)
class Change:
    moment: datetime
    reasons: tuple[str, ...]
    """What happens then, fit to publish: a scheduled item is not named before it is out."""
    details: tuple[str, ...]
    """The same, naming scheduled items too: for editors."""


@singledispatch
def state_changes(
    item: Item, catalog: Catalog, closing_soon_days: int
) -> Iterator[tuple[datetime, str]]:
    """Every moment at which this item's pages change, with what happens then: an event's
    start and end, a call's opening and deadlines; none for other collections."""
    return iter(())


@state_changes.register
def _(item: Event, catalog: Catalog, closing_soon_days: int) -> Iterator[tuple[datetime, str]]:
    clock = catalog.clock
    yield event_start(item, clock), f"“{item.title}” starts"
    yield event_end(item, clock), f"“{item.title}” ends"


@state_changes.register
def _(item: Call, catalog: Catalog, closing_soon_days: int) -> Iterator[tuple[datetime, str]]:
    clock = catalog.clock
    if (opens := opens_moment(item, clock)) is not None:
        yield opens, f"“{item.title}” opens"
    for deadline in item.deadlines:
        closes = deadline_moment(deadline, clock)
        soon = closes - timedelta(days=closing_soon_days)
        yield soon, f"“{item.title}” is closing soon"
        yield closes, f"a deadline of “{item.title}” passes"


def next_change(catalog: Catalog, closing_soon_days: int) -> Change | None:
    now = catalog.clock.now
    found: dict[datetime, list[tuple[str, str]]] = defaultdict(list)
    for item in catalog.listed():
        for moment, reason in state_changes(item, catalog, closing_soon_days):
            if moment > now:
                found[moment].append((reason, reason))
        if item.expires is not None:  # not yet: the catalog has archived those past it
            reason = f"“{item.title}” is archived"
            found[catalog.clock.moment(item.expires)].append((reason, reason))
    for item, moment in scheduled(catalog):
        found[moment].append(("a scheduled item is published", f"“{item.title}” is published"))
    if not found:
        return None
    first = min(found)
    return Change(
        first,
        tuple(sorted({public for public, _ in found[first]})),
        tuple(sorted({detail for _, detail in found[first]})),
    )


def scheduled(catalog: Catalog) -> list[tuple[Item, datetime]]:
    """Items that are not drafts and not yet published, with when they will be (by their
    ``publish`` moment, else their ``date``), soonest first."""
    found = [
        (item, catalog.clock.moment(item.goes_live))
        for item in catalog.unpublished.values()
        if not item.draft and item.goes_live is not None
    ]
    return sorted(found, key=lambda pair: (pair[1], pair[0].src_uri))


def build_record(catalog: Catalog, change: Change | None) -> bytes:
    """``build.json``: the build date, and when the content next changes state."""
    record = {
        "build_date": catalog.clock.now.isoformat(),
        "next_change": change.moment.isoformat() if change else None,
        "next_change_utc": change.moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if change
        else None,
        "reasons": list(change.reasons) if change else [],
    }
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
