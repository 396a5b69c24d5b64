"""Facets: the dimensions readers filter listings by, and each item's values on them.

The same values feed three places: the filter panels on listings (with counts), the
Pagefind filters written into each item's page (which the panels query in the browser),
and the knowledge repository's static page per facet value (for readers without
JavaScript).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import singledispatch

from newsdesk.content.catalog import Catalog
from newsdesk.content.models import Call, Event, Item
from newsdesk.content.states import CallState, deadline_moment, event_start, is_upcoming
from newsdesk.content.vocabulary import (
    COLLECTION_FACETS,
    FACET_TITLES,
    KIND_LABELS,
    segment,
)


@dataclass(frozen=True, slots=True)
class FacetValue:
    key: str
    label: str
    count: int
    url: str | None = None
    """Its static page, where there is one (the knowledge repository)."""


@dataclass(frozen=True, slots=True)
class Facet:
    name: str
    title: str
    values: tuple[FacetValue, ...]


@dataclass(frozen=True, slots=True)
class FacetPanel:
    """The filters of one listing: the facets, and what the listing itself is limited to."""

    fixed: tuple[tuple[str, tuple[str, ...]], ...]
    """Filters every query of this listing keeps (its collection; upcoming or past…)."""
    facets: tuple[Facet, ...]
    every: str = ""
    """The word every page of the listing's collection is indexed with."""
    page_size: int = 20
    """Results shown at once, as on the listing's own pages."""
    sort: tuple[str, str] = ("latest", "desc")
    """The sort key (of ``search_sorts``) and direction that put the results in the
    listing's own order."""


def values(item: Item, facet: str, catalog: Catalog) -> tuple[str, ...]:
    """An item's keys on a facet (none where it has none): where a call stands, or what
    the item says (``Item.facet_keys``)."""
    if facet == "state":
        status = catalog.call_states.get(item.src_uri)
        return (status.state.value,) if status else ()
    return item.facet_keys(facet)


def label(facet: str, key: str, catalog: Catalog, collection: str) -> str:
    taxonomy = catalog.taxonomy
    if facet == "kind":
        return KIND_LABELS.get(collection, {}).get(key, key)
    if facet == "state":
        return CallState(key).label
    if facet == "year":
        return key
    if facet == "language":
        return taxonomy.label("languages", key)
    return taxonomy.label(facet, key)


def every_word(collection: str) -> str:
    """The word every page of ``collection`` is indexed with (see ``SearchData.every``)."""
    return f"ndevery{collection}"


def search_filters(item: Item, catalog: Catalog) -> tuple[tuple[str, str], ...]:
    """The Pagefind filters of an item's page: its collection, where an event stands, and
    its value on every facet of its collection."""
    found = [("collection", item.collection)]
    found.extend(_standing(item, catalog))
    for facet in COLLECTION_FACETS.get(item.collection, ()):
        found.extend((facet, key) for key in values(item, facet, catalog))
    return tuple(found)


def search_sorts(item: Item, catalog: Catalog) -> tuple[tuple[str, str], ...]:
    """The Pagefind sort keys of an item's page, each ordering results as a listing does,
    ties by slug as there: ``latest`` (its date, for newest first), ``soonest`` (an
    event's start, for soonest first) and ``deadline`` (a call's next deadline, else its
    last, for nearest first)."""
    return (("latest", f"{item.sort_date.isoformat()} {item.slug}"), *_sorts(item, catalog))


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S")


@singledispatch
def _sorts(item: Item, catalog: Catalog) -> tuple[tuple[str, str], ...]:
    return ()


@_sorts.register
def _(item: Event, catalog: Catalog) -> tuple[tuple[str, str], ...]:
    return (("soonest", f"{_instant(event_start(item, catalog.clock))} {item.slug}"),)


@_sorts.register
def _(item: Call, catalog: Catalog) -> tuple[tuple[str, str], ...]:
    deadline = catalog.status(item).next or item.deadlines[-1]
    return (("deadline", f"{_instant(deadline_moment(deadline, catalog.clock))} {item.slug}"),)


@singledispatch
def _standing(item: Item, catalog: Catalog) -> tuple[tuple[str, str], ...]:
    """Filters for where an item stands on the build date, for collections with one."""
    return ()


@_standing.register
def _(item: Event, catalog: Catalog) -> tuple[tuple[str, str], ...]:
    return (("timing", "upcoming" if is_upcoming(item, catalog.clock) else "past"),)


def panel(
    collection: str,
    items: Iterable[Item],
    catalog: Catalog,
    fixed: tuple[tuple[str, tuple[str, ...]], ...],
    page_size: int = 20,
    sort: tuple[str, str] = ("latest", "desc"),
) -> FacetPanel:
    """The filter panel of a listing of ``items``, with each value's count among them."""
    items = list(items)
    facets = []
    for name in COLLECTION_FACETS[collection]:
        counts: dict[str, int] = {}
        for item in items:
            for key in values(item, name, catalog):
                counts[key] = counts.get(key, 0) + 1
        order = (
            sorted(counts, reverse=True)
            if name == "year"
            else sorted(counts, key=lambda key: label(name, key, catalog, collection).lower())
        )
        facet_values = tuple(
            FacetValue(
                key,
                label(name, key, catalog, collection),
                counts[key],
                static_url(name, key) if collection == "knowledge" else None,
            )
            for key in order
        )
        if facet_values:
            facets.append(Facet(name, FACET_TITLES[name], facet_values))
    return FacetPanel(fixed, tuple(facets), every_word(collection), page_size, sort)


def static_url(facet: str, key: str) -> str:
    return f"knowledge/{segment(facet)}/{key}/"
