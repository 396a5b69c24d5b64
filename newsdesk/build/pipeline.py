"""The build, phase by phase, in the order it runs:

1. **load**: the catalog, every file read and checked once (``content.catalog``);
2. **plan**: every page at its address with its view (``site.plan``);
3. **outputs**: feeds, calendars, structured data, the sitemap (``outputs``);
4. **editions**: each edition's email, text and message, past its quality gate
   (``newsletter``);
5. **render**: every page, through the adapter's renderer (MkDocs' Markdown setup and
   Material's templates), each kept in the cache under its fingerprint;
6. **write**: the editions and the outputs' files into the site;
7. **search**: the Pagefind index over the rendered pages, in shards.

``prepare`` runs phases 1–4, which need nothing but the content and the settings, and is
all that ``check`` runs; the adapter's plugin calls it before MkDocs touches the site, so
an error leaves the previous site as it was, then ``write`` and ``index`` once the pages
are rendered. Nothing here imports MkDocs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from newsdesk.build import stage
from newsdesk.build.cache import BuildCache
from newsdesk.build.search import BUNDLE, ShardRecords, index_site, indexed_pages, plan_shards
from newsdesk.content.catalog import Catalog, load_catalog, page_url
from newsdesk.content.errors import ContentError, ContentErrors
from newsdesk.content.models import Item
from newsdesk.newsletter.config import NewsletterSettings
from newsdesk.newsletter.editions import render_editions
from newsdesk.newsletter.render import RenderedEdition, edition_files
from newsdesk.newsletter.selection import EditionContent, choose_all
from newsdesk.outputs.files import channel_files
from newsdesk.settings import Settings
from newsdesk.site.plan import SitePlan, plan_site
from newsdesk.site.views import Presenter


@dataclass(frozen=True, slots=True)
class Prepared:
    """What a build makes of the content before it renders a page."""

    catalog: Catalog
    presenter: Presenter
    chosen: Mapping[str, EditionContent]
    """Each edition's items, chosen once for its web page and its email."""
    plan: SitePlan
    editions: tuple[RenderedEdition, ...]
    files: dict[str, bytes]
    """The outputs' files by path in the site: feeds, calendars, sitemap, robots.txt…"""
    items: Mapping[str, Item]
    """Every published item by ``src_uri``."""


def prepare(
    settings: Settings,
    mail: Callable[[], NewsletterSettings],
    catalog: Catalog | None = None,
    previous: Prepared | None = None,
    views: Presenter | None = None,
) -> Prepared:
    """Load (unless ``catalog`` is given), plan, and make the outputs and editions. With
    ``previous`` (made of the same configuration and templates), what it made that still
    holds is kept: item views, and editions made of the same files' versions. With only
    ``views``, the views of items whose files are as they were. Raises ContentErrors for
    the content (an edition that fails its quality gate among them), NewsletterConfigError
    for the newsletter's settings."""
    if catalog is None:
        with stage.phase("loading the content"):
            catalog = load_catalog(settings)
    with stage.phase("planning the pages"):
        presenter = Presenter(catalog, settings, previous.presenter if previous else views)
        chosen = choose_all(catalog, settings.closing_soon_days)
        plan = plan_site(catalog, settings, chosen, presenter)
    editions: tuple[RenderedEdition, ...] = ()
    if catalog.collection("newsletters"):
        kept = {}
        if previous is not None:
            kept = {
                edition.src_uri: edition
                for edition in previous.editions
                if chosen[edition.src_uri].same_as(previous.chosen.get(edition.src_uri))
            }
        urls = page_urls(catalog, plan)
        with stage.phase("making the editions"):
            editions = render_editions(catalog, settings, mail(), urls, chosen, kept)
    with stage.phase("making the feeds, calendars and sitemap"):
        files = channel_files(catalog, plan, settings, presenter)
    items = {item.src_uri: item for item in catalog.items()}
    prepared = Prepared(catalog, presenter, chosen, plan, editions, files, items)
    if clashes := _clashes(prepared, settings):
        raise ContentErrors(clashes)
    return prepared


def _clashes(prepared: Prepared, settings: Settings) -> list[ContentError]:
    """Files of the content that would land where the site writes a file of its own (a
    ``feed.xml`` of an editor's replacing the feed, say): each is an error, rather than
    one of the two silently winning."""
    made = site_files(prepared).keys()
    return [
        ContentError(
            f"{settings.display_prefix}{src_uri}",
            1,
            "would replace a file the site makes of the content; rename it",
        )
        for src_uri in sorted(prepared.catalog.files)
        if src_uri in made or src_uri.split("/", 1)[0] == BUNDLE
    ]


def page_urls(catalog: Catalog, plan: SitePlan) -> list[str]:
    """The URL of every page the build writes."""
    return [page_url(src_uri) for src_uri in plan.pages] + [
        page_url(page.src_uri) for page in catalog.pages
    ]


def site_files(prepared: Prepared) -> dict[str, bytes]:
    """Every file of the site that is not a page, by its path in the site: the outputs'
    and each edition's email, text and message."""
    files = dict(prepared.files)
    for edition in prepared.editions:
        files.update(edition_files(edition))
    return files


def write(site_dir: Path, prepared: Prepared, before: Prepared | None = None) -> None:
    """The files of ``site_files`` into ``site_dir``; with ``before`` (what the site holds
    now), only those that changed, and those ``before`` had that are gone deleted."""
    files = site_files(prepared)
    written = site_files(before) if before is not None else {}
    with stage.phase("writing the site"):
        _write_files(site_dir, files, written)


def _write_files(site_dir: Path, files: Mapping[str, bytes], written: Mapping[str, bytes]) -> None:
    for path, data in files.items():
        if written.get(path) == data:
            continue
        target = site_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for path in written.keys() - files.keys():
        remove_from_site(site_dir, path)


def remove_from_site(site_dir: Path, path: str) -> None:
    """The file at ``path`` in the site deleted, and the folders it leaves empty."""
    target = site_dir / path
    target.unlink(missing_ok=True)
    for folder in target.parents:
        if folder == site_dir or not folder.is_relative_to(site_dir):
            break
        try:
            folder.rmdir()
        except OSError:  # not empty
            break


def index(
    site_dir: Path,
    settings: Settings,
    prepared: Prepared,
    pages: Mapping[str, str],
    item_pages: Mapping[str, str],
    cache: BuildCache,
    shard_pages: int,
    wanted: Callable[[], bool] = lambda: True,
    previous: tuple[Path, ShardRecords] | None = None,
) -> tuple[int, int, ShardRecords]:
    """The search index of ``site_dir``. ``pages`` gives the fingerprint of every page
    the renderer made, by its path in the site, and ``item_pages`` the ``src_uri`` of the
    item each item page shows; ``previous`` the site this one replaces, with what the last
    build put in its index. Returns how many shards were indexed, of how many, and what
    was put in the site."""
    archived = prepared.catalog.archived  # their pages stay, out of the index
    items = {
        dest_uri: prepared.items[src_uri]
        for dest_uri, src_uri in item_pages.items()
        if src_uri not in archived
    }
    with stage.phase("making the search index"):
        shards = plan_shards(indexed_pages(site_dir, pages, items), shard_pages)
        language = settings.locale.split("_")[0]
        indexed, records = index_site(site_dir, language, shards, cache, wanted, previous)
    return indexed, len(shards), records
