"""Every page of the sample site, laid out at the widths readers use, in Chromium: no text
squeezed into a column a few characters wide, no box sticking out of the one it is in, no
card many times taller than its neighbours, no column running on beside an empty one, no
sideways scrolling. A few screenshots show what they show; this looks at every page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import keep_local, reader_pages

pytestmark = pytest.mark.browser

WIDTHS = (375, 768, 1280, 1920)
MEASURE = (Path(__file__).parent / "layout.js").read_text(encoding="utf-8")
AT_ONCE = 3
"""Pages loading side by side: Chromium lays them out in processes of their own."""


def _urls(site: Path) -> list[str]:
    urls = [page.parent.relative_to(site).as_posix() + "/" for page in reader_pages(site)]
    return ["" if url == "./" else url for url in urls] + ["404.html"]


def test_every_page_holds_together_at_every_width(browser, sample_site, base_url):
    urls = _urls(sample_site)
    assert len(urls) > 100  # every page, not a sample of them
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    foreign: list[str] = []
    keep_local(context, foreign)
    tabs = [context.new_page() for _ in range(AT_ONCE)]
    problems = []
    for start in range(0, len(urls), AT_ONCE):
        batch = list(zip(tabs, urls[start : start + AT_ONCE], strict=False))
        for tab, url in batch:
            tab.set_viewport_size({"width": WIDTHS[0], "height": 900})
            tab.goto(base_url + url, wait_until="commit")
        for tab, url in batch:
            tab.wait_for_load_state("load")
            for width in WIDTHS:
                tab.set_viewport_size({"width": width, "height": 900})
                problems += [f"/{url} at {width}px: {problem}" for problem in tab.evaluate(MEASURE)]
    context.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    assert foreign == []
