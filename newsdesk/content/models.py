"""One typed, frozen model per collection: what an editor may write, and what it means.

Front matter is validated into these models; type and shape errors come from pydantic and
are turned into editor messages by ``validation.py``. Checks across fields (an end before
its start, an image without alt text) live with the model in ``problems()``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    Strict,
    ValidationInfo,
    WithJsonSchema,
)

from newsdesk.clock import MAX_DAYS, YEARS, not_a_day
from newsdesk.content.frontmatter import KeyPath, shortened
from newsdesk.content.vocabulary import EVENT_KIND_KEYS, KNOWLEDGE_KIND_KEYS, TAXONOMY_FACETS

# -- field types -------------------------------------------------------------------------


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?")
_MOMENT_HELP = "expected a date YYYY-MM-DD or a date and time YYYY-MM-DD HH:MM"


def _in_years(moment: date, text: str) -> None:
    if moment.year not in YEARS:
        raise ValueError(
            f"{text} is out of range; give a year from {YEARS.start} to {YEARS.stop - 1}"
        )


def _day(value: Any) -> date:
    text = str(value).strip()
    try:
        day = date.fromisoformat(text) if _DATE.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError(not_a_day(text) or f"expected a date as YYYY-MM-DD, got '{text}'")
    _in_years(day, text)
    return day


def _moment(value: Any, info: ValidationInfo) -> date | datetime:
    """A date, or a date-time; a date-time without an offset is in the site's timezone."""
    text = str(value).strip()
    moment: date | datetime
    try:
        if _DATE.fullmatch(text):
            moment = date.fromisoformat(text)
        elif _DATETIME.fullmatch(text):
            moment = datetime.fromisoformat(text)
        else:
            raise ValueError
    except ValueError:
        raise ValueError(not_a_day(text) or f"{_MOMENT_HELP}, got '{text}'") from None
    _in_years(moment, text)
    if not isinstance(moment, datetime):
        return moment
    if moment.tzinfo is None:
        tz = (info.context or {})["tz"]
        moment = moment.replace(tzinfo=tz)
        wall_clock = moment.astimezone(UTC).astimezone(tz)
        if wall_clock.replace(tzinfo=None) != moment.replace(tzinfo=None):
            raise ValueError(
                f"{text} does not exist in {tz.key}: the clocks go forward then; "
                "give a time an hour later"
            )
    return moment


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Characters no feed, calendar or email can carry (XML forbids them, and they are
invisible on a page): control characters and code points that are not characters."""
_BREAK = re.compile("[\r\n\x85\u2028\u2029]")


def plain_text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {_describe(value)}; put it in quotes")
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    if found := _CONTROL.search(value):
        raise ValueError(
            f"contains the control character U+{ord(found.group()):04X}, which feeds, "
            "calendars and emails cannot carry; remove it"
        )
    return value


def one_line(value: Any) -> str:
    """Text of one line: a title, a name, an email's subject (a line break in an email
    header or a calendar's line would start another)."""
    text = plain_text(value)
    if _BREAK.search(text):
        raise ValueError("must be one line; remove the line break")
    return text


def _web_url(value: Any) -> str:
    text = one_line(value)
    try:
        parts = urlsplit(text)
    except ValueError:  # brackets that make no host, say
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", text):
        raise ValueError(f"expected a web address starting with https://, got '{text}'")
    return text


def _count(value: Any) -> str:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, str))
        or (isinstance(value, int) and value <= 0)
    ):
        raise ValueError(f"expected a number or a range like '5-6', got {_describe(value)}")
    return plain_text(str(value))


def _amount(value: Any) -> float:
    try:
        amount = float(value) if isinstance(value, (int, float)) else math.nan
    except OverflowError:  # an integer no float can hold
        amount = math.inf
    if isinstance(value, bool) or not math.isfinite(amount) or amount <= 0:
        shown = shortened(repr(value))
        raise ValueError(f"expected a positive amount in euros like 25150000, got {shown}")
    return amount


def stored_file(value: Any) -> str:
    """A file kept in content/, given relative to the item's folder (``images/map.png``)."""
    text = one_line(value)
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = urlsplit("x://x")  # unreadable: refused as if it were an address
    if parts.scheme or parts.netloc or text.startswith("/") or ".." in text.split("/"):
        raise ValueError(
            "expected a file stored next to the item, like 'images/map.png', got "
            f"'{text}'; copy the file into the content folder"
        )
    return text


def _describe(value: Any) -> str:
    names = {
        list: "a list",
        dict: "a mapping",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "nothing",
    }
    return names.get(type(value), repr(value))


# Each type says, as JSON Schema, what an editor's YAML must look like for its validator to
# take it (``schema.py`` writes them out for editors' editors): the common mistakes a schema
# can see, with the validator having the last word and the message.
_TEXT_PATTERN = r"\S"
_CONTROL_FREE = "^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
_DAY = r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
_TIME = r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?"
_DAY_PATTERN = f"^{_DAY}$"
_MOMENT_PATTERN = f"^{_DAY}([T ]{_TIME})?$"


_TEXT_SCHEMA = {"type": "string", "allOf": [{"pattern": _TEXT_PATTERN}, {"pattern": _CONTROL_FREE}]}


def _json_text(**extra: Any) -> WithJsonSchema:
    return WithJsonSchema(_TEXT_SCHEMA | extra)


Text = Annotated[str, PlainValidator(plain_text), _json_text()]
Line = Annotated[str, PlainValidator(one_line), _json_text(pattern="^[^\r\n\x85\u2028\u2029]*$")]
Day = Annotated[
    date,
    PlainValidator(_day),
    WithJsonSchema({"type": "string", "pattern": _DAY_PATTERN, "format": "date"}),
]
Moment = Annotated[
    date | datetime,
    PlainValidator(_moment),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _MOMENT_PATTERN,
            "examples": ["2020-03-26", "2020-03-26 09:30"],
        }
    ),
]
WebUrl = Annotated[
    str,
    PlainValidator(_web_url),
    WithJsonSchema({"type": "string", "pattern": r"^https?://[^\s/?#]+[^\s]*$", "format": "uri"}),
]
StoredFile = Annotated[
    str,
    PlainValidator(stored_file),
    WithJsonSchema(  # relative, inside the content folder: no scheme, no leading /, no ..
        {
            "type": "string",
            "pattern": r"^(?![A-Za-z][A-Za-z0-9+.-]*:)(?!/)(?!(.*/)?\.\.(/|$))[^\r\n]*\S[^\r\n]*$",
        }
    ),
]
Terms = Annotated[
    tuple[Text, ...], WithJsonSchema({"type": "array", "items": _TEXT_SCHEMA, "uniqueItems": True})
]
Flag = Annotated[bool, Strict()]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


# -- nested values -----------------------------------------------------------------------


class Location(_Strict):
    venue: Line | None = None
    """The building or hall."""
    city: Line | None = None
    """The city it takes place in."""
    country: Line | None = None
    """The country, as its two-letter code in taxonomy.yml (BE, DE…)."""


class Deadline(_Strict):
    date: Moment
    """The day the applications close (YYYY-MM-DD), or the day and time (YYYY-MM-DD HH:MM, in the
    site's time zone)."""
    label: Line | None = None
    """What closes then, where a call has several stages ("First cut-off")."""


class Person(_Strict):
    name: Line
    """The person's full name."""
    role: Line
    """Their role or job title."""
    organisation: Line
    """The cluster or organisation they work for."""


STORED_FILE_FIELDS = ("image", "photo", "file")
"""Fields of items that name a file in the content folder."""
IMAGE_FIELDS = frozenset({"image", "photo", "logo", "banner"})
"""Those of them, and of the values an edition has, that name an image a page shows."""
RULE_COLLECTIONS: dict[str, tuple[str, ...]] = {
    "since-previous": ("news", "interviews", "knowledge"),
    "upcoming": ("events",),
    "recent": ("events",),
    "open": ("calls",),
}
"""Which collections each section rule can choose from."""


Display = Literal["full", "teaser", "title"]
"""How an edition shows a story: ``full`` (its whole body, images and links), ``teaser``
(its summary and a button to the page), ``title`` (a line with its facts)."""


class Section(_Strict):
    """A section of an edition: items listed by slug or chosen by a rule at the edition's
    date, or a free ``block`` of Markdown the editor writes for this edition.

    ``placement`` puts it across the whole ``full`` width, in the ``main`` column or in
    the narrow ``sidebar`` beside it; sections written next to each other in the columns
    sit side by side, and a full-width one after them returns to the whole width. On
    phones every section comes in the order written. ``display`` says how its items show
    (``teaser`` in the main column and across, ``title`` in the sidebar, unless given);
    ``limit`` caps how many items a rule may choose.
    """

    heading: Line | None = None
    """The section's heading in the email and on the edition's page."""
    collection: Literal["news", "events", "calls", "interviews", "knowledge"] | None = None
    """Which collection the section's items come from."""
    items: tuple[Text, ...] | None = None
    """The items to show, by slug (their file names without .md), in this order."""
    rule: Literal["since-previous", "upcoming", "open", "recent"] | None = None
    """Choose the items by a rule at the edition's date instead of listing them: since-previous
    (news, interviews, knowledge published since the last edition), upcoming or recent (events),
    open (calls)."""
    days: int | None = Field(default=None, gt=0, le=MAX_DAYS)
    """How many days ahead (upcoming) or back (recent, since-previous) the rule looks."""
    limit: int | None = Field(default=None, gt=0, le=1000)
    """The most items the rule may choose."""
    block: Text | None = None
    """Your own Markdown text for this edition, instead of items."""
    placement: Literal["full", "main", "sidebar"] = "main"
    """Where the section sits: across the full width, in the main column, or in the sidebar."""
    display: Display | None = None
    """How its items show: full (the whole story), teaser (summary and a button) or title (one
    line)."""

    @property
    def shows(self) -> Display:
        """How the section's items show, unless an edition's override says otherwise."""
        if self.display is not None:
            return self.display
        return "title" if self.placement == "sidebar" else "teaser"


class Override(_Strict):
    """What one edition shows of an item instead of the item's own (the item itself, and
    its page, stay as they are)."""

    headline: Line | None = None
    """The headline this edition gives the item."""
    teaser: Text | None = None
    """The teaser this edition gives the item, in place of its summary."""
    image: StoredFile | None = None
    """An image this edition shows instead of the item's, relative to the edition's folder
    (images/map.png)."""
    image_alt: Line | None = None
    """What the override's image shows, for readers who cannot see it."""
    caption: Line | None = None
    """A caption under the image."""
    display: Display | None = None
    """How this edition shows the item: full, teaser or title."""


class Masthead(_Strict):
    """The top of an edition: a ``banner`` image across it, or a ``logo`` beside the
    site's name (either relative to the edition's folder), with its alt text."""

    logo: StoredFile | None = None
    """A logo beside the site's name, relative to the edition's folder."""
    banner: StoredFile | None = None
    """A banner image across the top, relative to the edition's folder."""
    alt: Line | None = None
    """What the logo or banner shows, for readers who cannot see it."""


# -- items -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reference:
    """Another item named in front matter: where (``("lead",)``), the field as editors
    write it (``sections[1].items``), and the item's ``src_uri``."""

    where: KeyPath
    name: str
    src_uri: str


class Item(_Strict):
    """Fields every collection shares. ``slug``, ``src_uri`` and ``body`` come from the file."""

    collection: ClassVar[str]
    label: ClassVar[str]
    vocabulary_fields: ClassVar[dict[str, str]] = {"tags": "tags"}
    """Front-matter field → taxonomy vocabulary its values come from."""

    slug: str
    src_uri: str
    body: str = ""

    title: Line
    """The headline, on one line."""
    summary: Text
    """One or two sentences that say what it is about: cards, feeds, search results and emails show
    it."""
    tags: Terms = ()
    """Topics, as keys of tags in taxonomy.yml."""
    draft: Flag = False
    """true keeps it off the site (and out of editions) until you remove it."""
    publish: Moment | None = None
    """When it goes live, if not on its date: a day, or a day and time (YYYY-MM-DD HH:MM)."""
    expires: Moment | None = None
    """When it leaves listings, feeds and search; its page stays, marked as archived."""

    @property
    def goes_live(self) -> Moment | None:
        """When the item is published: its ``publish`` moment, else the day it says it was
        announced (its ``date``), else as soon as it is not a draft."""
        return self.publish if self.publish is not None else self.announced

    def timing_problems(self) -> Iterator[tuple[KeyPath, str]]:
        """An item that would expire before it is published is never seen."""
        if self.expires is None or (live := self.goes_live) is None:
            return
        if _order(self.expires, opens=True) <= _order(live, opens=True):
            field = "publish" if self.publish is not None else "date"
            yield (
                ("expires",),
                f"expires {_show(self.expires)} is not after the item is published "
                f"({field} {_show(live)}); give a later moment or remove expires",
            )

    @property
    def page_url(self) -> str:
        """Site-relative URL of the item's page (MkDocs' directory URLs)."""
        return f"{self.collection}/{self.slug}/"

    @property
    def picture(self) -> tuple[str, str | None] | None:
        """The stored image that shows the item (a story's image, an interviewee's photo),
        relative to its folder, with its alt text; None for collections without one."""
        return None

    @property
    def sort_date(self) -> date:
        """The date that orders this item among others (newest first on tag pages)."""
        raise NotImplementedError

    @property
    def announced(self) -> date | None:
        """The day the item was made public, as it says (its ``date``); None where it
        does not say (an event or a call may leave it out)."""
        return self.sort_date

    @property
    def opening(self) -> Moment | None:
        """When the item opens to readers' action, for collections where it does (a call
        opening for applications)."""
        return None

    def facet_keys(self, facet: str) -> tuple[str, ...]:
        """The item's keys on one of its collection's facets (none where it has none)."""
        if facet == "year":
            return (str(self.sort_date.year),)
        value = getattr(self, facet, None)
        if not value:
            return ()
        return (value,) if isinstance(value, str) else tuple(value)

    def references(self) -> tuple[Reference, ...]:
        """The other items this one names in its front matter (an edition's lead and
        listed items)."""
        return ()

    def page_text(self, for_visitors: Callable[[str], str]) -> str:
        """The Markdown of the item's page: its body (an edition's is written for
        subscribers, and ``for_visitors`` makes it read well to anyone)."""
        return self.body

    def stored_files(self) -> Iterator[tuple[KeyPath, str]]:
        """Files in the content folder its front matter names (relative to its folder),
        with where."""
        fields = type(self).model_fields  # asking for a field a model lacks costs an exception
        for name in STORED_FILE_FIELDS:
            if name in fields and (value := getattr(self, name)):
                yield (name,), value

    def problems(self) -> Iterator[tuple[KeyPath, str]]:
        """Checks across fields, as (field path, message)."""
        return iter(())


class News(Item):
    collection = "news"
    label = "News"
    date: Day
    """The day it was published (YYYY-MM-DD); a day after the build date waits for that day."""
    image: StoredFile | None = None
    """An image stored next to the item, like images/map.png."""
    image_alt: Line | None = None
    """What the image shows, for readers who cannot see it (needed with an image)."""

    @property
    def picture(self) -> tuple[str, str | None] | None:
        return (self.image, self.image_alt) if self.image else None

    source_url: WebUrl | None = None
    """The original story on another site (https://…)."""
    featured: Flag = False
    """true puts the story first on the home page."""

    @property
    def sort_date(self) -> date:
        return self.date

    def problems(self) -> Iterator[tuple[KeyPath, str]]:
        if self.image and not self.image_alt:
            yield ("image",), "an image needs image_alt: describe it for readers who cannot see it"


class Event(Item):
    collection = "events"
    label = "Event"
    vocabulary_fields = {"tags": "tags", "location.country": "countries"}
    kind: Literal[EVENT_KIND_KEYS]  # type: ignore[valid-type]
    """What kind of event it is."""
    start: Moment
    """The day it starts (YYYY-MM-DD), or the day and time (YYYY-MM-DD HH:MM, in the site's time
    zone)."""
    date: Day | None = None
    """The day the event was announced (YYYY-MM-DD): what feeds date it by."""
    end: Moment | None = None
    """The day (or day and time) it ends, written as start is."""
    dates_note: Text | None = None
    """A note on the dates ("Every Tuesday in March")."""
    location: Location | None = None
    """Where it takes place: venue, city and country."""
    online: Flag = False
    """true when it takes place online."""
    url: WebUrl | None = None
    """The event's own page, for registration (https://…)."""
    organiser: Line | None = None
    """Who organises it."""

    @property
    def sort_date(self) -> date:
        return _as_date(self.start)

    @property
    def announced(self) -> date | None:
        return self.date

    def facet_keys(self, facet: str) -> tuple[str, ...]:
        if facet == "countries":
            country = self.location.country if self.location else None
            return (country,) if country else ()
        return super().facet_keys(facet)

    def problems(self) -> Iterator[tuple[KeyPath, str]]:
        if self.end is None:
            return
        if isinstance(self.start, datetime) != isinstance(self.end, datetime):
            yield ("end",), "give start and end alike: both dates, or both dates with a time"
        elif self.end < self.start:
            yield ("end",), f"end {_show(self.end)} is before start {_show(self.start)}"


class Call(Item):
    collection = "calls"
    label = "Call"
    """Its state (open, closing soon, forthcoming, closed) is its badge's to say."""
    programme: Text
    """The funding programme or the organisation that runs the call."""
    deadlines: tuple[Deadline, ...] = Field(min_length=1)
    """When applications close, in date order: one entry per deadline."""
    date: Day | None = None
    """The day the call was announced (YYYY-MM-DD): what feeds date it by."""
    opens: Moment | None = None
    """When it opens for applications, if later than it is announced."""
    url: WebUrl | None = None
    """The call's own page, where to apply (https://…)."""
    budget_eur: (
        Annotated[
            float,
            PlainValidator(_amount),
            WithJsonSchema({"type": "number", "exclusiveMinimum": 0}),
        ]
        | None
    ) = None
    """The call's budget in euros, as a number (25150000)."""
    projects_funded: (
        Annotated[
            str,
            PlainValidator(_count),
            WithJsonSchema(
                {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": r"\S"}]}
            ),
        ]
        | None
    ) = None
    """How many projects it funds: a number, or a range like 5-6."""

    @property
    def sort_date(self) -> date:
        return _as_date(self.deadlines[-1].date)

    @property
    def announced(self) -> date | None:
        return self.date

    @property
    def opening(self) -> Moment | None:
        return self.opens

    def problems(self) -> Iterator[tuple[KeyPath, str]]:
        for index in range(1, len(self.deadlines)):
            before, after = self.deadlines[index - 1].date, self.deadlines[index].date
            if _order(after) < _order(before):
                yield (
                    ("deadlines", index, "date"),
                    (
                        f"deadline {_show(after)} comes before the one above it ({_show(before)}); "
                        "list deadlines in date order"
                    ),
                )
        if self.opens and _order(self.opens, opens=True) > _order(self.deadlines[0].date):
            yield (
                ("opens",),
                (
                    f"opens {_show(self.opens)} is after the first deadline "
                    f"{_show(self.deadlines[0].date)}"
                ),
            )


class Interview(Item):
    collection = "interviews"
    label = "Interview"
    date: Day
    """The day it was published (YYYY-MM-DD)."""
    interviewee: Person
    """Who is interviewed: name, role and organisation."""
    photo: StoredFile | None = None
    """A photo of the interviewee stored next to the item, like images/portrait.jpg."""
    photo_alt: Line | None = None
    """What the photo shows (needed with a photo)."""

    @property
    def picture(self) -> tuple[str, str | None] | None:
        return (self.photo, self.photo_alt) if self.photo else None

    @property
    def sort_date(self) -> date:
        return self.date

    def problems(self) -> Iterator[tuple[KeyPath, str]]:
        if self.photo and not self.photo_alt:
            yield ("photo",), "a photo needs photo_alt: describe it for readers who cannot see it"


class KnowledgeDoc(Item):
    collection = "knowledge"
    label = "Knowledge"
    vocabulary_fields = {
        "tags": "tags",
        **{facet: facet for facet in TAXONOMY_FACETS},  # each the name of its vocabulary
        "language": "languages",
    }
    date: Day
    """The day the document was published (YYYY-MM-DD)."""
    kind: Literal[KNOWLEDGE_KIND_KEYS]  # type: ignore[valid-type]
    """What kind of document it is."""
    authors: Terms = ()
    """Its authors, one per entry."""
    organisation: Line | None = None
    """The organisation that published it."""
    file: StoredFile | None = None
    """The document itself, stored next to the item, like documents/report.pdf."""
    territorial_validity: Terms = ()
    """Where it applies, as keys of territorial_validity in taxonomy.yml."""
    strategic_challenges: Terms = ()
    """The strategic challenges it addresses, as keys in taxonomy.yml."""
    thematic_priorities: Terms = ()
    """Its thematic priorities, as keys in taxonomy.yml."""
    support_types: Terms = ()
    """The types of cluster support it is about, as keys in taxonomy.yml."""
    typology: Terms = ()
    """Its typology, as keys in taxonomy.yml."""
    countries: Terms = ()
    """The countries it is about, as two-letter codes in taxonomy.yml."""
    language: Line | None = None
    """The document's language, as a key of languages in taxonomy.yml (en, fr…)."""

    @property
    def sort_date(self) -> date:
        return self.date


class Edition(Item):
    """A newsletter edition: ordered sections of items chosen by slug or by a rule."""

    collection = "newsletters"
    label = "Newsletter"
    summary: Text | None = None  # type: ignore[assignment]
    """A sentence on what this edition holds, for the newsletter archive and feeds."""
    date: Day
    """The edition's date (YYYY-MM-DD): its rules choose items as of that day."""
    subject: Line
    """The email's subject line."""
    preheader: Line
    """The line inboxes show after the subject."""
    lead: Text | None = None
    """Slug of the news story shown first, large, with its image; without one, the first
    item of the first main section leads if it is news."""
    sections: tuple[Section, ...] = Field(min_length=1)
    """The edition's sections, in order."""
    overrides: dict[str, Override] = {}
    """What this edition shows of an item instead of its own headline, teaser or image, by
    the item's collection/slug (news/green-deal)."""
    masthead: Masthead | None = None
    """The top of the email: a banner, or a logo beside the site's name."""
    legal_notice: Text | None = None
    """This edition's legal notice, in place of the site's (newsletter.legal_notice in
    mkdocs.yml)."""

    def page_text(self, for_visitors: Callable[[str], str]) -> str:
        return for_visitors(self.body)

    def stored_files(self) -> Iterator[tuple[KeyPath, str]]:
        for key, override in self.overrides.items():
            if override.image:
                yield ("overrides", key, "image"), override.image
        if self.masthead is not None:
            for name in ("logo", "banner"):
                if value := getattr(self.masthead, name):
                    yield ("masthead", name), value

    @property
    def sort_date(self) -> date:
        return self.date

    def references(self) -> tuple[Reference, ...]:
        found = [Reference(("lead",), "lead", f"news/{self.lead}.md")] if self.lead else []
        for index, section in enumerate(self.sections):
            for position, slug in enumerate(section.items or ()):
                where = ("sections", index, "items", position)
                found.append(
                    Reference(where, f"sections[{index}].items", f"{section.collection}/{slug}.md")
                )
        for key in self.overrides:
            found.append(Reference(("overrides", key), f"overrides: {key}", f"{key}.md"))
        return tuple(found)

    def problems(self) -> Iterator[tuple[KeyPath, str]]:
        for key, override in self.overrides.items():
            if key.count("/") != 1 or key.split("/")[0] not in MODELS:
                yield (
                    ("overrides", key),
                    f"overrides: '{key}' is not an item; write it as collection/slug, like "
                    "news/green-deal",
                )
            if override.image and not override.image_alt:
                yield (
                    ("overrides", key, "image"),
                    f"overrides: {key}: an image needs image_alt: describe it for readers who "
                    "cannot see it",
                )
        if self.masthead is not None:
            if (self.masthead.logo is None) == (self.masthead.banner is None):
                yield ("masthead",), "masthead: give a logo or a banner (one of them)"
            elif not self.masthead.alt:
                yield ("masthead",), "masthead: give its alt text (alt), as the image shows it"
        for index, section in enumerate(self.sections):
            where, name = ("sections", index), f"sections[{index}]"
            if section.block is not None:
                extra = [
                    field
                    for field in ("collection", "items", "rule", "days", "limit", "display")
                    if getattr(section, field) is not None
                ]
                if extra:
                    yield (
                        (*where, extra[0]),
                        f"{name}.{extra[0]}: a block is the editor's own text; it has no "
                        f"{extra[0]}",
                    )
                continue
            if section.collection is None:
                yield where, f"{name}: give a collection to choose from, or write a block"
                continue
            if (section.items is None) == (section.rule is None):
                yield where, f"{name}: list either items or a rule (one of them)"
            elif section.items is not None:
                if not section.items:
                    yield (*where, "items"), f"{name}.items: list at least one item, or remove it"
                for field in ("days", "limit"):
                    if getattr(section, field) is not None:
                        yield (*where, field), f"{name}.{field}: goes with a rule, not with items"
                for position, slug in enumerate(section.items):
                    if slug in section.items[:position]:
                        yield (*where, "items", position), f"{name}.items: '{slug}' is listed twice"
            elif section.collection not in RULE_COLLECTIONS[section.rule]:  # type: ignore[index]
                allowed = " or ".join(RULE_COLLECTIONS[section.rule])  # type: ignore[index]
                yield (
                    (*where, "rule"),
                    f"{name}.rule: '{section.rule}' chooses from {allowed}, "
                    f"not {section.collection}",
                )


class SearchOptions(_Strict):
    exclude: Flag = False


class PageMeta(_Strict):
    """Front matter of a plain page (not an item): the page options MkDocs and Material read."""

    title: Line | None = None
    description: Text | None = None
    hide: tuple[Literal["navigation", "toc", "footer", "path", "tags", "feedback"], ...] = ()
    search: SearchOptions | None = None


MODELS: dict[str, type[Item]] = {
    model.collection: model for model in (News, Event, Call, Interview, KnowledgeDoc, Edition)
}
"""Collection folder → its model, in the order the site presents them."""

FILE_FIELDS = frozenset({"slug", "src_uri", "body"})
"""Fields taken from the file itself; an editor may not set them in front matter."""


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _order(value: date | datetime, opens: bool = False) -> tuple[date, time]:
    """Order deadlines and openings on the wall clock; a bare date closes at the end of its
    day (and opens at its start)."""
    if isinstance(value, datetime):
        return value.date(), value.time()
    return value, time.min if opens else time.max


def _show(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()
