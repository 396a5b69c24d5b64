"""Views as data: every page's content is computed here, so templates only lay it out.

URLs in views are site-relative (``events/eu-canada/``); templates pass them through
MkDocs' ``url`` filter, which makes them relative to the page being rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import singledispatch
from urllib.parse import urlsplit

from newsdesk.catalog import Catalog
from newsdesk.dates import amount_text, day_text, moment_text, range_text
from newsdesk.models import Call, Edition, Event, Interview, Item, KnowledgeDoc, News
from newsdesk.settings import Settings
from newsdesk.states import (
    CallState,
    call_status,
    deadline_state,
    is_ongoing,
    is_upcoming,
)
from newsdesk.taxonomy import FACET_TITLES


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


@dataclass(frozen=True, slots=True)
class Pager:
    number: int
    count: int
    previous: str | None
    next: str | None
    pages: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class ListingView:
    title: str
    intro: str
    cards: tuple[Card, ...]
    pager: Pager | None
    links: tuple[Link, ...]
    empty: str


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
class TagLink:
    label: str
    url: str
    count: int


@dataclass(frozen=True, slots=True)
class TagIndexView:
    title: str
    tags: tuple[TagLink, ...]


SECTION_TITLES = {
    "news": "News",
    "events": "Events",
    "calls": "Open calls",
    "interviews": "Interviews",
    "knowledge": "Knowledge repository",
    "newsletters": "Newsletter archive",
}

EVENT_KIND_LABELS = {
    "conference": "Conference",
    "matchmaking": "Matchmaking event",
    "webinar": "Webinar",
    "workshop": "Workshop",
    "info-day": "Info day",
    "mission": "Mission",
    "other": "Event",
}
KNOWLEDGE_KIND_LABELS = {
    "report": "Report",
    "presentation": "Presentation",
    "guide": "Guide",
    "policy-example": "Policy example",
    "study": "Study",
    "toolkit": "Toolkit",
}


def tag_url(tag: str) -> str:
    return f"tags/{tag}/"


class Presenter:
    """Turns catalog items into views for one build (one clock, one locale)."""

    def __init__(self, catalog: Catalog, settings: Settings) -> None:
        self.catalog = catalog
        self.settings = settings
        self.clock = catalog.clock
        self.locale = settings.locale

    # -- cards ---------------------------------------------------------------------------

    def card(self, item: Item) -> Card:
        return _card(item, self)

    def cards(self, items) -> tuple[Card, ...]:
        return tuple(self.card(item) for item in items)

    # -- item pages ----------------------------------------------------------------------

    def item_view(self, item: Item) -> ItemView:
        facts, deadlines, image = _facts(item, self)
        return ItemView(
            collection=item.collection,
            kind=self.kind_label(item),
            title=item.title,
            summary=item.summary or "",
            badges=self.badges(item),
            facts=tuple(facts),
            tags=tuple(Link(self.catalog.taxonomy.label("tags", t), tag_url(t)) for t in item.tags),
            back=Link(f"All {SECTION_TITLES[item.collection].lower()}", f"{item.collection}/"),
            deadlines=tuple(deadlines),
            image=image,
        )

    def kind_label(self, item: Item) -> str:
        if isinstance(item, Event):
            return EVENT_KIND_LABELS[item.kind]
        if isinstance(item, KnowledgeDoc):
            return KNOWLEDGE_KIND_LABELS[item.kind]
        return item.label

    def badges(self, item: Item) -> tuple[Badge, ...]:
        if isinstance(item, Event):
            badges = []
            if is_ongoing(item, self.clock):
                badges.append(Badge("Happening now", "ongoing"))
            elif is_upcoming(item, self.clock):
                badges.append(Badge("Upcoming", "upcoming"))
            else:
                badges.append(Badge("Past event", "past"))
            if item.online:
                badges.append(Badge("Online", "online"))
            return tuple(badges)
        if isinstance(item, Call):
            status = call_status(item, self.clock, self.settings.closing_soon_days)
            return (Badge(status.state.label, status.state.value),)
        return ()

    def when(self, item: Item) -> str:
        if isinstance(item, Event):
            return item.dates_note or range_text(item.start, item.end, self.locale)
        if isinstance(item, Call):
            status = call_status(item, self.clock, self.settings.closing_soon_days)
            if status.state is CallState.FORTHCOMING and item.opens is not None:
                return f"Opens {moment_text(item.opens, self.locale)}"
            shown = status.next or item.deadlines[-1]
            return f"Deadline: {moment_text(shown.date, self.locale)}"
        return day_text(item.sort_date, self.locale)

    def place(self, event: Event) -> str | None:
        parts = []
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


@singledispatch
def _card(item: Item, presenter: Presenter) -> Card:
    return Card(
        item.title,
        item.page_url,
        presenter.kind_label(item),
        presenter.when(item),
        item.summary or "",
        None,
        presenter.badges(item),
    )


@_card.register
def _(item: Event, presenter: Presenter) -> Card:
    return Card(
        item.title,
        item.page_url,
        presenter.kind_label(item),
        presenter.when(item),
        item.summary,
        presenter.place(item),
        presenter.badges(item),
    )


@_card.register
def _(item: Call, presenter: Presenter) -> Card:
    return Card(
        item.title,
        item.page_url,
        presenter.kind_label(item),
        presenter.when(item),
        item.summary,
        item.programme,
        presenter.badges(item),
    )


@_card.register
def _(item: Interview, presenter: Presenter) -> Card:
    person = item.interviewee
    return Card(
        item.title,
        item.page_url,
        presenter.kind_label(item),
        presenter.when(item),
        item.summary,
        f"{person.name}, {person.role}, {person.organisation}",
    )


def _facts(item: Item, p: Presenter) -> tuple[list[Fact], list[DeadlineRow], Link | None]:
    facts: list[Fact] = []
    deadlines: list[DeadlineRow] = []
    image: Link | None = None
    taxonomy = p.catalog.taxonomy
    if isinstance(item, News):
        facts.append(Fact("Published", day_text(item.date, p.locale)))
        if item.source_url:
            facts.append(Fact("Source", _host(item.source_url), item.source_url, external=True))
        if item.image:
            image = Link(item.image_alt or "", item.image)
    elif isinstance(item, Event):
        facts.append(Fact("When", p.when(item)))
        if item.dates_note:
            facts.append(Fact("Dates", range_text(item.start, item.end, p.locale)))
        facts.append(Fact("Where", p.place(item) or "To be announced"))
        facts.append(
            Fact(
                "Format",
                "Online"
                if item.online and not item.location
                else "In person and online"
                if item.online
                else "In person",
            )
        )
        if item.organiser:
            facts.append(Fact("Organiser", item.organiser))
        if item.url:
            facts.append(Fact("Registration and programme", _host(item.url), item.url, True))
    elif isinstance(item, Call):
        status = call_status(item, p.clock, p.settings.closing_soon_days)
        facts.append(Fact("Status", status.state.label))
        facts.append(Fact("Programme", item.programme))
        if item.opens:
            facts.append(Fact("Opens", moment_text(item.opens, p.locale)))
        if item.budget_eur:
            facts.append(Fact("Budget", amount_text(item.budget_eur, p.locale)))
        if item.projects_funded:
            facts.append(Fact("Projects to be funded", item.projects_funded))
        if item.url:
            facts.append(Fact("Call documents and how to apply", _host(item.url), item.url, True))
        for number, deadline in enumerate(item.deadlines, start=1):
            state = deadline_state(deadline, item, p.clock)
            label = deadline.label or (
                f"Deadline {number}" if len(item.deadlines) > 1 else "Deadline"
            )
            deadlines.append(
                DeadlineRow(
                    moment_text(deadline.date, p.locale),
                    label,
                    state.value,
                    _DEADLINE_LABELS[state.value],
                )
            )
    elif isinstance(item, Interview):
        person = item.interviewee
        facts += [
            Fact("Published", day_text(item.date, p.locale)),
            Fact("Interviewee", person.name),
            Fact("Role", person.role),
            Fact("Organisation", person.organisation),
        ]
        if item.photo:
            image = Link(item.photo_alt or "", item.photo)
    elif isinstance(item, KnowledgeDoc):
        facts.append(Fact("Published", day_text(item.date, p.locale)))
        if item.authors:
            facts.append(Fact("Authors", ", ".join(item.authors)))
        if item.organisation:
            facts.append(Fact("Organisation", item.organisation))
        if item.language:
            facts.append(Fact("Language", taxonomy.label("languages", item.language)))
        for facet, title in FACET_TITLES.items():
            values = getattr(item, facet)
            if values:
                vocabulary = "countries" if facet == "countries" else facet
                facts.append(Fact(title, ", ".join(taxonomy.label(vocabulary, v) for v in values)))
        if item.file:
            facts.append(Fact("Document", item.file.rsplit("/", 1)[-1], item.file))
    elif isinstance(item, Edition):
        facts += [Fact("Sent", day_text(item.date, p.locale)), Fact("Subject", item.subject)]
    return facts, deadlines, image


_DEADLINE_LABELS = {"passed": "Passed", "next": "Next deadline", "later": "Later"}


def _host(url: str) -> str:
    return urlsplit(url).netloc.removeprefix("www.") or url
