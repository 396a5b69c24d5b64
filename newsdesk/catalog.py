"""Load and validate all content in one pass, then hold every published item once.

Nothing downstream reads files: pages, feeds and editions are computed from the Catalog.
Every problem in every file is collected, then raised once as ContentErrors.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from newsdesk.clock import Clock
from newsdesk.errors import ContentError, ContentErrors
from newsdesk.frontmatter import Document, FrontMatterError, parse_document
from newsdesk.models import MODELS, Edition, Item
from newsdesk.settings import Settings
from newsdesk.taxonomy import Taxonomy, load_taxonomy
from newsdesk.validation import validate_item

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = frozenset({"index", "readme", "page", "past", "closed", "feed", "tag", "tags"})
GENERATED_FOLDERS = frozenset({*MODELS, "tags"})
"""Top-level folders whose pages the site generates; plain pages may not live there."""
PAGE_FIELDS = frozenset({"title", "description", "template", "hide", "search", "status", "icon"})
"""Front matter a plain (non-item) page may carry: MkDocs' and Material's page options."""

_INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)")
_REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every published item once, by collection, newest first; plus the plain pages."""

    clock: Clock
    taxonomy: Taxonomy
    collections: Mapping[str, tuple[Item, ...]]
    pages: tuple[Document, ...]
    unpublished: frozenset[str]
    """``src_uri`` of items kept out of every output (drafts, scheduled)."""
    by_tag: Mapping[str, tuple[Item, ...]] = field(default_factory=dict)

    def items(self) -> Iterator[Item]:
        for items in self.collections.values():
            yield from items

    def collection(self, name: str) -> tuple[Item, ...]:
        return self.collections.get(name, ())


def load_catalog(settings: Settings) -> Catalog:
    """Read ``settings.docs_dir``; raise ContentErrors listing every problem found."""
    loader = _Loader(settings)
    return loader.load()


class _Loader:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.docs_dir = settings.docs_dir
        self.prefix = settings.display_prefix
        self.errors: list[ContentError] = []
        self.context = {"tz": settings.clock.tz}

    def load(self) -> Catalog:
        taxonomy, errors = load_taxonomy(self.docs_dir, self.prefix)
        self.errors.extend(errors)
        items: list[tuple[Item, Document]] = []
        pages: list[Document] = []
        for src_uri in self._markdown_files():
            document = self._read(src_uri)
            if document is None:
                continue
            model = MODELS.get(src_uri.split("/", 1)[0]) if "/" in src_uri else None
            if model is None:
                self._check_page(document)
                pages.append(document)
            elif slug := self._slug(document):
                item, errors = validate_item(model, document, slug, self.context, taxonomy)
                self.errors.extend(errors)
                if item is not None:
                    items.append((item, document))
        self._check_duplicates(items, pages)
        published = {item.src_uri: item for item, _ in items if self._is_published(item)}
        known = {item.src_uri for item, _ in items} | {page.src_uri for page in pages}
        for item, document in items:
            self._check_links(document, known, published, public=item.src_uri in published)
            if isinstance(item, Edition):
                self._check_edition(item, document, known, published)
        for page in pages:
            self._check_links(page, known, published, public=True)
        if self.errors:
            raise ContentErrors(self.errors)
        return _catalog(self.settings.clock, taxonomy, published, pages, items)

    # -- files ---------------------------------------------------------------------------

    def _markdown_files(self) -> list[str]:
        """Every Markdown file MkDocs would publish; links that lead outside are errors."""
        found = []
        root_dir = self.docs_dir.resolve()
        for root, folders, files in os.walk(self.docs_dir, followlinks=True):
            folders[:] = sorted(
                name
                for name in folders
                if not name.startswith(".") and self._inside_or_reported(Path(root, name), root_dir)
            )
            for name in sorted(files):
                if name.startswith(".") or not self._inside_or_reported(Path(root, name), root_dir):
                    continue
                if name.lower().endswith(MARKDOWN_SUFFIXES):
                    found.append(Path(root, name).relative_to(self.docs_dir).as_posix())
        return found

    def _inside_or_reported(self, path: Path, root_dir: Path) -> bool:
        """False (with an error) for a link whose target lies outside the content folder."""
        if not path.is_symlink() or _inside(path.resolve(), root_dir):
            return True
        display = f"{self.prefix}{path.relative_to(self.docs_dir).as_posix()}"
        message = "is a link to a place outside the content folder; copy the file in instead"
        self.errors.append(ContentError(display, 1, message))
        return False

    def _read(self, src_uri: str) -> Document | None:
        display = f"{self.prefix}{src_uri}"
        source = self.docs_dir / src_uri
        try:
            text = source.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            line = source.read_bytes()[: exc.start].count(b"\n") + 1
            self.errors.append(ContentError(display, line, "is not UTF-8 text; save it as UTF-8"))
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
        if slug in RESERVED_SLUGS:
            self.errors.append(
                document.error(
                    (), f"'{slug}' is reserved for pages the site makes; choose another file name"
                )
            )
            return None
        return slug

    def _is_published(self, item: Item) -> bool:
        if item.draft:
            return False
        if item.publish is None:
            return True
        clock = self.settings.clock
        moment = item.publish if hasattr(item.publish, "hour") else clock.start_of(item.publish)
        return moment <= clock.now

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
        for key in document.meta:
            if key not in PAGE_FIELDS:
                known = ", ".join(sorted(PAGE_FIELDS))
                self.errors.append(
                    document.error((key,), f"unknown field '{key}' for a page (known: {known})")
                )

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
        self, document: Document, known: set[str], published: Mapping[str, Item], public: bool
    ) -> None:
        """Links to other content files must land on one; from a public page, on a public one."""
        for line, target in _links(document):
            path = target.partition("#")[0]
            if not path.lower().endswith(MARKDOWN_SUFFIXES) or "://" in path or path[:1] == "/":
                continue
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(document.src_uri), path))
            if resolved == ".." or resolved.startswith("../"):
                problem = "points outside the content folder"
            elif resolved not in known:
                problem = f"points at nothing: there is no {self.prefix}{resolved}"
            elif public and _is_item(resolved) and resolved not in published:
                problem = "points at an item that is a draft or not yet published"
            else:
                continue
            self.errors.append(
                ContentError(document.display_path, line, f"link '{target}' {problem}")
            )

    def _check_edition(
        self, edition: Edition, document: Document, known: set[str], published: Mapping[str, Item]
    ) -> None:
        for index, section in enumerate(edition.sections):
            for position, slug in enumerate(section.items or ()):
                src_uri = f"{section.collection}/{slug}.md"
                if src_uri in published:
                    continue
                if src_uri in known:
                    reason = "is a draft or not yet published"
                else:
                    reason = f"does not exist: there is no {self.prefix}{src_uri}"
                where = ("sections", index, "items", position)
                self.errors.append(
                    document.error(where, f"sections[{index}].items: '{slug}' {reason}")
                )


def _catalog(
    clock: Clock,
    taxonomy: Taxonomy,
    published: Mapping[str, Item],
    pages: list[Document],
    items: list[tuple[Item, Document]],
) -> Catalog:
    grouped: dict[str, list[Item]] = defaultdict(list)
    tagged: dict[str, list[Item]] = defaultdict(list)
    for item in published.values():
        grouped[item.collection].append(item)
        for tag in item.tags:
            tagged[tag].append(item)
    newest_first = lambda item: (item.sort_date, item.slug)  # noqa: E731
    collections = {
        name: tuple(sorted(grouped[name], key=newest_first, reverse=True)) for name in MODELS
    }
    by_tag = {
        tag: tuple(sorted(tagged[tag], key=newest_first, reverse=True)) for tag in sorted(tagged)
    }
    unpublished = frozenset(item.src_uri for item, _ in items if item.src_uri not in published)
    return Catalog(clock, taxonomy, collections, tuple(pages), unpublished, by_tag)


def page_url(src_uri: str) -> str:
    """The directory URL MkDocs gives a Markdown file (``news/a.md`` → ``news/a/``)."""
    stem = posixpath.splitext(src_uri)[0]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
        return stem
    return f"{stem}/"


def _is_item(src_uri: str) -> bool:
    return src_uri.split("/", 1)[0] in MODELS


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _links(document: Document) -> Iterator[tuple[int, str]]:
    """(file line, target) of every Markdown link outside fenced code."""
    fenced = False
    for offset, text in enumerate(document.body.splitlines()):
        if _FENCE.match(text):
            fenced = not fenced
            continue
        if fenced:
            continue
        line = document.body_line + offset
        for match in _INLINE_LINK.finditer(text):
            yield line, match.group(1)
        if match := _REFERENCE_LINK.match(text):
            yield line, match.group(1)
