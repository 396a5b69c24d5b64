"""``sitemap.xml`` with each page's real last change, and ``robots.txt``.

An item's page last changed when it was published, or since then when its state did (an
event started or ended, a call passed a deadline); a listing's when the newest of what it
shows did. Pages with no date of their own (plain pages, the search page) have none.
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
    pages: Iterable[tuple[str, object]],
    items: dict[str, datetime],
    site: SiteInfo,
    folders: Iterable[str] = (),
) -> dict[str, bytes]:
    """``sitemap.xml`` and its gzip for ``pages`` (page URL, the view it shows), and a
    ``sitemap.xml`` in each of ``folders`` of the pages in it, by path in the site."""
    rows = []
    for url, view in sorted(pages, key=lambda page: page[0]):
        if url in NOT_LISTED:
            continue
        changed = items.get(url) or _newest(_shown(view), items)
        lastmod = f"<lastmod>{changed.isoformat()}</lastmod>" if changed else ""
        rows.append((url, f"  <url><loc>{escape(site.absolute(url))}</loc>{lastmod}</url>"))
    whole = _urlset(row for _, row in rows)
    found = {"sitemap.xml": whole, "sitemap.xml.gz": gzip.compress(whole, compresslevel=6, mtime=0)}
    for folder in folders:
        found[f"{folder}/sitemap.xml"] = _urlset(
            row for url, row in rows if url.startswith(f"{folder}/")
        )
    return found


def _urlset(rows: Iterable[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(rows)
        + "\n</urlset>\n"
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
