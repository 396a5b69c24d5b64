"""A round of saves as the difference it makes to a build, for the preview to apply in
place. Nothing here imports MkDocs; the adapter's plugin puts the difference in the site.

- ``content_saved``: which files of the content folder the saves touched, or None when
  they touched what every page is made of;
- ``reread``: the catalog with those files read again. An edit to published items alone
  is put in the catalog directly (``with_bodies``, ``with_items``); anything else (a file
  added or deleted, a draft, an edition, the vocabulary, an image) is a load that takes
  every other file as the last load read it;
- ``difference``: two builds' pages compared: the pages gained, those lost, and those to
  render again because their item or their spec changed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from newsdesk.clock import Clock
from newsdesk.content.catalog import (
    MARKDOWN_SUFFIXES,
    Catalog,
    is_item,
    is_published,
    load_catalog,
    reload_item,
    with_bodies,
    with_items,
)
from newsdesk.content.errors import ContentErrors
from newsdesk.content.frontmatter import Document
from newsdesk.content.models import Item
from newsdesk.engine.pipeline import Prepared
from newsdesk.settings import Settings


def content_saved(docs_dir: Path, paths: Iterable[str]) -> set[str] | None:
    """The files of the content folder among ``paths`` (absolute), as ``src_uri``; None
    when one is outside it (the configuration, a template) or is a page editors wrote
    outside the collections (MkDocs reads those itself; their titles may label the
    navigation)."""
    saved = set()
    for path in paths:
        try:
            src_uri = Path(path).relative_to(docs_dir).as_posix()
        except ValueError:
            return None
        if src_uri.lower().endswith(MARKDOWN_SUFFIXES) and not is_item(src_uri):
            return None
        saved.add(src_uri)
    return saved


def date_holds(then: Clock, now: datetime, next_change: datetime | None) -> bool:
    """Whether a build dated ``then`` still shows what one at ``now`` would: the date was
    given, or it is the same day and nothing the site shows has changed state since."""
    if now == then.now:
        return True
    return now.date() == then.today and (next_change is None or now < next_change)


@dataclass(frozen=True, slots=True)
class Reread:
    catalog: Catalog
    bodies_only: bool
    """Only bodies of published items changed: no page but theirs shows anything new."""


def reread(
    settings: Settings, prepared: Prepared, saved: Collection[str], added_or_removed: bool
) -> Reread | None:
    """The catalog with the files ``saved`` read again; None when the content has an
    error (a full build shows it)."""
    catalog = prepared.catalog
    edited = None if added_or_removed else _edited_items(settings, prepared, saved)
    if edited is not None:
        items, documents = edited
        was = catalog.versions
        if all(documents[s].version.front_matter == was[s].front_matter for s in items):
            return Reread(with_bodies(catalog, items, documents), bodies_only=True)
        return Reread(with_items(catalog, settings, items, documents), bodies_only=False)
    try:
        return Reread(load_catalog(settings, catalog, saved), bodies_only=False)
    except ContentErrors:
        return None


def _edited_items(
    settings: Settings, prepared: Prepared, saved: Collection[str]
) -> tuple[dict[str, Item], dict[str, Document]] | None:
    """The published items of ``saved`` read again, those whose file's text changed, and
    their files as read; None unless each is the file of a published item that names no
    other (an edition's references are checked by a load), is still published and has no
    error."""
    catalog = prepared.catalog
    edited, documents = {}, {}
    for src_uri in saved:
        before = prepared.items.get(src_uri)
        if before is None or before.references():
            return None
        try:
            item, document = reload_item(catalog, settings, src_uri)
        except ContentErrors:
            return None
        if not is_published(item, settings.clock):
            return None
        if document.version != catalog.versions[src_uri]:
            edited[src_uri], documents[src_uri] = item, document
    return edited, documents


def edited(before: Prepared, catalog: Catalog) -> dict[str, Item]:
    """The published items of ``catalog`` whose files' versions differ from ``before``'s,
    new ones among them."""
    was = before.catalog.versions
    return {
        item.src_uri: item
        for item in catalog.items()
        if was.get(item.src_uri) != catalog.versions[item.src_uri]
    }


@dataclass(frozen=True, slots=True)
class Difference:
    gained: tuple[str, ...]
    """Pages ``after`` has and ``before`` had not (an item's, a tag page…), by ``src_uri``."""
    lost: tuple[str, ...]
    edited: Mapping[str, Item]
    """Published items whose files changed: their pages' Markdown is new."""
    shown: frozenset[str]
    """Pages to render again: those gained, the edited items', and those whose spec (what
    the page shows) changed; every other page keeps its fingerprint."""


def difference(before: Prepared, after: Prepared) -> Difference:
    was, now = pages_of(before), pages_of(after)
    changed = edited(before, after.catalog)
    plan, old = after.plan, before.plan
    specs = plan.pages.keys() | old.pages.keys()  # the home page, written by editors or not
    respec = {src_uri for src_uri in specs if plan.get(src_uri) != old.get(src_uri)}
    return Difference(
        gained=tuple(sorted(now - was)),
        lost=tuple(sorted(was - now)),
        edited=changed,
        shown=frozenset((now - was) | changed.keys() | respec),
    )


def pages_of(prepared: Prepared) -> set[str]:
    """Every page a build makes of the content, by ``src_uri``: each published item's and
    each page the plan generates (listings, tag pages…)."""
    generated = (spec.src_uri for spec in prepared.plan.pages.values() if spec.generated)
    return {*prepared.items, *generated}
