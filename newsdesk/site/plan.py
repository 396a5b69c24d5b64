"""The site plan: every page the site has, what template lays it out, and the view it shows.

Listings, archives, the home page and tag pages are made in memory from the catalog; each
is O(items it shows). Items never enter the navigation: sections lead to listings.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import singledispatch
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit, urlunsplit

import markdown

from newsdesk.content.catalog import MARKDOWN_SUFFIXES, Catalog, page_url
from newsdesk.content.models import Call, Edition, Event, Item, News
from newsdesk.content.selection import EditionContent, choose_all
from newsdesk.content.states import CallState, deadline_moment
from newsdesk.content.vocabulary import SECTION_TITLES, segment
from newsdesk.settings import Settings
from newsdesk.site import facets
from newsdesk.site.calendar_links import (
    calendar_paths,
    deadline_ics_path,
    event_ics_path,
    google_calendar_link,
    google_deadline_links,
)
from newsdesk.site.edition_text import EXTENSIONS, for_the_web
from newsdesk.site.feed_links import feed_links
from newsdesk.site.related import chronological, related_items
from newsdesk.site.sanitize import BUTTON, clean_email_html
from newsdesk.site.views import (
    CalendarLink,
    CardGroup,
    HomeSection,
    HomeView,
    ItemView,
    Link,
    ListingView,
    Pager,
    Presenter,
    SearchView,
    TagIndexView,
    TagLink,
    tag_url,
)

HOME_SIZE = 5


@dataclass(frozen=True, slots=True)
class PageSpec:
    src_uri: str
    title: str
    template: str
    view: Any
    description: str | None = None
    generated: bool = True
    """Made in memory; False for files editors wrote (items, the home page)."""
    toc: bool = False
    """Show the table of contents (item bodies have headings; listings do not)."""


@dataclass(frozen=True, slots=True)
class SitePlan:
    pages: dict[str, PageSpec]

    def get(self, src_uri: str) -> PageSpec | None:
        return self.pages.get(src_uri)


def plan_site(
    catalog: Catalog,
    settings: Settings,
    chosen: Mapping[str, EditionContent] | None = None,
    presenter: Presenter | None = None,
) -> SitePlan:
    """Every page; ``chosen`` gives each edition's items where they are already chosen,
    and ``presenter`` the build's views where some are already made."""
    chosen = chosen if chosen is not None else choose_all(catalog, settings.closing_soon_days)
    presenter = presenter or Presenter(catalog, settings, chosen=chosen)
    pages: dict[str, PageSpec] = {}
    for spec in _all_pages(catalog, settings, presenter, chosen):
        if spec.src_uri in pages:  # a writer never puts two pages at one URL
            raise ValueError(f"two pages planned at {spec.src_uri}")
        pages[spec.src_uri] = spec
    return SitePlan(pages)


def _all_pages(
    catalog: Catalog,
    settings: Settings,
    presenter: Presenter,
    chosen: Mapping[str, EditionContent],
) -> Iterator[PageSpec]:
    def item_page(item: Item) -> PageSpec:
        return _item_page(item, _item_view(item, catalog, settings, presenter))

    editions = {edition.src_uri: edition for edition in catalog.of(Edition)}
    related = _related(catalog, presenter)

    def showing_related(spec: PageSpec, item: Item) -> PageSpec:
        cards = presenter.cards(related[item.src_uri])
        return replace(spec, view=replace(spec.view, related=cards))

    def with_related(item: Item) -> PageSpec:
        return showing_related(presenter.once("page", item, item_page), item)

    has_home = any(page.src_uri == "index.md" for page in catalog.pages)
    yield PageSpec(
        "index.md",
        "Home",
        "newsdesk/home.html",
        _home(catalog, settings, presenter),
        generated=not has_home,
    )
    for item in catalog.items():
        if (edition := editions.get(item.src_uri)) is not None:  # shows the items it chose
            content = chosen[item.src_uri]
            spec = _item_page(
                item, _web_version(presenter.item_view(item), edition, content, presenter)
            )
            if item.src_uri in related:
                spec = showing_related(spec, item)
        elif others := related.get(item.src_uri):  # the same page as long as these items are
            spec = presenter.once("related page", item, with_related, showing=others)
        else:  # the same page as long as the item is
            spec = presenter.once("page", item, item_page)
        yield spec
    yield from _listings(catalog, settings, presenter)
    yield from _knowledge_facet_pages(catalog, settings, presenter)
    yield from _tag_pages(catalog, settings, presenter)
    yield PageSpec(
        "search/index.md",
        "Search",
        "newsdesk/search.html",
        SearchView("Search"),
        description="Search news, events, calls, interviews and the knowledge repository.",
    )


def _related(catalog: Catalog, presenter: Presenter) -> dict[str, tuple[Item, ...]]:
    """Each listed item's related items (an archived item is listed nowhere), chosen again
    only when what chooses them changes: which items are listed, their tags and dates."""
    listed = tuple(catalog.listed())
    chosen_by = tuple((item.src_uri, chronological(item), tuple(item.tags)) for item in listed)
    found = presenter.whole(
        "related",
        chosen_by,
        lambda: {
            src_uri: tuple(other.src_uri for other in others)
            for src_uri, others in related_items(listed).items()
        },
    )
    by_uri = {item.src_uri: item for item in listed}  # the items as they are now
    return {src_uri: tuple(by_uri[o] for o in others) for src_uri, others in found.items()}


def _item_page(item: Item, view: ItemView) -> PageSpec:
    return PageSpec(
        item.src_uri,
        item.title,
        "newsdesk/item.html",
        view,
        description=item.summary,
        generated=False,
        toc=True,
    )


@singledispatch
def _item_view(item: Item, catalog: Catalog, settings: Settings, presenter: Presenter) -> ItemView:
    """An item's page view."""
    return presenter.item_view(item)


@_item_view.register
def _(item: Event, catalog: Catalog, settings: Settings, presenter: Presenter) -> ItemView:
    """An event's page adds its calendar links."""
    google = google_calendar_link(item, catalog, settings.site, presenter.place(item))
    links = (Link("download (.ics)", event_ics_path(item)), Link("Google Calendar", google))
    return replace(presenter.item_view(item), calendar=links)


@_item_view.register
def _(item: Call, catalog: Catalog, settings: Settings, presenter: Presenter) -> ItemView:
    """A call's page adds calendar links to each deadline."""
    view = presenter.item_view(item)
    google = google_deadline_links(item, catalog, settings.site)
    rows = tuple(
        replace(
            row,
            calendar=(
                Link("download (.ics)", deadline_ics_path(item, number)),
                Link("Google Calendar", link),
            ),
        )
        for number, (row, link) in enumerate(zip(view.deadlines, google, strict=True), start=1)
    )
    return replace(view, deadlines=rows)


def _web_version(
    view: ItemView, edition: Edition, content: EditionContent, presenter: Presenter
) -> ItemView:
    """An edition's page: its intro (the body), then its sections in the editor's order,
    items as cards and free blocks as text, as a visitor reads them (no merge tags), with
    the email's HTML and text versions."""
    settings = presenter.settings
    sections = []
    for chosen in content.sections:
        section = chosen.section
        if section.block is not None:
            html = _web_block(section.block, edition, settings)
            sections.append(CardGroup(section.heading or "", (), html))
        elif chosen.items:
            sections.append(CardGroup(section.heading or "", presenter.cards(chosen.items)))
    if content.lead is not None:
        sections.insert(0, CardGroup("Top story", (presenter.card(content.lead),)))
    base = edition.page_url
    downloads = (
        Link("Email version (HTML)", f"{base}email.html"),
        Link("Plain-text version", f"{base}email.txt"),
    )
    share = None if view.image else presenter.edition_picture(edition)
    card = presenter.card(edition)  # with the picture of what it chose, which may change
    return replace(view, sections=tuple(sections), downloads=downloads, share=share, card=card)


def _web_block(text: str, edition: Edition, settings: Settings) -> str:
    """A free block of an edition as HTML on its web version: cleaned as page bodies are,
    its links to other content files made links to their pages."""
    text = for_the_web(text, settings.merge_tags, settings.reader)
    html = markdown.markdown(text, extensions=list(EXTENSIONS))

    def address(element: str, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path:
            return url
        folder = posixpath.dirname(edition.src_uri)
        path = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
        if path.lower().endswith(MARKDOWN_SUFFIXES):
            path = page_url(path)
        relative = posixpath.relpath(path, edition.page_url.rstrip("/"))
        relative += "/" if path.endswith("/") else ""
        return urlunsplit(("", "", quote(relative, safe="/"), parts.query, parts.fragment))

    return clean_email_html(html, address).replace(f'class="{BUTTON}"', 'class="md-button"')


# -- listings ----------------------------------------------------------------------------


def _feed_links(collection: str) -> tuple[Link, ...]:
    feed = feed_links(collection)
    return (Link("RSS feed", feed.rss), Link("Atom feed", feed.atom))


def _webcal(settings: Settings, path: str) -> str:
    """A calendar address that calendar apps subscribe to (webcal://)."""
    return "webcal://" + settings.site.absolute(path).split("://", 1)[1]


def _google_subscribe(settings: Settings, path: str) -> str:
    return "https://calendar.google.com/calendar/r?" + urlencode({"cid": _webcal(settings, path)})


def _panel(
    catalog: Catalog,
    settings: Settings,
    collection: str,
    items: Sequence[Item],
    sort: tuple[str, str] = ("latest", "desc"),
    **fixed: tuple[str, ...],
) -> facets.FacetPanel:
    """The filter panel of a listing; ``sort`` puts filtered results in its order."""
    limits = (("collection", (collection,)), *fixed.items())
    return facets.panel(collection, items, catalog, limits, settings.page_size, sort)


def _listings(catalog: Catalog, settings: Settings, presenter: Presenter) -> Iterator[PageSpec]:
    size = settings.page_size
    upcoming, past = catalog.upcoming_events, catalog.past_events
    yield from _paginate(
        "events",
        "Events",
        "Upcoming events, soonest first.",
        upcoming,
        size,
        presenter,
        (Link("Past events", "events/past/"), *_feed_links("events")),
        "No events are coming up. See the past events.",
        _panel(catalog, settings, "events", upcoming, ("soonest", "asc"), timing=("upcoming",)),
        tuple(
            CalendarLink(title, _webcal(settings, path), _google_subscribe(settings, path))
            for title, path in calendar_paths(catalog)
        ),
        implied=("upcoming",),
    )
    yield from _paginate(
        "events/past",
        "Past events",
        "Events that have taken place, newest first.",
        past,
        size,
        presenter,
        (Link("Upcoming events", "events/"),),
        "No past events yet.",
        _panel(catalog, settings, "events", past, timing=("past",)),
        implied=("past",),
    )
    current = _by_next_deadline(catalog, lambda state: state is not CallState.CLOSED)
    closed = [
        call
        for call in catalog.collection("calls")
        if catalog.call_states[call.src_uri].state is CallState.CLOSED
    ]
    not_closed = tuple(state.value for state in CallState if state is not CallState.CLOSED)
    yield from _paginate(
        "calls",
        "Open calls",
        "Calls for proposals and expressions of interest, nearest deadline first.",
        current,
        size,
        presenter,
        (
            Link("Closed calls", "calls/closed/"),
            Link("Deadlines calendar (iCalendar)", _webcal(settings, "calendars/deadlines.ics")),
            *_feed_links("calls"),
        ),
        "No calls are open right now.",
        _panel(catalog, settings, "calls", current, ("deadline", "asc"), state=not_closed),
        implied=(CallState.OPEN.value,),
    )
    yield from _paginate(
        "calls/closed",
        "Closed calls",
        "Calls whose last deadline has passed.",
        closed,
        size,
        presenter,
        (Link("Open calls", "calls/"),),
        "No closed calls yet.",
        _panel(catalog, settings, "calls", closed, state=(CallState.CLOSED.value,)),
        implied=(CallState.CLOSED.value,),
    )
    for name, intro in (
        ("news", "News from the cluster community, newest first."),
        ("interviews", "Conversations with cluster managers and experts."),
        ("knowledge", "Reports, presentations, guides and policy examples."),
        ("newsletters", "Every edition of the newsletter, newest first."),
    ):
        items = catalog.collection(name)
        yield from _paginate(
            name,
            SECTION_TITLES[name],
            intro,
            items,
            size,
            presenter,
            _feed_links(name),
            "Nothing published yet.",
            _panel(catalog, settings, name, items) if name in ("news", "knowledge") else None,
        )


PAGER_REACH = 2
"""Page numbers a pager shows on each side of the current one, besides the first and last."""


def page_window(number: int, count: int) -> list[int | None]:
    """The page numbers a pager links to: the first, the last, and those within
    ``PAGER_REACH`` of ``number``; ``None`` where numbers are left out. A listing of a
    thousand pages thus links to seven or so from each, not to all of them."""
    shown = {1, count, *range(max(1, number - PAGER_REACH), min(count, number + PAGER_REACH) + 1)}
    window: list[int | None] = []
    previous = 0
    for page in sorted(shown):
        if page - previous == 2:  # one number left out: show it instead
            window.append(page - 1)
        elif page - previous > 2:
            window.append(None)
        window.append(page)
        previous = page
    return window


def _paginate(
    base: str,
    title: str,
    intro: str,
    items: Sequence[Item],
    size: int,
    presenter: Presenter,
    links: tuple[Link, ...],
    empty: str,
    panel: facets.FacetPanel | None = None,
    calendars: tuple[CalendarLink, ...] = (),
    implied: tuple[str, ...] = (),
) -> Iterator[PageSpec]:
    """Pages ``base/``, ``base/page/2/``…; an empty list still gets its first page, which
    carries the filter ``panel``."""
    chunks = [items[start : start + size] for start in range(0, len(items), size)] or [[]]
    urls = [f"{base}/"] + [f"{base}/page/{n}/" for n in range(2, len(chunks) + 1)]
    for index, chunk in enumerate(chunks):
        pager = None
        if len(chunks) > 1:
            pager = Pager(
                number=index + 1,
                count=len(chunks),
                previous=urls[index - 1] if index > 0 else None,
                next=urls[index + 1] if index + 1 < len(chunks) else None,
                pages=tuple(
                    None if n is None else Link(str(n), urls[n - 1])
                    for n in page_window(index + 1, len(chunks))
                ),
            )
        page_title = title if index == 0 else f"{title} (page {index + 1})"
        view = ListingView(
            page_title,
            intro,
            presenter.cards(chunk),
            pager,
            links,
            empty,
            panel if index == 0 else None,
            calendars if index == 0 else (),
            implied,
        )
        yield PageSpec(
            f"{urls[index]}index.md", page_title, "newsdesk/listing.html", view, description=intro
        )


# -- home --------------------------------------------------------------------------------


def _by_next_deadline(catalog: Catalog, wanted: Callable[[CallState], bool]) -> list[Item]:
    """Calls whose state is ``wanted``, nearest next deadline first."""
    found = []
    for call in catalog.collection("calls"):
        status = catalog.call_states[call.src_uri]
        if wanted(status.state) and status.next is not None:
            found.append((deadline_moment(status.next, catalog.clock), call.slug, call))
    return [call for *_, call in sorted(found)]


def _home(catalog: Catalog, settings: Settings, presenter: Presenter) -> HomeView:
    news = catalog.of(News)
    lead = next((item for item in news if item.featured), None)
    latest = [item for item in news if item is not lead][:HOME_SIZE]
    events = catalog.upcoming_events[:HOME_SIZE]
    calls = _by_next_deadline(catalog, lambda state: state is CallState.CLOSING_SOON)[:HOME_SIZE]
    interview = catalog.collection("interviews")[:1]
    days = settings.closing_soon_days
    sections = (
        HomeSection(
            "Latest news", presenter.cards(latest), Link("All news", "news/"), "No news yet."
        ),
        HomeSection(
            "Upcoming events",
            presenter.cards(events),
            Link("All upcoming events", "events/"),
            "No events are coming up.",
        ),
        HomeSection(
            "Calls closing soon",
            presenter.cards(calls),
            Link("All open calls", "calls/"),
            f"No call closes in the next {days} days.",
        ),
        HomeSection(
            "Latest interview",
            presenter.cards(interview),
            Link("All interviews", "interviews/"),
            "No interviews yet.",
        ),
    )
    return HomeView(presenter.card(lead) if lead else None, sections)


# -- the knowledge repository, without JavaScript -----------------------------------------


def _knowledge_facet_pages(
    catalog: Catalog, settings: Settings, presenter: Presenter
) -> Iterator[PageSpec]:
    """``/knowledge/kind/``, listing each value, and ``/knowledge/kind/report/``, listing
    its documents: what the repository's filters link to."""
    documents = catalog.collection("knowledge")
    panel = facets.panel("knowledge", documents, catalog, ())
    back = Link("Knowledge repository", "knowledge/")
    for facet in panel.facets:
        folder = segment(facet.name)
        yield PageSpec(
            f"knowledge/{folder}/index.md",
            f"Knowledge repository by {facet.title.lower()}",
            "newsdesk/tags.html",
            TagIndexView(
                f"Knowledge repository by {facet.title.lower()}",
                tuple(TagLink(value.label, value.url or "", value.count) for value in facet.values),
            ),
            description=f"Documents in the knowledge repository by {facet.title.lower()}.",
        )
        for value in facet.values:
            chosen = [d for d in documents if value.key in facets.values(d, facet.name, catalog)]
            yield from _paginate(
                f"knowledge/{folder}/{value.key}",
                f"{facet.title}: {value.label}",
                f"Documents in the knowledge repository with {facet.title.lower()} "
                f"“{value.label}”, newest first.",
                chosen,
                settings.page_size,
                presenter,
                (back, Link(f"By {facet.title.lower()}", f"knowledge/{folder}/")),
                "No documents.",
            )


# -- tags --------------------------------------------------------------------------------


def _tag_pages(catalog: Catalog, settings: Settings, presenter: Presenter) -> Iterator[PageSpec]:
    taxonomy = catalog.taxonomy
    links = tuple(
        TagLink(taxonomy.label("tags", tag), tag_url(tag), len(items))
        for tag, items in catalog.by_tag.items()
    )
    yield PageSpec(
        "tags/index.md",
        "Tags",
        "newsdesk/tags.html",
        TagIndexView("Tags", links),
        description="Every topic on the site, with the number of items on each.",
    )
    for tag, items in catalog.by_tag.items():
        label = taxonomy.label("tags", tag)
        yield from _paginate(
            f"tags/{tag}",
            label,
            f"Everything tagged “{label}”, newest first.",
            items,
            settings.page_size,
            presenter,
            (Link("All tags", "tags/"),),
            "Nothing is tagged with this yet.",
        )
