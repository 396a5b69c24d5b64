"""The preview's builds (``serve``): a full build by the engine into a folder of its own,
shown as soon as its pages and files are written while its search index is made in the
background; then, after each round of saves, the preview brought up to date in that folder
where the edits allow it (``Preview.update``), over the state of the last full build.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from newsdesk.adapter import log_name
from newsdesk.adapter.project import Project
from newsdesk.adapter.render import OwnPage
from newsdesk.adapter.site import MkDocsSite, build_site
from newsdesk.content.catalog import Catalog
from newsdesk.content.errors import ContentErrors
from newsdesk.content.models import Item
from newsdesk.content.schema import write_schemas
from newsdesk.engine import build as engine
from newsdesk.engine import pipeline, update
from newsdesk.engine.cache import CACHE_DIR, BuildCache, digest
from newsdesk.engine.lock import one_build_at_a_time
from newsdesk.engine.pipeline import ImageError, Prepared
from newsdesk.engine.search import SearchIndexError, stop_runs
from newsdesk.engine.snapshot import Snapshot, changes, snapshot
from newsdesk.engine.writer import InPlace, remove_from_site
from newsdesk.outputs.schedule import next_change
from newsdesk.settings import build_clock
from newsdesk.site.views import Presenter

log = logging.getLogger(f"{log_name()}.plugins.newsdesk")


class Preview:
    """The state of the preview between its builds, for one ``serve``."""

    def __init__(self, today: str | None, show: Callable[[Path], None] | None = None) -> None:
        self.today = today
        """``--today``: the build date of every build of the preview."""
        self.show = show
        """Told a full build's folder once its pages and files are all written, before its
        search index is made (the preview serves it from then on)."""
        self.prepared: Prepared | None = None
        """What the last good build made of the content (the preview keeps showing it
        while the content has errors)."""
        self._project: Project | None = None
        self._site: MkDocsSite | None = None
        """The last full build's site, while it has no errors and the preview can update it
        in place."""
        self._site_dir = Path()
        self._own: dict[str, str] = {}
        """The fingerprint of every page the preview's site holds, by its path."""
        self._sources: Snapshot | None = None
        """The files the last build read, as they stood when it began."""
        self._roots: list[Path] = []
        self._next_change: datetime | None = None
        self._generation = 0
        """Counts previews built, so an outdated search index is never placed."""
        self._indexer: threading.Thread | None = None
        """The thread making the search index of the last build."""

    def build(self, project: Project, site_dir: Path, serve_url: str) -> None:
        """The whole site into ``site_dir`` (see ``build_site``), shown once its pages and
        files are written; content with errors shows the last good content, with the
        errors on every page."""
        gc.unfreeze()  # the last build's objects, some of them garbage by now
        config = project.config
        self._site = None
        self._roots = _sources_of(config)
        self._sources = snapshot(self._roots)
        site = MkDocsSite(config, project.settings, project.subscribe, serve_url)

        def index_later(indexing: engine.Indexing) -> None:
            self._generation += 1  # the last site's index is not placed any more
            if self.show is not None:
                self.show(site_dir)
            self._index_in_background(indexing)

        try:
            built = build_site(
                project, site, site_dir, last_good=self.prepared, index_later=index_later
            )
        except BaseException:
            self._sources = None
            raise
        self._project, self._site_dir, self._own = project, site_dir, dict(built.pages)
        if not built.problems:
            self._site = site
            self._adopt(built.prepared)
        _settle()

    def update(self) -> bool:
        """The preview brought up to date in place, where the edits allow it (see
        ``_update``); False when a full build is needed."""
        if self._project is None:
            return False
        try:
            with one_build_at_a_time(self._project.settings.project_dir, log.warning):
                return self._update()
        except Exception as exc:  # a file gone mid-read, a template error: start afresh
            log.warning(f"the preview could not be updated in place ({exc}); building it all")
            self._sources = self._site = None
            return False

    def stop(self) -> None:
        """The search index under way is not wanted any more; nothing writes in the
        preview's folders once this returns."""
        self._generation += 1
        if self._indexer is not None:
            stop_runs()
            self._indexer.join(timeout=60)
            self._indexer = None
        gc.unfreeze()
        self._sources = self._site = None

    def _update(self) -> bool:
        """Bring the preview up to date in its folder without a full build, as the
        difference the saves make (``engine/update.py``): the content read again, reusing
        what still holds; the plan, outputs and editions made again, keeping what still
        holds; then the pages gained added and those lost deleted, the pages whose item or
        spec changed rendered (where their fingerprint did), and the files that changed
        written and those gone deleted. The search index follows in the background. An
        edit to bodies alone renders those pages again, in a fraction of a second.

        Returns False, having changed nothing, for a full build when the saves touch what
        MkDocs itself reads or every page is made of (the configuration, the templates, a
        page editors wrote, whose title may label the navigation), when a page would join
        or leave the navigation, when the build date has moved on to a change of state,
        and when the content has an error or the build is strict (the full build reports
        it)."""
        site, project = self._site, self._project
        if self._sources is None or site is None or project is None:
            return False
        if site.config.strict:  # warnings abort a strict build: leave them to a full one
            return False
        assert self.prepared is not None
        settings, options = project.settings, project.options
        started = time.perf_counter()
        sources = snapshot(self._roots)
        found = changes(self._sources, sources)
        saved = update.content_saved(settings.docs_dir, (*found.modified, *found.added_or_removed))
        now = build_clock(options.today, options.timezone, self.today).now
        if saved is None or not update.date_holds(settings.clock, now, self._next_change):
            return False
        reread = update.reread(settings, self.prepared, saved, bool(found.added_or_removed))
        if reread is None:
            return False
        before = self.prepared.catalog.versions
        after = reread.catalog.versions
        named = [  # an item whose file was saved as it was is not named
            src for src in sorted(saved) if src not in before or before[src] != after.get(src)
        ]
        if reread.bodies_only and not self._in_an_edition(reread.catalog):
            self._show_bodies(site, reread.catalog)
        elif not self._show(site, reread.catalog, saved):
            return False
        self._sources = sources
        _settle()
        names = ", ".join(named) or "no page changed"
        log.info(f"Preview updated in {time.perf_counter() - started:.2f} seconds ({names})")
        return True

    def _adopt(self, prepared: Prepared) -> None:
        assert self._project is not None
        self.prepared = prepared
        settings = self._project.settings
        change = next_change(prepared.catalog, settings.closing_soon_days)
        self._next_change = change.moment if change else None

    def _show_bodies(self, site: MkDocsSite, catalog: Catalog) -> None:
        """Put ``catalog``, whose items differ from those shown only in their bodies, in
        place, and the pages of those items, rendered again, in the site."""
        assert self.prepared is not None
        edited = update.edited(self.prepared, catalog)
        if not edited:
            return
        self._generation += 1
        self.prepared = site.prepared = replace(
            self.prepared,
            catalog=catalog,
            items={**self.prepared.items, **edited},
            presenter=Presenter(
                catalog, site.settings, self.prepared.presenter, self.prepared.chosen
            ),
        )
        _, records = site.renderer().build(_new_bodies(site, edited), InPlace(self._site_dir))
        self._own.update((dest_uri, record.fingerprint) for dest_uri, record in records.items())
        self._index(site)

    def _in_an_edition(self, catalog: Catalog) -> bool:
        """Whether an item whose body ``catalog`` changes is shown by an edition (which
        may print it in full)."""
        assert self.prepared is not None
        shown = {
            item.src_uri
            for content in self.prepared.chosen.values()
            for item in (content.lead, *(i for s in content.sections for i in s.items))
            if item is not None
        }
        return any(src_uri in shown for src_uri in update.edited(self.prepared, catalog))

    def _show(self, site: MkDocsSite, catalog: Catalog, saved: Collection[str]) -> bool:
        """Put ``catalog`` in place, remake what is made of it, and bring the site up to
        date: pages gained added, pages lost deleted, pages whose fingerprint changed
        rendered, the content's other files that were ``saved`` copied or deleted, the
        editions' and outputs' files written where they changed and deleted where they are
        gone. False, having changed nothing, when a page would join or leave the
        navigation, or the content has an error."""
        assert self.prepared is not None and self._project is not None
        project, before = self._project, self.prepared
        try:
            prepared = pipeline.prepare(project.settings, project.mail_settings, catalog, before)
        except ContentErrors:
            return False
        difference = update.difference(before, prepared)
        gained = []
        for src_uri in difference.gained:
            item = prepared.items.get(src_uri)
            gained.append(site.generated(src_uri, site.page_text(item) if item else ""))
        lost = [site.files.get_file_from_path(src_uri) for src_uri in difference.lost]
        if not all(isinstance(file, OwnPage) for file in (*gained, *lost)):
            return False  # a page joins or leaves the navigation
        self._generation += 1
        self._adopt(prepared)
        site.prepared = prepared
        # Editors' editors check front matter against these.
        write_schemas(project.settings.project_dir, prepared.catalog.taxonomy)
        for file in lost:
            assert file is not None
            site.files.remove(file)
            remove_from_site(self._site_dir, file.dest_uri)
            self._own.pop(file.dest_uri, None)
        for file in gained:
            site.files.append(file)
        self._copy_saved(site, catalog, before.catalog, saved)
        _new_bodies(site, difference.edited)
        pages = [file for file in site.pages() if file.src_uri in difference.shown]
        _, records = site.renderer().build(pages, InPlace(self._site_dir, dict(self._own)))
        self._own.update((dest_uri, record.fingerprint) for dest_uri, record in records.items())
        self._write_files(before)
        self._generation += 1  # the last site's index is not placed any more
        if self.show is not None:
            self.show(self._site_dir)
        self._index(site)
        return True

    def _copy_saved(
        self, site: MkDocsSite, catalog: Catalog, before: Catalog, saved: Collection[str]
    ) -> None:
        """The content's other files (images, attachments) that were ``saved`` copied into
        the site as MkDocs copies them, and those removed deleted from it."""
        config = site.config
        for src_uri in sorted(saved):
            if src_uri in catalog.files:
                file = site.files.get_file_from_path(src_uri)
                if file is None:
                    file = File(
                        src_uri, config.docs_dir, config.site_dir, config.use_directory_urls
                    )
                    site.files.append(file)
                file.copy_file()
            elif src_uri in before.files and (file := site.files.get_file_from_path(src_uri)):
                site.files.remove(file)
                remove_from_site(self._site_dir, file.dest_uri)

    def _write_files(self, before: Prepared) -> None:
        """The preview's outputs, editions and copies of images, after an update in place:
        the site holds those of ``before`` already; those it had and are gone are
        deleted."""
        assert self._project is not None and self.prepared is not None
        settings, prepared, site_dir = self._project.settings, self.prepared, self._site_dir
        files, had = pipeline.site_files(prepared), pipeline.site_files(before)
        placed = {path: digest("bytes", data) for path, data in had.items()}
        pipeline.write(InPlace(site_dir, placed), prepared)
        cache = BuildCache(settings.project_dir / CACHE_DIR)
        copies = InPlace(site_dir, {path: copy.key for path, copy in before.copies.items()})
        try:
            log.debug(pipeline.write_copies(copies, prepared, settings, cache))
        except ImageError as exc:
            raise PluginError(str(exc)) from None
        for path in (had.keys() - files.keys()) | (before.copies.keys() - prepared.copies.keys()):
            remove_from_site(site_dir, path)

    def _index(self, site: MkDocsSite) -> None:
        """The preview's search index, after an update in place."""
        assert self._project is not None and self.prepared is not None
        project, prepared, site_dir = self._project, self.prepared, self._site_dir
        settings, limits = project.settings, project.limits
        cache = BuildCache(settings.project_dir / CACHE_DIR)
        items = site.item_pages()
        own = dict(self._own)
        html = [*own, *site.theme_html]

        def indexing(wanted: Callable[[], bool]) -> tuple[int, int]:
            made_of = (prepared, own, items, html, cache, limits)
            return engine.index_into(site_dir, settings, *made_of, wanted, log)

        self._index_in_background(indexing)

    def _index_in_background(self, indexing: engine.Indexing) -> None:
        """The search index is made in the background: the preview reloads at once, search
        follows. It is placed only if no build came after."""
        generation = self._generation

        def index_in_background() -> None:
            try:
                indexed, shards = indexing(lambda: generation == self._generation)
                if generation == self._generation:
                    log.info(f"search index ready ({indexed} of {shards} shards indexed)")
            except (SearchIndexError, OSError) as exc:  # a newer build replaced this site
                if generation == self._generation:
                    log.warning(f"search index not updated: {exc}")

        self._indexer = threading.Thread(
            target=index_in_background, name="newsdesk-search", daemon=True
        )
        self._indexer.start()


def _new_bodies(site: MkDocsSite, edited: Mapping[str, Item]) -> list[File]:
    """The pages of ``edited``, with their new bodies."""
    pages = []
    for src_uri, item in edited.items():
        file = site.files.get_file_from_path(src_uri)
        assert file is not None
        file.content_string = site.page_text(item)
        pages.append(file)
    return pages


def _settle() -> None:
    """After a build while previewing: what it made stays until the next full build, so
    the garbage collector leaves it be. It would otherwise walk every item, page and view
    now and then, a third of a second at 10,000 items, in the middle of an update."""
    gc.collect()
    gc.freeze()


def _sources_of(config: MkDocsConfig) -> list[Path]:
    """What a build reads and the preview watches: the content, the configuration file,
    the templates and any folder ``watch`` adds."""
    roots = [config.docs_dir, config.config_file_path, config.theme.custom_dir, *config.watch]
    return [Path(root) for root in roots if root]
