"""The search index of a built site: its size, the bytes a reader's browser fetches for one
query and for one filter choice, and the CPU time an edit costs the index. Not run by pytest.

    python benchmarks/search.py site/ [--query "cluster policy"] [--filters "kind=report"]

Serves the site on 127.0.0.1 and drives Debian's Chromium: opens the search page with the
query, then the knowledge repository with the filters, and adds up every response from
``/pagefind/`` (the server sends no compression, so these are the files' own sizes).

Then it makes again, as a build does after an edit, the shard an edit to the newest news item
re-indexes (the newest shard that holds news), and the largest shard (an edit to an item in
it, at worst): what Pagefind is given of the shard's pages (read from the site, their
addresses from the shard's own files) and Pagefind's program over them, in a folder of its
own. The CPU time is this process's and its children's, user and system.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import resource
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsdesk.engine.search import BUNDLE, MANIFEST, IndexedPage, Shard, index_shard  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"]
UI_BUNDLES = ("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui", "pagefind-highlight")
"""Pagefind's ready-made interfaces: written beside the index, never loaded by the site."""
ENTRY = "pagefind-entry.json"
"""Every shard a browser asks has its entry fetched first."""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


def index_size(site: Path) -> tuple[int, int]:
    """(bytes, files) of the index, leaving out the unused ready-made interfaces."""
    files = [
        p for p in (site / BUNDLE).rglob("*") if p.is_file() and not p.name.startswith(UI_BUNDLES)
    ]
    return sum(p.stat().st_size for p in files), len(files)


def fetched(
    site: Path, paths: list[str], done_selector: dict[str, str]
) -> list[tuple[str, int, int, int]]:
    """For each of ``paths``: the bytes fetched from ``/pagefind/``, in how many requests,
    from how many shards."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for path in paths:
            page = browser.new_page()
            loaded: list[tuple[str, int]] = []

            def record(response, loaded=loaded):
                if "/pagefind/" in response.url:
                    loaded.append((response.url.split("/pagefind/", 1)[1], len(response.body())))

            page.on("response", record)
            page.goto(base + path, wait_until="networkidle")
            page.wait_for_selector(done_selector[path])
            page.wait_for_load_state("networkidle")
            shards = {url.split("?")[0] for url, _ in loaded if url.split("?")[0].endswith(ENTRY)}
            results.append((path, sum(size for _, size in loaded), len(loaded), len(shards)))
            page.close()
        browser.close()
    server.shutdown()
    return results


def shards_of(site: Path) -> list[dict]:
    """The shards as the site lists them, newest first (by collection, before issue 29)."""
    return json.loads((site / BUNDLE / MANIFEST).read_text(encoding="utf-8"))["shards"]


def collections_of(shard: dict) -> list[str]:
    return shard.get("collections") or [shard["collection"]]


def page_count(site: Path, shard: dict) -> int:
    entry = json.loads((site / BUNDLE / shard["path"] / ENTRY).read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


def pages_of(site: Path, shard: dict) -> list[str]:
    """Paths in the site of the shard's pages, from its fragments."""
    paths = []
    for fragment in (site / BUNDLE / shard["path"] / "fragment").iterdir():
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        url = data["url"].lstrip("/")
        paths.append(url + "index.html" if not url or url.endswith("/") else url)
    return sorted(paths)


def reindex_seconds(site: Path, shard: dict, language: str) -> tuple[float, int]:
    """CPU seconds to make the shard again as a build does, and its pages."""
    pages = tuple(IndexedPage(path, "", "", "") for path in pages_of(site, shard))
    again = Shard(shard["path"].rstrip("/"), (), (), pages)
    before = _cpu()
    with tempfile.TemporaryDirectory(dir=site.parent) as work:
        index_shard(lambda path: (site / path).read_bytes(), language, again, Path(work) / "bundle")
    return _cpu() - before, len(pages)


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--query", default="cluster policy")
    parser.add_argument(
        "--rare", default="zeppelin", help="a word no page holds: every shard is asked"
    )
    parser.add_argument("--filters", default="kind=report&kind=guide&territorial_validity=regional")
    parser.add_argument("--language", default="en")
    args = parser.parse_args()
    size, count = index_size(args.site)
    shards = shards_of(args.site)
    print(f"index: {size / 1024 / 1024:.1f} MB in {count} files, {len(shards)} shards")
    query = f"search/?q={args.query.replace(' ', '+')}"
    rare = f"search/?q={args.rare.replace(' ', '+')}"
    filters = f"knowledge/?{args.filters}"
    done = {
        query: ".nd-search-page__results .nd-result",
        rare: ".nd-search-page__status:not(:empty)",
        filters: "[data-nd-facets][data-state=ready]",
    }
    for path, total, files, asked in fetched(args.site, [query, rare, filters], done):
        print(f"{path}: {total / 1024:.0f} KB from /pagefind/ in {files} requests, {asked} shards")
    newest = next(shard for shard in shards if "news" in collections_of(shard))
    largest = max(shards, key=lambda shard: page_count(args.site, shard))
    for what, shard in (
        ("an edit to the newest news item", newest),
        ("the largest shard", largest),
    ):
        seconds, pages = reindex_seconds(args.site, shard, args.language)
        print(f"re-indexing {what}: {shard['path']} ({pages} pages), {seconds:.2f} s of CPU")


if __name__ == "__main__":
    main()
