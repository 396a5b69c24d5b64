"""Related items: for each item, the others that share the most tags with it and, among
those that share as many, the nearest in time: first the most recent of those dated
before it, then, where too few are, the earliest of those dated after.

Preferring the items before it (as Hugo's related content does) keeps a page's list as it
was when newer items arrive, and keeps each item on few pages but its neighbours' in time:
an edit to one item's title changes a handful of pages, not every page of its tags.

Made once per build for every item, without comparing every item with every other (the
pairs of a site of 10,000 items are 50 million): each set of up to ``WIDEST`` of an item's
tags lists the items that carry it in date order, so an item's related ones are found by
looking, from its whole set of tags down to single tags, at the few items of each list
either side of it. An item with more tags than that counts the items of its tags' lists
instead.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import combinations

from newsdesk.content.models import Item

RELATED_COUNT = 3
"""Items an item's page lists as related."""
WIDEST = 4
"""The most tags of a set that has a list: an item with ``n`` tags is in the lists of its
``2**n - 1`` sets of tags up to that, and in those of at most four of its tags beyond."""


def related_items(items: Iterable[Item], count: int = RELATED_COUNT) -> dict[str, tuple[Item, ...]]:
    """Each item's related items, by its ``src_uri``: up to ``count`` others sharing at
    least one tag with it, those sharing the most first, then the nearest in time (by the
    date that orders tag pages), those before it first. Items with none are left out."""
    oldest_first = sorted(items, key=chronological)
    holding: defaultdict[tuple[str, ...], list[int]] = defaultdict(list)
    for rank, item in enumerate(oldest_first):
        tags = sorted(item.tags)
        for size in range(1, min(len(tags), WIDEST) + 1):
            for subset in combinations(tags, size):
                holding[subset].append(rank)  # each list in date order, as ranks go
    found = {}
    for rank, item in enumerate(oldest_first):
        if len(item.tags) > WIDEST:
            chosen = _by_counting(rank, oldest_first, holding, count)
        else:
            chosen = _by_sets(rank, oldest_first, holding, count)
        if chosen:
            found[item.src_uri] = tuple(oldest_first[other] for other in chosen)
    return found


def chronological(item: Item) -> tuple:
    """What orders items oldest first, the same in every build."""
    return (item.sort_date, item.slug, item.collection)


def _nearness(rank: int, other: int) -> tuple[int, int]:
    """Orders the other items by rank from the one ranked ``rank``: those before it from the
    most recent back, then those after it from the next on."""
    return (0, rank - other) if other < rank else (1, other - rank)


def _by_sets(
    rank: int, ranked: list[Item], holding: dict[tuple[str, ...], list[int]], count: int
) -> list[int]:
    """Going from sets of all the item's tags down to single tags: while fewer than
    ``count`` are chosen, every item sharing more tags has been chosen, so the nearest of
    those in the lists of a size's sets share exactly that many."""
    tags = sorted(ranked[rank].tags)
    chosen: list[int] = []
    for size in range(len(tags), 0, -1):
        wanted = count - len(chosen)
        skip = {rank, *chosen}
        candidates: set[int] = set()
        for subset in combinations(tags, size):
            candidates.update(_nearest(holding[subset], rank, skip, wanted))
        chosen += sorted(candidates, key=lambda other: _nearness(rank, other))[:wanted]
        if len(chosen) == count:
            break
    return chosen


def _nearest(ranks: list[int], rank: int, skip: set[int], wanted: int) -> list[int]:
    """The ``wanted`` nearest of a list (in rank order, holding ``rank``) not in ``skip``:
    those before it, going back, then those after it, going on."""
    found: list[int] = []
    at = bisect_left(ranks, rank)
    for other in reversed(ranks[max(0, at - wanted - len(skip)) : at]):
        if other not in skip:
            found.append(other)
            if len(found) == wanted:
                return found
    for other in ranks[at : at + wanted + len(skip)]:
        if other not in skip:
            found.append(other)
            if len(found) == wanted:
                break
    return found


def _by_counting(
    rank: int, ranked: list[Item], holding: dict[tuple[str, ...], list[int]], count: int
) -> list[int]:
    """The tags each item shares with the one ranked ``rank``, counted over its tags' lists."""
    shared: Counter[int] = Counter()
    for tag in ranked[rank].tags:
        shared.update(holding.get((tag,), ()))
    del shared[rank]
    return sorted(shared, key=lambda other: (-shared[other], _nearness(rank, other)))[:count]
