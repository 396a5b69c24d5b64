"""Every page of the site (items, listings, tag and facet pages, and the pages editors
wrote), rendered outside MkDocs' page loop: only what changed is rendered, Markdown is
converted once per body, and every core shares the work when there is much of it (worker
processes are started afresh, with ``spawn``, the only way on Windows and the default on
macOS, and make the renderer again from a ``Recipe`` that pickles).

Each page has a fingerprint: a hash of everything its HTML depends on (the site's
configuration and templates, the code, the libraries' versions, the navigation's titles,
the page's Markdown, its view and head data). A finished page is kept in the cache under
its fingerprint; a build leaves a page the site holds with the same fingerprint alone
(``engine/writer.py``), copies it from the cache when it is there, and renders the rest.
A page is rendered with MkDocs' own machinery (plugin events, ``get_context``, the theme's
templates), so it is byte for byte what MkDocs would write.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import multiprocessing.connection
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import markdown
from jinja2 import Environment
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import (
    Page,
    _ExtractTitleTreeprocessor,
    _RelativePathTreeprocessor,
)
from mkdocs.structure.toc import AnchorLink, get_toc

from newsdesk import stage
from newsdesk.adapter import engine, log_name
from newsdesk.content.errors import ContentError, ContentErrors
from newsdesk.editor.screen import DECAP
from newsdesk.engine.cache import BuildCache, digest
from newsdesk.engine.keys import value_key
from newsdesk.engine.writer import Target

log = logging.getLogger(f"{log_name()}.plugins.newsdesk")

PARALLEL_FROM = 200
"""Pages to render per worker, at least, for workers to be started: each costs about a
second to start."""
BATCH = 100
"""Pages sent to a worker at a time."""

_LIBRARIES = (engine(), "mkdocs-material", "Jinja2", "MarkupSafe", "nh3")
"""What shapes every page besides its Markdown (whose libraries ``markdown_setup`` names)."""


class OwnPage(File):
    """A page Newsdesk renders. It stays among MkDocs' files, so links to it resolve, but
    MkDocs neither renders nor copies it."""

    def is_documentation_page(self) -> bool:
        return False

    def is_static_page(self) -> bool:
        return False

    def is_media_file(self) -> bool:
        return False

    def copy_file(self, dirty: bool = False) -> None:
        return None


def own_page(config: MkDocsConfig, src_uri: str, content: str) -> File:
    file = File.generated(config, src_uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV)
    _ = file.dest_uri, file.url, file.abs_dest_path  # fixed as a Markdown page's
    file.__class__ = OwnPage
    return file


def site_key(config: MkDocsConfig, markdown: str) -> str:
    """What every page depends on: the configuration file and the values a command may
    change in it, the Markdown setup, the project's templates (read for every key, since
    the preview sees them change) and what is installed (``installed_key``)."""
    theme = [folder for folder in config.theme.dirs if folder != config.theme.custom_dir]
    parts: list[str | bytes] = [
        str(config.site_url),
        str(config.use_directory_urls),
        installed_key(tuple(theme)),
        markdown,  # the Markdown setup
    ]
    if config.config_file_path:
        parts.append(Path(config.config_file_path).read_bytes())
    if config.theme.custom_dir:
        parts += _files_in(Path(config.theme.custom_dir))
    return digest(*parts)


@functools.cache
def installed_key(theme_dirs: tuple[str, ...]) -> str:
    """What shapes every page and comes installed: Newsdesk's code, the theme's own
    templates (``theme_dirs``: Material's, MkDocs') and the libraries' versions. Worked out
    once per process, not for every key: none of it changes while the process runs (the
    preview reloads none of it). The editing screen's vendored Decap CMS, 6 MB, is not
    part of it: it reaches the site as files, which no page is made of, and what tells
    whether a site is up to date sees them change (``commands.inputs_key``)."""
    code = Path(__file__).parent.parent
    parts = [f"{name}={metadata.version(name)}" for name in _LIBRARIES]
    parts += _files_in(code, leaving_out=DECAP)
    for folder in theme_dirs:
        parts += _files_in(Path(folder))
    return digest(*parts)


_SHAPING = (".py", ".html", ".css", ".js", ".xml", ".txt")
"""The files of code and templates a page may be made of."""


def _files_in(folder: Path, leaving_out: Path | None = None) -> list[str | bytes]:
    """Each file under ``folder`` that may shape a page, as its path there (posix) and its
    bytes, in order of path; none under ``leaving_out``. Linked folders are followed, as
    Jinja follows them to templates; folders named with a dot are not listed (Material's
    ``.icons`` holds 14,000 SVG files and licences, none of which a key reads)."""
    found: dict[str, Path] = {}
    for parent, folders, names in os.walk(folder, followlinks=True):
        folders[:] = [
            name
            for name in folders
            if not name.startswith(".") and Path(parent, name) != leaving_out
        ]
        for name in names:
            path = Path(parent, name)
            if name.endswith(_SHAPING) and path.is_file():  # not a link to nothing
                found[path.relative_to(folder).as_posix()] = path
    parts: list[str | bytes] = []
    for src, path in sorted(found.items()):
        parts += [src, path.read_bytes()]
    return parts


def markdown_setup(config: MkDocsConfig) -> str:
    """What every page's Markdown output depends on: Python-Markdown and the packages of
    its extensions (pymdown-extensions, say), their versions and settings
    (``markdown_settings``), and the form of the links MkDocs writes
    (``use_directory_urls``)."""
    names = [name for name in config.markdown_extensions if isinstance(name, str)]
    dotted = [name for name in names if "." in name]  # others are Python-Markdown's own
    owners = _installed_distributions() if dotted else {}
    packages = {"Markdown"} | {
        owner for name in dotted for owner in owners.get(name.split(".")[0], ())
    }
    versions = [f"{package}={metadata.version(package)}" for package in sorted(packages)]
    settings = markdown_settings(config)
    return digest(*versions, *settings, f"use_directory_urls={config.use_directory_urls}")


def markdown_settings(config: MkDocsConfig) -> list[str]:
    """Each Markdown extension's settings as a key, written out field by field
    (``value_key``), so that it is the same in every process: a function they name, as
    Material's ``fence_code_format`` for Mermaid diagrams, by its name, not by the address
    ``repr`` prints. A setting no key can tell from another is refused, naming its
    extension, rather than given a key no other build would share."""
    settings = []
    for extension in config.markdown_extensions:
        options = config.mdx_configs.get(extension) if isinstance(extension, str) else None
        try:
            settings.append(value_key(extension, options))
        except TypeError as exc:
            raise PluginError(
                f"newsdesk: markdown_extensions: {extension}: a setting holds what the build "
                f"cannot tell from another ({exc}); give plain values, or a function or a "
                "class by its name (!!python/name:module.name)"
            ) from None
    return settings


@functools.cache
def _installed_distributions() -> Mapping[str, list[str]]:
    """The distributions that install each top-level module (``pymdownx``: pymdown-
    extensions). Read once per process: what is installed does not change while it runs,
    and reading it opens every distribution's list of files, a sixth of a second."""
    return metadata.packages_distributions()


def markdown_key(setup: str, src_uri: str, markdown: str) -> str:
    """Python-Markdown's output depends on its ``setup``, the page's place (links are made
    relative to it) and its text. Links to other pages are valid in any build that gets this
    far, and each target's address follows from its path."""
    return digest(setup, src_uri, markdown)


def _toc_tokens(items: Sequence[AnchorLink]) -> list[dict[str, Any]]:
    return [
        {"level": i.level, "id": i.id, "name": i.title, "children": _toc_tokens(i.children)}
        for i in items
    ]


@dataclass(frozen=True, slots=True)
class Job:
    file: File
    fingerprint: str
    target: Path
    """Where the page is written."""


@dataclass
class RenderStats:
    pages: int = 0
    rendered: int = 0
    markdown_converted: int = 0
    processes: int = 1


class Pages(Protocol):
    """What Newsdesk does to a page, beside MkDocs' plugin events (``site.py``)."""

    def fingerprint(self, file: File, markdown_key: str) -> str:
        """A hash of everything the page's HTML depends on, from its file and the key of
        its Markdown."""

    def page_markdown(self, markdown: str, page: Page) -> str: ...

    def page_content(self, html: str, page: Page) -> str: ...

    def page_context(self, context: dict[str, Any], page: Page) -> dict[str, Any]: ...


class PageRenderer:
    """Renders pages through MkDocs' plugin events, Newsdesk's ``Pages`` and the theme."""

    def __init__(
        self,
        config: MkDocsConfig,
        files: Files,
        nav: Navigation,
        env: Environment,
        cache: BuildCache,
        pages: Pages,
        markdown: str,
        recipe: Callable[[], Recipe | None] | None = None,
    ) -> None:
        self.config = config
        self.files = files
        self.nav = nav
        self.env = env
        self.cache = cache
        self.pages = pages
        self.recipe = recipe
        """How to make this renderer again in another process; None: render in this one."""
        self.doc_files = files.documentation_pages()
        self.markdown_setup = markdown
        """``markdown_setup(config)``, worked out once per build."""
        self._converter: Converter | None = None

    def build(
        self, pages: Sequence[File], target: Target
    ) -> tuple[RenderStats, dict[str, PageRecord]]:
        """Put every page in ``target``, rendering those the cache lacks; returns the
        figures and a record of each page (by its path in the site). A page ``target``
        holds with its fingerprint already is left as it is. When many pages are to be
        rendered, every core takes a share."""
        with stage.phase("rendering the pages"):
            return self._build(pages, target)

    def _build(
        self, pages: Sequence[File], target: Target
    ) -> tuple[RenderStats, dict[str, PageRecord]]:
        records: dict[str, PageRecord] = {}
        todo: list[Job] = []
        farm = _Farm(self)
        docs = Path(self.config.docs_dir).name
        try:
            for file in pages:
                stage.working_on(f"{docs}/{file.src_uri}")
                key = markdown_key(self.markdown_setup, file.src_uri, file.content_string)
                fingerprint = self.pages.fingerprint(file, key)
                dest_uri = file.dest_uri
                path = target.want(dest_uri, fingerprint)
                if path is None:
                    records[dest_uri] = PageRecord(fingerprint, ())
                elif (entry := self.cache.pages.read(fingerprint)) is not None:
                    records[dest_uri] = _told(_write_page(path, fingerprint, *entry))
                else:
                    todo.append(Job(file, fingerprint, path))
                    farm.offer(todo)
            if farm.started:
                done = farm.finish(todo)
            else:
                done = _every_page(self._render_one, todo)
        finally:
            farm.close()
        stats = RenderStats(len(pages), len(todo), processes=farm.workers if farm.started else 1)
        for job, (record, converted) in zip(todo, done, strict=True):
            stats.markdown_converted += converted
            records[job.file.dest_uri] = _told(record)
        return stats, records

    def _render_one(self, job: Job) -> tuple[PageRecord, bool]:
        """Render one page into the page cache, with the warnings rendering it raised, and
        to where it goes; returns its record and whether its Markdown was converted."""
        with _warnings_kept() as warnings:
            converted, html = self._render_page(job)
        meta = {"warnings": warnings}
        self.cache.pages.write(job.fingerprint, html, meta)
        return _write_page(job.target, job.fingerprint, meta, html), converted

    def _render_page(self, job: Job) -> tuple[bool, bytes]:
        config, file = self.config, job.file
        own = isinstance(file, OwnPage)
        # A page of MkDocs' own is in the navigation already: the same object is rendered.
        page = file.page if not own and file.page is not None else Page(None, file, config)
        config._current_page = page
        try:
            page = config.plugins.on_pre_page(page, config=config, files=self.files)
            page.read_source(config)
            assert page.markdown is not None
            markdown = config.plugins.on_page_markdown(
                page.markdown, page=page, config=config, files=self.files
            )
            page.markdown = self.pages.page_markdown(markdown, page)
            converted = self._convert(page)
            content = config.plugins.on_page_content(
                page.content, page=page, config=config, files=self.files
            )
            page.content = self.pages.page_content(content, page)
            page.active = True
            context = get_context(self.nav, self.doc_files, config, page)
            template = self.env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(
                context, page=page, config=config, nav=self.nav
            )
            context = self.pages.page_context(context, page)
            output = template.render(context)
            output = config.plugins.on_post_page(output, page=page, config=config)
            return converted, output.encode("utf-8", errors="xmlcharrefreplace")
        except ContentErrors:
            raise  # told as such, once every page has been rendered
        except Exception as exc:
            where = f"{Path(config.docs_dir).name}/{file.src_uri}"
            raise stage.Failed(where, f"{type(exc).__name__}: {exc}") from exc
        finally:
            page.active = False
            config._current_page = None
            if own:
                file.page = None  # the page's HTML is in the cache; let it go

    def _convert(self, page: Page) -> bool:
        """Markdown to HTML, from the cache when this body was converted before."""
        assert page.markdown is not None
        key = markdown_key(self.markdown_setup, page.file.src_uri, page.markdown)
        cached = self.cache.rendered_markdown(key)
        if cached is not None:
            page.content = cached["html"]
            page.toc = get_toc(cached["toc"])
            _tell(cached.get("warnings", ()))  # as converting would: a strict build counts them
            return False
        if self._converter is None:
            self._converter = Converter(self.config, self.files)
        with _warnings_kept() as warnings:
            self._converter.render(page)
        _tell(warnings)
        assert page.content is not None
        self.cache.keep_markdown(key, page.content, _toc_tokens(page.toc.items), warnings)
        return True


class Converter:
    """``Page.render`` with one Python-Markdown for every page, reset in between, rather
    than a new one per page (which costs as much as a third of converting the page). The
    processors are MkDocs' own, less the two that only collect anchors for MkDocs to check
    links to them, which it does for its own pages only."""

    def __init__(self, config: MkDocsConfig, files: Files) -> None:
        self.md = markdown.Markdown(
            extensions=config["markdown_extensions"],
            extension_configs=config["mdx_configs"] or {},
        )
        self.links = _RelativePathTreeprocessor(None, files, config)  # type: ignore[arg-type]
        self.links._register(self.md)
        self.title = _ExtractTitleTreeprocessor()
        self.title._register(self.md)

    def render(self, page: Page) -> None:
        assert page.markdown is not None
        self.md.reset()
        self.links.file = page.file
        self.links.links_to_anchors = {}
        self.title.title = None
        page.content = self.md.convert(page.markdown)
        page.toc = get_toc(getattr(self.md, "toc_tokens", []))
        page._title_from_render = self.title.title


LogLine = tuple[int, str, str]
"""A log record kept to be told again: level, logger's name, message."""


@dataclass(frozen=True, slots=True)
class PageRecord:
    """What a build put at a page's place in the site: the fingerprint of what it shows,
    and the warnings rendering it raised, told again whenever the page is reused."""

    fingerprint: str
    warnings: tuple[LogLine, ...]


def _write_page(target: Path, fingerprint: str, meta: dict[str, Any], html: bytes) -> PageRecord:
    target.write_bytes(html)
    warnings = tuple(tuple(warning) for warning in meta.get("warnings", ()))
    return PageRecord(fingerprint, warnings)  # type: ignore[arg-type]


def _tell(warnings: Iterable[Sequence[Any]]) -> None:
    for level, name, message in warnings:
        logging.getLogger(name).log(level, message)


def _told(record: PageRecord) -> PageRecord:
    """``record``, its warnings told again: a strict build counts them, cached or not."""
    _tell(record.warnings)
    return record


@contextmanager
def _warnings_kept() -> Iterator[list[LogLine]]:
    """The warnings MkDocs' loggers raise meanwhile, kept rather than printed: a page
    rendered in a worker tells them to the build that asked for it."""
    kept: list[LogLine] = []

    class Keeper(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            kept.append((record.levelno, record.name, record.getMessage()))

    logger = logging.getLogger(log_name())
    keeper = Keeper(logging.WARNING)
    handlers, propagate, level = logger.handlers[:], logger.propagate, logger.level
    logger.handlers[:] = [keeper]
    logger.propagate = False
    # A quiet build (-q) drops warnings before any handler sees them; the page's entry
    # in the cache keeps them all the same, for the builds after it that tell them.
    logger.setLevel(min(logger.getEffectiveLevel(), logging.WARNING))
    try:
        yield kept
    finally:
        logger.handlers[:] = handlers
        logger.propagate = propagate
        logger.setLevel(level)


def _can_spawn() -> bool:
    """A new process starts by importing the main module again: it must be a file (not a
    script read from standard input)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    return path is None or Path(path).is_file()


def worker_count() -> int:
    """The cores this process may use, on any system."""
    count = getattr(os, "process_cpu_count", os.cpu_count)()
    return count or 1


@dataclass(frozen=True, slots=True)
class Recipe:
    """What a worker process needs to render pages as this one would: where the
    configuration is, the values a command set in it, and the plugin's state (pickled).
    Workers are started afresh (``spawn``), as on macOS and Windows, so all of it pickles."""

    config_file: str
    overrides: dict[str, Any]
    state: bytes


class _Farm:
    """Worker processes rendering pages while this one still works out which pages need
    rendering: once enough have turned out to, they go to the workers in batches as they
    are found, and each worker writes its pages where they go itself."""

    def __init__(self, renderer: PageRenderer) -> None:
        self.renderer = renderer
        self.workers = worker_count()
        self.pool: ProcessPoolExecutor | None = None
        self.futures: list[Future[list[tuple[PageRecord, bool]]]] = []
        self.sent = 0
        self.refused = self.workers < 2 or renderer.recipe is None or not _can_spawn()

    @property
    def started(self) -> bool:
        return self.pool is not None

    def offer(self, todo: Sequence[Job]) -> None:
        """Send what ``todo`` holds beyond what was sent, in batches, once it is long enough
        for workers to be worth starting."""
        if self.refused or len(todo) < PARALLEL_FROM * self.workers:
            return
        if self.pool is None:
            assert self.renderer.recipe is not None
            recipe = self.renderer.recipe()
            if recipe is None:
                self.refused = True
                return
            self.pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(recipe,),
            )
        while len(todo) - self.sent >= BATCH:
            self._send(todo[self.sent : self.sent + BATCH])

    def finish(self, todo: Sequence[Job]) -> list[tuple[PageRecord, bool]]:
        """Every page of ``todo`` rendered, in order."""
        assert self.pool is not None
        if self.sent < len(todo):
            self._send(todo[self.sent :])
        rows: list[tuple[PageRecord, bool]] = []
        errors: list[ContentError] = []
        for future in self.futures:
            try:
                rows += future.result()
            except ContentErrors as exc:
                errors += exc.errors
        if errors:
            raise ContentErrors(errors)
        return rows

    def close(self) -> None:
        """Stop the workers, whatever they were doing (a page failed to render, say)."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def _send(self, jobs: Sequence[Job]) -> None:
        assert self.pool is not None
        share = [(job.file.src_uri, job.fingerprint, str(job.target)) for job in jobs]
        self.futures.append(self.pool.submit(_render_share, share))
        self.sent += len(jobs)


_WORKER: PageRenderer | None = None
"""The renderer of a worker process, made once as it starts."""


def _start_worker(recipe: Recipe) -> None:
    global _WORKER
    from newsdesk.adapter.site import renderer_for_worker  # which imports this module

    threading.Thread(target=_end_with_parent, name="newsdesk-parent", daemon=True).start()
    _WORKER = renderer_for_worker(recipe)


def _end_with_parent() -> None:
    """A worker ends the moment the build that started it does, however it ends (killed,
    say): its siblings keep the pool's queue open, so it would otherwise wait on it for
    ever."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)


def _render_share(share: list[tuple[str, str, str]]) -> list[tuple[PageRecord, bool]]:
    assert _WORKER is not None
    worker = _WORKER

    def render(job: tuple[str, str, str]) -> tuple[PageRecord, bool]:
        file = worker.files.get_file_from_path(job[0])
        assert file is not None, job[0]
        return worker._render_one(Job(file, job[1], Path(job[2])))

    return _every_page(render, share)


def _every_page(
    render: Callable[[Any], tuple[PageRecord, bool]], jobs: Sequence[Any]
) -> list[tuple[PageRecord, bool]]:
    """Each job rendered; a page with errors in its content does not stop the others, and
    all such errors are raised together at the end."""
    rows, errors = [], []
    for job in jobs:
        try:
            rows.append(render(job))
        except ContentErrors as exc:
            errors += exc.errors
    if errors:
        raise ContentErrors(errors)
    return rows
