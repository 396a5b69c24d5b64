"""The build cache in ``.cache/`` (git-ignored, safe to delete at any time).

One cache: one SQLite database (``.cache/cache.sqlite3``), in stores addressed by a hash
of everything their entries depend on, so an entry is never stale, only unused:

- ``markdown``: the HTML and table of contents Python-Markdown made of one page body;
- ``pages``: finished pages;
- ``search``: the search index's shards (``search.py``), each one entry of all its files;
- ``images``: the copies of images at the sizes pages show them (``site/images.py``);
- ``manifests``: what the last build put in each site, and from which entry.

One database rather than a file per entry: a cold build of 10,000 items makes some 35,000
entries, and making a file costs the system far more than a row (on this project's
benchmark machine, as on Windows, up to a millisecond a file). Rendering workers write
into it side by side (SQLite's write-ahead log; a build that is killed loses nothing that
was committed, and leaves the database whole).

Every entry carries a SHA-256 of its key and bytes and is checked when read: a damaged
or truncated entry counts as missing and is made again, never served, and a database
that SQLite itself finds damaged is deleted and begun again. Nothing in a site is a link
into the cache, so damage to the cache cannot reach a site either.

One retention policy: after a build, the least recently used entries go until the cache
is within its size (``cache_max_mb``, 2 GB by default: a 10,000-item site needs about a
quarter of that). Entries the build used are never among them.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CACHE_DIR = ".cache"
DATABASE = "cache.sqlite3"
MAX_BYTES = 2 * 1024**3
MAGIC = b"newsdesk-cache-2 "
"""Starts every entry, before the hex SHA-256 of its key and what follows the first line."""
_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    store TEXT NOT NULL,
    key TEXT NOT NULL,
    data BLOB NOT NULL,
    size INTEGER NOT NULL,
    used REAL NOT NULL,
    PRIMARY KEY (store, key)
)
"""


def digest(*parts: str | bytes) -> str:
    """A hex SHA-256 of the parts, each length-prefixed so that no two lists collide."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(f"{len(data)}:".encode())
        hasher.update(data)
    return hasher.hexdigest()


def sealed(key: str, payload: bytes, meta: dict[str, Any] | None = None) -> bytes:
    """An entry: its checksum line (of its key and all that follows), then a line of JSON
    ``meta``, then ``payload``."""
    body = json.dumps(meta or {}, sort_keys=True).encode("utf-8") + b"\n" + payload
    return MAGIC + _checksum(key, body) + b"\n" + body


def unsealed(key: str, data: bytes) -> tuple[dict[str, Any], bytes] | None:
    """``(meta, payload)`` of the entry of ``key``, or None when it is not whole or is
    another key's."""
    head, newline, body = data.partition(b"\n")
    if not newline or head != MAGIC + _checksum(key, body):
        return None
    meta, _, payload = body.partition(b"\n")
    try:
        return json.loads(meta), payload
    except ValueError:
        return None


def _checksum(key: str, body: bytes) -> bytes:
    return digest(key, body).encode("ascii")


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


class Database:
    """The cache's SQLite database, one connection per thread of each process (SQLite's
    own rule). Any trouble with it makes the cache miss, never fail a build: a database
    that is locked for too long is left alone, one that is damaged is deleted and begun
    again (where the system lets a file in use be deleted; elsewhere the next build does
    it)."""

    _local = threading.local()

    def __init__(self, path: Path) -> None:
        self.path = path
        opened = self._opened()
        where = (str(path), os.getpid())
        if where in opened and opened[where][1] != _identity(path):  # deleted or replaced
            self.close()

    def _opened(self) -> dict[tuple[str, int], tuple[sqlite3.Connection | None, object]]:
        return self._local.__dict__.setdefault("opened", {})

    def connection(self) -> sqlite3.Connection | None:
        opened = self._opened()
        where = (str(self.path), os.getpid())
        if where not in opened:
            connection = self._open()
            opened[where] = (connection, _identity(self.path))
        return opened[where][0]

    def _open(self) -> sqlite3.Connection | None:
        for attempt in (1, 2):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(self.path, timeout=60, isolation_level=None)
                connection.execute("PRAGMA page_size = 16384")  # a page is 10-20 KB
                connection.execute("PRAGMA journal_mode = WAL")
                # Never waiting for the disk: a build that is killed loses nothing, and
                # what a crash of the system could damage is found when read.
                connection.execute("PRAGMA synchronous = OFF")
                connection.execute(_SCHEMA)
                return connection
            except sqlite3.OperationalError as exc:
                if _busy(exc) or attempt == 2:
                    return None
                self._delete()
            except (sqlite3.DatabaseError, OSError):
                if attempt == 2:
                    return None
                self._delete()
        return None

    def run(self, sql: str, *values: Any) -> list[tuple[Any, ...]]:
        """The rows of one statement (committed at once); none when the database is
        unusable."""
        connection = self.connection()
        if connection is None:
            return []
        try:
            return connection.execute(sql, values).fetchall()
        except sqlite3.DatabaseError as exc:
            if not (isinstance(exc, sqlite3.OperationalError) and _busy(exc)):
                self.damaged()
            return []

    def damaged(self) -> None:
        """Forget the database of this process and delete it, to begin again."""
        self.close()
        self._delete()

    def _delete(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.remove(f"{self.path}{suffix}")
            except OSError:  # not there, or in use where the system forbids it
                pass

    def close(self) -> None:
        """Close this thread's connection."""
        connection, _ = self._opened().pop((str(self.path), os.getpid()), (None, None))
        if connection is not None:
            connection.close()


def _identity(path: Path) -> object:
    """Which file is at ``path`` (None: none), to notice the cache deleted or replaced
    while a process keeps it open (the preview's, say)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


def _busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


class Store:
    """The entries of one kind, named by their key."""

    def __init__(self, database: Database, name: str) -> None:
        self.database = database
        self.name = name

    def read(self, key: str) -> tuple[dict[str, Any], bytes] | None:
        """The entry's meta and payload; None if it is missing or damaged (then removed)."""
        rows = self.database.run(
            "SELECT data FROM entries WHERE store = ? AND key = ?", self.name, key
        )
        if not rows:
            return None
        entry = unsealed(key, rows[0][0])
        if entry is None:
            self.database.run("DELETE FROM entries WHERE store = ? AND key = ?", self.name, key)
        else:  # used now, for the retention policy
            self.database.run(
                "UPDATE entries SET used = ? WHERE store = ? AND key = ?",
                time.time(),
                self.name,
                key,
            )
        return entry

    def write(self, key: str, payload: bytes, meta: dict[str, Any] | None = None) -> None:
        data = sealed(key, payload, meta)
        self.database.run(
            "INSERT OR REPLACE INTO entries (store, key, data, size, used) VALUES (?, ?, ?, ?, ?)",
            self.name,
            key,
            data,
            len(data),
            time.time(),
        )

    def held(self, key: str) -> bool:
        """Whether the store has an entry of ``key`` (not yet checked: ``read`` does),
        marked as used now if so."""
        self.database.run(
            "UPDATE entries SET used = ? WHERE store = ? AND key = ?", time.time(), self.name, key
        )
        rows = self.database.run(
            "SELECT 1 FROM entries WHERE store = ? AND key = ?", self.name, key
        )
        return bool(rows)

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

    def keys(self) -> Iterator[tuple[str, float]]:
        """Every entry's key, and when it was last used."""
        rows = self.database.run("SELECT key, used FROM entries WHERE store = ?", self.name)
        yield from ((key, used) for key, used in rows)


class BuildCache:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.database = Database(root / DATABASE)
        self.markdown = Store(self.database, "markdown")
        self.pages = Store(self.database, "pages")
        self.manifests = Store(self.database, "manifests")
        self.search = Store(self.database, "search")
        self.images = Store(self.database, "images")

    def rendered_markdown(self, key: str) -> dict[str, Any] | None:
        found = self.markdown.read_json(key)
        return found if isinstance(found, dict) else None

    def keep_markdown(self, key: str, html: str, toc: list[Any], warnings: list[Any]) -> None:
        self.markdown.write_json(key, {"html": html, "toc": toc, "warnings": warnings})

    def prune(self, max_bytes: int, used_since: float) -> int:
        """Remove the least recently used entries (none used since ``used_since``) until
        the cache holds at most ``max_bytes`` (new entries take the space of those
        removed; when a quarter of the database is free, it is given back to the system);
        returns how many went."""
        run = self.database.run
        total = run("SELECT COALESCE(SUM(size), 0) FROM entries")
        over = (total[0][0] if total else 0) - max_bytes
        removed = 0
        if over > 0:
            candidates = run(
                "SELECT rowid, size FROM entries WHERE used < ? ORDER BY used", used_since
            )
            doomed = []
            for rowid, size in candidates:
                if over <= 0:
                    break
                doomed.append(rowid)
                over -= size
            for start in range(0, len(doomed), 500):
                chunk = doomed[start : start + 500]
                marks = ",".join("?" * len(chunk))
                run(f"DELETE FROM entries WHERE rowid IN ({marks})", *chunk)  # noqa: S608
            removed = len(doomed)
        run("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = run("PRAGMA page_count")
        free = run("PRAGMA freelist_count")
        if pages and free and free[0][0] > max(pages[0][0] // 4, 1024):
            run("VACUUM")  # what the entries removed held goes back to the system
        return removed
