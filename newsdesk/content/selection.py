"""What an edition contains: its sections' items, listed by slug or chosen by a rule.

Rules are evaluated at the edition's date (the start of that day, site time), not the build
date, so an edition shows what was news when it went out, whenever the site is rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

from newsdesk.clock import Clock
from newsdesk.content.catalog import Catalog, is_expired, newest_first
from newsdesk.content.models import Call, Edition, Event, Item, Section
from newsdesk.content.states import CallState, call_status, deadline_moment, event_end, event_start

DEFAULT_DAYS = {"since-previous": 31, "upcoming": 90, "open": 90, "recent": 60}
"""How far a rule looks when ``days`` is not given."""


@dataclass(frozen=True, slots=True)
class ChosenSection:
    section: Section
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class EditionContent:
    edition: Edition
    clock: Clock
    """The edition's own date, as the moment its rules were evaluated at."""
    previous: Edition | None
    lead: Item | None
    sections: tuple[ChosenSection, ...]
    key: tuple[str, ...] = ()
    """What the email is made of, as versions: the edition's file, its previous one's, and
    every item it shows, in order, with the moment its rules were evaluated at."""
    """Every section, in the editor's order; a rule may choose nothing. The lead story is
    not repeated in them."""

    def same_as(self, other: EditionContent | None) -> bool:
        """The same edition made of the same files' versions, showing the same items: by
        the files' text, not the items' values, since two date-times at one instant are
        equal however differently their zones print."""
        return other is not None and self.key == other.key


def edition_clock(edition: Edition, catalog: Catalog) -> Clock:
    """The start of the edition's day, site time."""
    return Clock(catalog.clock.start_of(edition.date), catalog.clock.tz)


def previous_edition(edition: Edition, catalog: Catalog) -> Edition | None:
    """The latest published edition dated before this one."""
    earlier = (other for other in catalog.of(Edition) if other.date < edition.date)
    return max(earlier, key=lambda other: (other.date, other.slug), default=None)


def choose_all(catalog: Catalog, closing_soon_days: int = 14) -> dict[str, EditionContent]:
    """Every published edition's items, by the edition's ``src_uri``: chosen once for both
    its web page and its email."""
    dates = _Dates(catalog)
    return {
        edition.src_uri: choose(edition, catalog, closing_soon_days, dates)
        for edition in catalog.of(Edition)
    }


class _Dates:
    """The dates the rules compare, worked out once per item for every edition."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._public: dict[str, list[tuple[date, Item]]] = {}
        self._spans: list[tuple[datetime, datetime, Event]] | None = None

    def public(self, collection: str) -> list[tuple[date, Item]]:
        """Each item's first public day, and the item, in the catalog's order."""
        if collection not in self._public:
            items = newest_first(self.catalog.every(collection))
            self._public[collection] = [(first_public_day(item), item) for item in items]
        return self._public[collection]

    def spans(self) -> list[tuple[datetime, datetime, Event]]:
        """Each event's start and end (which depend on the site's time zone only)."""
        if self._spans is None:
            clock = self.catalog.clock
            self._spans = [
                (event_start(e, clock), event_end(e, clock), e)
                for e in cast(Iterable[Event], self.catalog.every("events"))
            ]
        return self._spans


def choose(
    edition: Edition,
    catalog: Catalog,
    closing_soon_days: int = 14,
    dates: _Dates | None = None,
) -> EditionContent:
    """The edition's items; ``dates`` may hold the rules' dates, shared by every edition."""
    dates = dates or _Dates(catalog)
    clock = edition_clock(edition, catalog)
    previous = previous_edition(edition, catalog)
    chosen = []
    for section in edition.sections:
        if section.block is not None:  # the editor's own text: no items
            items = []
        elif section.items is not None:
            items = list(_listed(section, catalog))
        else:
            items = [
                item
                for item in _ruled(section, catalog, dates, clock, previous, closing_soon_days)
                if _published_on(item, edition.date) and not is_expired(item, clock)
            ]
        chosen.append((section, items))
    lead = _lead(edition, catalog, chosen)
    sections = []
    for section, items in chosen:
        items = [item for item in items if lead is None or item.src_uri != lead.src_uri]
        if section.limit is not None:
            items = items[: section.limit]
        sections.append(ChosenSection(section, tuple(items)))
    shown = [edition, previous, lead, *(item for s in sections for item in (None, *s.items))]
    key = (
        f"{clock.now.isoformat()} {clock.tz.key}",
        *(_version(item, catalog) for item in shown),
    )
    return EditionContent(edition, clock, previous, lead, tuple(sections), key)


def _version(item: Item | None, catalog: Catalog) -> str:
    """An item as its file's version, for an edition's key ("-" marks none, and where a
    section begins)."""
    if item is None:
        return "-"
    version = catalog.versions.get(item.src_uri)
    return f"{item.src_uri} {version.text if version else ''}"


def _lead(
    edition: Edition, catalog: Catalog, chosen: list[tuple[Section, list[Item]]]
) -> Item | None:
    """The edition's ``lead``, else the first item of its first section with items, if
    that section is in the main column, shows teasers, and the item is news. An edition
    that opens otherwise (across the whole width, with the sidebar, with stories in full)
    is laid out as written, with no lead it did not name."""
    if edition.lead is not None:
        by_slug = {item.slug: item for item in catalog.every("news")}
        return by_slug.get(edition.lead) or catalog.unpublished[f"news/{edition.lead}.md"]
    for section, items in chosen:
        if items:
            classic = section.placement == "main" and section.shows == "teaser"
            return items[0] if classic and items[0].collection == "news" else None
    return None


def _published_on(item: Item, day: date) -> bool:
    """Whether the item was public on ``day``: an item published later is not shown by an
    earlier edition, however often the site is rebuilt."""
    return item.goes_live is None or _day_of(item.goes_live) <= day


def first_public_day(item: Item) -> date:
    """The day an item became news: its date, or its publishing day if that came later."""
    if item.publish is None:
        return item.sort_date
    return max(item.sort_date, _day_of(item.publish))


def _day_of(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _listed(section: Section, catalog: Catalog) -> Iterable[Item]:
    """Items by slug; a draft edition may list drafts meant to be published with it."""
    by_slug = {item.slug: item for item in catalog.every(section.collection)}
    for slug in section.items or ():
        found = by_slug.get(slug) or catalog.unpublished.get(f"{section.collection}/{slug}.md")
        assert found is not None  # the catalog has checked every reference
        yield found


def _ruled(
    section: Section,
    catalog: Catalog,
    dates: _Dates,
    clock: Clock,
    previous: Edition | None,
    closing_soon_days: int,
) -> list[Item]:
    rule = section.rule
    assert rule is not None
    now = clock.now
    days = timedelta(days=section.days or DEFAULT_DAYS[rule])
    collection = section.collection
    if rule == "since-previous":
        # Public after the previous edition's day (that one showed what was public then), up
        # to this edition's day; newest first, as the catalog holds them.
        since = previous.date if previous else clock.today - days
        return [item for day, item in dates.public(collection) if since < day <= clock.today]
    if rule == "upcoming":
        # Starting within the window, or already under way and not yet over.
        soon = [
            (start, e.slug, e)
            for start, end, e in dates.spans()
            if start < now + days and end > now
        ]
        return [e for *_, e in sorted(soon)]
    if rule == "recent":
        spans = dates.spans()
        recent = [(end, e.slug, e) for _, end, e in spans if now - days < end <= now]
        return [e for *_, e in sorted(recent, reverse=True)]
    # "open": calls taking applications, or about to, with a deadline within the window
    found = []
    for call in cast(Iterable[Call], catalog.every("calls")):
        status = call_status(call, clock, closing_soon_days)
        if status.state is CallState.CLOSED or status.next is None:
            continue
        closes = deadline_moment(status.next, clock)
        if closes < now + days:
            found.append((closes, call.slug, call))
    return [call for *_, call in sorted(found)]
