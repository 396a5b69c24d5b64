"""One typed, frozen model per collection: what an editor may write, and what it means.

Front matter is validated into these models; type and shape errors come from pydantic and
are turned into editor messages by ``validation.py``. Checks across fields (an end before
its start, an image without alt text) live with the model in ``problems()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, Strict, ValidationInfo

from newsdesk.frontmatter import Path

EVENT_KINDS = ("conference", "matchmaking", "webinar", "workshop", "info-day", "mission", "other")
KNOWLEDGE_KINDS = ("report", "presentation", "guide", "policy-example", "study", "toolkit")


# -- field types -------------------------------------------------------------------------


def _day(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a date as YYYY-MM-DD, got '{text}'") from None


def _moment(value: Any, info: ValidationInfo) -> date | datetime:
    """A date, or a date-time; a date-time without an offset is in the site's timezone."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return value
    else:
        text = str(value).strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"expected a date YYYY-MM-DD or a date and time YYYY-MM-DD HH:MM, got '{text}'"
            ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=(info.context or {})["tz"])
    return moment


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {_describe(value)}; put it in quotes")
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    return value


def _web_url(value: Any) -> str:
    text = _text(value)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"expected a web address starting with https://, got '{text}'")
    return text


def _count(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"expected a number or a range like '5-6', got {_describe(value)}")
    return _text(str(value))


def _amount(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"expected a positive amount in euros like 25150000, got {value!r}")
    return float(value)


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


Text = Annotated[str, PlainValidator(_text)]
Day = Annotated[date, PlainValidator(_day)]
Moment = Annotated[date | datetime, PlainValidator(_moment)]
WebUrl = Annotated[str, PlainValidator(_web_url)]
Terms = tuple[Text, ...]
Flag = Annotated[bool, Strict()]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# -- nested values -----------------------------------------------------------------------


class Location(_Strict):
    venue: Text | None = None
    city: Text | None = None
    country: Text | None = None


class Deadline(_Strict):
    date: Moment
    label: Text | None = None


class Person(_Strict):
    name: Text
    role: Text
    organisation: Text


class Section(_Strict):
    heading: Text
    collection: Literal["news", "events", "calls", "interviews", "knowledge"]
    items: tuple[Text, ...] | None = None
    rule: Literal["since-previous", "upcoming", "open", "recent"] | None = None
    days: int | None = Field(default=None, gt=0)


# -- items -------------------------------------------------------------------------------


class Item(_Strict):
    """Fields every collection shares. ``slug``, ``src_uri`` and ``body`` come from the file."""

    collection: ClassVar[str]
    label: ClassVar[str]
    vocabulary_fields: ClassVar[dict[str, str]] = {"tags": "tags"}
    """Front-matter field → taxonomy vocabulary its values come from."""

    slug: str
    src_uri: str
    body: str = ""

    title: Text
    summary: Text
    tags: Terms = ()
    draft: Flag = False
    publish: Moment | None = None

    @property
    def page_url(self) -> str:
        """Site-relative URL of the item's page (MkDocs' directory URLs)."""
        return f"{self.collection}/{self.slug}/"

    @property
    def sort_date(self) -> date:
        """The date that orders this item among others (newest first on tag pages)."""
        raise NotImplementedError

    def problems(self) -> Iterator[tuple[Path, str]]:
        """Checks across fields, as (field path, message)."""
        return iter(())


class News(Item):
    collection = "news"
    label = "News"
    date: Day
    image: Text | None = None
    image_alt: Text | None = None
    source_url: WebUrl | None = None
    featured: Flag = False

    @property
    def sort_date(self) -> date:
        return self.date

    def problems(self) -> Iterator[tuple[Path, str]]:
        if self.image and not self.image_alt:
            yield ("image",), "an image needs image_alt: describe it for readers who cannot see it"


class Event(Item):
    collection = "events"
    label = "Event"
    vocabulary_fields = {"tags": "tags", "location.country": "countries"}
    kind: Literal[EVENT_KINDS]  # type: ignore[valid-type]
    start: Moment
    end: Moment | None = None
    dates_note: Text | None = None
    location: Location | None = None
    online: Flag = False
    url: WebUrl | None = None
    organiser: Text | None = None

    @property
    def sort_date(self) -> date:
        return _as_date(self.start)

    @property
    def is_timed(self) -> bool:
        return isinstance(self.start, datetime)

    def problems(self) -> Iterator[tuple[Path, str]]:
        if self.end is None:
            return
        if isinstance(self.start, datetime) != isinstance(self.end, datetime):
            yield ("end",), "give start and end alike: both dates, or both dates with a time"
        elif self.end < self.start:
            yield ("end",), f"end {_show(self.end)} is before start {_show(self.start)}"


class Call(Item):
    collection = "calls"
    label = "Open call"
    programme: Text
    deadlines: tuple[Deadline, ...] = Field(min_length=1)
    opens: Moment | None = None
    url: WebUrl | None = None
    budget_eur: Annotated[float, PlainValidator(_amount)] | None = None
    projects_funded: Annotated[str, PlainValidator(_count)] | None = None

    @property
    def sort_date(self) -> date:
        return _as_date(self.deadlines[-1].date)

    def problems(self) -> Iterator[tuple[Path, str]]:
        for index in range(1, len(self.deadlines)):
            before, after = self.deadlines[index - 1].date, self.deadlines[index].date
            if _as_date(after) < _as_date(before):
                yield (
                    ("deadlines", index, "date"),
                    (
                        f"deadline {_show(after)} comes before the one above it ({_show(before)}); "
                        "list deadlines in date order"
                    ),
                )
        if self.opens and _as_date(self.opens) > _as_date(self.deadlines[0].date):
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
    interviewee: Person
    photo: Text | None = None
    photo_alt: Text | None = None

    @property
    def sort_date(self) -> date:
        return self.date

    def problems(self) -> Iterator[tuple[Path, str]]:
        if self.photo and not self.photo_alt:
            yield ("photo",), "a photo needs photo_alt: describe it for readers who cannot see it"


class KnowledgeDoc(Item):
    collection = "knowledge"
    label = "Knowledge"
    vocabulary_fields = {
        "tags": "tags",
        "territorial_validity": "territorial_validity",
        "strategic_challenges": "strategic_challenges",
        "thematic_priorities": "thematic_priorities",
        "support_types": "support_types",
        "typology": "typology",
        "countries": "countries",
        "language": "languages",
    }
    date: Day
    kind: Literal[KNOWLEDGE_KINDS]  # type: ignore[valid-type]
    authors: Terms = ()
    organisation: Text | None = None
    file: Text | None = None
    territorial_validity: Terms = ()
    strategic_challenges: Terms = ()
    thematic_priorities: Terms = ()
    support_types: Terms = ()
    typology: Terms = ()
    countries: Terms = ()
    language: Text | None = None

    @property
    def sort_date(self) -> date:
        return self.date


class Edition(Item):
    """A newsletter edition: ordered sections of items chosen by slug or by a rule."""

    collection = "newsletters"
    label = "Newsletter"
    summary: Text | None = None  # type: ignore[assignment]
    date: Day
    subject: Text
    preheader: Text
    sections: tuple[Section, ...] = Field(min_length=1)

    @property
    def sort_date(self) -> date:
        return self.date

    def problems(self) -> Iterator[tuple[Path, str]]:
        for index, section in enumerate(self.sections):
            if (section.items is None) == (section.rule is None):
                yield ("sections", index), "a section lists either items or a rule (one of them)"


MODELS: dict[str, type[Item]] = {
    model.collection: model for model in (News, Event, Call, Interview, KnowledgeDoc, Edition)
}
"""Collection folder → its model, in the order the site presents them."""

FILE_FIELDS = frozenset({"slug", "src_uri", "body"})
"""Fields taken from the file itself; an editor may not set them in front matter."""


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _show(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()
