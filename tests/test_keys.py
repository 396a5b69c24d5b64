"""Keys of values: a page's fingerprint changes exactly when what it shows does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from newsdesk.engine.keys import value_key
from newsdesk.site.views import Badge, Card


def card(**changes: object) -> Card:
    fields = {"title": "Cluster week", "url": "events/week/", "kind": "Conference"}
    fields |= {
        "when": "1 June 2020",
        "summary": "A week.",
        "badges": (Badge("Upcoming", "upcoming"),),
    }
    return Card(**{**fields, **changes})


def test_equal_views_have_one_key_and_any_change_gives_another():
    assert value_key(card()) == value_key(card())
    assert value_key(card()) != value_key(card(title="Cluster weeks"))
    assert value_key(card()) != value_key(card(badges=(Badge("Upcoming", "past"),)))
    assert value_key(("a", "b")) != value_key(("ab",))  # lengths count


def test_a_date_time_keeps_its_zone_not_only_its_instant():
    brussels = datetime(2020, 4, 2, 17, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    offset = datetime(2020, 4, 2, 17, 0, tzinfo=timezone(timedelta(hours=2)))
    assert brussels == offset
    assert value_key(brussels) != value_key(offset)


def test_a_value_of_an_unknown_kind_is_refused_not_guessed():
    @dataclass
    class Holder:
        thing: object

    with pytest.raises(TypeError, match="no key for a object"):
        value_key(Holder(object()))


def test_a_function_or_a_class_a_configuration_names_is_keyed_by_its_name():
    """``!!python/name:pymdownx.superfences.fence_code_format`` in mkdocs.yml is the function
    itself: its key is its module and name, which are the same in every process."""
    from pymdownx import superfences

    fence = {"name": "mermaid", "class": "mermaid", "format": superfences.fence_code_format}
    assert value_key(fence) == value_key({**fence})
    assert value_key(fence) != value_key({**fence, "format": superfences.fence_div_format})
    assert value_key(superfences.SuperFencesCodeExtension) != value_key(fence["format"])
    assert value_key(len) != value_key(str.lower)


def test_a_function_without_a_name_that_leads_back_to_it_is_refused():
    def made_here(source: str) -> str:
        return source

    for nameless in (lambda source: source, made_here, "text".upper):
        with pytest.raises(TypeError, match="its name does not lead back to it"):
            value_key({"format": nameless})


def test_an_object_is_keyed_by_its_type_and_what_it_shows():
    """``!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}``, as Material's
    documentation sets ``toc``'s ``slugify``, is a partial of a function with arguments."""
    from pymdownx.slugs import slugify

    assert value_key(slugify(case="lower")) == value_key(slugify(case="lower"))
    assert value_key(slugify(case="lower")) != value_key(slugify(case="none"))

    class Options:
        def __init__(self, level: int) -> None:
            self.level = level
            self._seen = id(self)  # private: not what it is

    assert value_key(Options(2)) == value_key(Options(2))
    assert value_key(Options(2)) != value_key(Options(3))


def test_an_object_that_shows_nothing_of_itself_is_refused():
    class Hidden:
        def __init__(self, level: int) -> None:
            self._level = level

    for opaque in (Hidden(2), re.compile("x")):
        with pytest.raises(
            TypeError, match=r"no key for a \S*(Hidden|Pattern): say how it is written"
        ):
            value_key({"option": opaque})
    itself: list[object] = []
    itself.append(itself)
    with pytest.raises(TypeError, match="holds itself"):
        value_key(itself)
