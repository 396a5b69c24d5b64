"""The search index of a built site: its size, and the bytes a reader's browser fetches for
one query and for one filter choice. Not run by pytest.

    python benchmarks/search.py site/ [--query "cluster policy"] [--filters "kind=report"]

Serves the site on 127.0.0.1 and drives Debian's Chromium: opens the search page with the
query, then the knowledge repository with the filters, and adds up every response from
``/pagefind/`` (the server sends no compression, so these are the files' own sizes).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"]
UI_BUNDLES = ("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui", "pagefind-highlight")
"""Pagefind's ready-made interfaces: written beside the index, never loaded by the site."""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


def index_size(site: Path) -> tuple[int, int]:
    """(bytes, files) of the index, leaving out the unused ready-made interfaces."""
    files = [
        p
        for p in (site / "pagefind").rglob("*")
        if p.is_file() and not p.name.startswith(UI_BUNDLES)
    ]
    return sum(p.stat().st_size for p in files), len(files)


def fetched(site: Path, paths: list[str], done_selector: str) -> list[tuple[str, int]]:
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
            results.append((path, sum(size for _, size in loaded), len(loaded)))
            page.close()
        browser.close()
    server.shutdown()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--query", default="cluster policy")
    parser.add_argument("--filters", default="kind=report&kind=guide&territorial_validity=regional")
    args = parser.parse_args()
    size, count = index_size(args.site)
    print(f"index: {size / 1024 / 1024:.1f} MB in {count} files")
    query = f"search/?q={args.query.replace(' ', '+')}"
    filters = f"knowledge/?{args.filters}"
    done = {
        query: ".nd-search-page__results .nd-result",
        filters: "[data-nd-facets][data-state=ready]",
    }
    for path, total, files in fetched(args.site, [query, filters], done):
        print(f"{path}: {total / 1024:.0f} KB from /pagefind/ in {files} requests")


if __name__ == "__main__":
    main()
