"""One build of the site, read top to bottom: load, plan, outputs and editions
(``pipeline.prepare``), then the theme's files and every page, the outputs and editions,
the copies of images and the search index, each put where the site lacks it, and last
the commit that writes what changed into the site (``writer.py``).

The build date is in ``settings`` (its clock) and the previous build's state is the site
itself with its record in the cache: a file the site holds as the last build left it, with
what this build would put there, is not touched. What the engine needs of MkDocs and
Material, it asks of a ``Theme``: the adapter is one, and MkDocs' own ``build()`` is never
entered (``mkdocs build`` reaches this function through the plugin, which hands MkDocs no
pages).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from newsdesk import stage
from newsdesk.content.errors import ContentError, ContentErrors
from newsdesk.content.schema import write_schemas
from newsdesk.engine import kept, pipeline
from newsdesk.engine.cache import CACHE_DIR, BuildCache, digest
from newsdesk.engine.pipeline import Prepared
from newsdesk.engine.search import BUNDLE, index_site, indexed_pages, plan_shards
from newsdesk.engine.snapshot import snapshot
from newsdesk.engine.writer import SiteWriter
from newsdesk.newsletter.config import NewsletterSettings
from newsdesk.settings import Settings

LOG = logging.getLogger(__name__)
"""Where a build tells what it did, unless its caller says otherwise."""


class Theme(Protocol):
    """What a build asks of the site generator whose theme renders the pages."""

    def open(self, prepared: Prepared, problems: tuple[ContentError, ...]) -> None:
        """The site's files, navigation and templates, for the pages of ``prepared``
        (``problems``: errors the preview shows on every page)."""

    def write_theme_files(self, target: SiteWriter) -> None:
        """The theme's assets and pages of its own (404.html), the content's other files."""

    def render_pages(self, target: SiteWriter) -> dict[str, str]:
        """Every page, into ``target``; returns each one's path in the site and
        fingerprint."""

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
    last_good: Prepared | None = None,
    strict: bool = False,
    index_later: Callable[[Indexing], None] | None = None,
    log: logging.Logger = LOG,
) -> Built:
    """The whole site into ``site_dir``, where only the files that changed are written
    (``writer.py``). Raises ContentErrors, with every problem of the content, before
    anything is written; nothing is written either when rendering or indexing fails.
    With ``last_good`` (the preview), content with errors builds the last good content
    instead, with the errors on every page; its item views are reused where their files
    are as they were, and the search index is handed to ``index_later`` once the rest of
    the site is written, rather than made before. The build tells what it did to
    ``log``; a ``strict`` one fails on any warning of a logger of the program that runs it
    (``mkdocs`` and every logger below it, for ``log`` named ``mkdocs.…``)."""
    started = time.time() - 2  # what this build uses, even on a coarse clock
    cache = BuildCache(settings.project_dir / CACHE_DIR)
    problems: tuple[ContentError, ...] = ()
    views = last_good.presenter if last_good is not None else None
    last, files = None, {}
    if views is None:  # a new process: what the last build kept, if it holds
        files = snapshot([settings.docs_dir])  # as they stand before the build reads them
        with stage.phase("reading what the last build kept"):
            last = kept.read(cache, settings, files)
    try:
        prepared = pipeline.prepare(settings, mail, views=views, last=last)
    except ContentErrors as exc:
        if last_good is None:
            raise
        prepared, problems = last_good, exc.errors
    else:  # editors' editors check front matter against these (``check`` writes nothing)
        write_schemas(settings.project_dir, prepared.catalog.taxonomy)
    program = logging.getLogger(log.name.partition(".")[0])
    site = SiteWriter(site_dir, cache, but=f"{BUNDLE}/" if index_later else "")
    try:
        with _counting_warnings(program, strict) as warned:
            theme.open(prepared, problems)
            theme.write_theme_files(site)
            pages = theme.render_pages(site)
            pipeline.write(site, prepared)
            log.debug(pipeline.write_copies(site, prepared, settings, cache))
            if warned():
                raise StrictWarnings(warned())
        item_pages = theme.item_pages()
        html = [path for path in site.paths() if path.endswith(".html")]

        def indexing(wanted: Callable[[], bool], into: SiteWriter | None = None) -> tuple[int, int]:
            made_of = (prepared, pages, item_pages, html, cache, limits)
            if into is not None:
                return index(into, settings, *made_of, wanted)
            return index_into(site_dir, settings, *made_of, wanted, log)

        with ThreadPoolExecutor(1) as keeping:  # while Pagefind's program runs
            kept_views = None
            if views is None and not problems:  # for the next build, in a new process
                presenter = prepared.presenter
                kept_views = keeping.submit(kept.keep, cache, settings, presenter, files)
            if index_later is None:
                indexing(lambda: True, into=site)
            if kept_views is not None:
                kept_views.result()
        with stage.phase("writing the site"):
            log.debug(site.commit())
    finally:
        site.discard()
    if index_later is not None:
        index_later(indexing)
    presenter = prepared.presenter
    log.debug(f"views of items: {presenter.remade} made, of {presenter.reused} the last made")
    cache.prune(limits.cache_bytes, used_since=started)
    return Built(prepared, pages, problems)


def index(
    target: SiteWriter,
    settings: Settings,
    prepared: Prepared,
    pages: Mapping[str, str],
    item_pages: Mapping[str, str],
    html: Iterable[str],
    cache: BuildCache,
    limits: Limits,
    wanted: Callable[[], bool] = lambda: True,
) -> tuple[int, int]:
    """The search index, shard by shard, put in ``target``: each shard the site holds
    already stays, from the cache or made where one of its pages changed. ``pages`` gives
    the fingerprint of every page the renderer made, by its path in the site,
    ``item_pages`` the ``src_uri`` of the item each item page shows, and ``html`` every
    page of the site (those of the theme among them). Returns how many shards were
    indexed, of how many."""
    archived = prepared.catalog.archived  # their pages stay, out of the index
    fingerprints = set(pages.values())
    items = {
        dest_uri: prepared.items[src_uri]
        for dest_uri, src_uri in item_pages.items()
        if src_uri not in archived
    }
    with stage.phase("making the search index"):
        this_year = prepared.catalog.clock.today.year
        # Which pages carry no part to index, by fingerprint: read once, not each build.
        unmarked = digest("pages without a part to index", str(settings.project_dir))
        marked = dict.fromkeys(cache.manifests.read_json(unmarked) or (), False)
        read = lambda path: target.source(path).read_bytes()  # noqa: E731
        found = indexed_pages(html, read, pages, items, marked)
        cache.manifests.write_json(
            unmarked,
            sorted(key for key, mark in marked.items() if not mark and key in fingerprints),
        )
        shards = plan_shards(found, this_year, limits.shard_pages)
        language = settings.locale.split("_")[0]
        indexed = index_site(target, language, shards, cache, wanted)
    return indexed, len(shards)


def index_into(
    site_dir: Path,
    settings: Settings,
    prepared: Prepared,
    pages: Mapping[str, str],
    item_pages: Mapping[str, str],
    html: Iterable[str],
    cache: BuildCache,
    limits: Limits,
    wanted: Callable[[], bool],
    log: logging.Logger = LOG,
) -> tuple[int, int]:
    """The search index (see ``index``) of the site in ``site_dir``, committed there on
    its own unless it is no longer ``wanted`` by then (a preview that moved on)."""
    search = SiteWriter(site_dir, cache, only=f"{BUNDLE}/")
    try:
        counted = index(search, settings, prepared, pages, item_pages, html, cache, limits, wanted)
        if wanted():
            log.debug(search.commit())
        return counted
    finally:
        search.discard()


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
