"""Views as data: every page's content is computed here, so templates only lay it out.

URLs in views are site-relative (``events/eu-canada/``); templates pass them through
MkDocs' ``url`` filter, which makes them relative to the page being rendered.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import singledispatch
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from newsdesk.content.catalog import Catalog, stored_file_uri
from newsdesk.content.frontmatter import Version
from newsdesk.content.models import Call, Edition, Event, Interview, Item, KnowledgeDoc, News
from newsdesk.content.states import (
    CallState,
    DeadlineState,
    deadline_state,
    is_ongoing,
    is_upcoming,
)
from newsdesk.content.vocabulary import KIND_LABELS, SECTION_TITLES, TAXONOMY_FACETS
from newsdesk.settings import Settings
from newsdesk.site.facets import (
    FacetPanel,
    every_word,
    search_filters,
)
from newsdesk.site.formatting import amount_text, day_text, file_text, moment_text, range_text

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Badge:
    label: str
    tone: str
    """CSS modifier: open, closing-soon, closed, forthcoming, upcoming, ongoing, past, online."""


@dataclass(frozen=True, slots=True)
class Fact:
    label: str
    value: str
    url: str | None = None
    external: bool = False


@dataclass(frozen=True, slots=True)
class Card:
    """An item as a listing shows it."""

    title: str
    url: str
    kind: str
    when: str
    summary: str
    where: str | None = None
    badges: tuple[Badge, ...] = ()


@dataclass(frozen=True, slots=True)
class DeadlineRow:
    when: str
    label: str
    state: str
    state_label: str
    calendar: tuple[Link, ...] = ()
    """The deadline's "Add to calendar" links."""


@dataclass(frozen=True, slots=True)
class Download:
    """A file the item offers: what its button says, and the file's type and size."""

    label: str
    details: str
    """``PDF, 1.2 MB``."""
    url: str


@dataclass(frozen=True, slots=True)
class ItemView:
    """An item's own page: kind, badges, summary, facts, and the rows a call needs."""

    collection: str
    kind: str
    title: str
    summary: str
    badges: tuple[Badge, ...]
    facts: tuple[Fact, ...]
    tags: tuple[Link, ...]
    back: Link
    deadlines: tuple[DeadlineRow, ...] = ()
    image: Link | None = None
    sections: tuple[CardGroup, ...] = ()
    """An edition's sections, as its web version shows them."""
    downloads: tuple[Link, ...] = ()
    """An edition's email files."""
    search: SearchData | None = None
    calendar: tuple[Link, ...] = ()
    """An event's "Add to calendar" links."""
    breadcrumbs: tuple[Link, ...] = ()
    """Home, the collection, then the item itself."""
    download: Download | None = None
    """A knowledge document's attachment."""
    share: tuple[Link, ...] = ()
    """Links that share the page by email and on social networks (absolute)."""
    related: tuple[Card, ...] = ()
    """Other items sharing the most tags with this one, newest first among equals."""


@dataclass(frozen=True, slots=True)
class SearchData:
    """What the search index keeps of a page: filters, result metadata, and a sort key."""

    filters: tuple[tuple[str, str], ...]
    meta: tuple[tuple[str, str], ...]
    sort_date: str
    every: str
    """A word every page of the collection is indexed with, so a filter panel can ask for
    "every page of this collection" as a search that loads one small part of the index
    (a search for nothing loads all of it)."""


@dataclass(frozen=True, slots=True)
class CardGroup:
    heading: str
    cards: tuple[Card, ...]
    html: str = ""
    """Text of the page's own, in place of cards (an edition's free block), as HTML."""


@dataclass(frozen=True, slots=True)
class Pager:
    number: int
    count: int
    previous: str | None
    next: str | None
    pages: tuple[Link | None, ...]
    """The pages linked to, in order; ``None`` stands for numbers left out."""


@dataclass(frozen=True, slots=True)
class ListingView:
    title: str
    intro: str
    cards: tuple[Card, ...]
    pager: Pager | None
    links: tuple[Link, ...]
    empty: str
    facets: FacetPanel | None = None
    calendars: tuple[Link, ...] = ()
    """Calendars to subscribe to (webcal:// addresses)."""
    implied: tuple[str, ...] = ()
    """Badges (by tone) every card of the listing would carry, as its title already says
    ("Upcoming" on the upcoming events): the cards leave them out."""


@dataclass(frozen=True, slots=True)
class HomeSection:
    title: str
    cards: tuple[Card, ...]
    more: Link
    empty: str


@dataclass(frozen=True, slots=True)
class HomeView:
    lead: Card | None
    sections: tuple[HomeSection, ...]


@dataclass(frozen=True, slots=True)
class SearchView:
    title: str


@dataclass(frozen=True, slots=True)
class TagLink:
    label: str
    url: str
    count: int


@dataclass(frozen=True, slots=True)
class TagIndexView:
    title: str
    tags: tuple[TagLink, ...]


def tag_url(tag: str) -> str:
    return f"tags/{tag}/"


def share_links(title: str, url: str) -> tuple[Link, ...]:
    """Plain links that share a page (``url``, absolute) by email and on LinkedIn, X and
    Facebook: each opens the network's own form, and nothing loads until one is followed.
    Every reserved character is escaped, spaces as ``%20`` (mailto: reads no ``+`` as a
    space, RFC 6068)."""
    text, address = quote(title, safe=""), quote(url, safe="")
    return (
        Link("Share by email", f"mailto:?subject={text}&body={address}"),
        Link("Share on LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?url={address}"),
        Link("Share on X", f"https://x.com/intent/tweet?text={text}&url={address}"),
        Link("Share on Facebook", f"https://www.facebook.com/sharer/sharer.php?u={address}"),
    )


class Presenter:
    """Turns catalog items into views for one build (one clock, one locale).

    Each item's card and page view are made once: an item shows on its listing, its tag
    pages, the home page and editions. A view depends on the item alone, given the
    catalog's clock, taxonomy and stored files, and the item on its file's text: a
    presenter for a catalog with the same settings as the ``previous`` one's keeps the
    views of every item whose file's version is the same."""

    def __init__(
        self, catalog: Catalog, settings: Settings, previous: Presenter | None = None
    ) -> None:
        self.catalog = catalog
        self.settings = settings
        self.clock = catalog.clock
        self.locale = settings.locale
        self._made: dict[tuple[str, str], tuple[Version, Any]] = {}
        """(kind of view, the item's ``src_uri``) → the version of its file and its view."""
        if previous is not None and _same_setting(previous, self):
            self._made = previous._made

    def once(self, kind: str, item: Item, make: Callable[[Item], T]) -> T:
        """``make(item)``, made once per version of the item's file (``kind`` tells views
        of one item apart)."""
        version = self.catalog.versions.get(item.src_uri)
        made = self._made.get((kind, item.src_uri))
        if made is not None and version is not None and made[0] == version:
            return made[1]
        view = make(item)
        if version is not None:
            self._made[(kind, item.src_uri)] = (version, view)
        return view

    def cards(self, items: Iterable[Item]) -> tuple[Card, ...]:
        return tuple(self.card(item) for item in items)

    def card(self, item: Item) -> Card:
        return self.once("card", item, self._card)

    def _card(self, item: Item) -> Card:
        return Card(
            item.title,
            item.page_url,
            self.kind_label(item),
            self.when(item),
            item.summary or "",
            self.where(item),
            self.badges(item),
        )

    def item_view(self, item: Item) -> ItemView:
        return self.once("item", item, self._item_view)

    def _item_view(self, item: Item) -> ItemView:
        image = None
        if item.picture is not None:
            stored, alt = item.picture
            image = Link(alt or "", stored_file_uri(item, stored))
        return ItemView(
            collection=item.collection,
            kind=self.kind_label(item),
            title=item.title,
            summary=item.summary or "",
            badges=self.badges(item),
            facts=tuple(_facts(item, self)),
            tags=tuple(Link(self.catalog.taxonomy.label("tags", t), tag_url(t)) for t in item.tags),
            back=Link(f"All {SECTION_TITLES[item.collection].lower()}", f"{item.collection}/"),
            deadlines=_deadline_rows(item, self),
            image=image,
            search=SearchData(
                filters=search_filters(item, self.catalog),
                meta=(
                    ("collection", SECTION_TITLES[item.collection]),
                    ("kind", self.kind_label(item)),
                    ("date", self.when(item)),
                ),
                sort_date=item.sort_date.isoformat(),
                every=every_word(item.collection),
            ),
            breadcrumbs=(
                Link("Home", ""),
                Link(SECTION_TITLES[item.collection], f"{item.collection}/"),
                Link(item.title, item.page_url),
            ),
            download=self.download(item),
            share=share_links(item.title, self.settings.site.absolute(item.page_url)),
        )

    def kind_label(self, item: Item) -> str:
        """The item's kind, where its collection has kinds, else the collection's label."""
        kind = getattr(item, "kind", None)
        return KIND_LABELS[item.collection][kind] if kind else item.label

    def badges(self, item: Item) -> tuple[Badge, ...]:
        """Where the item stands (events and calls): upcoming, open, closing soon…"""
        return _badges(item, self)

    def when(self, item: Item) -> str:
        """The date a card shows: an event's dates, a call's next deadline, else the day."""
        return _when(item, self)

    def attachment(self, item: Item) -> Link | None:
        """A knowledge document's file: ``panorama.pdf (PDF, 1.2 MB)`` and where it is."""
        stored = _attached(item)
        if not stored:
            return None
        uri = stored_file_uri(item, stored)
        name = posixpath.basename(stored)
        return Link(f"{name} ({self._file_details(uri)})", uri)

    def download(self, item: Item) -> Download | None:
        """The button for a knowledge document's file: ``Download the report``, with
        ``PDF, 1.2 MB``."""
        stored = _attached(item)
        if not stored:
            return None
        uri = stored_file_uri(item, stored)
        return Download(
            f"Download the {self.kind_label(item).lower()}", self._file_details(uri), uri
        )

    def _file_details(self, uri: str) -> str:
        return file_text(posixpath.basename(uri), self.catalog.files[uri], self.locale)

    def where(self, item: Item) -> str | None:
        """The line under a card's date: place, programme, who was interviewed, or the
        attachment's type and size."""
        return _where(item, self)

    def place(self, event: Event) -> str | None:
        parts: list[str | None] = []
        if event.location:
            country = event.location.country
            parts = [
                event.location.venue,
                event.location.city,
                self.catalog.taxonomy.label("countries", country) if country else None,
            ]
        place = ", ".join(part for part in parts if part)
        if event.online:
            return f"{place} and online" if place else "Online"
        return place or None

    def deadlines(self, call: Call) -> tuple[DeadlineRow, ...]:
        rows = []
        for number, deadline in enumerate(call.deadlines, start=1):
            state = deadline_state(deadline, call, self.clock)
            label = deadline.label or (
                f"Deadline {number}" if len(call.deadlines) > 1 else "Deadline"
            )
            rows.append(
                DeadlineRow(
                    moment_text(deadline.date, self.locale),
                    label,
                    state.value,
                    _DEADLINE_LABELS[state],
                )
            )
        return tuple(rows)


def _same_setting(one: Presenter, other: Presenter) -> bool:
    """Whether views made by ``one`` hold for ``other``: the same settings, and catalogs
    with the same clock, taxonomy and stored files."""
    a, b = one.catalog, other.catalog
    return (
        one.settings == other.settings
        and a.clock == b.clock
        and a.taxonomy == b.taxonomy
        and a.files == b.files
    )


# -- what each collection shows, by its model ---------------------------------------------


@singledispatch
def _badges(item: Item, p: Presenter) -> tuple[Badge, ...]:
    return ()


@_badges.register
def _(item: Event, p: Presenter) -> tuple[Badge, ...]:
    if is_ongoing(item, p.clock):
        state = Badge("Happening now", "ongoing")
    elif is_upcoming(item, p.clock):
        state = Badge("Upcoming", "upcoming")
    else:
        state = Badge("Past event", "past")
    return (state, Badge("Online", "online")) if item.online else (state,)


@_badges.register
def _(item: Call, p: Presenter) -> tuple[Badge, ...]:
    status = p.catalog.status(item)
    return (Badge(status.state.label, status.state.value),)


@singledispatch
def _when(item: Item, p: Presenter) -> str:
    return day_text(item.sort_date, p.locale)


@_when.register
def _(item: Event, p: Presenter) -> str:
    return item.dates_note or range_text(item.start, item.end, p.locale)


@_when.register
def _(item: Call, p: Presenter) -> str:
    status = p.catalog.status(item)
    if status.state is CallState.FORTHCOMING and item.opens is not None:
        return f"Opens {moment_text(item.opens, p.locale)}"
    shown = status.next or item.deadlines[-1]
    return f"Deadline: {moment_text(shown.date, p.locale)}"


@singledispatch
def _where(item: Item, p: Presenter) -> str | None:
    attachment = p.attachment(item)
    return attachment.label if attachment else None


@_where.register
def _(item: Event, p: Presenter) -> str | None:
    return p.place(item)


@_where.register
def _(item: Call, p: Presenter) -> str | None:
    return item.programme


@_where.register
def _(item: Interview, p: Presenter) -> str | None:
    person = item.interviewee
    return f"{person.name}, {person.role}, {person.organisation}"


@singledispatch
def _attached(item: Item) -> str | None:
    """The stored file an item offers (a knowledge document's attachment)."""
    return None


@_attached.register
def _(item: KnowledgeDoc) -> str | None:
    return item.file


@singledispatch
def _deadline_rows(item: Item, p: Presenter) -> tuple[DeadlineRow, ...]:
    return ()


@_deadline_rows.register
def _(item: Call, p: Presenter) -> tuple[DeadlineRow, ...]:
    return p.deadlines(item)


_DEADLINE_LABELS = {
    DeadlineState.PASSED: "Passed",
    DeadlineState.NEXT: "Next deadline",
    DeadlineState.LATER: "Later",
}


@singledispatch
def _facts(item: Item, p: Presenter) -> list[Fact]:
    return [Fact("Published", day_text(item.sort_date, p.locale))]


@_facts.register
def _(item: News, p: Presenter) -> list[Fact]:
    facts = [Fact("Published", day_text(item.date, p.locale))]
    if item.source_url:
        facts.append(Fact("Source", _host(item.source_url), item.source_url, external=True))
    return facts


@_facts.register
def _(item: Event, p: Presenter) -> list[Fact]:
    facts = [Fact("When", p.when(item))]
    if item.dates_note:
        facts.append(Fact("Dates", range_text(item.start, item.end, p.locale)))
    facts.append(Fact("Where", p.place(item) or "To be announced"))  # "… and online" too
    if item.organiser:
        facts.append(Fact("Organiser", item.organiser))
    if item.url:
        facts.append(Fact("Registration and programme", _host(item.url), item.url, external=True))
    return facts


@_facts.register
def _(item: Call, p: Presenter) -> list[Fact]:
    facts = [Fact("Status", p.catalog.status(item).state.label), Fact("Programme", item.programme)]
    if item.opens:
        facts.append(Fact("Opens", moment_text(item.opens, p.locale)))
    if item.budget_eur:
        facts.append(Fact("Budget", amount_text(item.budget_eur, p.locale)))
    if item.projects_funded:
        facts.append(Fact("Projects to be funded", item.projects_funded))
    if item.url:
        facts.append(Fact("Call documents and how to apply", _host(item.url), item.url, True))
    return facts


@_facts.register
def _(item: Interview, p: Presenter) -> list[Fact]:
    person = item.interviewee
    return [
        Fact("Published", day_text(item.date, p.locale)),
        Fact("Interviewee", person.name),
        Fact("Role", person.role),
        Fact("Organisation", person.organisation),
    ]


@_facts.register
def _(item: KnowledgeDoc, p: Presenter) -> list[Fact]:
    taxonomy = p.catalog.taxonomy
    facts = [Fact("Published", day_text(item.date, p.locale))]
    if item.authors:
        facts.append(Fact("Authors", ", ".join(item.authors)))
    if item.organisation:
        facts.append(Fact("Organisation", item.organisation))
    if item.language:
        facts.append(Fact("Language", taxonomy.label("languages", item.language)))
    for facet, title in TAXONOMY_FACETS.items():
        if values := getattr(item, facet):
            facts.append(Fact(title, ", ".join(taxonomy.label(facet, v) for v in values)))
    if attachment := p.attachment(item):
        facts.append(Fact("Document", attachment.label, attachment.url))
    return facts


@_facts.register
def _(item: Edition, p: Presenter) -> list[Fact]:
    return [Fact("Sent", day_text(item.date, p.locale)), Fact("Subject", item.subject)]


def _host(url: str) -> str:
    return urlsplit(url).netloc.removeprefix("www.") or url
