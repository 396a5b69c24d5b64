"""Who may speak the mailing platform's tag language in an email: the edition and Newsdesk.

An edition's own text (its intro, its blocks, its fields) and the email's layout carry
merge tags for the platform to fill in (``Dear *|FNAME|*``, ``{{ UnsubscribeURL }}``).
Text from items, much of it written outside the newsroom, never does: listmonk runs the
whole campaign as a Go template and Brevo as its own template language, so an item titled
``Hi {{ .Subscriber.Email }}`` would otherwise be run when the campaign is sent.

Item text is made inert in two steps. While the email is put together, each opener of the
platform's tags in it (``{{``, ``*|``) gets ``BREAK`` before its second character. Once the
HTML and the text are final (after CSS inlining, which reads and rewrites the HTML), each
``BREAK`` becomes what the platform reads as no tag and a subscriber reads as nothing at all:

- in the HTML, the character after it is written as a character reference (``{&#123;``,
  ``*&#124;``): the platforms read the source, where ``{{`` or ``*|`` no longer occurs,
  and the reader's client shows the character itself;
- in the text, a zero-width space (U+200B) sits between the two characters: the
  platforms look for the opener byte for byte, and the space shows as nothing.

``BREAK`` and the two characters that hold the edition's own tags while its Markdown is
rendered (``TAG_START``, ``TAG_END``) are from the Unicode private-use area, which text
meant for readers has no use for. They are removed from every Markdown text and every
item's text before either is used, so no text can pass for a held tag (the edition's
``ndmergetag0x`` stays words) or undo a break.
"""

from __future__ import annotations

import re

BREAK = "\ue000"
"""Marks the second character of an opener in item text, until the output is final."""
TAG_START = "\ue001"
TAG_END = "\ue002"
"""Around the number of one of the edition's own tags, while its Markdown is rendered."""
_RESERVED = re.compile("[\ue000-\ue002]")
"""Characters of the private-use area Newsdesk keeps for itself."""
_STASHED = re.compile(f"{TAG_START}(\\d+){TAG_END}")
ZERO_WIDTH_SPACE = "\u200b"


def without_reserved(text: str) -> str:
    """``text`` without the characters Newsdesk keeps for itself."""
    return _RESERVED.sub("", text)


def inert(text: str, openers: tuple[str, ...]) -> str:
    """Text from an item, with each of the platform's tag ``openers`` in it broken for the
    final output (``for_html``, ``for_text``)."""
    text = without_reserved(text)
    for opener in openers:
        first, second = re.escape(opener[0]), re.escape(opener[1:])
        text = re.sub(f"{first}(?={second})", lambda match: match.group(0) + BREAK, text)
    return text


def for_html(html: str) -> str:
    """The final HTML: each broken opener's second character as a character reference."""
    html = re.sub(f"{BREAK}(.)", lambda match: f"&#{ord(match.group(1))};", html, flags=re.S)
    return html.replace(BREAK, "")


def for_text(text: str) -> str:
    """The final text: a zero-width space inside each broken opener."""
    return text.replace(BREAK, ZERO_WIDTH_SPACE)


class Stash:
    """The edition's own merge tags, held out of its Markdown while it is rendered (so that
    Markdown and the link checks see neither ``*`` nor ``{{``) and put back after."""

    def __init__(self, pattern: str | None) -> None:
        self.pattern = pattern
        self.tags: list[str] = []

    def hold(self, text: str) -> str:
        """``text`` with each tag replaced by a placeholder no text can contain."""
        text = without_reserved(text)
        if not self.pattern:
            return text

        def held(match: re.Match[str]) -> str:
            self.tags.append(match.group(0))
            return f"{TAG_START}{len(self.tags) - 1}{TAG_END}"

        return re.sub(self.pattern, held, text)

    def is_held(self, value: str) -> bool:
        """Whether ``value`` is one placeholder (a link to a tag)."""
        return bool(_STASHED.fullmatch(value))

    def put_back(self, html: str) -> str:
        return _STASHED.sub(lambda match: self.tags[int(match.group(1))], html)
