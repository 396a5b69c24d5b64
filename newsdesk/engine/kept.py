"""The views of the last build, kept in the cache for the next process: a build in a new
process makes again only the views of items whose files changed (``Presenter``'s memo,
made under the same settings, is what the preview keeps in memory between its updates).

The entry is the memo pickled, under a key of the Python and the code that made it (their
versions, and each of Newsdesk's modules by size and time of change: the classes it
holds must be the ones that read it) and, inside it, the key of the settings the views
were made under (``views_key``): the settings, the build date, the vocabulary and the
content's other files. An entry of another key, or one that cannot be read, is no entry.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import pickle
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from newsdesk.content.catalog import Catalog
from newsdesk.engine.cache import BuildCache, digest
from newsdesk.engine.keys import value_key
from newsdesk.settings import Settings
from newsdesk.site.views import Presenter

Made = dict[tuple[str, str], tuple[Any, Any]]


def views_key(catalog: Catalog, settings: Settings) -> str:
    """What every view is made under."""
    return value_key(settings, catalog.clock, catalog.taxonomy, catalog.files, catalog.images)


def read(cache: BuildCache, settings: Settings) -> tuple[str, Made] | None:
    """The views the last build of this project kept, and the key of their settings."""
    entry = cache.manifests.read(_name(settings))
    if entry is None:
        return None
    meta, payload = entry
    try:
        made = pickle.loads(payload)  # noqa: S301 - the project's own cache, checksummed
    except Exception:  # noqa: BLE001 - any damage or change of shape: no entry
        return None
    key = meta.get("key")
    return (key, made) if isinstance(key, str) and isinstance(made, dict) else None


def keep(cache: BuildCache, settings: Settings, presenter: Presenter) -> None:
    """What ``presenter`` made, for the next build of this project."""
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(presenter.made())
    payload = buffer.getvalue()
    key = views_key(presenter.catalog, settings)
    cache.manifests.write(_name(settings), payload, {"key": key})


def _name(settings: Settings) -> str:
    return digest("views", str(settings.project_dir), _code())


@functools.cache
def _code() -> str:
    """Python's version and Newsdesk's and pydantic's, and each module of Newsdesk by its
    path, size and time of change."""
    package = Path(__file__).resolve().parent.parent
    parts = [sys.version, metadata.version("pydantic")]
    for path in sorted(package.rglob("*.py")):
        status = path.stat()
        parts.append(
            f"{path.relative_to(package).as_posix()} {status.st_size} {status.st_mtime_ns}"
        )
    return digest(*parts)


class _Pickler(pickle.Pickler):
    """Views are dataclasses with slots, which ``pickle`` writes and reads through
    ``dataclasses.fields`` for each of some 250,000 of them at 10,000 items: seconds. This
    writes each as its type and its fields' values, made again without ``__init__``."""

    def reducer_override(self, obj: Any) -> Any:
        names = _slotted_fields(type(obj))
        if names is None:
            return NotImplemented
        return _made_again, (type(obj), tuple([getattr(obj, name) for name in names]))


@functools.cache
def _slotted_fields(kind: type) -> tuple[str, ...] | None:
    if not dataclasses.is_dataclass(kind) or "__slots__" not in vars(kind):
        return None
    return tuple(field.name for field in dataclasses.fields(kind))


def _made_again(kind: type, values: tuple[Any, ...]) -> Any:
    made = object.__new__(kind)
    for name, value in zip(_slotted_fields(kind) or (), values, strict=True):
        object.__setattr__(made, name, value)
    return made
