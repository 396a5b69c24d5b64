"""What a page tells search engines and sharing previews: JSON-LD (Event, NewsArticle,
Article, and on every item's page its BreadcrumbList), OpenGraph and Twitter card tags, and
its feeds."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import singledispatch
from typing import Any

from markupsafe import Markup

from newsdesk.content.catalog import Catalog, stored_file_uri
from newsdesk.content.models import Event, Interview, Item, KnowledgeDoc, News
from newsdesk.outputs import SiteInfo, published_moment
from newsdesk.site.feed_links import FeedLink, feed_links
from newsdesk.site.images import Picture
from newsdesk.site.views import ItemView, Link, Presenter

SCHEMA = "https://schema.org"


@dataclass(frozen=True, slots=True)
class HeadData:
    title: str
    description: str
    url: str
    kind: str
    """OpenGraph type: article or website."""
    image: str | None = None
    """The absolute address of the picture a sharing preview shows."""
    image_alt: str | None = None
    image_width: int | None = None
    image_height: int | None = None
    json_ld: Markup | None = None
    feeds: tuple[FeedLink, ...] = ()
    locale: str = "en_GB"


def page_head(
    title: str, description: str | None, path: str, site: SiteInfo, collection: str | None
) -> HeadData:
    """A page that is not an item: a listing, the home page, a plain page."""
    return HeadData(
        title=title,
        description=description or site.description,
        url=site.absolute(path),
        kind="website",
        feeds=_feeds(collection),
    )


def item_head(item: Item, catalog: Catalog, site: SiteInfo, presenter: Presenter) -> HeadData:
    """An item's page (its picture is the page view's: ``with_image``), with its place in
    the site (``BreadcrumbList``) beside what it is, in one graph."""
    nodes = [node for node in (json_ld(item, catalog, site, presenter),) if node]
    nodes.append(breadcrumb_list(presenter.item_view(item).breadcrumbs, site))
    graph = {"@context": SCHEMA, "@graph": [_without_context(node) for node in nodes]}
    return HeadData(
        title=item.title,
        description=item.summary or site.description,
        url=site.absolute(item.page_url),
        kind="article",
        json_ld=_script_json(graph),
        feeds=_feeds(item.collection),
    )


def shared_picture(view: object, default: Picture | None) -> Picture | None:
    """The picture sharing previews show of a page: an item's image at the top of its
    page, else (an edition's) that of its lead story, else ``default`` (the site's); an
    SVG drawing, which previews do not show, counts as none."""
    own = (view.image, view.share) if isinstance(view, ItemView) else ()
    return next((p for p in (*own, default) if p is not None and p.shared is not None), None)


def with_image(head: HeadData, picture: Picture | None, site: SiteInfo) -> HeadData:
    """``head`` sharing ``picture``, the widest of its files (none if it has none that
    sharing previews show)."""
    if picture is None or picture.shared is None:
        return head
    shared = picture.shared
    return replace(
        head,
        image=site.absolute(shared.url),
        image_alt=picture.alt or None,
        image_width=shared.width,
        image_height=shared.height,
    )


def breadcrumb_list(trail: Iterable[Link], site: SiteInfo) -> dict[str, Any]:
    """The page's place in the site, as its breadcrumbs show it (Home, the collection,
    the page)."""
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": link.label,
                "item": site.absolute(link.url),
            }
            for position, link in enumerate(trail, start=1)
        ],
    }


def _without_context(node: dict[str, Any]) -> dict[str, Any]:
    """A node of a graph, which gives the context once for all of them."""
    return {key: value for key, value in node.items() if key != "@context"}


def _feeds(collection: str | None) -> tuple[FeedLink, ...]:
    everything = feed_links()
    return (everything, feed_links(collection)) if collection else (everything,)


@singledispatch
def json_ld(item: Item, catalog: Catalog, site: SiteInfo, presenter: Presenter) -> dict | None:
    """The item's schema.org description, for collections that have one."""
    return None


@json_ld.register
def _(item: Event, catalog: Catalog, site: SiteInfo, presenter: Presenter) -> dict | None:
    return _event(item, catalog, site.absolute(item.page_url), presenter)


@json_ld.register
def _(item: News, catalog: Catalog, site: SiteInfo, presenter: Presenter) -> dict | None:
    data = _article(item, catalog, site, "NewsArticle")
    if item.image:
        data["image"] = [site.absolute(stored_file_uri(item, item.image))]
    return _with_keywords(data, item, catalog)


@json_ld.register
def _(item: Interview, catalog: Catalog, site: SiteInfo, presenter: Presenter) -> dict | None:
    return _with_keywords(_article(item, catalog, site, "Article"), item, catalog)


@json_ld.register
def _(item: KnowledgeDoc, catalog: Catalog, site: SiteInfo, presenter: Presenter) -> dict | None:
    data = _article(item, catalog, site, "Article")
    if item.authors:
        data["author"] = [{"@type": "Person", "name": name} for name in item.authors]
    elif item.organisation:
        data["author"] = {"@type": "Organization", "name": item.organisation}
    if item.language:
        data["inLanguage"] = item.language
    return _with_keywords(data, item, catalog)


def _article(item: Item, catalog: Catalog, site: SiteInfo, kind: str) -> dict[str, Any]:
    url = site.absolute(item.page_url)
    publisher = {"@type": "Organization", "name": site.name, "url": site.url}
    published = _iso(published_moment(item, catalog.clock))
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": kind,
        "headline": item.title,
        "description": item.summary,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": published,
        "dateModified": published,
        "publisher": publisher,
        "author": publisher,
    }
    return data


def _with_keywords(data: dict[str, Any], item: Item, catalog: Catalog) -> dict[str, Any]:
    if item.tags:
        data["keywords"] = [catalog.taxonomy.label("tags", tag) for tag in item.tags]
    return data


def _event(event: Event, catalog: Catalog, url: str, presenter: Presenter) -> dict:
    places: list[dict[str, Any]] = []
    if event.location:
        address: dict[str, Any] = {"@type": "PostalAddress"}
        if event.location.city:
            address["addressLocality"] = event.location.city
        if event.location.country:
            address["addressCountry"] = event.location.country
        places.append(
            {
                "@type": "Place",
                "name": event.location.venue or presenter.place(event) or event.title,
                "address": address,
            }
        )
    if event.online:
        places.append({"@type": "VirtualLocation", "url": event.url or url})
    if event.online and event.location:
        mode = "MixedEventAttendanceMode"
    elif event.online:
        mode = "OnlineEventAttendanceMode"
    else:
        mode = "OfflineEventAttendanceMode"
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "Event",
        "name": event.title,
        "description": event.summary,
        "url": url,
        "startDate": _iso(event.start),
        "eventStatus": f"{SCHEMA}/EventScheduled",
        "eventAttendanceMode": f"{SCHEMA}/{mode}",
    }
    if event.end is not None:  # a time written without an end has none
        data["endDate"] = _iso(event.end)
    elif not isinstance(event.start, datetime):
        data["endDate"] = _iso(event.start)
    if places:
        data["location"] = places[0] if len(places) == 1 else places
    if event.organiser:
        data["organizer"] = {"@type": "Organization", "name": event.organiser}
    return data


def _iso(value: date | datetime) -> str:
    """A date as ``2020-04-27``; a date-time with its UTC offset (``2020-05-27T09:00:00+09:00``)."""
    return value.isoformat()


def _script_json(data: dict) -> Markup:
    text = json.dumps(data, ensure_ascii=False, indent=1)
    # Inside <script>, markup characters could end the element early: JSON escapes them.
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return Markup(text)
