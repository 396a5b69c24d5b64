"""What the last build made of the content, kept in the cache for the next process: the
catalog, with a snapshot of the content's files as the build began, and the views
(``Presenter``'s memo). A build in a new process reads again only the files that changed
(by size and time of change first, then, for a file whose looks changed, by the hash of
its text, so a fresh clone of the same content is the same content) and makes again only
the views of items whose files changed: what the preview keeps in memory between its
updates.

The entry is pickled, under a key of the Python and the code that made it (their
versions, and each of Newsdesk's modules: the classes it holds must be the ones that
read it), so a fresh checkout with the cache restored finds it. Inside it are the key of
the settings the catalog was loaded under (the build date among them, the project's
folder not: a checkout elsewhere is the same project), and that of the views
(``views_key``: the settings, the vocabulary and the content's other files). An entry of
another key, or one that cannot be read, is no entry.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import io
import pickle
import sys
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import Any

from newsdesk.content.catalog import MARKDOWN_SUFFIXES, Catalog
from newsdesk.content.sources import UnreadableSource, read_text
from newsdesk.engine.cache import BuildCache, digest
from newsdesk.engine.keys import value_key
from newsdesk.engine.snapshot import Snapshot
from newsdesk.settings import Settings
from newsdesk.site.views import Presenter

Made = dict[tuple[str, str], tuple[Any, Any]]


@dataclass(frozen=True, slots=True)
class Last:
    """What the last build of a project kept for the next."""

    catalog: Catalog | None
    """None when the settings differ: the content is read again."""
    changed: frozenset[str]
    """The files of the content written since the catalog was loaded, by ``src_uri``."""
    views: tuple[str, Made]
    """The key of the settings the views were made under, and the views."""


def views_key(catalog: Catalog, settings: Settings) -> str:
    """What every view is made under."""
    files = (catalog.clock, catalog.taxonomy, catalog.files, catalog.images)
    return value_key(_settings_key(settings), *files)


def _settings_key(settings: Settings) -> str:
    """The settings, wherever the project is (its content folder inside it)."""
    if not settings.docs_dir.is_relative_to(settings.project_dir):
        return value_key(settings)
    where = settings.docs_dir.relative_to(settings.project_dir)
    return value_key(replace(settings, project_dir=Path(), docs_dir=where))


def read(cache: BuildCache, settings: Settings, files: Snapshot) -> Last | None:
    """What the last build of this project kept, with which of its ``files`` (the content
    folder's, as this build begins) changed since."""
    entry = cache.manifests.read(_name())
    if entry is None:
        return None
    meta, payload = entry
    collecting = gc.isenabled()
    gc.disable()  # nothing to collect among the objects being made
    try:
        catalog, made, then = pickle.loads(payload)  # noqa: S301 - own cache, checksummed
    except Exception:  # noqa: BLE001 - any damage or change of shape: no entry
        return None
    finally:
        if collecting:
            gc.enable()
    key = meta.get("views")
    if not isinstance(key, str) or not isinstance(made, dict) or not isinstance(then, dict):
        return None
    if meta.get("settings") != _settings_key(settings) or not isinstance(catalog, Catalog):
        return Last(None, frozenset(), (key, made))
    now = _relative(files, settings.docs_dir)
    return Last(catalog, frozenset(_changed(catalog, settings, then, now)), (key, made))


def keep(cache: BuildCache, settings: Settings, presenter: Presenter, files: Snapshot) -> None:
    """What ``presenter`` and its catalog made of the content, whose ``files`` were as
    they stood when the build began, for the next build of this project."""
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(
        (presenter.catalog, presenter.made(), _relative(files, settings.docs_dir))
    )
    meta = {"settings": _settings_key(settings), "views": views_key(presenter.catalog, settings)}
    cache.manifests.write(_name(), buffer.getvalue(), meta)


def _relative(files: Snapshot, docs_dir: Path) -> Snapshot:
    """``files`` by ``src_uri``, as the content folder has them wherever it is."""
    return {Path(path).relative_to(docs_dir).as_posix(): state for path, state in files.items()}


def _changed(catalog: Catalog, settings: Settings, then: Snapshot, now: Snapshot) -> set[str]:
    """The files of the content that changed between the snapshots (by ``src_uri``):
    those added or removed, and those whose size, time of change or kind differ, unless
    the file is a Markdown file whose text has the hash the catalog read."""
    changed = then.keys() ^ now.keys()
    for src_uri, state in now.items():
        if src_uri not in then or then[src_uri][1:] == state[1:]:  # inode aside
            continue
        path = settings.docs_dir / src_uri
        document = catalog.documents.get(src_uri)
        if document is None or not src_uri.lower().endswith(MARKDOWN_SUFFIXES):
            changed.add(src_uri)
            continue
        try:
            text = read_text(path, src_uri)
        except UnreadableSource:
            changed.add(src_uri)
            continue
        digest_of_text = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        if digest_of_text != document.version.text:
            changed.add(src_uri)
    return changed


def _name() -> str:
    """The entry's name: the cache is the project's own, wherever the project is."""
    return digest("what the last build kept", _code())


@functools.cache
def _code() -> str:
    """Python's version and pydantic's, and each module of Newsdesk by its path and bytes
    (not its time of change, which a fresh checkout or install changes)."""
    package = Path(__file__).resolve().parent.parent
    parts: list[str | bytes] = [sys.version, metadata.version("pydantic")]
    for path in sorted(package.rglob("*.py")):
        parts += [path.relative_to(package).as_posix(), path.read_bytes()]
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
