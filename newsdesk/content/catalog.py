"""Load and validate all content in one pass, then hold every published item once.

Nothing downstream reads files: pages, feeds and editions are computed from the Catalog.
Every problem in every file is collected, then raised once as ContentErrors.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar, cast
from urllib.parse import unquote, urlsplit

from newsdesk import stage
from newsdesk.clock import Clock
from newsdesk.content.errors import ContentError, ContentErrors, closest_file, suggestion
from newsdesk.content.frontmatter import (
    Document,
    FrontMatterError,
    KeyPath,
    Version,
    parse_document,
)
from newsdesk.content.image_files import (
    IMAGE_SUFFIXES,
    ImageFile,
    NotAnImage,
    TooLarge,
    read_image,
)
from newsdesk.content.models import IMAGE_FIELDS, MODELS, Call, Event, Item, PageMeta, Reference
from newsdesk.content.sources import (
    UnreadableSource,
    problem_with,
    read_bytes,
    read_text,
    same_name_key,
    unportable,
)
from newsdesk.content.states import CallStatus, call_status, event_start, is_upcoming
from newsdesk.content.taxonomy import Taxonomy, load_taxonomy
from newsdesk.content.validation import validate_item, validate_page
from newsdesk.content.vocabulary import KNOWLEDGE_FACETS, segment
from newsdesk.settings import Settings

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = frozenset({"index", "readme", "page", "past", "closed", "feed", "tag", "tags"})
RESERVED_KNOWLEDGE_SLUGS = frozenset(segment(facet) for facet in KNOWLEDGE_FACETS)
"""Folders of the knowledge repository's pages per facet value (``/knowledge/kind/``)."""
GENERATED_FOLDERS = frozenset({*MODELS, "tags", "search", "pagefind"})
"""Top-level folders whose pages the site generates; plain pages may not live there."""
_Item = TypeVar("_Item", bound=Item)


UNSAFE_SCHEMES = frozenset({"javascript", "vbscript", "data", "file"})
"""Link schemes that run script or reach the reader's own files."""
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".xht", ".shtml"})
_ACTIVE_SVG = re.compile(
    rb"<\s*(?:script|foreignobject|iframe|embed|object|handler)\b|\son[a-z]+\s*=|"
    rb"javascript:|(?:xlink:)?href\s*=\s*[\"']?\s*(?:https?:)?//",
    re.IGNORECASE,
)
"""What makes an SVG image more than a picture when a browser opens it."""


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every published item once, by collection, newest first; the plain pages; and where
    each event and call stands on the build date, computed once."""

    clock: Clock
    taxonomy: Taxonomy
    collections: Mapping[str, tuple[Item, ...]]
    """The items listings, feeds, calendars and search show, by collection."""
    archived: Mapping[str, Item]
    """Published items past their ``expires``, by ``src_uri``: their pages stay, marked
    archived, and nothing lists them."""
    pages: tuple[Document, ...]
    unpublished: Mapping[str, Item]
    """Items kept out of every output (drafts, scheduled), by ``src_uri``; an edition can
    still be proofed from here."""
    files: Mapping[str, int]
    """Every other file in the content folder (images, attachments): ``src_uri`` → bytes."""
    images: Mapping[str, ImageFile]
    """Those of them that are images a page can show, by ``src_uri``."""
    by_tag: Mapping[str, tuple[Item, ...]]
    upcoming_events: tuple[Event, ...]
    """Events not yet over, soonest first."""
    past_events: tuple[Event, ...]
    """Events that are over, most recent first."""
    call_states: Mapping[str, CallStatus]
    """Call ``src_uri`` → its state and next deadline."""
    documents: Mapping[str, Document]
    """Every Markdown file as read (items published or not, plain pages), by ``src_uri``:
    for the lines of an edition's quality gate's errors, and for the next load to reuse."""
    versions: Mapping[str, Version]
    """Every item's file (published or not) as hashes: what is made of an item alone is
    the same for as long as its version is."""

    def items(self) -> Iterator[Item]:
        """Every published item, each with a page: the listed ones, then the archived."""
        yield from self.listed()
        yield from self.archived.values()

    def listed(self) -> Iterator[Item]:
        """The published items not archived: what listings, feeds and search show."""
        for items in self.collections.values():
            yield from items

    def every(self, name: str) -> Iterator[Item]:
        """Every published item of a collection, listed or archived: what an edition may
        name."""
        yield from self.collection(name)
        yield from (item for item in self.archived.values() if item.collection == name)

    def collection(self, name: str) -> tuple[Item, ...]:
        return self.collections.get(name, ())

    def of(self, model: type[_Item]) -> tuple[_Item, ...]:
        """The published items of ``model``'s collection, as that model: every item of a
        collection is one of its model."""
        return _of(self.collections, model)

    def unpublished_of(self, model: type[_Item]) -> tuple[_Item, ...]:
        """The drafts and scheduled items of ``model``'s collection."""
        found = (i for i in self.unpublished.values() if i.collection == model.collection)
        return cast(tuple[_Item, ...], tuple(found))

    def status(self, call: Call) -> CallStatus:
        return self.call_states[call.src_uri]


def with_bodies(
    catalog: Catalog, changed: Mapping[str, Item], documents: Mapping[str, Document]
) -> Catalog:
    """``catalog`` with published items replaced by new ones of the same ``src_uri`` that
    differ only in their bodies, so they keep their places; ``documents`` are their
    files as read."""

    def swap(items: tuple[_Item, ...]) -> tuple[_Item, ...]:
        return tuple(changed.get(item.src_uri, item) for item in items)

    return replace(
        catalog,
        collections={name: swap(items) for name, items in catalog.collections.items()},
        archived={uri: changed.get(uri, item) for uri, item in catalog.archived.items()},
        by_tag={tag: swap(items) for tag, items in catalog.by_tag.items()},
        upcoming_events=swap(catalog.upcoming_events),
        past_events=swap(catalog.past_events),
        documents={**catalog.documents, **documents},
        versions={**catalog.versions, **_versions(documents)},
    )


def with_items(
    catalog: Catalog,
    settings: Settings,
    changed: Mapping[str, Item],
    documents: Mapping[str, Document],
) -> Catalog:
    """``catalog`` with published items replaced by new ones of the same ``src_uri``, still
    published, in their new places: exactly what ``load_catalog`` would make of the content
    with those files edited (``documents`` are their files as read)."""
    published = {item.src_uri: changed.get(item.src_uri, item) for item in catalog.items()}
    return _assemble(
        settings,
        catalog.taxonomy,
        published,
        catalog.pages,
        catalog.unpublished,
        catalog.files,
        catalog.images,
        {**catalog.documents, **documents},
        {**catalog.versions, **_versions(documents)},
    )


def _versions(documents: Mapping[str, Document]) -> dict[str, Version]:
    return {src_uri: document.version for src_uri, document in documents.items()}


def load_catalog(
    settings: Settings, earlier: Catalog | None = None, changed: Collection[str] = ()
) -> Catalog:
    """Read ``settings.docs_dir``; raise ContentErrors listing every problem found. With
    ``earlier``, a catalog of the same settings, a file not in ``changed`` (``src_uri``
    of files written since ``earlier`` was loaded) is taken as ``earlier`` read it, and an
    item whose file and taxonomy are as they were is not checked on its own again; the
    checks across files all run."""
    return _Loader(settings, earlier, changed).load()


def reload_item(catalog: Catalog, settings: Settings, src_uri: str) -> tuple[Item, Document]:
    """The published item at ``src_uri`` read again and checked as ``load_catalog`` checks
    it, against the rest of ``catalog``, with its file as read: for a preview after an
    edit to that file alone. Raises ContentErrors."""
    return _Loader(settings).reload(catalog, src_uri)


class _Loader:
    def __init__(
        self, settings: Settings, earlier: Catalog | None = None, changed: Collection[str] = ()
    ) -> None:
        self.settings = settings
        self.earlier = earlier
        self.changed = frozenset(changed)
        self.items_before: dict[str, Item] = {}
        if earlier is not None:
            self.items_before = {item.src_uri: item for item in earlier.items()}
            self.items_before.update(earlier.unpublished)
        self.docs_dir = settings.docs_dir
        self.prefix = settings.display_prefix
        self.errors: list[ContentError] = []
        self.context = {"tz": settings.clock.tz}
        self.faulty: set[str] = set()
        """Items of the content whose files have errors (by ``src_uri``)."""
        self.told: set[str] = set()
        """Those of them a link or reference has been told to point at."""
        self.images: dict[str, ImageFile | NotAnImage] = {}
        """Image files of the content as read (or why they are not images), by ``src_uri``."""

    def load(self) -> Catalog:
        taxonomy, errors = load_taxonomy(self.docs_dir, self.prefix)
        self.errors.extend(errors)
        if self.earlier is not None and self.earlier.taxonomy != taxonomy:
            self.items_before = {}  # each item is checked against the new vocabulary
        items: list[tuple[Item, Document]] = []
        pages: list[Document] = []
        documents: list[Document] = []
        markdown, static = self._walk()
        for src_uri in markdown:
            document = self._read(src_uri)
            if document is None:
                continue
            documents.append(document)
            model = MODELS.get(src_uri.split("/", 1)[0]) if "/" in src_uri else None
            if model is None:
                self._check_page(document)
                pages.append(document)
            elif item := self._item(model, document, taxonomy, static):
                items.append((item, document))
        self._check_duplicates(items, pages)
        self._check_static(static, items, pages)
        published = {item.src_uri: item for item, _ in items if self._is_published(item)}
        known = set(markdown)
        # Items whose own errors are told above: a link to one says so, once.
        self.faulty = {src for src in markdown if is_item(src)} - {i.src_uri for i, _ in items}
        for document in documents:
            public = document.src_uri in published or not is_item(document.src_uri)
            self._check_links(document, known, static, published, public)
        for item, document in items:
            if references := item.references():
                # A draft (an edition, say) may name drafts to be published with it.
                allowed = published if item.src_uri in published else known
                self._check_references(references, document, known, allowed)
        images = {
            src_uri: found
            for src_uri in sorted(static)
            if src_uri.lower().endswith(IMAGE_SUFFIXES)
            and isinstance(found := self._image(src_uri), ImageFile)
        }
        if self.errors:
            raise ContentErrors(self.errors)
        return _catalog(self.settings, taxonomy, published, documents, items, static, images)

    def reload(self, catalog: Catalog, src_uri: str) -> tuple[Item, Document]:
        document = self._read(src_uri)
        static = set(catalog.files)
        self.images.update(catalog.images)
        item = None
        if document is not None:
            model = MODELS[src_uri.split("/", 1)[0]]
            item = self._item(model, document, catalog.taxonomy, static)
        if document is not None and item is not None:
            published = {other.src_uri: other for other in catalog.items()}
            known = {*published, *catalog.unpublished, *(page.src_uri for page in catalog.pages)}
            self._check_links(document, known, static, published, src_uri in published)
        if self.errors or item is None or document is None:
            raise ContentErrors(self.errors)
        return item, document

    def _item(
        self, model: type[Item], document: Document, taxonomy: Taxonomy, static: set[str]
    ) -> Item | None:
        """The item a collection's file holds, checked on its own; None if it has errors."""
        if (item := self._as_before(document)) is not None:
            self._check_stored_files(model, tuple(item.stored_files()), document, static)
            return item
        slug = self._slug(document)
        stem = posixpath.splitext(posixpath.basename(document.src_uri))[0]
        # A file misnamed is checked all the same: its other errors are told with it.
        checked = validate_item(model, document, slug or stem, self.context, taxonomy)
        self.errors.extend(checked.errors)
        self._check_stored_files(model, checked.stored_files, document, static)
        return checked.item if slug is not None else None

    # -- files ---------------------------------------------------------------------------

    def _walk(self) -> tuple[list[str], set[str]]:
        """Markdown files and other files (as ``src_uri``), as MkDocs would find them;
        links leading outside the content folder, or round in a loop, are errors."""
        markdown: list[str] = []
        static: set[str] = set()
        root_dir = self.docs_dir.resolve()
        seen = {root_dir}
        for root, folders, files in os.walk(self.docs_dir, followlinks=True):
            self._check_names(Path(root), folders, files)
            kept = []
            for name in sorted(folders):
                folder = Path(root, name)
                if name.startswith(".") or not self._inside_or_reported(folder, root_dir):
                    continue
                if name.lower().endswith(MARKDOWN_SUFFIXES):
                    self._report(folder, "is a folder named like a page; rename it")
                    continue
                if folder.resolve() in seen:
                    self._report(folder, "is a link back to a folder already in the content")
                    continue
                seen.add(folder.resolve())
                kept.append(name)
            folders[:] = kept
            for name in sorted(files):
                source = Path(root, name)
                if name.startswith(".") or not self._inside_or_reported(source, root_dir):
                    continue
                if problem := problem_with(source):  # a link to nowhere, a pipe…
                    self._report(source, problem)
                    continue
                src_uri = source.relative_to(self.docs_dir).as_posix()
                if name.lower().endswith(MARKDOWN_SUFFIXES):
                    markdown.append(src_uri)
                else:
                    static.add(src_uri)
        return markdown, static

    def _check_names(self, root: Path, folders: list[str], files: list[str]) -> None:
        """Names in ``root`` that an editor's laptop cannot hold: one Windows cannot make,
        or two that macOS and Windows take for one (``News/`` and ``news/``)."""
        seen: dict[str, str] = {}
        for name in sorted([*folders, *files]):
            if name.startswith("."):
                continue
            if problem := unportable(name):
                self._report(root / name, problem)
            key = same_name_key(name)
            if (first := seen.setdefault(key, name)) != name:
                other = f"{self.prefix}{(root / first).relative_to(self.docs_dir).as_posix()}"
                self._report(
                    root / name,
                    f"is the same name as {other} on macOS and Windows, which take capitals "
                    "and small letters (and an accent written either way) for one: rename one",
                )

    def _inside_or_reported(self, path: Path, root_dir: Path) -> bool:
        """False (with an error) for a link whose target lies outside the content folder
        or cannot be found."""
        if not path.is_symlink():
            return True
        try:
            if _inside(path.resolve(strict=True), root_dir):
                return True
        except (OSError, RuntimeError):  # to nowhere, or round in a loop
            self._report(path, problem_with(path) or "is a link that cannot be followed")
            return False
        self._report(path, "is a link to a place outside the content folder; copy it in instead")
        return False

    def _report(self, path: Path, message: str) -> None:
        display = f"{self.prefix}{path.relative_to(self.docs_dir).as_posix()}"
        self.errors.append(ContentError(display, 1, message))

    def _as_before(self, document: Document) -> Item | None:
        """The item ``earlier`` made of ``document``, if it read the same document."""
        earlier = self.earlier
        if earlier is None or earlier.documents.get(document.src_uri) is not document:
            return None
        return self.items_before.get(document.src_uri)

    def _read(self, src_uri: str) -> Document | None:
        if self.earlier is not None and src_uri not in self.changed:
            if (document := self.earlier.documents.get(src_uri)) is not None:
                return document
        display = f"{self.prefix}{src_uri}"
        stage.working_on(display)
        source = self.docs_dir / src_uri
        try:
            text = read_text(source, display)
        except UnreadableSource as exc:
            self.errors.append(exc.error)
            return None
        try:
            return parse_document(text, src_uri, display)
        except FrontMatterError as exc:
            self.errors.append(exc.error)
            return None

    def _slug(self, document: Document) -> str | None:
        collection, _, rest = document.src_uri.partition("/")
        if "/" in rest:
            self.errors.append(
                document.error(
                    (),
                    f"items live directly in {self.prefix}{collection}/, "
                    "not in a subfolder; move the file up",
                )
            )
            return None
        slug, suffix = posixpath.splitext(rest)
        if not SLUG.match(slug):
            suggestion = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-") or "a-title"
            self.errors.append(
                document.error(
                    (),
                    f"file name '{rest}' is not a valid slug: use lower-case letters, digits "
                    f"and single hyphens, e.g. '{suggestion}{suffix}'",
                )
            )
            return None
        if slug in RESERVED_SLUGS or (
            collection == "knowledge" and slug in RESERVED_KNOWLEDGE_SLUGS
        ):
            self.errors.append(
                document.error(
                    (), f"'{slug}' is reserved for pages the site makes; choose another file name"
                )
            )
            return None
        return slug

    def _is_published(self, item: Item) -> bool:
        return is_published(item, self.settings.clock)

    # -- checks across files -------------------------------------------------------------

    def _check_page(self, document: Document) -> None:
        top = page_url(document.src_uri).split("/", 1)[0]
        if top in GENERATED_FOLDERS:
            self.errors.append(
                document.error(
                    (),
                    f"/{top}/ is where the site puts its generated {top} pages; "
                    "move or rename this page",
                )
            )
        self.errors.extend(validate_page(PageMeta, document, self.context))

    def _check_stored_files(
        self,
        model: type[Item],
        stored_files: Iterable[tuple[KeyPath, str]],
        document: Document,
        static: set[str],
    ) -> None:
        """Images and attachments named in front matter must be in the content folder,
        and images must be images a page can show."""
        for where, value in stored_files:
            src_uri = stored_file_uri(model, value)
            name = ": ".join(str(part) for part in where[:-1] if isinstance(part, str))
            name = f"{name}: {where[-1]}" if name else str(where[-1])
            if src_uri not in static:
                folder = f"{self.prefix}{model.collection}/"
                inside = (uri for uri in static if uri.startswith(f"{model.collection}/"))
                if meant := closest_file(src_uri, inside):
                    meant = posixpath.relpath(meant, model.collection)
                    problem = f"there is no file '{value}' in {folder}{suggestion(meant)}"
                else:
                    problem = f"there is no file '{value}' in {folder}; add it there"
            elif where[-1] in IMAGE_FIELDS and isinstance(
                found := self._image(src_uri), NotAnImage
            ):
                problem = f"'{value}' {found}"
            else:
                continue
            self.errors.append(document.error(where, f"{name}: {problem}"))

    def _image(self, src_uri: str) -> ImageFile | NotAnImage:
        """The image file at ``src_uri``, read once (as ``earlier`` read it, unless it was
        written since), or why it is not an image."""
        if (found := self.images.get(src_uri)) is not None:
            return found
        earlier = self.earlier.images.get(src_uri) if self.earlier is not None else None
        if earlier is not None and src_uri not in self.changed:
            found = earlier
        else:
            display = f"{self.prefix}{src_uri}"
            stage.working_on(display)
            try:
                found = read_image(read_bytes(self.docs_dir / src_uri, display), src_uri)
            except UnreadableSource as exc:
                found = NotAnImage(exc.error.message)
            except NotAnImage as exc:
                found = exc
        self.images[src_uri] = found
        return found

    def _check_static(
        self, static: set[str], items: list[tuple[Item, Document]], pages: list[Document]
    ) -> None:
        """A file copied as it is must not land where a page will be written."""
        page_files = {f"{page_url(d.src_uri)}index.html" for _, d in items}
        page_files |= {f"{page_url(d.src_uri)}index.html" for d in pages}
        for src_uri in sorted(static):
            generated = src_uri.split("/", 1)[0] in GENERATED_FOLDERS
            suffix = posixpath.splitext(src_uri)[1].lower()
            problem = None
            if src_uri in page_files or (generated and suffix == ".html"):
                problem = "would overwrite a page of the site; rename it"
            elif suffix in HTML_SUFFIXES:
                problem = (
                    "is an HTML file, which the site would publish as it is, scripts and all, "
                    "outside its templates and checks; write it as a Markdown page (.md)"
                )
            elif suffix == ".svg" and self._active(src_uri):
                problem = (
                    "is an SVG image with scripts or outside links, which would run in the "
                    "site's pages; remove them, or save the image as PNG"
                )
            if problem:
                self.errors.append(ContentError(f"{self.prefix}{src_uri}", 1, problem))

    def _active(self, src_uri: str) -> bool:
        """Whether an SVG image holds what a browser runs or fetches: scripts, event
        handlers, embedded documents, links to other sites."""
        try:
            data = read_bytes(self.docs_dir / src_uri, f"{self.prefix}{src_uri}")
        except UnreadableSource as exc:
            self.errors.append(exc.error)
            return False
        return _ACTIVE_SVG.search(data) is not None

    def _check_duplicates(self, items: list[tuple[Item, Document]], pages: list[Document]) -> None:
        by_slug: dict[tuple[str, str], Document] = {}
        for item, document in items:
            key = (item.collection, item.slug)
            if key in by_slug:
                self.errors.append(
                    document.error(
                        (),
                        f"duplicate slug '{item.slug}' in {item.collection}: "
                        f"{by_slug[key].display_path} has it too; rename one",
                    )
                )
            else:
                by_slug[key] = document
        by_url: dict[str, Document] = {}
        for document in [*by_slug.values(), *pages]:
            url = page_url(document.src_uri)
            if url in by_url:
                self.errors.append(
                    document.error(
                        (),
                        f"duplicate URL '/{url}': {by_url[url].display_path} "
                        "is published there too; rename one",
                    )
                )
            else:
                by_url[url] = document

    def _check_links(
        self,
        document: Document,
        known: set[str],
        static: set[str],
        published: Mapping[str, Item],
        public: bool,
    ) -> None:
        """Links to content files must land on one (from a public page, on a public one);
        images must be stored in the content folder, so no page loads from elsewhere; an
        attribute list may not replace an address or add an event handler."""
        for attribute in document.attributes:
            name = attribute.name
            if name in ("src", "href", "srcset"):
                problem = (
                    f"attribute list sets '{name}', which would replace the address the "
                    "Markdown gives; write the address in the link or image itself "
                    f"([text](address)) and take {name} out of the braces"
                )
            elif name.startswith("on"):
                problem = (
                    f"attribute list sets '{name}', an event handler that would run a "
                    "script in readers' browsers; take it out of the braces"
                )
            else:
                continue
            self.errors.append(ContentError(document.display_path, attribute.line, problem))
        for link in document.links:
            try:
                parts = urlsplit(link.target)
            except ValueError:  # brackets that make no host, say
                parts = None
            if parts is None:
                problem = "is not an address that can be read; check its brackets and spelling"
            elif parts.scheme.lower() in UNSAFE_SCHEMES:
                problem = (
                    "would run a script or open a file rather than a page; link to a web "
                    "address (https://…) or a page of the site"
                )
            elif link.image and (parts.scheme or parts.netloc):
                problem = (
                    "loads an image from another site; store the image in the content folder "
                    "so readers' browsers contact no one else"
                )
            elif parts.scheme or parts.netloc or not parts.path:
                continue
            else:
                folder = "" if parts.path.startswith("/") else posixpath.dirname(document.src_uri)
                resolved = posixpath.normpath(
                    posixpath.join(folder, unquote(parts.path).lstrip("/"))
                )
                is_markdown = resolved.lower().endswith(MARKDOWN_SUFFIXES)
                if resolved == ".." or resolved.startswith("../"):
                    problem = "points outside the content folder"
                elif is_markdown and resolved not in known or link.image and resolved not in static:
                    meant = closest_file(resolved, static if link.image else known)
                    problem = f"points at nothing: there is no {self.prefix}{resolved}"
                    if meant is not None:
                        absolute = parts.path.startswith("/")
                        written = (
                            f"/{meant}" if absolute else posixpath.relpath(meant, folder or ".")
                        )
                        problem += suggestion(written)
                elif (
                    link.image
                    and resolved.lower().endswith(IMAGE_SUFFIXES)
                    and isinstance(found := self._image(resolved), TooLarge)
                ):
                    problem = str(found)
                elif is_markdown and resolved in self.faulty:
                    if resolved in self.told:
                        continue
                    self.told.add(resolved)
                    problem = f"points at {self.prefix}{resolved}, which has errors of its own"
                elif is_markdown and public and is_item(resolved) and resolved not in published:
                    problem = "points at an item that is a draft or not yet published"
                else:
                    continue
            message = f"{'image' if link.image else 'link'} '{link.target}' {problem}"
            self.errors.append(ContentError(document.display_path, link.line, message))

    def _check_references(
        self,
        references: Iterable[Reference],
        document: Document,
        known: set[str],
        allowed: Collection[str],
    ) -> None:
        for reference in references:
            if reference.src_uri in allowed:
                continue
            if reference.src_uri in self.faulty:
                if reference.src_uri in self.told:
                    continue
                self.told.add(reference.src_uri)
                reason = f"has errors of its own ({self.prefix}{reference.src_uri})"
            elif reference.src_uri in known:
                reason = "is a draft or not yet published"
            else:
                reason = f"does not exist: there is no {self.prefix}{reference.src_uri}"
                folder = posixpath.dirname(reference.src_uri)  # the slug names the file in it
                in_folder = (uri for uri in known if posixpath.dirname(uri) == folder)
                if meant := closest_file(reference.src_uri, in_folder):
                    reason += suggestion(_slug_of(meant))
            slug = _slug_of(reference.src_uri)
            self.errors.append(
                document.error(reference.where, f"{reference.name}: '{slug}' {reason}")
            )


def _catalog(
    settings: Settings,
    taxonomy: Taxonomy,
    published: Mapping[str, Item],
    documents: list[Document],
    items: list[tuple[Item, Document]],
    static: set[str],
    images: Mapping[str, ImageFile],
) -> Catalog:
    unpublished = {i.src_uri: i for i, _ in items if i.src_uri not in published}
    files = {src_uri: (settings.docs_dir / src_uri).stat().st_size for src_uri in sorted(static)}
    pages = tuple(d for d in documents if not is_item(d.src_uri))
    read = {document.src_uri: document for document in documents}
    versions = {i.src_uri: d.version for i, d in items}
    return _assemble(
        settings, taxonomy, published, pages, unpublished, files, images, read, versions
    )


def _assemble(
    settings: Settings,
    taxonomy: Taxonomy,
    published: Mapping[str, Item],
    pages: tuple[Document, ...],
    unpublished: Mapping[str, Item],
    files: Mapping[str, int],
    images: Mapping[str, ImageFile],
    documents: Mapping[str, Document],
    versions: Mapping[str, Version],
) -> Catalog:
    clock = settings.clock
    grouped: dict[str, list[Item]] = defaultdict(list)
    tagged: dict[str, list[Item]] = defaultdict(list)
    archived = {uri: item for uri, item in sorted(published.items()) if is_expired(item, clock)}
    for _, item in sorted(published.items()):  # ties keep one order, however it was loaded
        if item.src_uri in archived:
            continue
        grouped[item.collection].append(item)
        for tag in item.tags:
            tagged[tag].append(item)

    collections = {name: newest_first(grouped[name]) for name in MODELS}
    events = _of(collections, Event)
    upcoming = sorted(
        (e for e in events if is_upcoming(e, clock)), key=lambda e: (event_start(e, clock), e.slug)
    )
    calls = _of(collections, Call)
    return Catalog(
        clock=clock,
        taxonomy=taxonomy,
        collections=collections,
        archived=archived,
        pages=pages,
        unpublished=unpublished,
        files=files,
        images=images,
        by_tag={tag: newest_first(tagged[tag]) for tag in sorted(tagged)},
        upcoming_events=tuple(upcoming),
        past_events=tuple(e for e in events if not is_upcoming(e, clock)),
        call_states={c.src_uri: call_status(c, clock, settings.closing_soon_days) for c in calls},
        documents=documents,
        versions=versions,
    )


def newest_first(found: Iterable[_Item]) -> tuple[_Item, ...]:
    """Items newest first, as every collection is held (ties by slug, last first)."""
    return tuple(sorted(found, key=lambda item: (item.sort_date, item.slug), reverse=True))


def _of(collections: Mapping[str, tuple[Item, ...]], model: type[_Item]) -> tuple[_Item, ...]:
    return cast(tuple[_Item, ...], collections.get(model.collection, ()))


def is_published(item: Item, clock: Clock) -> bool:
    """Neither a draft nor due later than the build date (by its ``publish`` moment, else
    its ``date``)."""
    live = item.goes_live
    return not item.draft and (live is None or clock.moment(live) <= clock.now)


def is_expired(item: Item, clock: Clock) -> bool:
    """Past its ``expires`` moment (a date expires at the start of that day)."""
    return item.expires is not None and clock.moment(item.expires) <= clock.now


def page_url(src_uri: str) -> str:
    """The directory URL MkDocs gives a Markdown file (``news/a.md`` → ``news/a/``)."""
    stem = posixpath.splitext(src_uri)[0]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
        return stem
    return f"{stem}/"


def _slug_of(src_uri: str) -> str:
    return posixpath.splitext(posixpath.basename(src_uri))[0]


def stored_file_uri(item: Item | type[Item], value: str) -> str:
    """``src_uri`` of a file named in an item's front matter (relative to its folder)."""
    return posixpath.normpath(posixpath.join(item.collection, value))


def is_item(src_uri: str) -> bool:
    """Whether ``src_uri`` is in a collection's folder, where every Markdown file is an
    item."""
    return src_uri.split("/", 1)[0] in MODELS


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents
