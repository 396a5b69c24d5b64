"""The edition's own merge tags, held out of its Markdown while it is rendered.

The placeholders that hold them (``TAG_START``, a number, ``TAG_END``) are characters from
the Unicode private-use area, which text meant for readers has no use for. They are
removed from every Markdown text before it is used, so no text can pass for a held tag
(the edition's ``ndmergetag0x`` stays words).
"""

from __future__ import annotations

import re

TAG_START = "\ue001"
TAG_END = "\ue002"
"""Around the number of one of the edition's own tags, while its Markdown is rendered."""
_RESERVED = re.compile("[\ue000-\ue002]")
"""Characters of the private-use area Newsdesk keeps for itself."""
_STASHED = re.compile(f"{TAG_START}(\\d+){TAG_END}")


def without_reserved(text: str) -> str:
    """``text`` without the characters Newsdesk keeps for itself."""
    return _RESERVED.sub("", text)


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
