"""Where each feed is: the RSS and Atom files of everything and of each collection, and the
page each one follows. The pages and their sharing tags link to them from here;
``outputs.feeds`` writes them at these paths."""

from __future__ import annotations

from dataclasses import dataclass

from newsdesk.content.vocabulary import SECTION_TITLES


@dataclass(frozen=True, slots=True)
class FeedLink:
    title: str
    rss: str
    atom: str
    """Site-relative paths of the two files."""
    page: str = ""
    """Site-relative URL of the HTML page the feed follows: the home page, or the
    collection's listing."""


def feed_links(collection: str | None = None) -> FeedLink:
    if collection is None:
        return FeedLink("Everything", "feed.xml", "atom.xml")
    return FeedLink(
        SECTION_TITLES[collection],
        f"{collection}/feed.xml",
        f"{collection}/atom.xml",
        f"{collection}/",
    )
