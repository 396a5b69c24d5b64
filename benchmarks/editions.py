"""Time rendering each sample edition (choose items, render, inline CSS, plain text, .eml)
and report its size. Not run by pytest.

    python benchmarks/editions.py [--repeat 50]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from mkdocs.config import load_config

from newsdesk.adapter.project import read_project
from newsdesk.content.catalog import load_catalog
from newsdesk.content.models import Edition
from newsdesk.content.selection import choose
from newsdesk.newsletter.render import EditionRenderer

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--config-file", default=str(REPO / "mkdocs.yml"))
    args = parser.parse_args()

    project = read_project(load_config(args.config_file))
    settings = project.settings
    catalog = load_catalog(settings)
    renderer = EditionRenderer(catalog, settings, project.mail_settings())
    print(
        f"{'edition':<10} {'email.html':>11} {'email.txt':>10} {'.eml':>9} {'render (median)':>16}"
    )
    for edition in catalog.collection("newsletters"):
        assert isinstance(edition, Edition)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            rendered = renderer.render(choose(edition, catalog, settings.closing_soon_days))
            times.append(time.perf_counter() - start)
        print(
            f"{edition.slug:<10} {len(rendered.html.encode()) / 1024:>8.1f} KB"
            f" {len(rendered.text.encode()) / 1024:>7.1f} KB {len(rendered.eml) / 1024:>6.1f} KB"
            f" {statistics.median(times) * 1000:>13.1f} ms"
        )


if __name__ == "__main__":
    main()
