"""The build cache in ``.cache/`` (git-ignored, safe to delete at any time).

Two stores, both addressed by a hash of everything their entries depend on, so an entry
is never stale, only unused:

- ``markdown/``: the HTML and table of contents Python-Markdown made of one page body;
- ``pages/``: finished pages, hard-linked into the site (copied where links fail).

Entries are written to a temporary name and renamed, so concurrent builds and parallel
workers never see half an entry. A build prunes the pages it did not use.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

CACHE_DIR = ".cache"
READ_ONLY = 0o444
"""Entries are linked into sites: a tool that writes into a site's files fails rather than
changing the cache under every later build."""


def digest(*parts: str | bytes) -> str:
    """A hex SHA-256 of the parts, each length-prefixed so that no two lists collide."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(f"{len(data)}:".encode())
        hasher.update(data)
    return hasher.hexdigest()


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    temporary = path.with_name(f".tmp-{os.getpid()}-{threading.get_ident()}-{path.name}")
    try:
        try:
            temporary.write_bytes(data)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class Store:
    """Files named by their key, two hex digits per folder."""

    def __init__(self, root: Path, suffix: str) -> None:
        self.root = root
        self.suffix = suffix

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}{self.suffix}"

    def read(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            return None

    def write(self, key: str, data: bytes) -> None:
        _write_atomically(self.path(key), data, READ_ONLY)

    def place(self, key: str, target: Path) -> bool:
        """Put entry ``key`` at ``target`` (a hard link, else a copy); False if it is gone."""
        source = self.path(key)
        try:
            os.link(source, target)
        except FileExistsError:
            target.unlink()
            return self.place(key, target)
        except FileNotFoundError:
            if not source.is_file():
                return False
            target.parent.mkdir(parents=True, exist_ok=True)
            return self.place(key, target)
        except OSError:  # another file system, or links not allowed
            try:
                shutil.copyfile(source, target)
            except FileNotFoundError:
                return False
        return True

    def prune(self, keep: Iterable[str]) -> int:
        """Remove every entry not in ``keep``; returns how many went."""
        wanted = {f"{key}{self.suffix}" for key in keep}
        removed = 0
        if not self.root.is_dir():
            return 0
        for folder in self.root.iterdir():
            if not folder.is_dir():
                continue
            for entry in folder.iterdir():
                if entry.name not in wanted and not entry.name.startswith(".tmp-"):
                    entry.unlink(missing_ok=True)
                    removed += 1
        return removed


class BuildCache:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.markdown = Store(root / "markdown", ".json")
        self.pages = Store(root / "pages", ".html")

    def rendered_markdown(self, key: str) -> dict[str, Any] | None:
        data = self.markdown.read(key)
        if data is None:
            return None
        try:
            return json.loads(data)
        except ValueError:  # a damaged entry is rebuilt
            return None

    def keep_markdown(self, key: str, html: str, toc: list[Any]) -> None:
        self.markdown.write(key, json.dumps({"html": html, "toc": toc}).encode("utf-8"))
