"""One build of the site, read top to bottom: load, plan, outputs and editions
(``pipeline.prepare``), then the theme's files and every page, the outputs and editions
written, the copies of images, and the search index.

The build date is in ``settings`` (its clock) and the previous build's state is an
argument: the site this one replaces, whose pages, copies and shards are taken where they
are as the last build left them. What the engine needs of MkDocs and Material, it asks of
a ``Theme``: the adapter is one, and MkDocs' own ``build()`` is never entered (``mkdocs
build`` reaches this function through the plugin, which hands MkDocs no pages).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from newsdesk.content.errors import ContentError, ContentErrors
from newsdesk.engine import pipeline
from newsdesk.engine.pipeline import Prepared
from newsdesk.newsletter.config import NewsletterSettings
from newsdesk.settings import Settings


class Theme(Protocol):
    """What a build asks of the site generator whose theme renders the pages."""

    def open(self, prepared: Prepared, problems: tuple[ContentError, ...]) -> None:
        """The site's files, navigation and templates, for the pages of ``prepared``
        (``problems``: errors the preview shows on every page)."""

    def write_theme_files(self, site_dir: Path) -> None:
        """The theme's assets and pages of its own (404.html), the content's other files."""

    def render_pages(self, site_dir: Path) -> dict[str, str]:
        """Every page into ``site_dir``; returns each one's path there and fingerprint."""

    def write_copies(self, site_dir: Path) -> None:
        """The copies of images the pages show."""

    def index(self, site_dir: Path, pages: dict[str, str]) -> None:
        """The search index over the pages (``pages``: ``render_pages``' answer)."""


@dataclass(frozen=True)
class Built:
    """What a build made of the content, and the fingerprint of each page it wrote."""

    prepared: Prepared
    pages: dict[str, str]
    problems: tuple[ContentError, ...] = ()
    """Errors in the content the preview shows over ``prepared``, the last good content."""


def build(
    theme: Theme,
    settings: Settings,
    mail: Callable[[], NewsletterSettings],
    site_dir: Path,
    last_good: Prepared | None = None,
    strict: bool = False,
    logger: str = "mkdocs",
) -> Built:
    """The whole site into ``site_dir``. Raises ContentErrors, with every problem of the
    content, before anything is written. With ``last_good`` (the preview), content with
    errors builds the last good content instead, with the errors on every page; its item
    views are reused where their files are as they were. A ``strict`` build fails on any
    warning ``logger`` (or one below it) gives."""
    problems: tuple[ContentError, ...] = ()
    views = last_good.presenter if last_good is not None else None
    try:
        prepared = pipeline.prepare(settings, mail, views=views)
    except ContentErrors as exc:
        if last_good is None:
            raise
        prepared, problems = last_good, exc.errors
    with _counting_warnings(logging.getLogger(logger), strict) as warned:
        theme.open(prepared, problems)
        theme.write_theme_files(site_dir)
        pages = theme.render_pages(site_dir)
        pipeline.write(site_dir, prepared)
        theme.write_copies(site_dir)
        if warned():
            raise StrictWarnings(warned())
    theme.index(site_dir, pages)
    return Built(prepared, pages, problems)


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


def took(started: float) -> str:
    """As MkDocs says it, which editors (and the preview's tests) know."""
    return f"Documentation built in {time.monotonic() - started:.2f} seconds"
