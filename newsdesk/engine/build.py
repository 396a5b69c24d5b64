"""One build of the site, read top to bottom: load, plan, outputs and editions
(``pipeline.prepare``), then the theme's files and every page, the outputs and editions
written, the copies of images, and the search index.

The build date is in ``settings`` (its clock) and the previous build's state is an
argument: the site this one replaces, whose pages, copies and shards are taken where they
are as the last build left them. What the engine needs of MkDocs and Material, it asks of
a ``Theme``: the adapter is one, and MkDocs' own ``build()`` is never entered (``mkdocs
build`` reaches this function through the plugin, which hands MkDocs no pages).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from newsdesk import stage
from newsdesk.content.errors import ContentError, ContentErrors
from newsdesk.engine import pipeline
from newsdesk.engine.cache import CACHE_DIR, BuildCache, digest
from newsdesk.engine.pipeline import Prepared
from newsdesk.engine.search import ShardRecords, index_site, indexed_pages, plan_shards
from newsdesk.newsletter.config import NewsletterSettings
from newsdesk.settings import Settings

LOG = logging.getLogger(__name__)
"""Where a build tells what it did, unless its caller says otherwise."""


class Theme(Protocol):
    """What a build asks of the site generator whose theme renders the pages."""

    def open(self, prepared: Prepared, problems: tuple[ContentError, ...]) -> None:
        """The site's files, navigation and templates, for the pages of ``prepared``
        (``problems``: errors the preview shows on every page)."""

    def write_theme_files(self, site_dir: Path) -> None:
        """The theme's assets and pages of its own (404.html), the content's other files."""

    def render_pages(self, site_dir: Path) -> dict[str, str]:
        """Every page into ``site_dir``; returns each one's path there and fingerprint."""

    def item_pages(self) -> dict[str, str]:
        """The ``src_uri`` of the item each item page shows, by the page's path in the site."""


@dataclass(frozen=True)
class Built:
    """What a build made of the content, and the fingerprint of each page it wrote."""

    prepared: Prepared
    pages: dict[str, str]
    problems: tuple[ContentError, ...] = ()
    """Errors in the content the preview shows over ``prepared``, the last good content."""


@dataclass(frozen=True)
class Limits:
    """What mkdocs.yml bounds a build by."""

    shard_pages: int
    """The most pages a shard of the search index holds."""
    cache_bytes: int
    """The most the cache keeps after a build."""


Indexing = Callable[[Callable[[], bool]], tuple[int, int]]
"""The search index made, while the callable given says that it is still wanted; returns
how many shards were indexed, of how many."""


def build(
    theme: Theme,
    settings: Settings,
    mail: Callable[[], NewsletterSettings],
    site_dir: Path,
    limits: Limits,
    replacing: Path | None = None,
    last_good: Prepared | None = None,
    strict: bool = False,
    index_later: Callable[[Indexing], None] | None = None,
    log: logging.Logger = LOG,
) -> Built:
    """The whole site into ``site_dir``, to take the place of the site at ``replacing``
    (pages, copies of images and shards of the search index are linked from there where
    they are as the last build left them). Raises ContentErrors, with every problem of
    the content, before anything is written. With ``last_good`` (the preview), content
    with errors builds the last good content instead, with the errors on every page; its
    item views are reused where their files are as they were, and the search index is
    handed to ``index_later`` rather than made before returning. The build tells what it
    did to ``log``; a ``strict`` one fails on any warning of a logger of the program that
    runs it (``mkdocs`` and every logger below it, for ``log`` named ``mkdocs.…``)."""
    started = time.time() - 2  # what this build uses, even on a coarse clock
    cache = BuildCache(settings.project_dir / CACHE_DIR)
    problems: tuple[ContentError, ...] = ()
    views = last_good.presenter if last_good is not None else None
    try:
        prepared = pipeline.prepare(settings, mail, views=views)
    except ContentErrors as exc:
        if last_good is None:
            raise
        prepared, problems = last_good, exc.errors
    program = logging.getLogger(log.name.partition(".")[0])
    with _counting_warnings(program, strict) as warned:
        theme.open(prepared, problems)
        theme.write_theme_files(site_dir)
        pages = theme.render_pages(site_dir)
        pipeline.write(site_dir, prepared)
        log.debug(pipeline.write_copies(site_dir, prepared, settings, cache, None, replacing))
        if warned():
            raise StrictWarnings(warned())
    item_pages = theme.item_pages()

    def indexing(wanted: Callable[[], bool]) -> tuple[int, int]:
        made_of = (prepared, pages, item_pages, cache, limits)
        return index(site_dir, settings, *made_of, wanted, replacing)

    if index_later is None:
        indexing(lambda: True)
    else:
        index_later(indexing)
    cache.prune(limits.cache_bytes, used_since=started)
    return Built(prepared, pages, problems)


def index(
    site_dir: Path,
    settings: Settings,
    prepared: Prepared,
    pages: Mapping[str, str],
    item_pages: Mapping[str, str],
    cache: BuildCache,
    limits: Limits,
    wanted: Callable[[], bool] = lambda: True,
    replacing: Path | None = None,
) -> tuple[int, int]:
    """The search index of ``site_dir``, shard by shard, each linked from the site at
    ``replacing`` or taken from the cache unless one of its pages changed. ``pages`` gives
    the fingerprint of every page the renderer made, by its path in the site, and
    ``item_pages`` the ``src_uri`` of the item each item page shows. Returns how many
    shards were indexed, of how many."""
    previous, manifest = None, ""
    if replacing is not None:  # its shards are linked where they are the same
        manifest = digest("search", str(replacing))
        previous = (replacing, _shard_records(cache, manifest))
    archived = prepared.catalog.archived  # their pages stay, out of the index
    items = {
        dest_uri: prepared.items[src_uri]
        for dest_uri, src_uri in item_pages.items()
        if src_uri not in archived
    }
    with stage.phase("making the search index"):
        this_year = prepared.catalog.clock.today.year
        found = indexed_pages(site_dir, pages, items)
        shards = plan_shards(found, this_year, limits.shard_pages)
        language = settings.locale.split("_")[0]
        indexed, records = index_site(site_dir, language, shards, cache, wanted, previous)
    if manifest:
        cache.manifests.write_json(manifest, records)
    return indexed, len(shards)


def _shard_records(cache: BuildCache, manifest: str) -> ShardRecords:
    """What the last build put in the search index of a site (nothing, if it is unknown)."""
    records = cache.manifests.read_json(manifest)
    return records if isinstance(records, dict) else {}


class StrictWarnings(Exception):
    """A strict build gave warnings (as MkDocs says it: ``Aborted with 2 warnings``)."""

    def __init__(self, count: int) -> None:
        super().__init__(f"Aborted with {count} warning{'s' if count != 1 else ''} in strict mode!")


@contextmanager
def _counting_warnings(logger: logging.Logger, strict: bool) -> Iterator[Callable[[], int]]:
    """How many warnings ``logger`` has given meanwhile (none are counted unless
    ``strict``)."""
    counted = _Count()
    if strict:
        logger.addHandler(counted)
    try:
        yield lambda: counted.count
    finally:
        logger.removeHandler(counted)


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
