"""What changed since the preview was last built, by file.

``serve`` takes a snapshot of the files a build reads (the content folder, the
configuration file, the templates) as it starts. After an edit, comparing a new snapshot
with it tells the plugin which files changed, so that it brings the preview up to date
as the difference those files make: an edit to the body of an item updates that item's
page alone, in a fraction of a second.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

Snapshot = dict[str, tuple[int, int, int]]
"""Path → (inode, modification time in ns, size in bytes); names starting with a dot are
left out, as builds leave them out."""


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
    except OSError:  # gone, or unreadable: the build reports what it cannot read
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
        stat = os.stat(path)
    except OSError:  # removed while scanning: the next snapshot sees it gone
        return
    found[path] = (stat.st_ino, stat.st_mtime_ns, stat.st_size)


@dataclass(frozen=True, slots=True)
class Changes:
    modified: tuple[str, ...]
    """Files in both snapshots that were written in between."""
    added_or_removed: tuple[str, ...]


def changes(before: Snapshot, after: Snapshot) -> Changes:
    """The files that differ between two snapshots."""
    modified = (path for path, state in after.items() if before.get(path, state) != state)
    return Changes(tuple(sorted(modified)), tuple(sorted(before.keys() ^ after.keys())))
