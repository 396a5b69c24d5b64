"""The build, phase by phase, in the order it runs:

1. **load**: the catalog, every file read and checked once (``content.catalog``);
2. **plan**: every page at its address with its view (``site.plan``);
3. **outputs**: feeds, calendars, structured data, the sitemap (``outputs``);
4. **editions**: each edition's email, text and message, past its quality gate
   (``newsletter``);
5. **render**: every page, through the adapter's renderer (MkDocs' Markdown setup and
   Material's templates), each kept in the cache under its fingerprint;
6. **write**: the editions and the outputs' files, and the copies of images at the sizes
   pages show them (each made once, then kept in the cache);
7. **search**: the Pagefind index over the rendered pages, in shards.

Phases 5–7 put each file where the site lacks it (``writer.py``); the site itself is
written last, by the writer's commit, only where it changed.

``prepare`` runs phases 1–4, which need nothing but the content and the settings, and is
all that ``check`` runs. ``engine/build.py`` runs them all, in this order, in one function:
``prepare`` before anything is made, so an error leaves the previous site as it was,
then the pages (asked of the adapter), then ``write``, the copies and ``index``, then the
commit. Nothing
here imports MkDocs.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from newsdesk import stage
from newsdesk.content.catalog import Catalog, load_catalog, page_url
from newsdesk.content.errors import ContentError, ContentErrors
from newsdesk.content.models import Item
from newsdesk.content.selection import EditionContent, choose_all
from newsdesk.content.sources import UnreadableSource, read_bytes
from newsdesk.engine.cache import BuildCache, digest
from newsdesk.engine.kept import Last, views_key
from newsdesk.engine.search import BUNDLE
from newsdesk.engine.writer import Target
from newsdesk.newsletter.config import NewsletterSettings
from newsdesk.newsletter.editions import render_editions
from newsdesk.newsletter.render import RenderedEdition, edition_files
from newsdesk.outputs.files import channel_files
from newsdesk.settings import Settings
from newsdesk.site import images
from newsdesk.site.images import Resized
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
    copies: Mapping[str, Resized]
    """The copies of images the pages show, by path in the site (``images.wanted``)."""


def prepare(
    settings: Settings,
    mail: Callable[[], NewsletterSettings],
    catalog: Catalog | None = None,
    previous: Prepared | None = None,
    views: Presenter | None = None,
    last: Last | None = None,
) -> Prepared:
    """Load (unless ``catalog`` is given), plan, and make the outputs and editions. With
    ``previous`` (made of the same configuration and templates), what it made that still
    holds is kept: item views, and editions made of the same files' versions. With only
    ``views`` (or ``last``: what the last build kept in the cache), the views of items
    whose files are as they were, and with ``last``, its catalog's reading of every file
    not written since. Raises ContentErrors for
    the content (an edition that fails its quality gate among them), NewsletterConfigError
    for the newsletter's settings."""
    if catalog is None:
        with stage.phase("loading the content"):
            if last is not None and last.catalog is not None:
                catalog = load_catalog(settings, last.catalog, last.changed)
            else:
                catalog = load_catalog(settings)
    with stage.phase("planning the pages"):
        chosen = choose_all(catalog, settings.closing_soon_days)
        earlier = previous.presenter if previous else views
        made = None
        if last is not None and last.views[0] == views_key(catalog, settings):
            made = last.views[1]
        presenter = Presenter(catalog, settings, earlier, chosen, made)
        plan = plan_site(catalog, settings, chosen, presenter)
        copies = images.wanted(catalog, settings)
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
    prepared = Prepared(catalog, presenter, chosen, plan, editions, files, items, copies)
    if clashes := _clashes(prepared, settings):
        raise ContentErrors(clashes)
    return prepared


def _clashes(prepared: Prepared, settings: Settings) -> list[ContentError]:
    """Files of the content that would land where the site writes a file of its own (a
    ``feed.xml`` of an editor's replacing the feed, say): each is an error, rather than
    one of the two silently winning."""
    made = site_files(prepared).keys() | prepared.copies.keys()
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


def write(target: Target, prepared: Prepared) -> None:
    """The files of ``site_files`` put in ``target``, each known by a hash of its bytes."""
    with stage.phase("writing the site"):
        for path, data in site_files(prepared).items():
            target.put(path, digest("bytes", data), data)


class ImageError(Exception):
    """An image of the content whose pixels cannot be read (a file cut short, say)."""

    def __init__(self, error: ContentError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True, slots=True)
class CopiesWritten:
    """What ``write_copies`` did: how many copies the site has, and of those, how many
    were made, read from the cache, or were in the site already."""

    copies: int
    made: int
    cached: int
    held: int

    def __str__(self) -> str:
        return (
            f"{self.copies} copies of images: {self.made} made, {self.cached} from the cache, "
            f"{self.held} in the site already"
        )


def write_copies(
    target: Target, prepared: Prepared, settings: Settings, cache: BuildCache
) -> CopiesWritten:
    """The copies of images (``prepared.copies``) put in ``target``, each known by its key:
    where the site lacks one, from the cache, else made from its image and kept in the
    cache. Raises ImageError for an image whose pixels cannot be read."""
    wanted = prepared.copies

    def put(dest_uri: str) -> str:
        copy = wanted[dest_uri]
        path = target.want(dest_uri, copy.key)
        if path is None:
            return "held"
        with stage.phase("making the images"):  # in this thread too
            entry = cache.images.read(copy.key)
            how = "cached"
            if entry is None:
                data, how = _made(copy, settings), "made"
                cache.images.write(copy.key, data)
            else:
                data = entry[1]
            path.write_bytes(data)
        return how

    with stage.phase("making the images"):
        todo = sorted(wanted)
        workers = getattr(os, "process_cpu_count", os.cpu_count)() or 1
        with ThreadPoolExecutor(max(1, min(workers, len(todo)))) as pool:
            done = list(pool.map(put, todo))
    counted = (done.count(how) for how in ("made", "cached", "held"))
    return CopiesWritten(len(wanted), *counted)


def _made(copy: Resized, settings: Settings) -> bytes:
    """``copy`` made from its image's file, which must be the file the content was loaded
    with (the copy is kept in the cache under that file's hash)."""
    display = f"{settings.display_prefix}{copy.src_uri}"
    stage.working_on(display)
    try:
        data = read_bytes(settings.docs_dir / copy.src_uri, display)
    except UnreadableSource as exc:
        raise ImageError(exc.error) from None
    if hashlib.sha256(data).hexdigest() != copy.image.digest:
        message = "was changed while the build read it; build again"
        raise ImageError(ContentError(display, 1, message))
    try:
        return images.resized(data, copy)
    except (OSError, ValueError) as exc:
        message = f"its pixels cannot be read ({exc}); save the image again"
        raise ImageError(ContentError(display, 1, message)) from None
