"""Markdown an edition carries, as email HTML and text: its intro, its free blocks, and the
stories it shows in full.

Links become absolute (and tagged, as ``Linker`` does), images get the size of their file
fitted to the column they sit in (never wider than the file, never stretched), an image's
Markdown title becomes its caption, a link marked ``{.button}`` alone in its paragraph
becomes a button, and the mailing platform's merge tags (``*|FNAME|*``) in the edition's
own text pass through untouched for the platform to fill in; in an item's, they are made
inert.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import markdown
from inscriptis import get_text
from inscriptis.model.config import ParserConfig
from markupsafe import Markup
from PIL import Image, UnidentifiedImageError

from newsdesk.newsletter.links import Linker
from newsdesk.newsletter.mergetags import Stash, inert
from newsdesk.site.edition_text import EXTENSIONS
from newsdesk.site.sanitize import BUTTON, clean_email_html

_IMG = re.compile(r"<img\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
_LONE_IMAGE = re.compile(r"<p>\s*(<img\b[^>]*>)\s*</p>")
_LONE_BUTTON = re.compile(r"<p>\s*<a\b([^>]*)>(.*?)</a>\s*</p>", re.DOTALL)


@dataclass(frozen=True, slots=True)
class EmailImage:
    url: str
    alt: str
    width: int
    height: int | None
    """None where the file's size cannot be read (the email then scales it by width)."""
    caption: str = ""


@dataclass(frozen=True, slots=True)
class EmailBody:
    html: Markup
    text: str


@lru_cache(maxsize=4096)
def _size(path: Path, stamp: tuple[int, int]) -> tuple[int, int] | None:
    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None


def image_size(path: Path) -> tuple[int, int] | None:
    """Width and height of an image file, in pixels (None if it cannot be read)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _size(path, (stat.st_size, stat.st_mtime_ns))


def fitted(size: tuple[int, int] | None, column: int) -> tuple[int, int | None]:
    """The size an image shows at in a column ``column`` pixels wide: its own, or less."""
    if size is None:
        return column, None
    width, height = size
    if width <= column:
        return width, height
    return column, max(1, round(height * column / width))


class BodyRenderer:
    """Markdown of one edition as email HTML, with the files of ``docs_dir`` at hand."""

    def __init__(self, docs_dir: Path, linker: Linker) -> None:
        self.docs_dir = docs_dir
        self.linker = linker

    def image(self, site_path: str, alt: str, column: int, caption: str = "") -> EmailImage:
        """An image stored in the content folder, at ``site_path``, fitted to ``column``."""
        width, height = fitted(image_size(self.docs_dir / site_path), column)
        return EmailImage(self.linker.asset(site_path), alt, width, height, caption)

    def render(self, text: str, src_uri: str, column: int, *, own: bool) -> EmailBody:
        """``text`` (Markdown written in the file ``src_uri``) for a column ``column``
        pixels wide. The edition's ``own`` text keeps the platform's merge tags for it to
        fill in; an item's is made inert (``mergetags``), links and all."""
        if not text.strip():
            return EmailBody(Markup(""), "")
        platform = self.linker.settings.platform
        stash = Stash(platform.tag_pattern if own else None)
        text = stash.hold(text)

        def address(element: str, url: str) -> str:
            if stash.is_held(url):
                return url
            return self.linker.resolve(url, src_uri, image=element == "img")

        html = clean_email_html(markdown.markdown(text, extensions=list(EXTENSIONS)), address)
        html = _IMG.sub(lambda match: self._sized(match.group(1), column), html)
        html = _LONE_IMAGE.sub(_captioned, html)
        html = _LONE_BUTTON.sub(_button, html)
        html = stash.put_back(html)
        plain = get_text(html, ParserConfig(display_links=True)).strip()
        if not own:
            html, plain = inert(html, platform.openers), inert(plain, platform.openers)
        return EmailBody(Markup(html), plain)

    def _sized(self, attributes: str, column: int) -> str:
        found = dict(_ATTRIBUTE.findall(attributes))
        src = html_lib.unescape(found.get("src", ""))
        site_path = self.linker.site_path(src)
        size = image_size(self.docs_dir / site_path) if site_path else None
        if size is None and found.get("width", "").isdigit():
            given = int(found["width"])
            height = found.get("height", "")
            size = (given, int(height)) if height.isdigit() else None
        width, height = fitted(size, column)
        kept = {name: value for name, value in found.items() if name not in ("width", "height")}
        kept["width"] = str(width)
        if height is not None:
            kept["height"] = str(height)
        kept["style"] = f"width: 100%; max-width: {width}px;"  # fits a phone, never stretched
        written = " ".join(f'{name}="{value}"' for name, value in kept.items())
        return f'<img {written} class="body-image">'


def _captioned(match: re.Match[str]) -> str:
    """An image alone in its paragraph, with its title (``![alt](src "Caption")``) shown
    under it as a caption."""
    tag = match.group(1)
    title = dict(_ATTRIBUTE.findall(tag)).get("title")
    if not title:
        return f'<p class="figure">{tag}</p>'
    return (
        '<table role="presentation" cellpadding="0" cellspacing="0" border="0" '
        f'class="figure"><tr><td>{tag}</td></tr>'
        f'<tr><td class="caption">{title}</td></tr></table>'
    )


def _button(match: re.Match[str]) -> str:
    """A link marked as a button, alone in its paragraph, as a button every client draws
    (a table cell with a background: Outlook ignores a link's padding)."""
    attributes = dict(_ATTRIBUTE.findall(match.group(1)))
    if attributes.get("class") != BUTTON or "<a" in match.group(2):
        return match.group(0)  # not a button, or not alone in its paragraph
    href = attributes.get("href", "")
    return (
        '<table role="presentation" cellpadding="0" cellspacing="0" border="0" class="button">'
        f'<tr><td class="button-cell" bgcolor="#0b4f9c"><a class="button-link" href="{href}">'
        f"{match.group(2)}</a></td></tr></table>"
    )
