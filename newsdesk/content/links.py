"""Links and images in Markdown, found without rendering it, with the line of each.

Good enough to check references between content files: fenced code, inline code and
HTML comments are skipped, so an example in a code block is not taken for a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import takewhile

_INLINE = re.compile(r"(!?)\[[^\]]*\]\(\s*(?:<([^>]*)>|((?:[^\s()]|\([^\s()]*\))+))")
"""An inline link or image; its address may hold a pair of brackets, as Markdown allows."""
_REFERENCE = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*(?:<([^>]*)>|(\S+))")
_IMAGE_REFERENCE = re.compile(r"!\[([^\]]*)\](?:\[([^\]]*)\])?(?!\()")
"""``![alt][label]``, ``![label][]`` or ``![label]``: an image whose address is defined
elsewhere."""
_HTML_IMAGE = re.compile(r"<img\b[^>]*?\ssrc\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+).+?\1")
_MARKUP = re.compile(r"[\[<`~{]")
"""A line without any of these holds no link, image, fence, code span, comment or
attribute list."""
_COMMENT_END = re.compile(r"--!?>")
"""Where an HTML comment ends for browsers (and nh3): ``-->``, or ``--!>``."""
_ATTRIBUTE_LIST = re.compile(r"\{:?[ ]*([^}\n ][^}\n]*)\}")
"""``{: #id .class key=value }`` after a link, an image, a heading (Python-Markdown's
attr_list)."""
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_ATTRIBUTE_KEY = re.compile(r"(?:^|\s)([^\s=#.][^\s=]*)\s*=")


@dataclass(frozen=True, slots=True)
class Link:
    line: int
    target: str
    image: bool


@dataclass(frozen=True, slots=True)
class Attribute:
    """An attribute an attribute list sets (``{: title="Map" }``), by its name."""

    line: int
    name: str


def attributes_set(body: str, first_line: int) -> Iterator[Attribute]:
    """Every attribute the attribute lists of ``body`` (whose first line is the file's
    ``first_line``) set, with its line (names in lower case, as HTML reads them)."""
    for line, text in _visible_lines(body, first_line):
        for block in _ATTRIBUTE_LIST.finditer(text):
            for match in _ATTRIBUTE_KEY.finditer(_QUOTED.sub(" ", block.group(1))):
                yield Attribute(line, match.group(1).lower())


def links_in(body: str, first_line: int) -> Iterator[Link]:
    """Every link and image of ``body`` (whose first line is the file's ``first_line``),
    with its line: inline ones, reference-style ones (an image's definition counts as an
    image), and HTML images, a tag over several lines among them."""
    visible = list(_visible_lines(body, first_line))
    definitions: dict[str, Link] = {}
    as_images: set[str] = set()
    for line, text in visible:
        for match in _INLINE.finditer(text):
            yield Link(line, match.group(2) or match.group(3), match.group(1) == "!")
        if match := _REFERENCE.match(text):
            label = match.group(1).strip().lower()
            definitions.setdefault(label, Link(line, match.group(2) or match.group(3), False))
        for match in _IMAGE_REFERENCE.finditer(text):
            as_images.add((match.group(2) or match.group(1)).strip().lower())
    for label, link in definitions.items():
        yield Link(link.line, link.target, label in as_images)
    lines = [line for line, _ in visible]
    joined = "\n".join(text for _, text in visible)
    for match in _HTML_IMAGE.finditer(joined):
        yield Link(lines[joined.count("\n", 0, match.start())], match.group(1), True)


def _visible_lines(body_text: str, first_line: int) -> Iterator[tuple[int, str]]:
    """The body's lines as Markdown renders them into links: fenced code, code spans and
    HTML comments taken out."""
    fence: str | None = None
    in_comment = in_tag = False
    body = body_text.splitlines()
    for offset, text in enumerate(body):
        if not (in_comment or in_tag) and not _MARKUP.search(text):
            continue
        line = first_line + offset
        opener = _FENCE.match(text)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = None
            continue
        if opener:
            fence = opener.group(1)
            continue
        if in_comment:
            if (ends := _COMMENT_END.search(text)) is None:
                continue
            text, in_comment = text[ends.end() :], False
        text = _CODE_SPAN.sub("", text)
        if "<!--" in text:
            text, in_comment = _outside_comments(text, body, offset)
        in_tag = text.rfind("<") > text.rfind(">") or (in_tag and ">" not in text)
        yield line, text


def _outside_comments(text: str, body: list[str], offset: int) -> tuple[str, bool]:
    """The line's text outside HTML comments, and whether a comment runs on past it.

    A comment Markdown would not keep is text, as it renders it: one that begins a block
    lasts until its ``-->`` however far on, one within a paragraph only until the
    paragraph ends, and one never closed is no comment at all (its ``<!--`` is printed and
    what follows is rendered, images included). A comment ends where browsers end it:
    ``<!-->`` and ``<!--->`` are whole comments, and ``--!>`` closes one as ``-->`` does."""
    kept, start = "", 0
    while (begins := text.find("<!--", start)) >= 0:
        ends = _comment_end(text, begins)
        if ends >= 0:
            kept, start = kept + text[start:begins], ends
            continue
        opens_block = not text[:begins].strip() and (offset == 0 or not body[offset - 1].strip())
        rest = body[offset + 1 :]
        if not opens_block:
            rest = list(takewhile(str.strip, rest))
        if any(_COMMENT_END.search(line) for line in rest):
            return kept + text[start:begins], True
        kept, start = kept + text[start : begins + 4], begins + 4
    return kept + text[start:], False


def _comment_end(text: str, begins: int) -> int:
    """Just past the end of the comment that opens at ``begins``, on this line; -1 if it
    runs on."""
    after = begins + 4
    if text.startswith(">", after):  # <!-->
        return after + 1
    if text.startswith("->", after):  # <!--->
        return after + 2
    ends = _COMMENT_END.search(text, after)
    return ends.end() if ends else -1
