"""Views as data: every page's content is computed here, so templates only lay it out.

URLs in views are site-relative (``events/eu-canada/``); templates pass them through
MkDocs' ``url`` filter, which makes them relative to the page being rendered.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import singledispatch
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from newsdesk.content.catalog import Catalog, stored_file_uri
from newsdesk.content.models import Call, Edition, Event, Interview, Item, KnowledgeDoc, News
from newsdesk.content.selection import EditionContent
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
    search_sorts,
    static_url,
)
from newsdesk.site.formatting import amount_text, day_text, file_text, moment_text, range_text
from newsdesk.site.images import Picture, picture

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class CalendarLink:
    """A calendar to subscribe to: its webcal:// address, and Google Calendar's page that
    subscribes to it."""

    label: str
    url: str
    google: str


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
    links: tuple[Link, ...] = ()
    """Values each with a page of their own, in place of ``value`` (a knowledge document's
    facets, each to the repository filtered by it)."""


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
    image: Picture | None = None
    """The item's image (a story's, an interviewee's photo), or what shows an edition."""


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
    image: Picture | None = None
    """The image at the top of the page: the item's own, an edition's banner."""
    share: Picture | None = None
    """What a sharing preview shows of a page with no image at its top (an edition's
    lead story's image)."""
    sections: tuple[CardGroup, ...] = ()
    """An edition's sections, as its web version shows them."""
    downloads: tuple[Link, ...] = ()
    """An edition's email files."""
    search: SearchData | None = None
    calendar: tuple[Link, ...] = ()
    """An event's "Add to calendar" links."""
    card: Card | None = None
    """The item's card: the search index keeps it, so filtered listings and search results
    show the very card the static listings do."""
    archived: str | None = None
    """Why the page is no longer listed (its ``expires`` has passed); such a page is left
    out of the search index."""
    breadcrumbs: tuple[Link, ...] = ()
    """Home, the collection, then the item itself."""
    download: Download | None = None
    """A knowledge document's attachment."""
    share_links: tuple[Link, ...] = ()
    """Links that share the page by email and on social networks (absolute)."""
    related: tuple[Card, ...] = ()
    """Other items sharing the most tags with this one, newest first among equals."""


@dataclass(frozen=True, slots=True)
class SearchData:
    """What the search index keeps of a page: filters, result metadata, and a sort key."""

    filters: tuple[tuple[str, str], ...]
    meta: tuple[tuple[str, str], ...]
    sort_date: str
    sorts: tuple[tuple[str, str], ...]
    """Sort keys that put filtered results in each listing's order (``search_sorts``)."""
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
    calendars: tuple[CalendarLink, ...] = ()
    """Calendars to subscribe to, offered once, in their own list."""
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
    views of every item whose file's version is the same, and so does one given what a
    presenter of the same settings made (``kept``: the engine keeps it for the next
    process)."""

    def __init__(
        self,
        catalog: Catalog,
        settings: Settings,
        previous: Presenter | None = None,
        chosen: Mapping[str, EditionContent] | None = None,
        kept: dict[tuple[str, str], tuple[Hashable, Any]] | None = None,
    ) -> None:
        self.catalog = catalog
        self.settings = settings
        self.clock = catalog.clock
        self.locale = settings.locale
        self.chosen: Mapping[str, EditionContent] = chosen or {}
        """Each edition's items, by the edition's ``src_uri`` (what shows it on its card)."""
        self._made: dict[tuple[str, str], tuple[Hashable, Any]] = {}
        """(kind of view, the item's ``src_uri``) → the versions of the files it is made of
        and the view; (kind, "") → what a view of the whole catalog is made of, and it."""
        if previous is not None and _same_setting(previous, self):
            self._made = previous._made
        elif kept is not None:  # a last build's views, made under the same settings
            self._made = kept
        self.reused = len(self._made)
        """How many views (of an item, or of the whole catalog) this presenter was given."""
        self.remade = 0
        """How many views of an item it has made since."""

    def made(self) -> dict[tuple[str, str], tuple[Hashable, Any]]:
        """What this presenter made, for a presenter of a later build (``kept``): the
        views of the items the catalog has, and those of the whole catalog."""
        versions = self.catalog.versions
        return {key: made for key, made in self._made.items() if not key[1] or key[1] in versions}

    def once(
        self, kind: str, item: Item, make: Callable[[Item], T], showing: Sequence[Item] = ()
    ) -> T:
        """``make(item)``, made once per version of the item's file and of the files of the
        items it is ``showing`` (``kind`` tells views of one item apart)."""
        versions = self.catalog.versions
        key: Hashable = versions.get(item.src_uri)
        if key is None:
            return make(item)
        if showing:
            key = (key, *((other.src_uri, versions.get(other.src_uri)) for other in showing))
        made = self._made.get((kind, item.src_uri))
        if made is not None and made[0] == key:
            return made[1]
        view = make(item)
        self._made[(kind, item.src_uri)] = (key, view)
        self.remade += 1
        return view

    def same(self, kind: str, item: Item, parts: tuple[object, ...], make: Callable[[], T]) -> T:
        """``make()``, made again only when one of ``parts`` (views of the item, which
        this presenter keeps) is not the very object it was made of last time: for what
        is made of views, such as their key."""
        made = self._made.get((kind, item.src_uri))
        if made is not None and len(made[0]) == len(parts):
            if all(then is now for then, now in zip(made[0], parts, strict=True)):
                return made[1]
        value = make()
        self._made[(kind, item.src_uri)] = (parts, value)
        return value

    def whole(self, kind: str, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, made again only when ``key`` (what it is made of) changes: for what
        is made of the whole catalog."""
        made = self._made.get((kind, ""))
        if made is not None and made[0] == key:
            return made[1]
        value = make()
        self._made[(kind, "")] = (key, value)
        return value

    def cards(self, items: Iterable[Item]) -> tuple[Card, ...]:
        return tuple(self.card(item) for item in items)

    def card(self, item: Item) -> Card:
        return _card(item, self)

    def _card(self, item: Item) -> Card:
        return Card(
            item.title,
            item.page_url,
            self.kind_label(item),
            self.when(item),
            _summary(item),
            self.where(item),
            self.badges(item),
            _figure(item, self),
        )

    def picture(self, src_uri: str, alt: str | None) -> Picture | None:
        """The image of the content at ``src_uri`` as pages show it (None if it is not
        one: the catalog has told why)."""
        image = self.catalog.images.get(src_uri)
        return picture(src_uri, image, alt or "") if image is not None else None

    def own_picture(self, item: Item) -> Picture | None:
        """The image that shows ``item``: a story's, an interviewee's photo."""
        if item.picture is None:
            return None
        stored, alt = item.picture
        return self.picture(stored_file_uri(item, stored), alt)

    def default_picture(self) -> Picture | None:
        """The image pages without one of their own are shared with."""
        image = self.settings.default_image
        return self.picture(image, self.settings.default_image_alt) if image else None

    def edition_picture(self, edition: Edition) -> Picture | None:
        """What shows an edition: its banner, else the image of its lead story, else
        that of the first story it shows that has one (as the edition shows it)."""
        if (banner := _figure(edition, self)) is not None:
            return banner
        content = self.chosen.get(edition.src_uri)
        shown = (content.lead, *(i for s in content.sections for i in s.items)) if content else ()
        for item in shown:
            if item is None:
                continue
            override = edition.overrides.get(f"{item.collection}/{item.slug}")
            if override is not None and override.image:
                return self.picture(stored_file_uri(edition, override.image), override.image_alt)
            if (own := self.own_picture(item)) is not None:
                return own
        return None

    def item_view(self, item: Item) -> ItemView:
        return self.once("item", item, self._item_view)

    def _item_view(self, item: Item) -> ItemView:
        sorts = search_sorts(item, self.catalog)
        archived = None
        if item.src_uri in self.catalog.archived and item.expires is not None:
            archived = (
                f"This page was archived on {moment_text(item.expires, self.locale)}. It is "
                "no longer listed, and what it says may be out of date."
            )
        return ItemView(
            collection=item.collection,
            kind=self.kind_label(item),
            title=item.title,
            summary=_summary(item),
            badges=self.badges(item),
            facts=tuple(_facts(item, self)),
            tags=tuple(
                Link(self.catalog.taxonomy.label("tags", t), tag_url(t))
                for t in item.tags
                if t in self.catalog.by_tag  # a tag only archived items carry has no page
            ),
            back=Link(f"All {SECTION_TITLES[item.collection].lower()}", f"{item.collection}/"),
            deadlines=_deadline_rows(item, self),
            image=_figure(item, self),
            archived=archived,
            card=self.card(item),
            search=None
            if archived
            else SearchData(
                filters=search_filters(item, self.catalog),
                meta=(
                    ("collection", SECTION_TITLES[item.collection]),
                    ("kind", self.kind_label(item)),
                    ("date", self.when(item)),
                    *((f"sort_{key}", value) for key, value in sorts),
                ),
                sort_date=item.sort_date.isoformat(),
                sorts=sorts,
                every=every_word(item.collection),
            ),
            breadcrumbs=(
                Link("Home", ""),
                Link(SECTION_TITLES[item.collection], f"{item.collection}/"),
                Link(item.title, item.page_url),
            ),
            download=self.download(item),
            share_links=share_links(item.title, self.settings.site.absolute(item.page_url)),
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
        and a.images == b.images
    )


# -- what each collection shows, by its model ---------------------------------------------


@singledispatch
def _card(item: Item, p: Presenter) -> Card:
    return p.once("card", item, p._card)


@_card.register
def _(item: Edition, p: Presenter) -> Card:
    """An edition's card shows what it chose (which other files say), so its picture is
    made afresh."""
    return replace(p.once("card", item, p._card), image=p.edition_picture(item))


@singledispatch
def _summary(item: Item) -> str:
    """The sentence under an item's title on its card and its page."""
    return item.summary or ""


@_summary.register
def _(item: Edition) -> str:
    """An edition without a summary of its own is told by its preheader, the line inboxes
    show after the subject."""
    return item.summary or item.preheader


@singledispatch
def _figure(item: Item, p: Presenter) -> Picture | None:
    """The image at the top of the item's page."""
    return p.own_picture(item)


@_figure.register
def _(item: Edition, p: Presenter) -> Picture | None:
    masthead = item.masthead
    if masthead is None or not masthead.banner:
        return None
    return p.picture(stored_file_uri(item, masthead.banner), masthead.alt)


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
    listed = item.src_uri not in p.catalog.archived  # an archived one's values may have no page

    def fact(title: str, facet: str, keys: tuple[str, ...], vocabulary: str) -> Fact:
        labels = [taxonomy.label(vocabulary, key) for key in keys]
        links = tuple(
            Link(label, static_url(facet, key)) for label, key in zip(labels, keys, strict=True)
        )
        return Fact(title, ", ".join(labels), links=links if listed else ())

    if item.language:
        facts.append(fact("Language", "language", (item.language,), "languages"))
    for facet, title in TAXONOMY_FACETS.items():
        if values := getattr(item, facet):
            facts.append(fact(title, facet, tuple(values), facet))
    if attachment := p.attachment(item):
        facts.append(Fact("Document", attachment.label, attachment.url))
    return facts


@_facts.register
def _(item: Edition, p: Presenter) -> list[Fact]:
    return [Fact("Sent", day_text(item.date, p.locale)), Fact("Subject", item.subject)]


def _host(url: str) -> str:
    return urlsplit(url).netloc.removeprefix("www.") or url
