"""The build cache in ``.cache/`` (git-ignored, safe to delete at any time).

One cache, in stores addressed by a hash of everything their entries depend on, so an
entry is never stale, only unused:

- ``markdown/``: the HTML and table of contents Python-Markdown made of one page body;
- ``pages/``: finished pages;
- ``search/``: the search index's shards (``search.py``), one folder each;
- ``manifests/``: what the last build put in each site, and from which entry.

Every entry carries a SHA-256 of its bytes and is checked when read: a damaged or
truncated entry counts as missing and is made again, never served. Nothing in a site is
a link into the cache, so damage to the cache cannot reach a site either. Entries are
written under a temporary name and renamed, so parallel workers never see half an entry.

One retention policy: after a build, the least recently used entries go until the cache
is within its size (``cache_max_mb``, 2 GB by default: a 10,000-item site needs about a
quarter of that). Entries the build used are never among them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CACHE_DIR = ".cache"
MAX_BYTES = 2 * 1024**3
MAGIC = b"newsdesk-cache-1 "
"""Starts every entry, before the hex SHA-256 of what follows the first line."""
TEMPORARY = ".tmp-"


def digest(*parts: str | bytes) -> str:
    """A hex SHA-256 of the parts, each length-prefixed so that no two lists collide."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(f"{len(data)}:".encode())
        hasher.update(data)
    return hasher.hexdigest()


def write_atomically(path: Path, data: bytes) -> None:
    """``data`` at ``path`` as a new file: written under a temporary name, then renamed
    over whatever was there (never written into it)."""
    temporary = path.with_name(f"{TEMPORARY}{os.getpid()}-{threading.get_ident()}-{path.name}")
    try:
        try:
            temporary.write_bytes(data)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def sealed(payload: bytes, meta: dict[str, Any] | None = None) -> bytes:
    """An entry: its checksum line, then a line of JSON ``meta``, then ``payload``."""
    body = json.dumps(meta or {}, sort_keys=True).encode("utf-8") + b"\n" + payload
    return MAGIC + hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body


def unsealed(data: bytes) -> tuple[dict[str, Any], bytes] | None:
    """``(meta, payload)`` of an entry, or None when it is not whole."""
    head, newline, body = data.partition(b"\n")
    if not newline or head != MAGIC + hashlib.sha256(body).hexdigest().encode("ascii"):
        return None
    meta, _, payload = body.partition(b"\n")
    try:
        return json.loads(meta), payload
    except ValueError:
        return None


def files_of(folder: Path) -> dict[str, list[int]]:
    """Every file under ``folder`` as a build left it: its path there (posix), size and
    time of change, to tell later whether it is still as it was."""
    found: dict[str, list[int]] = {}
    pending = [("", str(folder))]
    while pending:
        prefix, path = pending.pop()
        try:
            entries = os.scandir(path)
        except OSError:  # gone meanwhile: not there to be found
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((f"{prefix}{entry.name}/", entry.path))
                else:
                    stat = entry.stat()
                    found[f"{prefix}{entry.name}"] = [stat.st_size, stat.st_mtime_ns]
    return dict(sorted(found.items()))


def link_unchanged(source: Path, target: Path, size: int, modified_ns: int) -> bool:
    """Hard-link ``source`` (a file of the site being replaced) to ``target`` if it is
    still as the last build left it (``size`` bytes, changed at ``modified_ns``); False if
    it is not, is gone, or links are not allowed here (the caller copies it instead)."""
    try:
        stat = source.stat()
        if (stat.st_size, stat.st_mtime_ns) != (size, modified_ns):
            return False
        try:
            os.link(source, target)
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(source, target)
    except OSError:
        return False
    return True


def _touch(path: Path) -> None:
    """Mark an entry as used now, for the retention policy."""
    try:
        os.utime(path)
    except OSError:
        pass


class Store:
    """Entries named by their key, two hex digits per folder."""

    def __init__(self, root: Path, suffix: str) -> None:
        self.root = root
        self.suffix = suffix

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}{self.suffix}"

    def read(self, key: str) -> tuple[dict[str, Any], bytes] | None:
        """The entry's meta and payload; None if it is missing or damaged (then removed)."""
        path = self.path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        entry = unsealed(data)
        if entry is None:
            path.unlink(missing_ok=True)
        else:
            _touch(path)
        return entry

    def write(self, key: str, payload: bytes, meta: dict[str, Any] | None = None) -> None:
        write_atomically(self.path(key), sealed(payload, meta))

    def read_json(self, key: str) -> Any:
        """The value an entry holds as JSON; None if it is missing, damaged or not JSON."""
        entry = self.read(key)
        if entry is None:
            return None
        try:
            return json.loads(entry[1])
        except ValueError:
            return None

    def write_json(self, key: str, value: Any) -> None:
        self.write(key, json.dumps(value).encode("utf-8"))

    def entries(self) -> Iterator[tuple[str, os.stat_result]]:
        """Every entry (its path and state), in no particular order."""
        for folder in _scan(str(self.root)):
            if folder.is_dir(follow_symlinks=False):
                for entry in _scan(folder.path):
                    if not entry.name.startswith(TEMPORARY):
                        try:
                            yield entry.path, entry.stat(follow_symlinks=False)
                        except OSError:  # removed meanwhile
                            continue


def _files_in(folder: str) -> Iterator[tuple[str, os.stat_result]]:
    for entry in _scan(folder):
        if entry.is_dir(follow_symlinks=False):
            yield from _files_in(entry.path)
        else:
            try:
                yield entry.path, entry.stat(follow_symlinks=False)
            except OSError:
                continue


def _scan(folder: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except OSError:  # not there (yet)
        return []


class BuildCache:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.markdown = Store(root / "markdown", ".json")
        self.pages = Store(root / "pages", ".html")
        self.manifests = Store(root / "manifests", ".json")
        self.search = root / "search"

    def rendered_markdown(self, key: str) -> dict[str, Any] | None:
        found = self.markdown.read_json(key)
        return found if isinstance(found, dict) else None

    def keep_markdown(self, key: str, html: str, toc: list[Any], warnings: list[Any]) -> None:
        self.markdown.write_json(key, {"html": html, "toc": toc, "warnings": warnings})

    def prune(self, max_bytes: int, used_since: float) -> int:
        """Remove the least recently used entries (none used since ``used_since``) until
        the cache holds at most ``max_bytes``; returns how many went."""
        entries = []
        for store in (self.markdown, self.pages, self.manifests):
            for path, stat in store.entries():
                entries.append((stat.st_mtime, stat.st_size, Path(path), False))
        for folder in _scan(str(self.search)):
            if folder.is_dir(follow_symlinks=False) and not folder.name.startswith(TEMPORARY):
                size = sum(stat.st_size for _, stat in _files_in(folder.path))
                entries.append((folder.stat().st_mtime, size, Path(folder.path), True))
        total = sum(size for _, size, _, _ in entries)
        removed = 0
        for mtime, size, path, is_folder in sorted(entries, key=lambda entry: entry[0]):
            if total <= max_bytes or mtime >= used_since:
                break
            if is_folder:
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            total -= size
            removed += 1
        return removed
