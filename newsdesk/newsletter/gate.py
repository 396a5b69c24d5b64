"""The quality gate every edition passes before it is written: size, images, links, the
preheader and the unsubscribe link, judged on the final HTML (after inlining)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from newsdesk.content.errors import ContentError
from newsdesk.content.frontmatter import Document, KeyPath
from newsdesk.content.models import Edition
from newsdesk.newsletter.config import NewsletterSettings
from newsdesk.newsletter.links import Linker
from newsdesk.newsletter.render import RenderedEdition

GMAIL_CLIP_KB = 102
CONTENT_WIDTH = 600
"""The email's width: no image may be wider (a banner takes all of it; the renderer fits
every other image to the column it sits in)."""


@dataclass
class _EmailParts(HTMLParser):
    links: list[tuple[str, str]] = field(default_factory=list)
    """(href, link text)"""
    images: list[dict[str, str | None]] = field(default_factory=list)
    preheader: str = ""
    _in_link: list[str] | None = None
    _preheader_depth: int = 0

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href") is not None:
            self.links.append((found["href"] or "", ""))
            self._in_link = []
        elif tag == "img":
            self.images.append(found)
        if self._preheader_depth:
            self._preheader_depth += 1
        elif tag == "div" and "preheader" in (found.get("class") or "").split():
            self._preheader_depth = 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._in_link is not None:
            href, _ = self.links[-1]
            self.links[-1] = (href, " ".join("".join(self._in_link).split()))
            self._in_link = None
        if self._preheader_depth:
            self._preheader_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_link is not None:
            self._in_link.append(data)
        if self._preheader_depth:
            self.preheader += data


def produced_paths(
    page_urls: Iterable[str], files: Iterable[str], editions: Iterable[Edition]
) -> frozenset[str]:
    """Every site-relative path the build writes that an email may link to: pages by their
    directory URL (``news/x/``), files by their path, and each edition's own files."""
    paths = set(page_urls) | set(files)
    for edition in editions:
        names = ("email.html", "email.txt", f"{edition.slug}.eml")
        paths.update(f"{edition.page_url}{name}" for name in names)
    return frozenset(paths)


@dataclass(frozen=True, slots=True)
class InBody:
    """A problem with an address the edition's intro may have written: ``text`` is the
    link's text (empty for an image), ``url`` the address as the email has it."""

    url: str
    text: str = ""


Where = KeyPath | InBody
"""Where in the edition's file a problem is: a key of its front matter, or its intro."""


def check_edition(
    rendered: RenderedEdition,
    mail: NewsletterSettings,
    produced: frozenset[str],
    document: Document,
    sizes: Callable[[], dict[str, int]],
) -> list[ContentError]:
    """Every problem of the email, at the line of the edition's file it comes from;
    ``sizes`` measures its parts, should it be too long."""
    return [
        ContentError(document.display_path, _line(document, where), message)
        for where, message in _problems(rendered, mail, produced, sizes)
    ]


def _line(document: Document, where: Where) -> int:
    """The line of ``where``; for an address, the line of the intro that writes it (by its
    link text, else the longest end of its path), else that of the sections."""
    if not isinstance(where, InBody):
        return document.line_of(where)
    segments = [part for part in urlsplit(where.url).path.split("/") if part]
    needles = [f"[{where.text}]"] if where.text else []
    needles += ["/".join(segments[start:]) for start in range(len(segments))]
    lines = document.body.splitlines()
    for needle in needles:
        for offset, line in enumerate(lines):
            if needle in line:
                return document.body_line + offset
    return document.line_of(("sections",))


def _problems(
    rendered: RenderedEdition,
    mail: NewsletterSettings,
    produced: frozenset[str],
    sizes: Callable[[], dict[str, int]],
) -> Iterator[tuple[Where, str]]:
    sections: KeyPath = ("sections",)
    html = rendered.html
    size = len(html.encode("utf-8"))
    if size > mail.max_bytes:
        yield (
            sections,
            (
                f"email.html is {size / 1024:.1f} KB after inlining, over the "
                f"{mail.max_bytes // 1024} KB limit (Gmail clips messages over {GMAIL_CLIP_KB} KB, "
                "and mailing platforms add their own markup); what takes the space: "
                f"{_largest(sizes())}. Show fewer items, or show them as teasers or titles"
            ),
        )
    if not rendered.view.has_items:
        yield (
            sections,
            (
                "the email lists no items: every section came out empty at the edition's date; "
                "list items by slug, widen a rule's days, or change the date"
            ),
        )
    parts = _EmailParts()
    parts.feed(html)
    parts.close()
    linker = Linker(mail, rendered.id)
    for image in parts.images:
        src = image.get("src") or ""
        width = (image.get("width") or "").strip()
        where = InBody(src)
        if not (image.get("alt") or "").strip():
            yield (
                where,
                (f"image {src} has no alt text: describe it for readers who do not load images"),
            )
        if not width.isdigit():
            yield (
                where,
                (
                    f"image {src} has no width: give one, like ![…](…){{ width=552 }}; "
                    "Outlook shows an image at its full size without one"
                ),
            )
        elif int(width) > CONTENT_WIDTH:
            yield (
                where,
                (f"image {src} is {width} px wide: at most {CONTENT_WIDTH} px fit in the email"),
            )
        for problem in _address_problems(src, "image", linker, produced, mail):
            yield where, problem
    for href, text in parts.links:
        for problem in _address_problems(href, f"link “{text}”", linker, produced, mail):
            yield InBody(href, text), problem
    if not parts.preheader.strip(" \u034f\u200c\u00a0\n"):
        yield (
            ("preheader",),
            ("the email has no preheader: give the edition a preheader, shown after the subject"),
        )
    if mail.unsubscribe_link not in {href for href, _ in parts.links}:
        yield (
            (),
            (
                f"the email has no unsubscribe link ({mail.unsubscribe_link}); "
                "the footer of templates/email/edition.html must keep it"
            ),
        )


def _largest(sizes: dict[str, int]) -> str:
    """The parts of the email by the room they take, largest first."""
    parts = sorted(sizes.items(), key=lambda part: part[1], reverse=True)
    return ", ".join(f"{name} {size / 1024:.1f} KB" for name, size in parts[:4])


def _address_problems(
    url: str, what: str, linker: Linker, produced: frozenset[str], mail: NewsletterSettings
) -> Iterator[str]:
    if mail.platform.is_merge_tag(url):
        return
    parts = urlsplit(url)
    if parts.scheme in ("mailto", "tel") and parts.path:
        return
    if parts.scheme not in ("http", "https") or not parts.netloc:
        yield f"{what} points at '{url}', which is not an absolute web address"
        return
    path = linker.site_path(url)
    if path is not None and path not in produced and f"{path}/" not in produced:
        if not (path.endswith("/index.html") and path.removesuffix("index.html") in produced):
            yield f"{what} points at {url}, a page the build does not produce"
