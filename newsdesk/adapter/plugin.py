"""The MkDocs plugin: the door through which MkDocs and Material serve Newsdesk's engine.

- ``build_site``: a build of the whole site by the engine (``engine/build.py``), which
  this plugin serves as its ``Theme`` (``SiteTheme``): the site opened once through
  MkDocs' library calls (``open_site``: files, navigation, the theme's templates), every
  page rendered by one renderer (``render.py``). ``python build.py build``, ``check``
  and ``serve`` call it; none of them enters MkDocs' ``build()``.
- ``mkdocs build`` (and ProperDocs') still work: ``on_pre_build`` has the engine build
  the site beside ``site_dir`` before MkDocs empties it, so content with errors or a
  template that fails leaves the site as it was; ``on_files`` then hands MkDocs no pages,
  and ``on_post_build`` puts what the engine built in place of MkDocs' own few files.
- The preview's updates in place (``update_preview``) remake what a round of saves
  changes, over the state of the last full build.
"""

from __future__ import annotations

import gc
import gzip
import io
import logging
import pickle
import posixpath
import shutil
import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import jinja2
from filelock import FileLock
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, TemplateNotFound
from markupsafe import Markup, escape
from mkdocs.commands.build import _build_template, _populate_page
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_timestamp

from newsdesk.adapter import log_name
from newsdesk.adapter.assets import minify_theme_assets
from newsdesk.adapter.options import NewsdeskConfig, problems
from newsdesk.adapter.render import (
    OwnPage,
    PageRenderer,
    Recipe,
    markdown_settings,
    markdown_setup,
    own_page,
    site_key,
)
from newsdesk.adapter.sections import sections
from newsdesk.content.catalog import (
    Catalog,
)
from newsdesk.content.errors import ContentError, ContentErrors
from newsdesk.content.frontmatter import parse_document
from newsdesk.content.models import MODELS, Item
from newsdesk.content.schema import write_schemas
from newsdesk.content.sources import UnreadableSource, problem_with, read_text
from newsdesk.content.taxonomy import TAXONOMY_FILE
from newsdesk.engine import build as engine
from newsdesk.engine import pipeline, update
from newsdesk.engine.cache import CACHE_DIR, BuildCache, digest
from newsdesk.engine.keys import value_key
from newsdesk.engine.lock import acquire, one_build_at_a_time, project_lock
from newsdesk.engine.pipeline import ImageError, Prepared
from newsdesk.engine.search import BUNDLE, SearchIndexError, stop_runs
from newsdesk.engine.snapshot import Snapshot, changes, snapshot
from newsdesk.engine.writer import InPlace, SiteWriter, remove_from_site
from newsdesk.newsletter.config import (
    PLATFORMS,
    NewsletterConfigError,
    NewsletterSettings,
    Subscribe,
    newsletter_settings,
    subscribe_settings,
)
from newsdesk.newsletter.labels import labels_for
from newsdesk.outputs.schedule import next_change
from newsdesk.outputs.structured import HeadData, item_head, page_head, shared_picture, with_image
from newsdesk.settings import EditorSettings, Settings, SiteInfo, build_clock
from newsdesk.site.edition_text import for_the_web
from newsdesk.site.offsite import Load, line_naming, off_site_loads
from newsdesk.site.plan import PageSpec
from newsdesk.site.sanitize import clean_html
from newsdesk.site.views import Presenter

log = logging.getLogger(f"{log_name()}.plugins.newsdesk")

OWN_TEMPLATES = "newsdesk/"
"""Templates of ours (under templates/site/newsdesk/) are autoescaped; Material's are not."""


class NewsdeskPlugin(BasePlugin[NewsdeskConfig]):
    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.prepared: Prepared | None = None
        """What the last good build made of the content (the preview keeps showing it
        while the content has errors)."""
        self.serving = False
        self.today_override: str | None = None
        """Build date given on the command line (``--today``); wins over mkdocs.yml's."""
        self.problems: tuple[ContentError, ...] = ()
        """Errors of the last load while previewing; the preview keeps the last good content."""
        self.problems_summary = ""
        self.files: Files | None = None
        self.nav: Navigation | None = None
        self.env: Environment | None = None
        self.site_key = ""
        self._markdown_setup = ""
        """Python-Markdown's setup as a hash, worked out once per build (render.py)."""
        self._nav_key = ""
        self._nav_pages: list[tuple[File, InclusionLevel]] = []
        """MkDocs' own pages (those in the navigation), which Newsdesk renders, and where
        MkDocs had them."""
        self._nav_urls: list[str] = []
        self._partials: dict[tuple[str, str], str] = {}
        """The navigation and tabs of pages outside the navigation, by folder (``_memo``)."""
        self._generation = 0
        """Counts previews built, so an outdated search index is never placed."""
        self._indexer: threading.Thread | None = None
        """While previewing: the thread making the search index of the last full build."""
        self._sources: Snapshot | None = None
        """While previewing, the files the last build read, as they stood when it began;
        None when it failed."""
        self._roots: list[Path] = []
        self._next_change: datetime | None = None
        self._lock: FileLock | None = None
        self._theme_html: list[str] = []
        """The theme's pages of its own (404.html), by their path in the site."""
        self._built: tuple[MkDocsConfig, Path, dict[str, str]] | None = None
        """The last full build's configuration, site folder and own pages' fingerprints."""
        self.subscribe: Subscribe | None = None
        """How readers subscribe to the newsletter (mkdocs.yml's ``newsletter``)."""
        self._handed_over: Path | None = None
        """``mkdocs build``: the site the engine built, to take the place of MkDocs' own."""
        self._not_found = logging.WARNING
        """``mkdocs build``: how loud MkDocs' note of a page the navigation names and the
        files lack was, while it is handed none."""
        self.show: Callable[[Path], None] | None = None
        """While previewing: told a full build's folder once its pages and files are all
        written, before its search index is made (the preview serves it from then on)."""

    def on_startup(self, command: str, dirty: bool) -> None:
        # Defining on_startup also keeps this instance, and its last good catalog, across
        # the rebuilds of `serve`.
        self.serving = command == "serve"
        self._sources = self._built = None

    def on_shutdown(self) -> None:
        self._generation += 1  # a search index under way is not wanted any more
        if self._indexer is not None:
            stop_runs()
            self._indexer.join(timeout=60)  # nothing writes in the preview's folders after
            self._indexer = None
        gc.unfreeze()
        self.serving = False
        self.today_override = None  # one command's, not the next one's
        self._sources = self._built = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        try:
            clock = build_clock(self.config.today, self.config.timezone, self.today_override)
        except ValueError as exc:
            raise PluginError(f"newsdesk: {exc}") from None
        if config.config_file_path and (found := problems(Path(config.config_file_path))):
            raise PluginError("\n".join(map(str, found)))  # `mkdocs build` says them too
        if not config.use_directory_urls:
            raise PluginError(
                "newsdesk: use_directory_urls: false is not supported (every page of the "
                "site is a folder with its index.html, as feeds, calendars and emails link "
                "to it): remove it from mkdocs.yml"
            )
        self.settings = Settings(
            docs_dir=Path(config.docs_dir),
            project_dir=Path(config.config_file_path or ".").resolve().parent,
            clock=clock,
            closing_soon_days=self.config.closing_soon_days,
            page_size=self.config.page_size,
            sanitize_html=self.config.sanitize_html,
            locale=self.config.locale,
            site=_site_info(config, self.config.locale),
            merge_tags=PLATFORMS[self.config.newsletter.platform].tag_pattern,
            reader=labels_for(self.config.locale, self.config.newsletter.labels)["reader"],
            default_image=self.config.default_image,
            default_image_alt=self.config.default_image_alt or "",
        )
        self.settings = replace(self.settings, editor=_editor_settings(self.config, config))
        markdown_settings(config)  # a Markdown setting no key can tell apart is refused now
        try:
            self.subscribe = subscribe_settings(self.config.newsletter, self.config.locale)
        except NewsletterConfigError as exc:
            raise PluginError(str(exc)) from None
        return config

    def on_post_build(self, config: MkDocsConfig) -> None:
        """``mkdocs build``: what the engine built takes the place of what MkDocs wrote
        (the theme's 404.html and sitemap, made of no pages)."""
        staging, self._handed_over = self._handed_over, None
        if staging is None:
            return
        config.validation.nav.not_found = self._not_found
        target = Path(config.site_dir)
        for entry in target.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        for entry in staging.iterdir():
            entry.rename(target / entry.name)
        staging.rmdir()

    def _write_files(self, site_dir: Path, before: Prepared) -> None:
        """The preview's outputs, editions and copies of images, after an update in place:
        the site holds those of ``before`` already; those it had and are gone are
        deleted."""
        assert self.settings is not None and self.prepared is not None
        prepared = self.prepared
        files, had = pipeline.site_files(prepared), pipeline.site_files(before)
        placed = {path: digest("bytes", data) for path, data in had.items()}
        pipeline.write(InPlace(site_dir, placed), prepared)
        cache = BuildCache(self.settings.project_dir / CACHE_DIR)
        copies = InPlace(site_dir, {path: copy.key for path, copy in before.copies.items()})
        try:
            log.debug(pipeline.write_copies(copies, prepared, self.settings, cache))
        except ImageError as exc:
            raise PluginError(str(exc)) from None
        for path in (had.keys() - files.keys()) | (before.copies.keys() - prepared.copies.keys()):
            remove_from_site(site_dir, path)

    def _limits(self) -> engine.Limits:
        return engine.Limits(self.config.search_shard_pages, self.config.cache_max_mb * 1024**2)

    def _index(self, site_dir: Path, own: dict[str, str]) -> None:
        """The preview's search index, after an update in place."""
        assert self.settings is not None and self.prepared is not None and self.files
        settings, prepared = self.settings, self.prepared
        cache = BuildCache(settings.project_dir / CACHE_DIR)
        items = _item_pages(self.files, prepared)
        limits = self._limits()
        html = [*own, *self._theme_html]

        def indexing(wanted: Callable[[], bool]) -> tuple[int, int]:
            search = SiteWriter(site_dir, cache, only=f"{BUNDLE}/")
            try:
                counted = engine.index(
                    search, settings, prepared, own, items, html, cache, limits, wanted
                )
                if wanted():
                    log.debug(search.commit())
                return counted
            finally:
                search.discard()

        self._index_in_background(indexing)

    def _index_in_background(self, indexing: engine.Indexing) -> None:
        """While previewing, the search index is made in the background: the preview
        reloads at once, search follows. It is placed only if no build came after."""
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

    def on_build_error(self, error: Exception) -> None:
        if self._handed_over is not None:
            shutil.rmtree(self._handed_over, ignore_errors=True)
            self._handed_over = None
        self._failed()

    def _take_lock(self) -> None:
        """The project's lock, held from the start of ``build_site`` until the build ends."""
        assert self.settings is not None
        if self._lock is None:
            self._lock = project_lock(self.settings.project_dir)
            acquire(self._lock, log.warning)

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def build_site(
        self, config: MkDocsConfig, site_dir: Path, serve_url: str | None = None
    ) -> None:
        """The whole site into ``site_dir`` by the engine (``engine.build``), this plugin
        standing for MkDocs and Material as its ``Theme``; ``serve_url`` while previewing.
        Raises Abort with a summary once every problem is logged, and writes nothing then."""
        assert self.settings is not None
        started = time.monotonic()
        config["site_dir"] = str(site_dir)
        self._take_lock()
        if self.serving:
            gc.unfreeze()  # the last build's objects, some of them garbage by now
            self._roots = _sources_of(config)
            self._sources = snapshot(self._roots)
            self._built = None
        theme = SiteTheme(self, config, serve_url)
        last_good = self.prepared if self.serving else None
        index_later = self._shown_then_indexed(config, site_dir) if self.serving else None
        try:
            built = engine.build(
                theme,
                self.settings,
                self.mail_settings,
                site_dir,
                self._limits(),
                last_good=last_good,
                strict=config.strict,
                index_later=index_later,
                log=log,
            )
        except ContentErrors as exc:
            self._failed()
            _tell(exc.errors)
            raise Abort(exc.summary()) from None
        except (NewsletterConfigError, ImageError, SearchIndexError, engine.StrictWarnings) as exc:
            self._failed()
            raise Abort(str(exc)) from None
        except BaseException:
            self._failed()
            raise
        self._release_lock()
        self._built = (config, site_dir, built.pages)
        if self.serving:
            _settle()
        if built.problems:
            _tell(built.problems)
            summary = ContentErrors(built.problems).summary()
            log.warning(f"{summary}: the preview shows the last good content")
        # As MkDocs says it, which editors (and the preview's tests) know.
        log.info(f"Documentation built in {time.monotonic() - started:.2f} seconds")

    def _shown_then_indexed(
        self, config: MkDocsConfig, site_dir: Path
    ) -> Callable[[engine.Indexing], None]:
        """While previewing: once a full build has written every page and file, the
        preview shows its folder, and its search index is made in the background."""

        def index_later(indexing: engine.Indexing) -> None:
            self._generation += 1  # the last site's index is not placed any more
            if self.show is not None:
                self.show(site_dir)
            self._index_in_background(indexing)

        return index_later

    def _failed(self) -> None:
        self._sources = self._built = None
        self._release_lock()

    def on_pre_build(self, config: MkDocsConfig) -> None:
        """``mkdocs build`` (or ``mkdocs serve``): the engine builds the site beside
        ``site_dir`` now, before MkDocs empties it, so that content with errors leaves the
        site as it was; MkDocs is then handed no pages, and what the engine built is moved
        into ``site_dir`` once MkDocs is done (``on_post_build``)."""
        target = Path(config.site_dir)
        staging = target.with_name(f".{target.name}.newsdesk-staging")
        shutil.rmtree(staging, ignore_errors=True)
        serving, self.serving = self.serving, False  # MkDocs' own server: a plain build
        try:
            self.build_site(config, staging)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            self.serving = serving
            config["site_dir"] = str(target)
        self._handed_over = staging
        # MkDocs, handed no pages, would find none of those the navigation names.
        self._not_found = config.validation.nav.not_found
        config.validation.nav.not_found = logging.DEBUG

    def _adopt(self, prepared: Prepared) -> None:
        assert self.settings is not None
        self.prepared = prepared
        # Editors' editors check front matter against these (``check`` writes nothing).
        write_schemas(self.settings.project_dir, prepared.catalog.taxonomy)
        if self.serving:
            change = next_change(prepared.catalog, self.settings.closing_soon_days)
            self._next_change = change.moment if change else None

    def on_serve(
        self, server: LiveReloadServer, config: MkDocsConfig, builder: Callable[..., None]
    ) -> LiveReloadServer:
        if config.theme.custom_dir:
            server.watch(config.theme.custom_dir)
        return server

    def update_preview(self) -> bool:
        """The preview brought up to date in place, where the edits allow it (see
        ``_update_preview``); False when a full build is needed."""
        assert self.settings is not None
        try:
            with one_build_at_a_time(self.settings.project_dir, log.warning):
                return self._update_preview()
        except Exception as exc:  # a file gone mid-read, a template error: start afresh
            log.warning(f"the preview could not be updated in place ({exc}); building it all")
            self._sources = self._built = None
            return False

    def _update_preview(self) -> bool:
        """Bring the preview up to date in its folder without MkDocs' full build, as the
        difference the saves make (``build/update.py``): the content read again, reusing
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
        if self._sources is None or self._built is None or self.problems:
            return False
        if self._built[0].strict:  # warnings abort a strict build: leave them to MkDocs
            return False
        assert self.settings is not None and self.prepared is not None
        started = time.perf_counter()
        sources = snapshot(self._roots)
        found = changes(self._sources, sources)
        saved = update.content_saved(
            self.settings.docs_dir, (*found.modified, *found.added_or_removed)
        )
        now = build_clock(self.config.today, self.config.timezone, self.today_override).now
        if saved is None or not update.date_holds(self.settings.clock, now, self._next_change):
            return False
        reread = update.reread(self.settings, self.prepared, saved, bool(found.added_or_removed))
        if reread is None:
            return False
        before = self.prepared.catalog.versions
        after = reread.catalog.versions
        named = [  # an item whose file was saved as it was is not named
            src for src in sorted(saved) if src not in before or before[src] != after.get(src)
        ]
        if reread.bodies_only and not self._in_an_edition(reread.catalog):
            self._show_bodies(reread.catalog)
        elif not self._show(reread.catalog, saved):
            return False
        self._sources = sources
        _settle()
        names = ", ".join(named) or "no page changed"
        log.info(f"Preview updated in {time.perf_counter() - started:.2f} seconds ({names})")
        return True

    def _show_bodies(self, catalog: Catalog) -> None:
        """Put ``catalog``, whose items differ from those shown only in their bodies, in
        place, and the pages of those items, rendered again, in the site."""
        assert self._built is not None and self.prepared is not None and self.settings
        edited = update.edited(self.prepared, catalog)
        if not edited:
            return
        self._generation += 1
        config, site_dir, own = self._built
        self.prepared = replace(
            self.prepared,
            catalog=catalog,
            items={**self.prepared.items, **edited},
            presenter=Presenter(
                catalog, self.settings, self.prepared.presenter, self.prepared.chosen
            ),
        )
        _, records = self._renderer(config).build(self._new_bodies(edited), InPlace(site_dir))
        own = {**own, **{dest_uri: record.fingerprint for dest_uri, record in records.items()}}
        self._built = (config, site_dir, own)
        self._index(site_dir, own)

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

    def _new_bodies(self, edited: Mapping[str, Item]) -> list[File]:
        """The pages of ``edited``, with their new bodies."""
        assert self.files is not None
        pages = []
        for src_uri, item in edited.items():
            file = self.files.get_file_from_path(src_uri)
            assert file is not None
            file.content_string = self._page_text(item)
            pages.append(file)
        return pages

    def _renderer(self, config: MkDocsConfig) -> PageRenderer:
        assert self.settings and self.files is not None
        assert self.nav is not None and self.env is not None
        cache = BuildCache(self.settings.project_dir / CACHE_DIR)
        files, nav, env = self.files, self.nav, self.env
        recipe = lambda: self._recipe(config)  # noqa: E731 - made only if workers start
        setup = self._markdown_setup
        return PageRenderer(config, files, nav, env, cache, self._fingerprint, setup, recipe)

    def _recipe(self, config: MkDocsConfig) -> Recipe | None:
        """How a worker process makes this renderer again: the configuration file, what
        the command changed in it, and what the pages are made of."""
        if not config.config_file_path:
            return None
        assert self.prepared is not None
        prepared = self.prepared
        state = (
            self.settings,
            prepared.catalog,
            prepared.plan,
            self.problems,
            self.problems_summary,
        )
        return Recipe(
            config_file=config.config_file_path,
            overrides={name: config[name] for name in _OVERRIDDEN},
            state=pickle.dumps(
                (*state, self.site_key, self._markdown_setup), protocol=pickle.HIGHEST_PROTOCOL
            ),
        )

    def _show(self, catalog: Catalog, saved: Collection[str]) -> bool:
        """Put ``catalog`` in place, remake what is made of it, and bring the site up to
        date: pages gained added, pages lost deleted, pages whose fingerprint changed
        rendered, the content's other files that were ``saved`` copied or deleted, the
        editions' and outputs' files written where they changed and deleted where they are
        gone. False, having changed nothing, when a page would join or leave the
        navigation, or the content has an error."""
        assert self._built is not None and self.prepared is not None and self.files
        assert self.settings is not None
        before = self.prepared
        try:
            prepared = pipeline.prepare(self.settings, self.mail_settings, catalog, before)
        except ContentErrors:
            return False
        config, site_dir, own = self._built
        difference = update.difference(before, prepared)
        in_nav = set(_nav_paths(config.nav)) if config.nav else None
        gained = []
        for src_uri in difference.gained:
            item = prepared.items.get(src_uri)
            file = self._generated(config, src_uri, self._page_text(item) if item else "", in_nav)
            gained.append(file)
        lost = [self.files.get_file_from_path(src_uri) for src_uri in difference.lost]
        if not all(isinstance(file, OwnPage) for file in (*gained, *lost)):
            return False  # a page joins or leaves the navigation
        self._generation += 1
        self._adopt(prepared)
        own = dict(own)
        for file in lost:
            assert file is not None
            self.files.remove(file)
            remove_from_site(site_dir, file.dest_uri)
            own.pop(file.dest_uri, None)
        for file in gained:
            self.files.append(file)
        self._copy_saved(config, catalog, before.catalog, saved)
        self._new_bodies(difference.edited)
        pages = [file for file in self._own_pages() if file.src_uri in difference.shown]
        _, records = self._renderer(config).build(pages, InPlace(site_dir, dict(own)))
        own.update((dest_uri, record.fingerprint) for dest_uri, record in records.items())
        self._write_files(site_dir, before)
        self._built = (config, site_dir, own)
        if self.serving:
            self._generation += 1  # the last site's index is not placed any more
            if self.show is not None:
                self.show(site_dir)
        self._index(site_dir, own)
        return True

    def _copy_saved(
        self, config: MkDocsConfig, catalog: Catalog, before: Catalog, saved: Collection[str]
    ) -> None:
        """The content's other files (images, attachments) that were ``saved`` copied into
        the site as MkDocs copies them, and those removed deleted from it."""
        assert self.files is not None
        for src_uri in sorted(saved):
            if src_uri in catalog.files:
                file = self.files.get_file_from_path(src_uri)
                if file is None:
                    file = File(
                        src_uri, config.docs_dir, config.site_dir, config.use_directory_urls
                    )
                    self.files.append(file)
                file.copy_file()
            elif src_uri in before.files and (file := self.files.get_file_from_path(src_uri)):
                self.files.remove(file)
                remove_from_site(Path(config.site_dir), file.dest_uri)

    def mail_settings(self) -> NewsletterSettings:
        """The newsletter options, checked; raises NewsletterConfigError naming what to set."""
        assert self.settings is not None
        try:
            return newsletter_settings(
                self.config.newsletter, self.settings.site, self.settings.locale
            )
        except NewsletterConfigError as exc:
            raise NewsletterConfigError(f"mkdocs.yml: {exc}") from None

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if self._handed_over is not None:  # `mkdocs build`: the engine made every file
            return Files([])
        assert self.prepared is not None
        catalog, plan = self.prepared.catalog, self.prepared.plan
        # Items are pages made from the catalog; nothing else in a collection folder is a
        # page (drafts, scheduled items, and while previewing, files with errors).
        for file in list(files):
            collection = file.src_uri.split("/", 1)[0]
            if file.src_uri == TAXONOMY_FILE or (
                collection in MODELS and file.is_documentation_page()
            ):
                files.remove(file)
            elif self.problems and file.abs_src_path and problem_with(Path(file.abs_src_path)):
                # Content without errors has only regular files (the catalog checked each);
                # while the preview shows the last good content despite errors, a pipe may
                # be among them, and copying it would never end.
                files.remove(file)
        # Pages in the navigation are MkDocs' own pages (Newsdesk renders them all the same);
        # the rest are only Newsdesk's (OwnPage). Without a nav in mkdocs.yml, MkDocs lists
        # the home page and section listings.
        in_nav = set(_nav_paths(config.nav)) if config.nav else None
        for item in catalog.items():
            files.append(self._generated(config, item.src_uri, self._page_text(item), in_nav))
        for spec in plan.pages.values():
            if spec.generated:
                files.append(self._generated(config, spec.src_uri, "", in_nav))
        minify_theme_assets(files, config)
        self.files = files
        return files

    def _page_text(self, item: Item) -> str:
        """The Markdown of an item's page: its body; an edition's as its web version reads
        to a visitor (no merge tags)."""
        settings = self.settings
        assert settings is not None
        return item.page_text(lambda text: for_the_web(text, settings.merge_tags, settings.reader))

    @staticmethod
    def _generated(
        config: MkDocsConfig, src_uri: str, content: str, in_nav: set[str] | None
    ) -> File:
        top = src_uri == "index.md" or (src_uri.endswith("/index.md") and src_uri.count("/") == 1)
        if not (top if in_nav is None else src_uri in in_nav):
            return own_page(config, src_uri, content)
        file = File.generated(config, src_uri, content=content)
        if not top:
            file.inclusion = InclusionLevel.NOT_IN_NAV
        return file

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        if self._handed_over is not None:
            return nav
        self.nav = nav
        self._nav_urls = [page.url for page in nav.pages]
        self._partials = {}
        return nav

    def _memo(self, page: Page) -> Callable[..., str]:
        """``{% call nd_memo(name) %}…{% endcall %}`` renders its body once per folder for
        pages outside the navigation: nothing in it marks the page itself, and its links,
        relative to the page, and the section it marks (``nd_sections``) are the same for
        every page of a folder."""
        shared = isinstance(page.file, OwnPage) and not any(
            url.startswith(page.url) for url in self._nav_urls
        )
        folder = posixpath.dirname(page.url.rstrip("/"))

        def memo(name: str, caller: Callable[[], str]) -> str:
            if not shared:
                return caller()
            key = (name, folder)
            if key not in self._partials:
                self._partials[key] = caller()
            return self._partials[key]

        return memo

    def _own_pages(self) -> list[File]:
        """Every page of the site: MkDocs' own (in the navigation), then the others."""
        assert self.files is not None
        return [file for file, _ in self._nav_pages] + [
            file for file in self.files if isinstance(file, OwnPage)
        ]

    def _render_pages(self, config: MkDocsConfig, target: SiteWriter) -> dict[str, str]:
        """Every page into ``target``: left as it is where the site holds it, from the
        cache where nothing it shows has changed, rendered (on every core) where something
        has. Returns each page's path in the site and fingerprint."""
        assert self.settings and self.files is not None
        assert self.nav is not None and self.env is not None
        self._markdown_setup = markdown_setup(config)
        self.site_key = site_key(config, self._markdown_setup)
        renderer = self._renderer(config)
        stats, records = renderer.build(self._own_pages(), target)
        log.debug(
            f"{stats.pages} pages: {stats.rendered} rendered in {stats.processes} processes, "
            f"{stats.markdown_converted} converted from Markdown"
        )
        return {dest_uri: record.fingerprint for dest_uri, record in records.items()}

    def _fingerprint(self, file: File, markdown_key: str) -> str:
        """A hash of everything the page's HTML depends on (see render.py)."""
        assert self.prepared is not None
        spec = self.prepared.plan.get(file.src_uri)

        def view_key() -> str:
            return value_key(spec, self._head(file.src_uri, file.url, spec, ("", None)))

        item = self.prepared.items.get(file.src_uri)
        if item is not None and spec is not None:  # the same key while the same views
            parts = (spec, self._item_head(item))
            view = self.prepared.presenter.same("view key", item, parts, view_key)
        else:
            view = view_key()
        return digest(
            self.site_key,
            self._nav_key,
            file.src_uri,
            markdown_key,
            view,
            "\n".join(str(error) for error in self.problems),
            self.problems_summary,
            "preview" if self.serving else "",
        )

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        env.autoescape = lambda name: bool(name) and name.startswith(OWN_TEMPLATES)
        # theme/partials/nav.html is the theme's own, under the override of that name.
        theme = FileSystemLoader([d for d in config.theme.dirs if d != config.theme.custom_dir])
        env.loader = ChoiceLoader([env.loader, PrefixLoader({"theme": theme})])
        env.globals["nd_memo"] = _no_memo  # pages without a context of ours (404.html)
        env.globals["nd_subscribe"] = self.subscribe
        if self._handed_over is not None:  # `mkdocs build`'s own 404.html, soon replaced
            return env
        self.env = env
        # MkDocs has read its own pages; their titles label the navigation every page shows.
        self._nav_pages = [(file, file.inclusion) for file in files.documentation_pages()]
        self._nav_key = digest(*(f"{page.url} {page.title}" for page in self.nav.pages))
        for file, _ in self._nav_pages:  # so that MkDocs' page loop leaves them to Newsdesk
            file.inclusion = InclusionLevel.EXCLUDED
        return env

    def on_page_markdown(
        self, markdown: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        spec = self.prepared.plan.get(page.file.src_uri) if self.prepared else None
        if spec is not None:
            page.meta["template"] = spec.template
            page.meta["title"] = spec.title
            if spec.description:
                page.meta["description"] = spec.description
            # Sections are tabs, so a navigation sidebar would only repeat them.
            page.meta.setdefault("hide", ["navigation"] if spec.toc else ["navigation", "toc"])
        elif page.parent is None:
            # A page of its own in the tabs (About): its tab is the whole navigation there,
            # and a sidebar listing that one page would only repeat it.
            page.meta.setdefault("hide", ["navigation"])
        # Material prints these unescaped in <title>, the header and a meta attribute.
        for key in ("title", "description"):
            if isinstance(page.meta.get(key), str) and not isinstance(page.meta[key], Markup):
                page.meta[key] = escape(page.meta[key])
        return markdown

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """The body as published: cleaned, and checked, as HTML, to load nothing from
        another site, whatever its Markdown looked like."""
        assert self.settings is not None
        html = clean_html(html) if self.settings.sanitize_html else html
        if loads := off_site_loads(html):
            raise ContentErrors(self._off_site(page.file.src_uri, loads))
        return html

    def _off_site(self, src_uri: str, loads: list[Load]) -> list[ContentError]:
        """An error for each address a page's body loads from another site, on the line of
        the file that writes it (else the body's first line)."""
        assert self.settings is not None
        shown = f"{self.settings.display_prefix}{src_uri}"
        try:
            text = read_text(self.settings.docs_dir / src_uri, shown)
            document = parse_document(text, src_uri, shown)
            body, first = document.body, document.body_line
        except (UnreadableSource, ContentErrors):  # a page the site makes of others
            body, first = "", 1
        return [
            ContentError(
                shown,
                line_naming(body, load.address, first) or first,
                f"the published page loads {load} from another site; store the file in "
                "the content folder and refer to it there, so readers' browsers contact "
                "no one else",
            )
            for load in loads
        ]

    def on_page_context(self, context, page: Page, config: MkDocsConfig, nav):
        assert self.settings is not None
        spec = self.prepared.plan.get(page.file.src_uri) if self.prepared else None
        context["view"] = spec.view if spec is not None else None
        context["nd_memo"] = self._memo(page)
        # A page outside the navigation shows its top level only (sections.py).
        context["nd_sections"] = None if page.url in self._nav_urls else sections(nav, page.url)
        title = str(page.meta.get("title") or page.title or "")
        context["head"] = self._head(
            page.file.src_uri, page.url, spec, (title, page.meta.get("description"))
        )
        context["content_errors"] = self.problems
        context["content_errors_summary"] = self.problems_summary
        context["nd_serving"] = self.serving
        return context

    def _item_head(self, item: Item) -> HeadData:
        """An item's sharing tags and JSON-LD, made once: for the page's fingerprint, then
        for the page."""
        assert self.settings is not None and self.prepared is not None
        catalog, presenter, site = (
            self.prepared.catalog,
            self.prepared.presenter,
            self.settings.site,
        )
        return presenter.once("head", item, lambda i: item_head(i, catalog, site, presenter))

    def _head(
        self, src_uri: str, url: str, spec: PageSpec | None, written: tuple[str, str | None]
    ) -> HeadData:
        """Sharing tags, JSON-LD and feed links for a page; ``written`` is the title and
        description of a page editors wrote (one without a spec)."""
        assert self.settings is not None and self.prepared is not None
        site = self.settings.site
        item = self.prepared.items.get(src_uri)
        if item is not None:
            head = self._item_head(item)
        else:
            top = src_uri.split("/", 1)[0]
            title = spec.title if spec else (written[0] or site.name)
            description = spec.description if spec else written[1]
            head = page_head(title, description, url, site, top if top in MODELS else None)
        default = self.prepared.presenter.default_picture()
        picture = shared_picture(spec.view if spec else None, default)
        return replace(with_image(head, picture, site), locale=self.settings.locale)


_OVERRIDDEN = ("site_dir", "site_url", "strict", "use_directory_urls")
"""Settings a command may give other than in mkdocs.yml (``serve`` sets the site's URL)."""


class SiteTheme:
    """The engine's ``Theme`` (``engine/build.py``): MkDocs and Material, used as
    libraries, for one build into one folder."""

    def __init__(self, plugin: NewsdeskPlugin, config: MkDocsConfig, serve_url: str | None):
        self.plugin = plugin
        self.config = config
        self.inclusion = InclusionLevel.is_in_serve if serve_url else InclusionLevel.is_included
        self.files: Files | None = None

    def open(self, prepared: Prepared, problems: tuple[ContentError, ...]) -> None:
        plugin = self.plugin
        plugin.problems = problems
        plugin.problems_summary = ContentErrors(problems).summary(preview=True) if problems else ""
        if not problems:
            plugin._adopt(prepared)
        self.files = open_site(self.config, self.inclusion)

    def write_theme_files(self, target: SiteWriter) -> None:
        """The content's and the theme's files, as MkDocs copies them, and the theme's
        pages of its own (404.html; its sitemap, which Newsdesk's replaces) as MkDocs'
        ``_build_template`` makes them, put in ``target``."""
        config, plugin, files = self.config, self.plugin, self.files
        assert files is not None and plugin.env is not None and plugin.nav is not None
        for file in files:
            if isinstance(file, OwnPage) or file.is_documentation_page():
                continue  # pages: ``render_pages`` puts them
            if not self.inclusion(file.inclusion):
                continue
            if file.generated_by or not file.abs_src_path:
                target.put(file.dest_uri, digest("bytes", file.content_bytes), file.content_bytes)
            else:
                target.put_file(file.dest_uri, Path(file.abs_src_path))
        made = []
        for name in config.theme.static_templates:
            try:
                template = plugin.env.get_template(name)
            except TemplateNotFound:
                log.warning(f"Template skipped: '{name}' not found in theme directories.")
                continue
            made.append((name, _build_template(name, template, files, config, plugin.nav)))
        for name in config.extra_templates:
            file = files.get_file_from_path(name)
            if file is None:
                log.warning(f"Template skipped: '{name}' not found in docs_dir.")
                continue
            template = jinja2.Template(file.content_string)
            made.append((file.dest_uri, _build_template(name, template, files, config, plugin.nav)))
        for path, output in made:
            if output.strip():
                data = output.encode("utf-8")
                target.put(path, digest("bytes", data), data)
                if path == "sitemap.xml":
                    gzipped = _gzipped(data, path, files)
                    target.put(f"{path}.gz", digest("bytes", gzipped), gzipped)
        plugin._theme_html = [path for path, _ in made if path.endswith(".html")]

    def render_pages(self, target: SiteWriter) -> dict[str, str]:
        return self.plugin._render_pages(self.config, target)

    def item_pages(self) -> dict[str, str]:
        assert self.files is not None and self.plugin.prepared is not None
        return _item_pages(self.files, self.plugin.prepared)


def open_site(
    config: MkDocsConfig, inclusion: Callable[[InclusionLevel], bool] = InclusionLevel.is_included
) -> Files:
    """The site's files, navigation and templates, through MkDocs' library calls and its
    plugins' events (the plugin keeps them): the content's files, the theme's, and the
    pages Newsdesk makes; the navigation, with the titles of the pages in it read; the
    theme's Jinja environment. A build does this once, and each render worker the same."""
    files = get_files(config)
    env = config.theme.get_env()
    files.add_files_from_theme(env, config)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    nav = config.plugins.on_nav(get_navigation(files, config), config=config, files=files)
    for file in files.documentation_pages(inclusion=inclusion):
        if file.page is None:
            Page(None, file, config)
        assert file.page is not None
        _populate_page(file.page, config, files)
    config.plugins.on_env(env, config=config, files=files)
    plugin = config.plugins["newsdesk"]
    assert isinstance(plugin, NewsdeskPlugin) and plugin.nav is nav
    for file, inclusion_level in plugin._nav_pages:  # no page loop of MkDocs' skips them
        file.inclusion = inclusion_level
    return files


def renderer_for_worker(recipe: Recipe) -> PageRenderer:
    """In a worker process: the configuration loaded again, the plugin given the state of
    the build that started the worker, and the site opened as the build opened it
    (``open_site``)."""
    config = load_config(recipe.config_file, **recipe.overrides)
    plugin = config.plugins["newsdesk"]
    assert isinstance(plugin, NewsdeskPlugin)
    config = config.plugins.on_config(config)
    gc.disable()  # nothing to collect while the state is unpickled: a third of the time
    settings, catalog, plan, problems, summary, key, setup = pickle.loads(recipe.state)
    gc.enable()
    plugin.settings, plugin.problems, plugin.problems_summary = settings, problems, summary
    plugin.site_key, plugin._markdown_setup = key, setup
    items = {item.src_uri: item for item in catalog.items()}
    # The pages' views are the plan's, as the build that started the worker made them.
    presenter = Presenter(catalog, settings)
    plugin.prepared = Prepared(catalog, presenter, {}, plan, (), {}, items, {})
    open_site(config)
    gc.freeze()  # the state lives as long as the worker: its collector need not walk it
    return plugin._renderer(config)


def _site_info(config: MkDocsConfig, locale: str) -> SiteInfo:
    url = config.site_url
    if not url:
        raise PluginError(
            "newsdesk: set site_url in mkdocs.yml (like https://www.example.org/): feeds, "
            "calendars, the sitemap and emails need absolute addresses"
        )
    return SiteInfo(
        url=url if url.endswith("/") else f"{url}/",
        name=config.site_name,
        description=config.site_description or "",
        language=locale.split("_")[0],
    )


def _editor_settings(options: NewsdeskConfig, config: MkDocsConfig) -> EditorSettings:
    """The editing screen's options, and the site's stylesheets for its previews: the
    theme's (Material's, named by their hash) and ``extra_css``."""
    editor = options.editor
    path = _site_info(config, options.locale).path
    styles = []
    for pattern in ("assets/stylesheets/main.*.min.css", "assets/stylesheets/palette.*.min.css"):
        for folder in config.theme.dirs:
            if found := sorted(Path(folder).glob(pattern)):
                styles.append(f"{path}{found[0].relative_to(folder).as_posix()}")
                break
    styles += [f"{path}{css}" for css in config.extra_css if "://" not in str(css)]
    return EditorSettings(
        backend=editor.backend,
        repo=editor.repo,
        branch=editor.branch,
        base_url=editor.base_url,
        auth_endpoint=editor.auth_endpoint,
        api_root=editor.api_root,
        app_id=editor.app_id,
        editorial_workflow=editor.editorial_workflow,
        local_port=editor.local_port,
        preview_styles=tuple(styles),
        logo=f"{path}{logo}" if (logo := config.theme.get("logo")) else None,
    )


def _gzipped(data: bytes, name: str, files: Files) -> bytes:
    """``data`` gzipped as MkDocs gzips its sitemap: dated as the newest page."""
    pages = [file.page for file in files.documentation_pages() if file.page is not None]
    buffer = io.BytesIO()
    with gzip.GzipFile(
        fileobj=buffer, filename=name, mode="wb", mtime=get_build_timestamp(pages=pages)
    ) as zipped:
        zipped.write(data)
    return buffer.getvalue()


def _tell(errors: Collection[ContentError]) -> None:
    """Each error in the content on a line of its own (``path:line: message``)."""
    for error in errors:
        log.error(str(error))


def _item_pages(files: Files, prepared: Prepared) -> dict[str, str]:
    """The ``src_uri`` of the item each item page shows, by the page's path in the site."""
    return {f.dest_uri: f.src_uri for f in files if f.src_uri in prepared.items}


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


def _nav_paths(entries: object) -> list[str]:
    """The Markdown files the ``nav`` of mkdocs.yml names, at any depth."""
    if isinstance(entries, str):
        return [entries]
    if isinstance(entries, dict):
        return [path for value in entries.values() for path in _nav_paths(value)]
    if isinstance(entries, list):
        return [path for entry in entries for path in _nav_paths(entry)]
    return []


def _no_memo(name: str, caller: Callable[[], str]) -> str:
    return caller()
