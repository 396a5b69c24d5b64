"""The search index: Pagefind over the built site, as the build's last step.

Pages mark what is indexed (``data-pagefind-body``: item pages and plain pages, not
listings, navigation or footers) and carry their filters, metadata and sort date.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pagefind.index import IndexConfig, PagefindIndex

BUNDLE = "pagefind"


class SearchIndexError(Exception):
    pass


def index_site(site_dir: Path, language: str) -> int:
    """Index every page of ``site_dir`` into ``site_dir/pagefind/``; returns the page count."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: no event loop in this thread
        run = asyncio.run
    else:  # called from async code (a test driving a browser, say): use a thread of its own
        run = _in_own_thread
    try:
        return run(_index(site_dir, language))
    except Exception as exc:  # the Pagefind service reports its failures as plain exceptions
        raise SearchIndexError(f"Pagefind could not index {site_dir}: {exc}") from exc


async def _index(site_dir: Path, language: str) -> int:
    config = IndexConfig(
        force_language=language,
        output_path=str(site_dir / BUNDLE),
        exclude_selectors=[".headerlink"],  # the ¶ after each heading
    )
    async with PagefindIndex(config) as index:
        result = await index.add_directory(str(site_dir))
    return int(result["page_count"])


def _in_own_thread(coroutine: Coroutine[Any, Any, int]) -> int:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
