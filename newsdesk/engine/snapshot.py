"""What changed since the preview was last built, by file.

``serve`` takes a snapshot of the files a build reads (the content folder, the
configuration file, the templates) as it starts. After an edit, comparing a new snapshot
with it tells the plugin which files changed, so that it brings the preview up to date
as the difference those files make: an edit to the body of an item updates that item's
page alone, in a fraction of a second.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

Snapshot = dict[str, tuple[int, int, int, int]]
"""Path → (inode, modification time in ns, size in bytes, mode: its kind and permissions),
of what a link leads to, else of the entry itself (a link to nothing, a pipe); names
starting with a dot are left out, as builds leave them out. Every entry a build reads is
in it, those it will refuse to read included, so that one appearing, or a file becoming
unreadable, is a change."""

_UNLISTED = -1
"""The mode of a folder that could not be listed: its entries are unknown."""


def snapshot(roots: Iterable[Path]) -> Snapshot:
    """Every file under ``roots`` (a root may be a single file) as it stands now."""
    found: Snapshot = {}
    for root in roots:
        _scan(str(root), found)
    return found


def _scan(path: str, found: Snapshot) -> None:
    try:
        entries = os.scandir(path)
    except NotADirectoryError:
        _record(path, found)
        return
    except FileNotFoundError:  # gone: the next snapshot sees it gone
        return
    except OSError:  # unreadable: the build reports it, and the snapshot tells it apart
        found[path] = (0, 0, 0, _UNLISTED)
        return
    with entries:
        for entry in entries:
            if entry.name.startswith("."):  # an editor's swap and backup files
                continue
            # A linked folder is not followed: links may only lead to folders inside the
            # content, which are scanned where they are.
            if entry.is_dir(follow_symlinks=False):
                _scan(entry.path, found)
            else:
                _record(entry.path, found)


def _record(path: str, found: Snapshot) -> None:
    try:
        status = os.lstat(path)
    except OSError:  # removed while scanning: the next snapshot sees it gone
        return
    if stat.S_ISLNK(status.st_mode):
        try:
            status = os.stat(path)
        except (OSError, RuntimeError):  # a link to nothing, or round in a loop: itself
            pass
    found[path] = (status.st_ino, status.st_mtime_ns, status.st_size, status.st_mode)


@dataclass(frozen=True, slots=True)
class Changes:
    modified: tuple[str, ...]
    """Files in both snapshots that were written in between."""
    added_or_removed: tuple[str, ...]


def changes(before: Snapshot, after: Snapshot) -> Changes:
    """The files that differ between two snapshots."""
    modified = (path for path, state in after.items() if before.get(path, state) != state)
    return Changes(tuple(sorted(modified)), tuple(sorted(before.keys() ^ after.keys())))
