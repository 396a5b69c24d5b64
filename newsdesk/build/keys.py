"""Keys of values: what a page's fingerprint is made of, written out field by field.

A view is data (dataclasses of strings, numbers, dates and other views), so its key is a
hash of a canonical writing of it: the type's name, then each field. Date-times are
written with their zone's name, since one written in the site's zone and one with a bare
offset print differently although they are equal. A value of a kind not listed here is an
error, not a guess: a new kind of view field must say how it is written.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

from pydantic import BaseModel


def value_key(*values: Any) -> str:
    """A hex SHA-256 of the canonical writing of ``values``."""
    hasher = hashlib.sha256()
    for part in _written(values):
        hasher.update(part.encode("utf-8", "surrogatepass"))
    return hasher.hexdigest()


def _written(value: Any) -> Iterator[str]:
    if value is None or isinstance(value, bool | int | float):
        yield f"{type(value).__name__}:{value!r};"
    elif isinstance(value, str):  # Markup too: its text is what a template prints
        yield f"s{len(value)}:{value}"
    elif isinstance(value, datetime):
        zone = getattr(value.tzinfo, "key", None) or str(value.tzinfo)
        yield f"dt:{value.isoformat()} {zone};"
    elif isinstance(value, date | time):
        yield f"{type(value).__name__}:{value.isoformat()};"
    elif isinstance(value, enum.Enum):
        yield f"enum:{type(value).__qualname__}.{value.name};"
    elif isinstance(value, PurePath):
        yield f"path:{value.as_posix()};"
    elif isinstance(value, tuple | list):
        yield f"[{len(value)}"
        for item in value:
            yield from _written(item)
        yield "]"
    elif isinstance(value, Mapping):
        yield f"{{{len(value)}"
        for key in sorted(value, key=str):
            yield from _written(key)
            yield from _written(value[key])
        yield "}"
    elif isinstance(value, frozenset | set):
        yield from _written(sorted(value, key=value_key))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield f"<{type(value).__qualname__}"
        for field in dataclasses.fields(value):
            yield from _written(getattr(value, field.name))
        yield ">"
    elif isinstance(value, BaseModel):
        yield f"<{type(value).__qualname__}"
        for name in type(value).model_fields:
            yield from _written(getattr(value, name))
        yield ">"
    else:
        raise TypeError(f"no key for a {type(value).__qualname__}: say how it is written")
