"""Related items: for each item, the others that share the most tags with it, newest first
among those that share as many, as its page lists them.

Made once per build for every item, without comparing every item with every other (the
pairs of a site of 10,000 items are 50 million): each set of up to ``WIDEST`` of an item's
tags lists the items that carry it, newest first, so an item's related ones are found by
looking, from its whole set of tags down to single tags, at the first few items of each
list. An item with more tags than that counts the items of its tags' lists instead.
"""

from __future__ import annotations

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
    least one tag with it, those sharing the most first, then the newest (by the date
    that orders tag pages). Items with none are left out."""
    newest_first = sorted(items, key=_order, reverse=True)
    rank = {item.src_uri: number for number, item in enumerate(newest_first)}
    holding: defaultdict[tuple[str, ...], list[Item]] = defaultdict(list)
    for item in newest_first:
        tags = sorted(item.tags)
        for size in range(1, min(len(tags), WIDEST) + 1):
            for subset in combinations(tags, size):
                holding[subset].append(item)
    found = {}
    for item in newest_first:
        if len(item.tags) > WIDEST:
            chosen = _by_counting(item, holding, rank, count)
        else:
            chosen = _by_sets(item, holding, rank, count)
        if chosen:
            found[item.src_uri] = chosen
    return found


def _order(item: Item) -> tuple:
    """What orders items newest first, the same in every build."""
    return (item.sort_date, item.slug, item.collection)


def _by_sets(
    item: Item,
    holding: dict[tuple[str, ...], list[Item]],
    rank: dict[str, int],
    count: int,
) -> tuple[Item, ...]:
    """Going from sets of all the item's tags down to single tags: while fewer than
    ``count`` are chosen, every item sharing more tags has been chosen, so the newest of
    those in the lists of a size's sets share exactly that many."""
    tags = sorted(item.tags)
    chosen: list[Item] = []
    for size in range(len(tags), 0, -1):
        wanted = count - len(chosen)
        skip = {item.src_uri, *(other.src_uri for other in chosen)}
        candidates: dict[str, Item] = {}
        for subset in combinations(tags, size):
            taken = 0
            for other in holding.get(subset, ()):
                if other.src_uri in skip:
                    continue
                candidates[other.src_uri] = other
                taken += 1
                if taken == wanted:  # the newest of the rest come first in any list
                    break
        chosen += sorted(candidates.values(), key=lambda other: rank[other.src_uri])[:wanted]
        if len(chosen) == count:
            break
    return tuple(chosen)


def _by_counting(
    item: Item,
    holding: dict[tuple[str, ...], list[Item]],
    rank: dict[str, int],
    count: int,
) -> tuple[Item, ...]:
    """The tags each item shares with ``item``, counted over its tags' lists."""
    shared: Counter[str] = Counter()
    others: dict[str, Item] = {}
    for tag in item.tags:
        for other in holding.get((tag,), ()):
            shared[other.src_uri] += 1
            others[other.src_uri] = other
    del shared[item.src_uri]
    best = sorted(shared, key=lambda src_uri: (-shared[src_uri], rank[src_uri]))[:count]
    return tuple(others[src_uri] for src_uri in best)
