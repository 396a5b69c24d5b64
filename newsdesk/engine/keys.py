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
import functools
import hashlib
from collections.abc import Mapping
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

from pydantic import BaseModel


def value_key(*values: Any) -> str:
    """A hex SHA-256 of the canonical writing of ``values``."""
    parts: list[str] = []
    _write(values, parts)
    return hashlib.sha256("".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _write(value: Any, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(f"s{len(value)}:")
        out.append(value)
    elif kind is tuple or kind is list:
        out.append(f"[{len(value)}")
        for item in value:
            _write(item, out)
        out.append("]")
    elif value is None or kind is bool or kind is int or kind is float:
        out.append(f"{kind.__name__}:{value!r};")
    elif (names := _field_names(kind)) is not None:
        out.append(f"<{kind.__qualname__}")
        for name in names:
            _write(getattr(value, name), out)
        out.append(">")
    elif isinstance(value, str):  # Markup: its text is what a template prints
        out.append(f"s{len(value)}:")
        out.append(str(value))
    elif isinstance(value, datetime):
        zone = getattr(value.tzinfo, "key", None) or str(value.tzinfo)
        out.append(f"dt:{value.isoformat()} {zone};")
    elif isinstance(value, date | time):
        out.append(f"{kind.__name__}:{value.isoformat()};")
    elif isinstance(value, enum.Enum):
        out.append(f"enum:{kind.__qualname__}.{value.name};")
    elif isinstance(value, PurePath):
        out.append(f"path:{value.as_posix()};")
    elif isinstance(value, Mapping):
        out.append(f"{{{len(value)}")
        for key in sorted(value, key=str):
            _write(key, out)
            _write(value[key], out)
        out.append("}")
    elif isinstance(value, frozenset | set):
        _write(sorted(value, key=value_key), out)
    else:
        raise TypeError(f"no key for a {kind.__qualname__}: say how it is written")


@functools.cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass or a pydantic model, in order; None for other types.
    (Kept per type: a type's fields do not change while the program runs.)"""
    if dataclasses.is_dataclass(kind):
        return tuple(field.name for field in dataclasses.fields(kind))
    if issubclass(kind, BaseModel):
        return tuple(kind.model_fields)
    return None
