"""What a published page or email loads by itself, read from its HTML as a browser reads
it: every address an element fetches without being clicked (``src``, ``srcset``,
``poster``, ``data``, ``background``, a stylesheet's ``href``, CSS ``url()`` in a
``style`` attribute or element), so that whatever the Markdown looked like, nothing a
reader's browser or a subscriber's mail client loads comes from another site.

The HTML is parsed by libxml2's HTML5 tokenizer (through lxml), which ends comments where
browsers do (``<!-->``, ``--!>``), never by patterns over the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

_LOADING = frozenset(
    {"src", "srcset", "imagesrcset", "poster", "data", "background", "lowsrc", "dynsrc"}
)
"""Attributes whose address an element fetches as the page loads, whatever the element."""
_LOADING_HREF = frozenset({"link", "base", "image", "use", "feimage", "script"})
"""Elements whose ``href`` is fetched (or, for ``base``, changes where every other address
leads), not followed on a click."""
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)
_CSS_ADDRESS = re.compile(
    r"url\(\s*(?:\"([^\"]*)\"|'([^']*)'|([^)\s]*))|\"([^\"]*)\"|'([^']*)'", re.IGNORECASE
)
"""A ``url()`` or a quoted string (``@import "…"``, ``image-set("…")``) in CSS."""


@dataclass(frozen=True, slots=True)
class Load:
    element: str
    attribute: str
    address: str

    def __str__(self) -> str:
        return f"'{self.address}' (<{self.element} {self.attribute}>)"


def off_site_loads(html: str, is_own: Callable[[str], bool] = lambda url: False) -> list[Load]:
    """Every address ``html`` loads by itself that is not the site's own: absolute ones
    (``https://…``, ``//host/…``) unless ``is_own`` says they are the site's."""
    return [load for load in _loads(html) if _off_site(load.address, is_own)]


def _loads(html: str) -> Iterator[Load]:
    if not html.strip():
        return
    try:
        root = lxml.html.document_fromstring(html)  # a fragment, or a whole email
    except (etree.ParserError, ValueError):
        return
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower().rsplit("}", 1)[-1]
        for name, value in element.attrib.items():
            attribute = re.split(r"[}:]", name.lower())[-1]  # xlink:href is an href
            if attribute in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    if words := candidate.split():
                        yield Load(tag, attribute, words[0])
            elif attribute in _LOADING or (
                attribute == "href" and (tag in _LOADING_HREF or attribute != name.lower())
            ):
                yield Load(tag, attribute, value)
            elif attribute == "style":
                yield from (Load(tag, "style", url) for url in _css_addresses(value))
        if tag == "style" and element.text:
            yield from (Load(tag, "content", url) for url in _css_addresses(element.text))


def _css_addresses(css: str) -> Iterator[str]:
    css = _CSS_ESCAPE.sub(_unescaped, css)
    css = _CSS_COMMENT.sub("", css)
    for match in _CSS_ADDRESS.finditer(css):
        yield next(group for group in match.groups() if group is not None)


def _unescaped(match: re.Match[str]) -> str:
    """A CSS escape's character; one past the last code point, or nothing, reads as U+FFFD,
    as browsers read it."""
    if match.group(1) is None:
        return match.group(2)
    code = int(match.group(1), 16)
    return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"


def _off_site(address: str, is_own: Callable[[str], bool]) -> bool:
    # As a browser reads an address: tabs and line breaks dropped, spaces and control
    # characters trimmed, a backslash taken for a slash.
    cleaned = re.sub(r"[\t\n\r]", "", address).strip("\x00- ").replace("\\", "/")
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return True
    if not (parts.scheme or parts.netloc) or parts.scheme.lower() == "data":
        return False  # the site's own, or inline
    return not is_own(cleaned)


def line_naming(text: str, address: str, first_line: int = 1) -> int | None:
    """The line of ``text`` (whose first line is ``first_line``) that holds ``address``,
    or its host; None if none does."""
    host = urlsplit(address.replace("\\", "/")).netloc if "/" in address else ""
    for needle in (address, host):
        if needle and (at := text.find(needle)) >= 0:
            return first_line + text.count("\n", 0, at)
    return None
