"""The sitemaps, with each page's real last change, and ``robots.txt``.

An item's page last changed when it was published, or since then when its state did (an
event started or ended, a call passed a deadline); a listing's when the newest of what it
shows did. Pages with no date of their own (plain pages, the search page) have none.

Each top folder of the site has a sitemap of its pages (``news/sitemap.xml``; the home
page's is ``sitemap-home.xml``), and ``sitemap.xml`` is their index. Material's script asks
for the ``sitemap.xml`` beside every ``<link rel="alternate">``, which every feed link is,
and reads it on every page a reader opens: an index of a few folders reads in no time,
where a list of every page of a site of 10,000 items would take the phone longest of all.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from datetime import datetime
from xml.sax.saxutils import escape

from newsdesk.content.catalog import Catalog
from newsdesk.content.models import Item
from newsdesk.outputs import SiteInfo, published_moment
from newsdesk.outputs.schedule import state_changes
from newsdesk.site.views import HomeView, ListingView, Presenter

NOT_LISTED = ("search/",)


def last_changes(catalog: Catalog, presenter: Presenter) -> dict[str, datetime]:
    """Item page URL → when that page last changed, on the build date."""
    now = catalog.clock.now
    days = presenter.settings.closing_soon_days

    def last_change(item: Item) -> datetime | None:
        moments = [published_moment(item, catalog.clock)]
        moments += [m for m, _ in state_changes(item, catalog, days)]
        # An undated item may lie in the future.
        return max((m for m in moments if m <= now), default=None)

    found = {}
    for item in catalog.items():
        if changed := presenter.once("last change", item, last_change):
            found[item.page_url] = changed
    return found


def sitemaps(
    pages: Iterable[tuple[str, object]], items: dict[str, datetime], site: SiteInfo
) -> dict[str, bytes]:
    """The sitemap of each top folder of ``pages`` (page URL, the view it shows) and
    ``sitemap.xml``, their index, by path in the site."""
    folders: dict[str, list[tuple[str, datetime | None]]] = {}
    for url, view in sorted(pages, key=lambda page: page[0]):
        if url in NOT_LISTED:
            continue
        changed = items.get(url) or _newest(_shown(view), items)
        folder = url.split("/", 1)[0] if "/" in url else ""
        folders.setdefault(folder, []).append((url, changed))
    found = {}
    entries = []
    for folder, rows in folders.items():
        name = f"{folder}/sitemap.xml" if folder else "sitemap-home.xml"
        found[name] = _urlset(_entry("url", site.absolute(url), changed) for url, changed in rows)
        newest = max((changed for _, changed in rows if changed), default=None)
        entries.append(_entry("sitemap", site.absolute(name), newest))
    found["sitemap.xml"] = _document("sitemapindex", entries)
    # MkDocs writes a sitemap.xml.gz of its own pages; this one replaces it.
    found["sitemap.xml.gz"] = gzip.compress(found["sitemap.xml"], compresslevel=6, mtime=0)
    return found


def _entry(kind: str, loc: str, changed: datetime | None) -> str:
    lastmod = f"<lastmod>{changed.isoformat()}</lastmod>" if changed else ""
    return f"  <{kind}><loc>{escape(loc)}</loc>{lastmod}</{kind}>"


def _urlset(rows: Iterable[str]) -> bytes:
    return _document("urlset", rows)


def _document(root: str, rows: Iterable[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(rows)
        + f"\n</{root}>\n"
    ).encode("utf-8")


def _shown(view: object) -> Iterator[str]:
    if isinstance(view, ListingView):
        yield from (card.url for card in view.cards)
    elif isinstance(view, HomeView):
        if view.lead:
            yield view.lead.url
        for section in view.sections:
            yield from (card.url for card in section.cards)


def _newest(urls: Iterable[str], items: dict[str, datetime]) -> datetime | None:
    return max((items[url] for url in urls if url in items), default=None)


def robots(site: SiteInfo) -> bytes:
    return (
        f"User-agent: *\nDisallow: {site.path}search/\nDisallow: {site.path}admin/\n"
        f"Sitemap: {site.absolute('sitemap.xml')}\n"
    ).encode()
