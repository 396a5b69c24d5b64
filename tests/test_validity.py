"""Every page of the sample site is valid HTML, as the W3C's Nu checker (npm ``vnu-jar``)
reads it, but for what stock Material writes on every page."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from tests.conftest import REPO, reader_pages

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

MATERIAL_TOGGLE = (
    "Attribute “autocomplete” is only allowed when the input type is “color”, “date”, "
    "“datetime-local”, “email”, “hidden”, “month”, “number”, “password”, “range”, “search”, "
    "“tel”, “text”, “time”, “url”, or “week”."
)
MATERIAL_ERRORS = {
    (
        MATERIAL_TOGGLE,
        f'<input class="md-toggle" data-md-toggle="{name}" type="checkbox" '
        f'id="__{name}" autocomplete="off">',
    )
    for name in ("drawer", "search")
}
"""Material's base.html turns autocomplete off on its two checkbox toggles (the drawer and
the search), which HTML allows only on inputs that take text."""


def pages(site: Path) -> list[Path]:
    """The site's pages; not the editions' emails, which are written for mail clients."""
    return sorted(p for p in site.rglob("*.html") if p.name != "email.html")


def checked(site: Path) -> list[dict]:
    """What vnu says of every page, in one run over the folder (starting Java takes longer
    than checking them all)."""
    java = shutil.which("java")
    assert java, "Java 17 is missing: run scripts/install-test-deps"
    assert VNU.exists(), "vnu-jar is missing: run scripts/install-test-deps"
    run = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--exit-zero-always", "--format", "json"]
        + ["--skip-non-html", str(site)],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert run.returncode == 0, run.stderr
    emails = {p.resolve() for p in site.rglob("email.html")}
    return [m for m in json.loads(run.stderr)["messages"] if page_of(m) not in emails]


def page_of(message: dict) -> Path:
    return Path(url2pathname(urlsplit(message["url"]).path)).resolve()


def highlighted(message: dict) -> str:
    start = message.get("hiliteStart", 0)
    return message.get("extract", "")[start : start + message.get("hiliteLength", 0)]


def test_our_templates_and_markdown_add_no_validator_error(sample_site: Path):
    messages = checked(sample_site)
    ours = [m for m in messages if (m["message"], highlighted(m)) not in MATERIAL_ERRORS]
    assert ours == [], "\n".join(
        f"{page_of(m).relative_to(sample_site.resolve()).as_posix()}:"
        f"{m.get('lastLine', '?')}: {m['message']}\n    {highlighted(m) or m.get('extract', '')}"
        for m in ours
    )
    # The checker read every page: each has Material's two toggles (the editing screen,
    # Decap CMS's, has none, and no error either).
    toggled = {page_of(m) for m in messages}
    readers = set(reader_pages(sample_site, "*.html"))
    assert toggled == {p.resolve() for p in pages(sample_site) if p in readers}
