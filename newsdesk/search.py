"""The search index: Pagefind over the built site, as the build's last step.

Pages mark what is indexed (``data-pagefind-body``: item pages and plain pages, not
listings, navigation or footers) and carry their filters, metadata and sort date.

An index is kept in ``.cache/search/`` under a hash of the pages it was made from, so a
build whose pages are all unchanged (a scheduled rebuild on a quiet day, say) places it
instead of indexing again.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Callable, Coroutine, Mapping
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any

from pagefind.index import IndexConfig, PagefindIndex

from newsdesk.cache import digest

BUNDLE = "pagefind"
EXCLUDED = [".headerlink"]  # the ¶ after each heading
KEPT = 2
"""Indexes kept in the cache: the newest, and one to go back to."""


class SearchIndexError(Exception):
    pass


def index_key(site_dir: Path, language: str, known: Mapping[str, str]) -> str:
    """A hash of every page Pagefind reads; ``known`` gives the fingerprint of pages whose
    bytes need not be read (path in the site → fingerprint)."""
    parts: list[str | bytes] = [metadata.version("pagefind"), language, repr(EXCLUDED)]
    for folder, subfolders, names in os.walk(site_dir):
        subfolders.sort()
        if Path(folder) == site_dir and BUNDLE in subfolders:
            subfolders.remove(BUNDLE)
        for name in sorted(names):
            if not name.endswith(".html"):
                continue
            path = Path(folder, name)
            relative = path.relative_to(site_dir).as_posix()
            parts += [relative, known.get(relative) or digest(path.read_bytes())]
    return digest(*parts)


def index_site(
    site_dir: Path,
    language: str,
    cache: Path | None = None,
    key: str = "",
    wanted: Callable[[], bool] = lambda: True,
) -> None:
    """Index every page of ``site_dir`` into ``site_dir/pagefind/``. With a ``cache``, the
    index is made there under ``key`` (unless it already is) and placed in the site if it
    is still ``wanted`` (a preview may have moved on meanwhile)."""
    if cache is None or not key:
        _run_pagefind(site_dir, language, site_dir / BUNDLE)
        return
    kept = cache / key
    if not kept.is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        temporary = cache / f".tmp-{key}-{os.getpid()}-{threading.get_ident()}"
        shutil.rmtree(temporary, ignore_errors=True)
        _run_pagefind(site_dir, language, temporary)
        try:
            temporary.rename(kept)
        except OSError:  # another build made the same index first
            shutil.rmtree(temporary, ignore_errors=True)
        _prune(cache, kept)
    os.utime(kept)
    if wanted():
        _place_tree(kept, site_dir / BUNDLE)


def _run_pagefind(site_dir: Path, language: str, output: Path) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: no event loop in this thread
        run = asyncio.run
    else:  # called from async code (a test driving a browser, say): use a thread of its own
        run = _in_own_thread
    try:
        run(_index(site_dir, language, output))
    except Exception as exc:  # the Pagefind service reports its failures as plain exceptions
        raise SearchIndexError(f"Pagefind could not index {site_dir}: {exc}") from exc


async def _index(site_dir: Path, language: str, output: Path) -> int:
    config = IndexConfig(
        force_language=language, output_path=str(output), exclude_selectors=EXCLUDED
    )
    async with PagefindIndex(config) as index:
        result = await index.add_directory(str(site_dir))
    return int(result["page_count"])


def _in_own_thread(coroutine: Coroutine[Any, Any, int]) -> int:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _prune(cache: Path, newest: Path) -> None:
    """Drop all but the most recently used indexes."""
    others = sorted(
        (
            entry
            for entry in cache.iterdir()
            if entry.is_dir() and entry != newest and not entry.name.startswith(".tmp-")
        ),
        key=lambda entry: entry.stat().st_mtime,
        reverse=True,
    )
    for old in others[KEPT - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


def _place_tree(source: Path, target: Path) -> None:
    """Hard-link (else copy) every file of ``source`` to the same place under ``target``."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, copy_function=_link_or_copy)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
