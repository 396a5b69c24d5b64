"""RSS 2.0 and Atom feeds, made with feedgen: one per collection and one for everything.

Each holds the newest ``FEED_SIZE`` items, newest first, at the paths ``site.feed_links``
gives. Ids are the items' page URLs, so they stay the same from build to build; every date
comes from the content.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator

from feedgen.feed import FeedGenerator

from newsdesk.content.catalog import Catalog
from newsdesk.content.models import MODELS, Item
from newsdesk.outputs import SiteInfo, published_moment
from newsdesk.site.feed_links import FeedLink, feed_links

FEED_SIZE = 50


def feeds(catalog: Catalog, site: SiteInfo) -> Iterator[tuple[str, bytes]]:
    """(site-relative path, bytes) of every feed file."""
    everything = sorted(
        catalog.listed(),
        key=lambda i: (published_moment(i, catalog.clock), i.src_uri),
        reverse=True,
    )
    yield from _pair(feed_links(), everything, catalog, site)
    collections: dict[str, list[Item]] = {collection: [] for collection in MODELS}
    for item in everything:
        collections[item.collection].append(item)
    for collection, items in collections.items():
        yield from _pair(feed_links(collection), items, catalog, site)


def _pair(
    link: FeedLink, items: Iterable[Item], catalog: Catalog, site: SiteInfo
) -> Iterator[tuple[str, bytes]]:
    items = list(items)[:FEED_SIZE]
    generator = FeedGenerator()
    title = site.name if link.title == "Everything" else f"{link.title} · {site.name}"
    generator.title(title)
    generator.id(site.absolute(link.atom))
    page = site.absolute(link.page)
    generator.description(site.description or title)
    generator.subtitle(site.description or title)
    generator.language(site.language)
    generator.generator("Newsdesk")
    generator.author({"name": site.name, "uri": site.url})  # Atom requires one (RFC 4287)
    # The newest item's date, not the build time: the same content gives the same feed.
    newest = (
        published_moment(items[0], catalog.clock)
        if items
        else catalog.clock.start_of(catalog.clock.today)
    )
    generator.updated(newest)
    generator.lastBuildDate(newest)
    taxonomy = catalog.taxonomy
    for item in reversed(items):  # feedgen puts each new entry first
        url = site.absolute(item.page_url)
        entry = generator.add_entry()
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(item.title)
        entry.link(href=url)
        summary = item.summary or getattr(item, "preheader", None) or item.title
        # RSS readers show a description as HTML: a summary is text, so it is escaped as
        # such, or "<img onerror=…>" in it would be an image with a script. Atom says so.
        entry.description(html.escape(summary, quote=False))
        entry.summary(summary, type="text")
        moment = published_moment(item, catalog.clock)
        entry.published(moment)
        entry.updated(moment)
        for tag in item.tags:
            entry.category(term=tag, label=taxonomy.label("tags", tag))
    # Each file names itself as "self" and the HTML page as the one it follows. feedgen's
    # RSS <link> is the last link given, so the page comes last.
    generator.link(
        [{"href": site.absolute(link.rss), "rel": "self"}, {"href": page, "rel": "alternate"}],
        replace=True,
    )
    yield link.rss, generator.rss_str(pretty=True)
    generator.link(
        [{"href": site.absolute(link.atom), "rel": "self"}, {"href": page, "rel": "alternate"}],
        replace=True,
    )
    yield link.atom, generator.atom_str(pretty=True)
