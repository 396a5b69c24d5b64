"""An edition's own Markdown (its intro and free blocks) as both its versions read it: the
Markdown of email, which its web page shares, and, for the web page, the mailing platform's
merge tags, which only a subscriber's email can fill in, made into what a visitor reads.

The site's edition pages and the newsletter's emails both read it, so it is the site's: the
newsletter sits above the site and imports it, never the other way round.
"""

from __future__ import annotations

import re

EXTENSIONS = ("tables", "attr_list", "abbr", "def_list", "sane_lists")
"""Markdown for email: no permalinks or footnotes, whose in-page links mean nothing in mail."""


def for_the_web(text: str, tag: str | None, reader: str) -> str:
    """An edition's Markdown as its web version shows it to a visitor, who is no
    subscriber: a link to a merge tag (an unsubscribe or profile link, the email's own
    archive copy) keeps its text but links nowhere, a name tag (of those ``tag`` matches)
    reads ``reader``
    (``Dear *|FNAME|*`` → ``Dear reader``), and any other tag is left out."""
    if not tag:
        return text
    text = re.sub(rf"\[([^\]]*)\]\(\s*<?(?:{tag})>?\s*\)", r"\1", text)
    text = re.sub(rf"<a\b[^>]*href=[\"']?(?:{tag})[\"']?[^>]*>(.*?)</a>", r"\1", text)

    def word(match: re.Match[str]) -> str:
        return reader if re.search(r"(?i)f(irst)?_?name|^\W*name\W*$", match.group(0)) else ""

    return re.sub(tag, word, text)
