"""The navigation a page outside MkDocs' navigation shows (an item, a listing's later page,
a tag page): the top level of the navigation, one link to each section, with the section
the page belongs to marked.

Material's own partial renders every section with all it holds on every page. Where
mkdocs.yml has no ``nav``, each collection is a section of one page, and that came to
10 KB of each item page for nine links. An item needs what its tabs give a desk and its
drawer a phone: the sections, each leading to its listing (a section's first page, as
Material's tabs and its ``navigation.prune`` have it), and which of them it is in. Pages
in the navigation keep Material's whole navigation, so the pages a section holds beyond
its first are one step further away, never out of reach.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from mkdocs.structure import StructureItem
from mkdocs.structure.nav import Navigation


@dataclass(frozen=True, slots=True)
class Section:
    """An entry of the navigation's top level, as a tab or a line of the drawer."""

    title: str
    url: str
    """Where it leads: its first page (a section's first of all), or a link's address."""
    more: bool
    """It holds other entries besides the one it leads to (Material's chevron says so)."""
    current: bool
    """The page shown is in it."""


def sections(nav: Navigation, page_url: str) -> tuple[Section, ...]:
    """The navigation's top level for the page at ``page_url``; the first entry holding a
    page of the same top folder (``news/`` for ``news/some-story/``) is current. Pages of a
    folder have the same sections (they share one rendering of them: ``nd_memo``)."""
    top = posixpath.dirname(page_url.rstrip("/")).split("/")[0]
    found = False
    shown = []
    for entry in nav.items:
        first = _first(entry)
        if first is None:  # a section with nothing in it leads nowhere
            continue
        current = bool(top) and not found and top in _folders(entry)
        found = found or current
        more = entry.is_section and _count(entry) > 1
        shown.append(Section(str(entry.title or ""), first, more, current))
    return tuple(shown)


def _first(entry: StructureItem) -> str | None:
    if entry.is_section:
        return next((url for child in entry.children if (url := _first(child)) is not None), None)
    return entry.url


def _pages(entry: StructureItem) -> Iterator[StructureItem]:
    if entry.is_section:
        for child in entry.children:
            yield from _pages(child)
    elif entry.is_page:
        yield entry


def _folders(entry: StructureItem) -> set[str]:
    """The top folders of the pages in ``entry``: ``news`` for ``news/`` and ``news/archive/``;
    none for the home page or a page at the top (``about.html``)."""
    return {page.url.split("/")[0] for page in _pages(entry) if "/" in page.url}


def _count(entry: StructureItem) -> int:
    return sum(_count(child) for child in entry.children) if entry.is_section else 1
