"""The site as MkDocs and Material make it, for the engine (``engine/build.py``), which
asks it as its ``Theme``: MkDocs' library calls open the site once per build (the files,
the navigation with the titles of its pages, the theme's Jinja environment), and every
page is rendered from its view by one renderer (``render.py``). Render workers open the
site the same way (``renderer_for_worker``).

What Newsdesk does to a page (its template and title from its view, the body cleaned and
checked, the context its templates read) is done here, called by the renderer beside
MkDocs' plugin events, which the other plugins of ``mkdocs.yml`` still receive.
"""

from __future__ import annotations

import gc
import gzip
import io
import logging
import pickle
import posixpath
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, TemplateNotFound
from markupsafe import Markup, escape
from mkdocs.commands.build import _build_template
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_timestamp

from newsdesk.adapter import log_name
from newsdesk.adapter.assets import minify_theme_assets
from newsdesk.adapter.project import Project
from newsdesk.adapter.render import (
    OwnPage,
    PageRenderer,
    Recipe,
    markdown_setup,
    own_page,
    site_key,
)
from newsdesk.adapter.sections import sections
from newsdesk.content.errors import ContentError, ContentErrors
from newsdesk.content.frontmatter import parse_document
from newsdesk.content.models import MODELS, Item
from newsdesk.content.sources import UnreadableSource, problem_with, read_text
from newsdesk.content.taxonomy import TAXONOMY_FILE
from newsdesk.engine import build as engine
from newsdesk.engine.cache import CACHE_DIR, BuildCache, digest
from newsdesk.engine.keys import value_key
from newsdesk.engine.lock import one_build_at_a_time
from newsdesk.engine.pipeline import ImageError, Prepared
from newsdesk.engine.search import SearchIndexError
from newsdesk.engine.writer import SiteWriter
from newsdesk.newsletter.config import NewsletterConfigError, Subscribe
from newsdesk.outputs.structured import HeadData, item_head, page_head, shared_picture, with_image
from newsdesk.settings import Settings
from newsdesk.site.edition_text import for_the_web
from newsdesk.site.offsite import Load, line_naming, off_site_loads
from newsdesk.site.plan import PageSpec
from newsdesk.site.sanitize import clean_html
from newsdesk.site.views import Presenter

log = logging.getLogger(f"{log_name()}.plugins.newsdesk")

OWN_TEMPLATES = "newsdesk/"
"""Templates of ours (under templates/site/newsdesk/) are autoescaped; Material's are not."""
OVERRIDDEN = ("site_dir", "site_url", "strict", "use_directory_urls")
"""Settings a command may give other than in mkdocs.yml (``serve`` sets the site's URL)."""


class MkDocsSite:
    """One build's site, opened through MkDocs for the views of one ``Prepared``."""

    def __init__(
        self,
        config: MkDocsConfig,
        settings: Settings,
        subscribe: Subscribe | None,
        serve_url: str | None = None,
    ) -> None:
        self.config = config
        self.settings = settings
        self.subscribe = subscribe
        self.serving = serve_url is not None
        """The preview's pages (``serve``): drafts shown, and the preview's scripts."""
        self.inclusion = InclusionLevel.is_in_serve if self.serving else InclusionLevel.is_included
        self.prepared: Prepared | None = None
        self.problems: tuple[ContentError, ...] = ()
        """Errors the preview shows on every page, over the last good content."""
        self.problems_summary = ""
        self.files = Files([])
        self.nav: Navigation | None = None
        self.env: Environment | None = None
        self.site_key = ""
        self.markdown_setup = ""
        """Python-Markdown's setup as a hash, worked out once per build (render.py)."""
        self.nav_key = ""
        self.nav_pages: list[tuple[File, InclusionLevel]] = []
        """MkDocs' own pages (those in the navigation), which Newsdesk renders, and where
        MkDocs had them."""
        self.nav_urls: list[str] = []
        self.partials: dict[tuple[str, str], str] = {}
        """The navigation and tabs of pages outside the navigation, by folder (``_memo``)."""
        self.theme_html: list[str] = []
        """The theme's pages of its own (404.html), by their path in the site."""
        self._in_nav = set(_nav_paths(config.nav)) if config.nav else None

    # The engine's Theme

    def open(self, prepared: Prepared, problems: tuple[ContentError, ...]) -> None:
        """The site's files, navigation and templates, through MkDocs' library calls and
        the other plugins' events, for the pages of ``prepared``: the content's files, the
        theme's, and the pages Newsdesk makes; the navigation, with the titles of the pages
        in it read; the theme's Jinja environment."""
        self.prepared = prepared
        self.problems = problems
        self.problems_summary = ContentErrors(problems).summary(preview=True) if problems else ""
        config = self.config
        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = self._with_pages(config.plugins.on_files(files, config=config))
        set_exclusions(files, config)
        nav = config.plugins.on_nav(get_navigation(files, config), config=config, files=files)
        self.files, self.nav = files, nav
        self.nav_urls = [page.url for page in nav.pages]
        self.partials = {}
        for file in files.documentation_pages(inclusion=self.inclusion):
            if file.page is None:
                Page(None, file, config)
            assert file.page is not None
            self._populate(file.page)
        env = config.plugins.on_env(env, config=config, files=files)
        self.env = theme_environment(env, config, self.subscribe)
        # MkDocs has read its own pages; their titles label the navigation every page shows.
        self.nav_pages = [(file, file.inclusion) for file in files.documentation_pages()]
        self.nav_key = digest(*(f"{page.url} {page.title}" for page in nav.pages))

    def write_theme_files(self, target: SiteWriter) -> None:
        """The content's and the theme's files, as MkDocs copies them, and the theme's
        pages of its own (404.html; its sitemap, which Newsdesk's replaces) as MkDocs'
        ``_build_template`` makes them, put in ``target``."""
        config, files, env, nav = self.config, self.files, self.env, self.nav
        assert env is not None and nav is not None
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
                template = env.get_template(name)
            except TemplateNotFound:
                log.warning(f"Template skipped: '{name}' not found in theme directories.")
                continue
            made.append((name, _build_template(name, template, files, config, nav)))
        for name in config.extra_templates:
            file = files.get_file_from_path(name)
            if file is None:
                log.warning(f"Template skipped: '{name}' not found in docs_dir.")
                continue
            template = jinja2.Template(file.content_string)
            made.append((file.dest_uri, _build_template(name, template, files, config, nav)))
        for path, output in made:
            if output.strip():
                data = output.encode("utf-8")
                target.put(path, digest("bytes", data), data)
                if path == "sitemap.xml":
                    gzipped = _gzipped(data, path, files)
                    target.put(f"{path}.gz", digest("bytes", gzipped), gzipped)
        self.theme_html = [path for path, _ in made if path.endswith(".html")]

    def render_pages(self, target: SiteWriter) -> dict[str, str]:
        """Every page into ``target``: left as it is where the site holds it, from the
        cache where nothing it shows has changed, rendered (on every core) where something
        has. Returns each page's path in the site and fingerprint."""
        self.markdown_setup = markdown_setup(self.config)
        self.site_key = site_key(self.config, self.markdown_setup)
        stats, records = self.renderer().build(self.pages(), target)
        log.debug(
            f"{stats.pages} pages: {stats.rendered} rendered in {stats.processes} processes, "
            f"{stats.markdown_converted} converted from Markdown"
        )
        return {dest_uri: record.fingerprint for dest_uri, record in records.items()}

    def item_pages(self) -> dict[str, str]:
        """The ``src_uri`` of the item each item page shows, by the page's path in the site."""
        assert self.prepared is not None
        items = self.prepared.items
        return {file.dest_uri: file.src_uri for file in self.files if file.src_uri in items}

    # The pages

    def pages(self) -> list[File]:
        """Every page of the site: MkDocs' own (in the navigation), then the others."""
        return [file for file, _ in self.nav_pages] + [
            file for file in self.files if isinstance(file, OwnPage)
        ]

    def page_text(self, item: Item) -> str:
        """The Markdown of an item's page: its body; an edition's as its web version reads
        to a visitor (no merge tags)."""
        settings = self.settings
        return item.page_text(lambda text: for_the_web(text, settings.merge_tags, settings.reader))

    def generated(self, src_uri: str, content: str) -> File:
        """A page Newsdesk makes: one of MkDocs' own where the navigation names it (with
        no ``nav`` in mkdocs.yml, the home page and the section listings), else an
        ``OwnPage``."""
        config, in_nav = self.config, self._in_nav
        top = src_uri == "index.md" or (src_uri.endswith("/index.md") and src_uri.count("/") == 1)
        if not (top if in_nav is None else src_uri in in_nav):
            return own_page(config, src_uri, content)
        file = File.generated(config, src_uri, content=content)
        if not top:
            file.inclusion = InclusionLevel.NOT_IN_NAV
        return file

    def renderer(self) -> PageRenderer:
        cache = BuildCache(self.settings.project_dir / CACHE_DIR)
        assert self.nav is not None and self.env is not None
        return PageRenderer(
            self.config,
            self.files,
            self.nav,
            self.env,
            cache,
            self,
            self.markdown_setup,
            self._recipe,
        )

    def fingerprint(self, file: File, markdown_key: str) -> str:
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
            self.nav_key,
            file.src_uri,
            markdown_key,
            view,
            "\n".join(str(error) for error in self.problems),
            self.problems_summary,
            "preview" if self.serving else "",
        )

    def page_markdown(self, markdown: str, page: Page) -> str:
        """The page's template, title and description from its view."""
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

    def page_content(self, html: str, page: Page) -> str:
        """The body as published: cleaned, and checked, as HTML, to load nothing from
        another site, whatever its Markdown looked like."""
        html = clean_html(html) if self.settings.sanitize_html else html
        if loads := off_site_loads(html):
            raise ContentErrors(self._off_site(page.file.src_uri, loads))
        return html

    def page_context(self, context: dict[str, Any], page: Page) -> dict[str, Any]:
        """What Newsdesk's templates read: the page's view, its head, the errors the
        preview shows, the navigation of a page outside it."""
        assert self.nav is not None
        spec = self.prepared.plan.get(page.file.src_uri) if self.prepared else None
        context["view"] = spec.view if spec is not None else None
        context["nd_memo"] = self._memo(page)
        # A page outside the navigation shows its top level only (sections.py).
        outside = page.url not in self.nav_urls
        context["nd_sections"] = sections(self.nav, page.url) if outside else None
        title = str(page.meta.get("title") or page.title or "")
        context["head"] = self._head(
            page.file.src_uri, page.url, spec, (title, page.meta.get("description"))
        )
        context["content_errors"] = self.problems
        context["content_errors_summary"] = self.problems_summary
        context["nd_serving"] = self.serving
        return context

    # Below

    def _with_pages(self, files: Files) -> Files:
        """The content's files, less what is not a page of its own (items are pages made
        from the catalog), with the pages Newsdesk makes."""
        assert self.prepared is not None
        catalog, plan = self.prepared.catalog, self.prepared.plan
        # Nothing in a collection folder is a page (drafts, scheduled items, and while
        # previewing, files with errors).
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
        for item in catalog.items():
            files.append(self.generated(item.src_uri, self.page_text(item)))
        for spec in plan.pages.values():
            if spec.generated:
                files.append(self.generated(spec.src_uri, ""))
        minify_theme_assets(files, self.config)
        return files

    def _populate(self, page: Page) -> None:
        """One of MkDocs' own pages read and converted as MkDocs' build does before it
        renders any (``_populate_page``), so that its title labels the navigation."""
        config, files = self.config, self.files
        config._current_page = page
        try:
            page = config.plugins.on_pre_page(page, config=config, files=files)
            page.read_source(config)
            assert page.markdown is not None
            markdown = config.plugins.on_page_markdown(
                page.markdown, page=page, config=config, files=files
            )
            page.markdown = self.page_markdown(markdown, page)
            page.render(config, files)
            assert page.content is not None
            content = config.plugins.on_page_content(
                page.content, page=page, config=config, files=files
            )
            page.content = self.page_content(content, page)
        except Exception as exc:
            message = f"Error reading page '{page.file.src_uri}':"
            if not isinstance(exc, BuildError):
                message += f" {exc}"
            log.error(message)
            raise
        finally:
            config._current_page = None

    def _recipe(self) -> Recipe | None:
        """How a worker process makes this site's renderer again: the configuration file,
        what the command changed in it, and what the pages are made of."""
        config = self.config
        if not config.config_file_path:
            return None
        assert self.prepared is not None
        state = (
            self.settings,
            self.subscribe,
            self.serving,
            self.prepared.catalog,
            self.prepared.plan,
            self.problems,
            self.site_key,
            self.markdown_setup,
        )
        return Recipe(
            config_file=config.config_file_path,
            overrides={name: config[name] for name in OVERRIDDEN},
            state=pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL),
        )

    def _memo(self, page: Page) -> Callable[..., str]:
        """``{% call nd_memo(name) %}…{% endcall %}`` renders its body once per folder for
        pages outside the navigation: nothing in it marks the page itself, and its links,
        relative to the page, and the section it marks (``nd_sections``) are the same for
        every page of a folder."""
        shared = isinstance(page.file, OwnPage) and not any(
            url.startswith(page.url) for url in self.nav_urls
        )
        folder = posixpath.dirname(page.url.rstrip("/"))

        def memo(name: str, caller: Callable[[], str]) -> str:
            if not shared:
                return caller()
            key = (name, folder)
            if key not in self.partials:
                self.partials[key] = caller()
            return self.partials[key]

        return memo

    def _off_site(self, src_uri: str, loads: list[Load]) -> list[ContentError]:
        """An error for each address a page's body loads from another site, on the line of
        the file that writes it (else the body's first line)."""
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

    def _item_head(self, item: Item) -> HeadData:
        """An item's sharing tags and JSON-LD, made once: for the page's fingerprint, then
        for the page."""
        assert self.prepared is not None
        catalog, presenter = self.prepared.catalog, self.prepared.presenter
        site = self.settings.site
        return presenter.once("head", item, lambda i: item_head(i, catalog, site, presenter))

    def _head(
        self, src_uri: str, url: str, spec: PageSpec | None, written: tuple[str, str | None]
    ) -> HeadData:
        """Sharing tags, JSON-LD and feed links for a page; ``written`` is the title and
        description of a page editors wrote (one without a spec)."""
        assert self.prepared is not None
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


def build_site(
    project: Project,
    site: MkDocsSite,
    site_dir: Path,
    last_good: Prepared | None = None,
    index_later: Callable[[engine.Indexing], None] | None = None,
) -> engine.Built:
    """The whole site into ``site_dir`` by the engine (``engine.build``), with ``site``
    as its theme, under the project's lock. Raises Abort with a summary once every problem
    is logged, and writes nothing then. ``last_good`` and ``index_later``: the preview's
    (see ``engine.build``)."""
    started = time.monotonic()
    config, settings = site.config, project.settings
    config["site_dir"] = str(site_dir)
    try:
        with one_build_at_a_time(settings.project_dir, log.warning):
            built = engine.build(
                site,
                settings,
                project.mail_settings,
                site_dir,
                project.limits,
                last_good=last_good,
                strict=config.strict,
                index_later=index_later,
                log=log,
            )
    except ContentErrors as exc:
        _tell(exc.errors)
        raise Abort(exc.summary()) from None
    except (NewsletterConfigError, ImageError, SearchIndexError, engine.StrictWarnings) as exc:
        raise Abort(str(exc)) from None
    if built.problems:
        _tell(built.problems)
        summary = ContentErrors(built.problems).summary()
        log.warning(f"{summary}: the preview shows the last good content")
    # As MkDocs says it, which editors (and the preview's tests) know.
    log.info(f"Documentation built in {time.monotonic() - started:.2f} seconds")
    return built


def theme_environment(
    env: Environment, config: MkDocsConfig, subscribe: Subscribe | None
) -> Environment:
    """The theme's Jinja environment as Newsdesk's templates need it: its own templates
    autoescaped, the theme's reachable under ``theme/`` past the overrides, and the
    globals of a page without a context of Newsdesk's (404.html)."""
    env.autoescape = lambda name: bool(name) and name.startswith(OWN_TEMPLATES)
    # theme/partials/nav.html is the theme's own, under the override of that name.
    theme = FileSystemLoader([d for d in config.theme.dirs if d != config.theme.custom_dir])
    env.loader = ChoiceLoader([env.loader, PrefixLoader({"theme": theme})])
    env.globals["nd_memo"] = _no_memo
    env.globals["nd_subscribe"] = subscribe
    return env


def renderer_for_worker(recipe: Recipe) -> PageRenderer:
    """In a worker process: the configuration loaded again, and the site opened as the
    build that started the worker opened it, for the same views."""
    config = load_config(recipe.config_file, **recipe.overrides)
    config = config.plugins.on_config(config)
    gc.disable()  # nothing to collect while the state is unpickled: a third of the time
    settings, subscribe, serving, catalog, plan, problems, key, setup = pickle.loads(recipe.state)
    gc.enable()
    site = MkDocsSite(config, settings, subscribe, "" if serving else None)
    items = {item.src_uri: item for item in catalog.items()}
    # The pages' views are the plan's, as the build that started the worker made them.
    presenter = Presenter(catalog, settings)
    site.open(Prepared(catalog, presenter, {}, plan, (), {}, items, {}), problems)
    site.site_key, site.markdown_setup = key, setup
    gc.freeze()  # the state lives as long as the worker: its collector need not walk it
    return site.renderer()


def _tell(errors: Iterable[ContentError]) -> None:
    """Each error in the content on a line of its own (``path:line: message``)."""
    for error in errors:
        log.error(str(error))


def _gzipped(data: bytes, name: str, files: Files) -> bytes:
    """``data`` gzipped as MkDocs gzips its sitemap: dated as the newest page."""
    pages = [file.page for file in files.documentation_pages() if file.page is not None]
    buffer = io.BytesIO()
    with gzip.GzipFile(
        fileobj=buffer, filename=name, mode="wb", mtime=get_build_timestamp(pages=pages)
    ) as zipped:
        zipped.write(data)
    return buffer.getvalue()


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
