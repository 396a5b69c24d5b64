"""Writing a site: only the files that changed, each one atomically, with a journal.

A build says, for every file of the site, what it holds (its *identity*: a page's
fingerprint, a hash of an output's bytes, the key of a copy of an image or a search shard)
through ``SiteWriter.want``. A file the site already holds with that identity, and that is
still as the last build left it there (its size and time of change, as the site's record in
the cache has them), is left alone; any other is made in a working folder beside the site.
Nothing in the site is touched until the build has made everything: ``commit`` then writes
a journal of the files it will replace or delete, moves each new file over the old one (a
rename, so a reader of the site sees the old file or the new one, never half of one),
deletes the files no longer wanted, records what the site now holds, and removes the
journal.

A build killed while committing leaves its journal; the next build finds it, trusts
nothing it names, and so writes those files again: its site is the one a clean build
makes. A build that fails before committing leaves the site exactly as it was.

``InPlace`` is the preview's target for an update in place: its folder is served by the
preview alone, and files are written straight into it where they changed.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from newsdesk.engine.cache import BuildCache, digest

WORK = ".newsdesk-work-"
"""Names the working folder beside a site: ``.site.newsdesk-work-<process>-<n>``."""
_numbers = itertools.count()


class Target(Protocol):
    """Where a build puts files, by their path in the site."""

    def want(self, path: str, identity: str) -> Path | None:
        """Note that the site is to hold ``path`` with ``identity``; where to write it,
        or None when it is there already."""

    def put(self, path: str, identity: str, data: bytes) -> None:
        """``want``, and the file written there if it is not there already."""


@dataclass(frozen=True, slots=True)
class Committed:
    written: int
    removed: int
    finished: bool
    """Whether a journal showed that the last build was stopped while writing this site."""

    def __str__(self) -> str:
        done = f"{self.written} files written, {self.removed} removed"
        return (
            f"{done} (finishing a build that was stopped while writing)" if self.finished else done
        )


class SiteWriter:
    """The files of ``site_dir`` a build writes, ``only`` those under one folder of it
    (``"pagefind/"``, say) or all ``but`` those under one; each part of a site has its
    own record. The cache holds the records and journals: deleting it makes the next build
    write every file again, nothing worse."""

    def __init__(self, site_dir: Path, cache: BuildCache, only: str = "", but: str = "") -> None:
        self.site_dir = site_dir
        self.only, self.but = only, but
        self.cache = cache
        self.work = site_dir.with_name(f".{site_dir.name}{WORK}{os.getpid()}-{next(_numbers)}")
        self.record_key = digest("site files", str(site_dir.absolute()), only, but)
        self.journal = cache.root / f"journal-{self.record_key[:32]}.json"
        self.present = _scan(site_dir, only, but)
        """Each file of the site in this part: its size and time of change."""
        self.finishing = self.journal.exists()
        recorded = _record(cache.manifests.read_json(self.record_key))
        untrusted = _journal_paths(self.journal) if self.finishing else set()
        self.held = {
            path: identity
            for path, (identity, size, changed) in recorded.items()
            if self.present.get(path) == (size, changed) and path not in untrusted
        }
        """What the site holds as the last build left it, by path: its identity."""
        self.wanted: dict[str, str] = {}
        self._made: set[str] = set()
        self._folders: set[Path] = set()

    def holds(self, path: str, identity: str) -> bool:
        return self.held.get(path) == identity

    def want(self, path: str, identity: str) -> Path | None:
        self.wanted[path] = identity
        target = self.work / path
        if self.holds(path, identity):
            if path in self._made:  # an earlier file of this path, replaced since
                self._made.discard(path)
                target.unlink(missing_ok=True)
            return None
        self._made.add(path)
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        return target

    def put(self, path: str, identity: str, data: bytes) -> None:
        if (target := self.want(path, identity)) is not None:
            target.write_bytes(data)

    def put_file(self, path: str, source: Path) -> None:
        """A copy of ``source`` (a file of the content or the theme), known by its size
        and time of change."""
        status = source.stat()
        identity = digest("file", str(source), str(status.st_size), str(status.st_mtime_ns))
        if (target := self.want(path, identity)) is not None:
            shutil.copyfile(source, target)

    def kept(self, folder: str, identity: str) -> list[str] | None:
        """The files of ``folder`` (``pagefind/2020-01/``), wanted again, when the site
        holds them all with ``identity`` as the last build left them; None when it does
        not (then none is wanted)."""
        found = [path for path in self.held if path.startswith(folder)]
        if not found or any(self.held[path] != identity for path in found):
            return None
        for path in found:
            self.wanted[path] = identity
        return found

    def source(self, path: str) -> Path:
        """Where the file the site is to hold at ``path`` is now."""
        return self.work / path if path in self._made else self.site_dir / path

    def paths(self) -> Iterable[str]:
        """Every file wanted so far, by its path in the site."""
        return self.wanted.keys()

    def commit(self) -> Committed:
        """The files made put in the site in place of the old ones, and those not wanted
        deleted, under a journal; then the site's record updated."""
        made = [path for path in self.wanted if path in self._made]
        stale = sorted(self.present.keys() - self.wanted.keys())
        if made or stale or self.finishing:
            self._write_journal([*made, *stale])
            for path in stale:
                remove_from_site(self.site_dir, path)
            for path in made:
                _move(self.work / path, self.site_dir / path)
        record = {}
        for path, identity in self.wanted.items():
            if path in self._made:
                status = (self.site_dir / path).stat()
                record[path] = [identity, status.st_size, status.st_mtime_ns]
            else:
                record[path] = [identity, *self.present[path]]
        self.cache.manifests.write_json(self.record_key, record)
        self.journal.unlink(missing_ok=True)
        self.discard()
        return Committed(len(made), len(stale), self.finishing)

    def discard(self) -> None:
        """The working folder removed: the site stays as it was."""
        shutil.rmtree(self.work, ignore_errors=True)

    def _write_journal(self, paths: list[str]) -> None:
        self.journal.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.journal.with_name(f"{self.journal.name}.{os.getpid()}")
        with temporary.open("w", encoding="utf-8") as journal:
            json.dump({"site": str(self.site_dir), "paths": paths}, journal)
            journal.flush()
            os.fsync(journal.fileno())
        os.replace(temporary, self.journal)


class InPlace:
    """The preview's target for an update in place: each file written straight into
    ``site_dir`` unless ``placed`` gives it the same identity already."""

    def __init__(self, site_dir: Path, placed: dict[str, str] | None = None) -> None:
        self.site_dir = site_dir
        self.placed = placed if placed is not None else {}

    def want(self, path: str, identity: str) -> Path | None:
        if self.placed.get(path) == identity:
            return None
        self.placed[path] = identity
        target = self.site_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def put(self, path: str, identity: str, data: bytes) -> None:
        if (target := self.want(path, identity)) is not None:
            target.write_bytes(data)


def remove_unfinished(site_dir: Path) -> None:
    """The working folders builds of ``site_dir`` that were killed left beside it (none
    runs now: the caller holds the project's lock)."""
    prefix = f".{site_dir.name}{WORK}"
    if site_dir.parent.is_dir():
        for path in site_dir.parent.iterdir():
            if path.name.startswith(prefix):
                shutil.rmtree(path, ignore_errors=True)


def remove_from_site(site_dir: Path, path: str) -> None:
    """The file at ``path`` in the site deleted, and the folders it leaves empty."""
    target = site_dir / path
    target.unlink(missing_ok=True)
    for folder in target.parents:
        if folder == site_dir or not folder.is_relative_to(site_dir):
            break
        try:
            folder.rmdir()
        except OSError:  # not empty
            break


def _move(source: Path, target: Path) -> None:
    try:
        os.replace(source, target)
    except FileNotFoundError:  # a new folder
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    except OSError:
        if not target.is_dir():
            raise
        shutil.rmtree(target)  # a folder where a file now goes: what it held is gone
        os.replace(source, target)


def _scan(site_dir: Path, only: str, but: str) -> dict[str, tuple[int, int]]:
    """Each file under ``site_dir`` in the part ``only`` and ``but`` name, by its path
    there (posix): its size and time of change."""
    found: dict[str, tuple[int, int]] = {}
    start = site_dir / only if only else site_dir
    pending = [(only, str(start))]
    while pending:
        prefix, folder = pending.pop()
        try:
            entries = os.scandir(folder)
        except OSError:  # not there (yet), or gone meanwhile
            continue
        with entries:
            for entry in entries:
                path = f"{prefix}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    if not (but and f"{path}/" == but):
                        pending.append((f"{path}/", entry.path))
                else:
                    status = entry.stat(follow_symlinks=False)
                    found[path] = (status.st_size, status.st_mtime_ns)
    return found


def _record(value: object) -> dict[str, tuple[str, int, int]]:
    """A site's record as the cache has it (nothing, if it is of another shape)."""
    try:
        return {
            str(path): (str(identity), int(size), int(changed))
            for path, (identity, size, changed) in value.items()  # type: ignore[attr-defined]
        }
    except (AttributeError, TypeError, ValueError):
        return {}


def _journal_paths(journal: Path) -> set[str]:
    """The files a build that was stopped meant to replace or delete; every file, when
    the journal itself cannot be read (then nothing is trusted)."""
    try:
        paths = json.loads(journal.read_text(encoding="utf-8"))["paths"]
        return {str(path) for path in paths}
    except (OSError, ValueError, KeyError, TypeError):
        return _EVERYTHING


class _Everything(set[str]):
    def __contains__(self, item: object) -> bool:
        return True


_EVERYTHING = _Everything()
