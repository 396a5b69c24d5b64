"""The build, phase by phase, in the order it runs:

1. **load**: the catalog, every file read and checked once (``content.catalog``);
2. **plan**: every page at its address with its view (``site.plan``);
3. **outputs**: feeds, calendars, structured data, the sitemap (``outputs``);
4. **editions**: each edition's email, text and message, past its quality gate
   (``newsletter``);
5. **render**: every page, through the adapter's renderer (MkDocs' Markdown setup and
   Material's templates), each kept in the cache under its fingerprint;
6. **write**: the editions and the outputs' files into the site, and the copies of images
   at the sizes pages show them (each made once, then kept in the cache);
7. **search**: the Pagefind index over the rendered pages, in shards.

``prepare`` runs phases 1–4, which need nothing but the content and the settings, and is
all that ``check`` runs. ``engine/build.py`` runs them all, in this order, in one function:
``prepare`` before anything is written, so an error leaves the previous site as it was,
then the pages (asked of the adapter), then ``write``, the copies and ``index``. Nothing
here imports MkDocs.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from newsdesk import stage
from newsdesk.content.catalog import Catalog, load_catalog, page_url
from newsdesk.content.errors import ContentError, ContentErrors
from newsdesk.content.models import Item
from newsdesk.content.selection import EditionContent, choose_all
from newsdesk.content.sources import UnreadableSource, read_bytes
from newsdesk.engine.cache import BuildCache, digest, link_unchanged
from newsdesk.engine.search import BUNDLE
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
        chosen = choose_all(catalog, settings.closing_soon_days)
        earlier = previous.presenter if previous else views
        presenter = Presenter(catalog, settings, earlier, chosen)
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


class ImageError(Exception):
    """An image of the content whose pixels cannot be read (a file cut short, say)."""

    def __init__(self, error: ContentError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True, slots=True)
class CopiesWritten:
    """What ``write_copies`` did: how many copies the site has, and of those it put
    there, how many were linked from the site it replaces, read from the cache, or made."""

    copies: int
    linked: int
    cached: int
    made: int
    records: dict[str, tuple[int, int]]
    """Each copy in the site, by its path there: its size and time of change as written."""

    def __str__(self) -> str:
        return (
            f"{self.copies} copies of images: {self.made} made, {self.cached} from the cache, "
            f"{self.linked} from the site replaced"
        )


def write_copies(
    site_dir: Path,
    prepared: Prepared,
    settings: Settings,
    cache: BuildCache,
    before: Prepared | None = None,
    replacing: Path | None = None,
) -> CopiesWritten:
    """The copies of images (``prepared.copies``) into ``site_dir``, each linked from the
    site at ``replacing`` where it is still as the last build left it there (that build's
    record of them is in the cache), else from the cache, else made from its image and
    kept in the cache. With ``before`` (what the site holds now), only those it lacks,
    and those ``before`` had that are gone deleted. Raises ImageError for an image whose
    pixels cannot be read."""
    manifest, previous = "", None
    if replacing is not None and before is None:
        manifest = digest("images", str(replacing))
        previous = (replacing, _copy_records(cache, manifest))
    present = before.copies if before is not None else {}
    wanted = prepared.copies

    def put(dest_uri: str) -> str:
        copy, target = wanted[dest_uri], site_dir / dest_uri
        if previous is not None and (record := previous[1].get(dest_uri)) is not None:
            if link_unchanged(previous[0] / dest_uri, target, *record):
                return "linked"
        with stage.phase("making the images"):  # in this thread too
            entry = cache.images.read(copy.key)
            how = "cached"
            if entry is None:
                data, how = _made(copy, settings), "made"
                cache.images.write(copy.key, data)
            else:
                data = entry[1]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return how

    with stage.phase("making the images"):
        for dest_uri in present.keys() - wanted.keys():
            remove_from_site(site_dir, dest_uri)
        todo = sorted(wanted.keys() - present.keys())
        workers = getattr(os, "process_cpu_count", os.cpu_count)() or 1
        with ThreadPoolExecutor(max(1, min(workers, len(todo)))) as pool:
            done = list(pool.map(put, todo))
        records = {}
        for dest_uri in todo:
            stat = (site_dir / dest_uri).stat()
            records[dest_uri] = (stat.st_size, stat.st_mtime_ns)
    if manifest:
        cache.manifests.write_json(manifest, records)
    return CopiesWritten(
        len(wanted), done.count("linked"), done.count("cached"), done.count("made"), records
    )


def _copy_records(cache: BuildCache, manifest: str) -> dict[str, tuple[int, int]]:
    """The copies of images the last build put in a site, each with its size and time of
    change (nothing, if that is unknown)."""
    records = cache.manifests.read_json(manifest)
    try:
        return {
            dest_uri: (int(size), int(changed)) for dest_uri, (size, changed) in records.items()
        }
    except (AttributeError, TypeError, ValueError):
        return {}


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
