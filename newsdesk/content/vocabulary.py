"""The site's fixed vocabulary, declared once: the kinds of events and of knowledge
documents with their labels, the collections' titles, and the facets listings filter by.
Models, views, calendars, search filters and the repository's static pages all read it
from here. (The editors' own vocabulary, tags and facet values, is ``taxonomy.yml``.)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Kind:
    key: str
    """As editors write it: ``info-day``."""
    label: str
    """One of them, on a card or a page: "Info day"."""
    plural: str
    """All of them, naming a calendar: "Info days"."""


EVENT_KINDS = (
    Kind("conference", "Conference", "Conferences"),
    Kind("matchmaking", "Matchmaking event", "Matchmaking events"),
    Kind("webinar", "Webinar", "Webinars"),
    Kind("workshop", "Workshop", "Workshops"),
    Kind("info-day", "Info day", "Info days"),
    Kind("mission", "Mission", "Missions"),
    Kind("other", "Event", "Other events"),
)
KNOWLEDGE_KINDS = (
    Kind("report", "Report", "Reports"),
    Kind("presentation", "Presentation", "Presentations"),
    Kind("guide", "Guide", "Guides"),
    Kind("policy-example", "Policy example", "Policy examples"),
    Kind("study", "Study", "Studies"),
    Kind("toolkit", "Toolkit", "Toolkits"),
)
EVENT_KIND_KEYS = tuple(kind.key for kind in EVENT_KINDS)
KNOWLEDGE_KIND_KEYS = tuple(kind.key for kind in KNOWLEDGE_KINDS)
KIND_LABELS = {
    "events": {kind.key: kind.label for kind in EVENT_KINDS},
    "knowledge": {kind.key: kind.label for kind in KNOWLEDGE_KINDS},
}
"""Collection → its kinds' labels, by key."""

SECTION_TITLES = {
    "news": "News",
    "events": "Events",
    "calls": "Open calls",
    "interviews": "Interviews",
    "knowledge": "Knowledge repository",
    "newsletters": "Newsletter archive",
}
"""Collection → the title of its section of the site (and its feeds)."""

TAXONOMY_FACETS = {
    "territorial_validity": "Territorial validity",
    "strategic_challenges": "Strategic challenges",
    "thematic_priorities": "Thematic priorities",
    "support_types": "Type of cluster support",
    "typology": "Typology",
    "countries": "Countries",
}
"""Knowledge fields whose values are keys of a vocabulary of taxonomy.yml, with titles."""

FACET_TITLES = {
    **TAXONOMY_FACETS,
    "kind": "Kind",
    "tags": "Topic",
    "language": "Language",
    "year": "Year",
    "state": "Status",
}
"""Every facet a listing may filter by, with its title."""

KNOWLEDGE_FACETS = (
    "kind",
    "territorial_validity",
    "strategic_challenges",
    "thematic_priorities",
    "support_types",
    "typology",
    "countries",
    "language",
    "year",
)
"""The knowledge repository's facets, in panel order; each also has a static page per
value, in a folder of its name with hyphens (``/knowledge/territorial-validity/``)."""

COLLECTION_FACETS: dict[str, tuple[str, ...]] = {
    "news": ("tags", "year"),
    "events": ("kind", "countries", "tags"),
    "calls": ("state", "tags"),
    "knowledge": KNOWLEDGE_FACETS,
}
"""Collection → the facets its listing filters by, in panel order. Each is a field the
collection has: news has no kind or country, calls no country, so they are not offered."""


def segment(facet: str) -> str:
    """A facet's folder in the knowledge repository's static pages."""
    return facet.replace("_", "-")
