"""The search index: Pagefind over the built site, as the build's last step.

Pages mark what is indexed (``data-pagefind-body``: item pages and plain pages, not
listings, navigation or footers) and carry their filters, metadata and sort date. Pagefind
is given only that: a copy of each page holding its marked part, not the header,
navigation, related items and scripts around it, which it would read only to skip.

Pagefind holds everything it indexes in memory (about 0.3 MB a page) and cannot add to an
index or change part of one, so the site's index comes in shards, by time: runs of months
of at most ``shard_pages`` pages, oldest first, so that adding items leaves older shards as
they were; the build's year and later in runs of a quarter of that, since an edit mostly
touches a recent item and re-indexes its run; plain pages in a shard of their own. Each
shard is a Pagefind bundle in ``pagefind/<shard>/``, listed newest first in
``pagefind/shards.json``. A search in the browser asks the shards in that order, merging
each into one Pagefind as it goes, and stops once it has a page of results, so a reader's
query fetches the newest shards, not all of them; a filter panel asks the shards holding its
collection one at a time (Pagefind sorts only within a shard) and merges what they find.

A shard is kept in the cache (``search``, one entry of all its files) under a hash of its
pages, so a build indexes only the shards whose pages changed; a shard from the cache is
checked as it is read, and a shard the site holds as the last build left it is not
touched. Each shard is one run of Pagefind's own program over a folder of the shard's
pages, in a working folder beside the site; its files reach the site through the build's
writer (``writer.py``).
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import sys
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from operator import attrgetter
from pathlib import Path
from typing import Any

from pagefind.service import get_executable

from newsdesk.content.models import Item
from newsdesk.engine.cache import BuildCache, Store, digest
from newsdesk.engine.keys import value_key
from newsdesk.engine.writer import SiteWriter

BUNDLE = "pagefind"
MANIFEST = "shards.json"
EXCLUDED = [".headerlink"]  # the ¶ after each heading
SHARD_PAGES = 1000
"""Pages per shard: Pagefind needs about 300 MB to index a thousand."""
AT_ONCE = 2
"""Shards indexed at the same time (one per core of a small machine)."""
PAGES = "pages"
"""The collection of pages that are not items (About, say)."""
FED = "marked elements alone"
"""What Pagefind is given of a page (``indexed_part``), in each shard's key: a change to
what it gives changes this too."""
UNUSED = ("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui", "pagefind-highlight")
"""Pagefind's own search interfaces, which the site does not use."""


class SearchIndexError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class IndexedPage:
    path: str
    """In the site: ``news/some-story/index.html``."""
    collection: str
    month: str
    """Of the page's sort date, ``2020-03`` ('' for pages that are not items)."""
    fingerprint: str
    """A hash of everything the page's HTML depends on."""


@dataclass(frozen=True, slots=True)
class Shard:
    name: str
    months: tuple[str, ...]
    """Those its pages fall in, oldest first (none for plain pages)."""
    collections: tuple[str, ...]
    pages: tuple[IndexedPage, ...]

    def key(self, language: str) -> str:
        parts = [_pagefind_version(), language, value_key(EXCLUDED), FED]
        for page in self.pages:
            parts += [page.path, page.fingerprint]
        return digest(*parts)


def plan_shards(
    pages: Iterable[IndexedPage], this_year: int, limit: int = SHARD_PAGES
) -> list[Shard]:
    """Pages into shards, newest first: plain pages in one of their own (or more, of
    ``limit`` each); items in runs of consecutive months, oldest first, each closed before
    it would pass ``limit`` pages, or a quarter of it from the start of ``this_year`` on
    (a single month with more pages is one shard). Runs of earlier months stay as they
    were as items are added, and a year's small runs become one large run in the next."""
    plain = sorted((page for page in pages if not page.month), key=attrgetter("path"))
    months: dict[str, list[IndexedPage]] = defaultdict(list)
    for page in pages:
        if page.month:
            months[page.month].append(page)
    recent = f"{this_year:04d}-01"
    runs = [
        *_runs([month for month in sorted(months) if month < recent], months, limit),
        *_runs([month for month in sorted(months) if month >= recent], months, _recent(limit)),
    ]
    shards = [
        Shard(PAGES if number == 0 else f"{PAGES}-{number + 1}", (), (PAGES,), tuple(chunk))
        for number, chunk in enumerate(_chunks(plain, limit))
    ]
    for run in reversed(runs):
        chosen = sorted((page for month in run for page in months[month]), key=attrgetter("path"))
        name = run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}"
        collections = tuple(sorted({page.collection for page in chosen}))
        shards.append(Shard(name, tuple(run), collections, tuple(chosen)))
    return shards


def _recent(limit: int) -> int:
    """Pages per shard of this year's items: a quarter of ``limit``."""
    return max(1, limit // 4)


def _runs(months: list[str], pages: Mapping[str, list[IndexedPage]], limit: int) -> list[list[str]]:
    """``months`` (oldest first) in runs, each closed before it would pass ``limit`` pages."""
    runs: list[list[str]] = []
    size = 0
    for month in months:
        if not runs or size + len(pages[month]) > limit:
            runs.append([])
            size = 0
        runs[-1].append(month)
        size += len(pages[month])
    return runs


@functools.cache
def _pagefind_version() -> str:
    """Looked up once: the lookup reads every installed package's metadata."""
    return metadata.version("pagefind")


def _chunks(pages: list[IndexedPage], limit: int) -> list[list[IndexedPage]]:
    return [pages[start : start + limit] for start in range(0, len(pages), limit)]


def index_site(
    target: SiteWriter,
    language: str,
    shards: Sequence[Shard],
    cache: BuildCache,
    wanted: Callable[[], bool] = lambda: True,
) -> int:
    """Index ``shards`` of the site ``target`` writes into its ``pagefind/``. A shard the
    site holds as the last build left it stays; the others are made where the cache lacks
    them (and kept there), then put in the site, unless the index is no longer ``wanted``
    (a preview may have moved on meanwhile); a shard found damaged on the way is made
    again. Returns how many shards were indexed."""
    store = cache.search
    pairs = [
        (shard, key)
        for shard in shards
        if target.kept(f"{BUNDLE}/{shard.name}/", key := shard.key(language)) is None
    ]
    work = target.work.with_name(f"{target.work.name}-index")
    shutil.rmtree(work, ignore_errors=True)
    made: dict[str, tuple[dict[str, Any], bytes]] = {}
    try:
        missing = [(shard, key) for shard, key in pairs if not store.held(key)]
        missing.sort(key=lambda job: len(job[0].pages), reverse=True)  # no large one left last
        if missing:  # each thread waits on a run of Pagefind's program
            with ThreadPoolExecutor(min(AT_ONCE, len(missing))) as pool:

                def make(job: tuple[Shard, str]) -> None:
                    if not wanted():  # a preview that moved on, or closed
                        raise SearchIndexError("the index is no longer wanted")
                    shard, key = job
                    made[key] = _make_shard(target, language, shard, key, work / key, store)

                list(pool.map(make, missing))
        indexed = len(missing)
        for shard, key in pairs:
            entry = made.get(key) or store.read(key)
            if entry is None or not _unpacked(entry, target, f"{BUNDLE}/{shard.name}/", key):
                entry = _make_shard(target, language, shard, key, work / key, store)
                _unpacked(entry, target, f"{BUNDLE}/{shard.name}/", key)
                indexed += 1
        manifest = [
            {
                "path": f"{shard.name}/",
                "collections": shard.collections,
                "from": shard.months[0] if shard.months else None,
                "to": shard.months[-1] if shard.months else None,
            }
            for shard in shards
        ]
        listing = (json.dumps({"shards": manifest}) + "\n").encode("utf-8")
        target.put(f"{BUNDLE}/{MANIFEST}", digest("bytes", listing), listing)
        return indexed
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _make_shard(
    site: SiteWriter, language: str, shard: Shard, key: str, folder: Path, store: Store
) -> tuple[dict[str, Any], bytes]:
    """Index the shard's pages of ``site`` into ``folder``, and keep it in ``store``
    under ``key``, all its files in one entry; returns that entry."""
    index_shard(lambda path: site.source(path).read_bytes(), language, shard, folder)
    names = sorted(path for path in folder.rglob("*") if path.is_file())
    contents = [path.read_bytes() for path in names]
    sizes = [
        [path.relative_to(folder).as_posix(), len(data)]
        for path, data in zip(names, contents, strict=True)
    ]
    payload = b"".join(contents)
    store.write(key, payload, {"files": sizes})
    shutil.rmtree(folder, ignore_errors=True)
    return {"files": sizes}, payload


def index_shard(read: Callable[[str], bytes], language: str, shard: Shard, folder: Path) -> None:
    """The shard's bundle, made of its pages (``read`` gives one by its path in the
    site), in ``folder`` (a new folder): Pagefind's program run over what it reads of
    them, in a working folder beside ``folder``."""
    shutil.rmtree(folder, ignore_errors=True)
    work = folder.with_name(f"{folder.name}-run")
    work.mkdir(parents=True)
    try:
        _feed(read, shard, work / "site")
        _run_pagefind(work / "site", shard, language, work)
        bundle = work / "index"
        for entry in bundle.iterdir():
            if entry.name.startswith(UNUSED):
                entry.unlink()
        bundle.rename(folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _unpacked(
    entry: tuple[dict[str, Any], bytes], target: SiteWriter, folder: str, key: str
) -> bool:
    """A shard's files from its entry in the cache (checked as it was read) put in
    ``target`` under ``folder``; False if the entry is not of this shape."""
    meta, payload = entry
    try:
        files = [(str(name), int(size)) for name, size in meta["files"]]
    except (KeyError, TypeError, ValueError):
        return False
    if sum(size for _, size in files) != len(payload):
        return False
    offset = 0
    for name, size in files:
        target.put(f"{folder}{name}", key, payload[offset : offset + size])
        offset += size
    return True


def _feed(read: Callable[[str], bytes], shard: Shard, folder: Path) -> None:
    """What Pagefind reads of the shard's pages, at the same paths in ``folder``, so
    their addresses come out as in the site."""
    for page in shard.pages:
        target = folder / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(indexed_part(read(page.path)))


_MARK = b"data-pagefind-body"
_ATTRIBUTE = rb"""\s+([^\s"'<>/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
"""An attribute of a start tag, its name the group."""
_ATTRIBUTES = re.compile(_ATTRIBUTE)
_START_TAG = re.compile(rb"<([A-Za-z][A-Za-z0-9-]*)((?:" + _ATTRIBUTE + rb")*)\s*/?>")
_OPENED = ((b"<!--", b"-->"), (b"<script", b"</script"), (b"<style", b"</style"))
"""What, opened before a mark and not closed, makes it no attribute of a tag."""


def indexed_part(html: bytes) -> bytes:
    """The elements of a page marked ``data-pagefind-body``, alone in a page of their own:
    all that Pagefind reads of a page that marks any (its language is set in its
    options). The page as it is if a mark is anywhere but on an element's start tag,
    or Pagefind would find anything of its own outside the marked elements."""
    parts = []
    at = 0
    while (mark := html.find(_MARK, at)) >= 0:
        element = _marked_element(html, mark)
        if element is None or b"data-pagefind-" in html[at : element[0]]:
            return html
        parts.append(html[element[0] : element[1]])
        at = element[1]
    if not parts or b"data-pagefind-" in html[at:]:
        return html
    return b"<!doctype html><html><head><meta charset=utf-8></head><body>\n%s\n</body></html>\n" % (
        b"\n".join(parts)
    )


def _marked_element(html: bytes, mark: int) -> tuple[int, int] | None:
    """Where the element begins and ends whose start tag names ``mark`` as an attribute,
    or None if the mark is not one."""
    if any(
        html.rfind(opening, 0, mark) > html.rfind(closing, 0, mark) for opening, closing in _OPENED
    ):
        return None
    start = html.rfind(b"<", 0, mark)
    tag = _START_TAG.match(html, start)
    if tag is None or tag.end() < mark:
        return None
    attributes = _ATTRIBUTES.finditer(html, tag.start(2), tag.end(2))
    names = [found.start(1) for found in attributes]
    if mark not in names or html[mark + len(_MARK) : mark + len(_MARK) + 1] not in b" \t\n\r\f=/>":
        return None
    depth = 0
    for found in _nesting(tag.group(1).lower()).finditer(html, start):
        if found.group(2) is None:
            continue  # a comment, script or style
        depth += -1 if found.group(2) else 1
        if depth == 0:
            end = html.find(b">", found.end())
            return (start, end + 1) if end >= 0 else None
    return None


def _nesting(name: bytes) -> re.Pattern[bytes]:
    """Start and end tags of elements called ``name``, past comments, scripts and styles."""
    return re.compile(
        rb"<!--.*?-->|<(script|style)\b.*?</\1\s*>|<(/?)" + re.escape(name) + rb"(?=[\s/>])",
        re.DOTALL | re.IGNORECASE,
    )


def _run_pagefind(site_dir: Path, shard: Shard, language: str, work: Path) -> None:
    """Pagefind's program, configured by a file in ``work``, indexes every page of
    ``site_dir`` (the shard's, as ``_feed`` wrote them) into ``work/index``."""
    settings = {  # the program runs in ``work``
        "site": str(site_dir.absolute()),
        "output_path": str((work / "index").absolute()),
        "force_language": language,
        "exclude_selectors": EXCLUDED,
        "quiet": True,
    }
    (work / "pagefind.json").write_text(json.dumps(settings), encoding="utf-8")
    program = get_executable()
    if program is None:
        raise SearchIndexError("Pagefind's program is missing: pip install 'pagefind[bin]'")
    returncode, said = _run_while_building([str(program)], work)
    if returncode != 0:
        last = said.strip().splitlines()[-3:]
        raise SearchIndexError(f"Pagefind could not index shard {shard.name}: {' '.join(last)}")
    entry = json.loads((work / "index" / "pagefind-entry.json").read_text(encoding="utf-8"))
    indexed = sum(found["page_count"] for found in entry["languages"].values())
    if indexed != len(shard.pages):
        raise SearchIndexError(
            f"Pagefind indexed {indexed} of the {len(shard.pages)} pages of shard {shard.name}"
        )


_GUARD = """\
import os, subprocess, sys, threading
program = subprocess.Popen(sys.argv[1:])
def end_with_the_build():
    sys.stdin.buffer.read()  # returns once the build that started this one is gone
    program.kill()
threading.Thread(target=end_with_the_build, daemon=True).start()
status = program.wait()
sys.stdout.flush()
os._exit(status)  # not waiting on the thread reading the input
"""
"""Runs a program for as long as the build that started it: the build holds this one's
standard input open, and when the build ends, however it ends (killed, say), the input
closes and the program is stopped. (On every system; a process that is killed takes no
children with it.)"""


_running: set[subprocess.Popen[bytes]] = set()
"""The guards of the runs of Pagefind's program under way in this process."""
_running_lock = threading.Lock()


def stop_runs() -> None:
    """Stop every run of Pagefind's program under way in this process (a preview
    closing), so that nothing writes into its folders once they are deleted. Each run
    stopped ends with an error in the thread that waits on it."""
    with _running_lock:
        guards = list(_running)
    for guard in guards:
        _close_input(guard)


def _close_input(guard: subprocess.Popen[bytes]) -> None:
    assert guard.stdin is not None
    try:
        guard.stdin.close()
    except OSError:  # closed by the other thread meanwhile
        pass


def _run_while_building(command: list[str], cwd: Path) -> tuple[int, str]:
    """Run ``command`` in ``cwd`` under ``_GUARD``; its exit status and what it said."""
    log = cwd / "program.log"
    with log.open("wb") as out:
        guard = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _GUARD, *command],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        with _running_lock:
            _running.add(guard)
        try:
            returncode = guard.wait()
        finally:
            with _running_lock:
                _running.discard(guard)
            _close_input(guard)
            if guard.poll() is None:  # interrupted while waiting: the program stops too
                guard.wait()
    return returncode, log.read_text(encoding="utf-8", errors="replace")


def indexed_pages(
    html: Iterable[str],
    read: Callable[[str], bytes],
    pages: Mapping[str, str],
    items: Mapping[str, Item],
    marked: dict[str, bool] | None = None,
) -> list[IndexedPage]:
    """Every page of the site that Pagefind indexes, with its collection and month, of
    the site's ``.html`` files (``read`` gives one by its path). ``pages`` gives the
    fingerprint of each page the renderer made, and ``items`` the item each item page
    shows; other pages (the theme's own, such as 404.html) are read to see whether they
    are indexed, unless ``marked`` tells it by the page's fingerprint (what is read is
    added to it)."""
    marked = {} if marked is None else marked
    found = []
    for path in sorted(html):
        if not _of_the_site(path.split("/", 1)[0]):
            continue
        item = items.get(path)
        fingerprint = pages.get(path)
        if item is not None and fingerprint is not None:
            month = f"{item.sort_date:%Y-%m}"
            found.append(IndexedPage(path, item.collection, month, fingerprint))
            continue
        if fingerprint is not None and marked.get(fingerprint) is False:
            continue
        data = read(path)
        if fingerprint is not None:
            marked[fingerprint] = _MARK in data
        if _MARK in data:  # a plain page; not a listing, tag or facet page
            found.append(IndexedPage(path, PAGES, "", fingerprint or digest(data)))
    return found


def _of_the_site(name: str) -> bool:
    """Whether a folder at the top of the site holds pages of the site."""
    return name != BUNDLE
