"""Keys of values: a page's fingerprint changes exactly when what it shows does."""

from __future__ import annotations

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
