"""Keys of values: what a page's fingerprint, or the Markdown setup's, is made of, written
out field by field.

A view is data (dataclasses of strings, numbers, dates and other views), so its key is a
hash of a canonical writing of it: the type's name, then each field. Date-times are
written with their zone's name, since one written in the site's zone and one with a bare
offset print differently although they are equal.

A configuration may also hold what YAML names with ``!!python/name:`` (a function, a
class) or makes with ``!!python/object/apply:`` (``pymdownx.slugs.slugify`` gives a
``functools.partial``). A function or a class is written by its module and qualified name,
which lead back to it in any process (its address, which ``repr`` prints, changes with
each); a partial by its function and arguments; any other object by its type's name and
its public attributes. A value of a kind not listed here is an error, not a guess: a new
kind of view field, or an object that keeps its state out of its attributes, must say how
it is written.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import inspect
import sys
from collections.abc import Mapping
from datetime import date, datetime, time, tzinfo
from pathlib import PurePath
from typing import Any

from pydantic import BaseModel


def value_key(*values: Any) -> str:
    """A hex SHA-256 of the canonical writing of ``values``."""
    parts: list[str] = []
    try:
        _write(values, parts)
    except RecursionError:
        raise TypeError("no key for a value that holds itself, or is nested too deep") from None
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
    elif isinstance(value, tzinfo):  # a zone by its name, as date-times above
        out.append(f"zone:{getattr(value, 'key', None) or value};")
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
    elif isinstance(value, type) or inspect.isroutine(value):
        out.append(f"name:{_name(value)};")
    elif kind is functools.partial:  # its function and arguments are not attributes
        out.append("<partial")
        _write([value.func, value.args, value.keywords], out)
        out.append(">")
    elif (state := _public_state(value)) is not None:
        out.append(f"<object:{kind.__module__}.{kind.__qualname__}")
        _write(state, out)
        out.append(">")
    else:
        raise TypeError(f"no key for a {kind.__qualname__}: say how it is written")


def _name(value: Any) -> str:
    """``module.qualname`` of a function, method or class, checked to lead back to it: a
    lambda, a function made inside another, a method bound to an object, or one whose name
    was copied onto another (``functools.wraps``) has no name that says which it is."""
    owner = getattr(value, "__objclass__", None)  # of a method of a built-in type
    module = getattr(value, "__module__", None) or getattr(owner, "__module__", None) or ""
    qualname = getattr(value, "__qualname__", "")
    found = sys.modules.get(module)
    for part in qualname.split("."):
        found = getattr(found, part, None)
    if found is None or found != value:
        shown = f"{module}.{qualname}".lstrip(".")
        raise TypeError(f"no key for {shown}: its name does not lead back to it")
    return f"{module}.{qualname}"


def _public_state(value: Any) -> dict[str, Any] | None:
    """An object's public attributes (those not named ``_…``), its own and its slots'.
    None for an object of one of Python's built-in types, one with no attributes at all (a
    type written in C keeps its state elsewhere), or one whose attributes are all private:
    what tells two such objects apart is not in what they show."""
    kind = type(value)
    names = [*getattr(value, "__dict__", ())]
    for cls in kind.__mro__:
        slots = vars(cls).get("__slots__", ())
        names += [slots] if isinstance(slots, str) else slots
    if kind.__module__ == "builtins" or not (names or hasattr(value, "__dict__")):
        return None
    public = {
        name: getattr(value, name)
        for name in names
        if not name.startswith("_") and hasattr(value, name)
    }
    if names and not public:
        return None
    return public


@functools.cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass or a pydantic model, in order; None for other types.
    (Kept per type: a type's fields do not change while the program runs.)"""
    if dataclasses.is_dataclass(kind):
        return tuple(field.name for field in dataclasses.fields(kind))
    if issubclass(kind, BaseModel):
        return tuple(kind.model_fields)
    return None
