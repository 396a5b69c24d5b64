"""Fixtures: scratch projects written by the test, and one build of the sample site."""

from __future__ import annotations

import contextlib
import functools
import http.server
import logging
import re
import shutil
import textwrap
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from click.testing import CliRunner, Result

from newsdesk.cli import main
from newsdesk.clock import make_clock
from newsdesk.content.catalog import Catalog, load_catalog
from newsdesk.settings import Settings

REPO = Path(__file__).resolve().parent.parent
SAMPLE_TODAY = "2020-03-01"

SCRATCH_CONFIG = """\
site_name: Scratch newsroom
site_url: https://news.example.org/
docs_dir: content
theme:
  name: material
  custom_dir: templates/site
  font: false
extra_css: [assets/newsdesk.css]
plugins:
  - newsdesk:
      today: 2020-03-01
      page_size: {page_size}
      search_shard_pages: {shard_pages}
      newsletter:
        sender: Scratch News <news@example.org>
        unsubscribe_url: https://lists.example.org/unsubscribe
        unsubscribe_email: leave@example.org
"""

SCRATCH_TAXONOMY = """\
tags:
  green-transition: Green transition
  digital-transition: Digital transition
  matchmaking: Matchmaking
countries:
  BE: Belgium
  JP: Japan
  RO: Romania
languages:
  en: English
territorial_validity:
  eu: European Union
  regional: Regional
strategic_challenges:
  green-transition: Green transition
  resilience: Resilience
thematic_priorities:
  circular-economy: Circular economy
support_types:
  funding: Funding
typology:
  programme: Programme
"""


@dataclass
class Project:
    """A newsroom in a temporary folder: write files, run commands, read the site."""

    root: Path

    def write(self, src_uri: str, text: str) -> Path:
        target = self.root / "content" / src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return target

    def run(self, *args: str) -> Result:
        runner = CliRunner()
        return runner.invoke(
            main, [*args, "--config-file", str(self.root / "mkdocs.yml")], catch_exceptions=False
        )

    def build(self, *args: str) -> Result:
        return self.run("build", "--site-dir", str(self.site), *args)

    @property
    def site(self) -> Path:
        return self.root / "site"

    def page(self, url: str) -> str:
        return (self.site / url / "index.html").read_text(encoding="utf-8")


def make_project(root: Path, page_size: int = 20, shard_pages: int = 1000) -> Project:
    (root / "content").mkdir(parents=True)
    (root / "templates").symlink_to(REPO / "templates")
    config = SCRATCH_CONFIG.format(page_size=page_size, shard_pages=shard_pages)
    (root / "mkdocs.yml").write_text(config)
    (root / "content" / "taxonomy.yml").write_text(SCRATCH_TAXONOMY)
    return Project(root)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "newsroom")


@contextlib.contextmanager
def debug_told() -> Iterator[list[str]]:
    """What the plugin tells at the debug level meanwhile (``build --debug`` prints it)."""
    from newsdesk.adapter import log_name

    logger = logging.getLogger(f"{log_name()}.plugins.newsdesk")
    told: list[str] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = lambda record: told.append(record.getMessage())  # type: ignore[method-assign]
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        yield told
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def told_after(told: list[str], phrase: str) -> str:
    """What follows ``phrase`` on the one line of ``told`` that says it."""
    (line,) = [line for line in told if phrase in line]
    return line.split(phrase)[1]


def error_lines(result: Result) -> list[str]:
    """The ``path:line: message`` lines a failed command printed."""
    return [line for line in result.output.splitlines() if line.startswith("content/")]


def sample_catalog() -> Catalog:
    """The repository's sample content, loaded at the sample build date."""
    settings = Settings(
        docs_dir=REPO / "content",
        project_dir=REPO,
        clock=make_clock(SAMPLE_TODAY, "Europe/Brussels"),
    )
    return load_catalog(settings)


def sample_sections() -> list[tuple[str, str]]:
    """The top level of the sample's navigation as mkdocs.yml lists it: each entry's title
    and the address of its page (``""`` for index.md, ``news/`` for news/index.md)."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    entries = [next(iter(entry.items())) for entry in config["nav"]]
    addresses = [src_uri.removesuffix(".md").removesuffix("index") for _, src_uri in entries]
    return [
        (title, address if address.endswith("/") or not address else f"{address}/")
        for (title, _), address in zip(entries, addresses, strict=True)
    ]


def build_sample(site: Path, today: str = SAMPLE_TODAY) -> Path:
    """Build the repository's sample content into ``site`` at the sample build date."""
    result = CliRunner().invoke(
        main,
        [
            "build",
            "--config-file",
            str(REPO / "mkdocs.yml"),
            "--site-dir",
            str(site),
            "--today",
            today,
        ],
    )
    assert result.exit_code == 0, result.output
    return site


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site, built once for the session."""
    return build_sample(tmp_path_factory.mktemp("sample") / "site")


UNSTABLE_SEARCH_FILES = re.compile(
    r"pagefind/[^/]+/(filter/.*|pagefind\.[^/]*\.pf_meta|pagefind-entry\.json)"
)
"""Pagefind writes its filter and metadata indexes in hash-map order, so their bytes (and the
names that hash them) change from run to run; its pages, words and fragments do not
(Pagefind issue #638)."""


def reader_pages(site: Path, pattern: str = "index.html") -> list[Path]:
    """The site's pages that readers see: not the editing screen at /admin/ (Decap CMS's
    application, for editors)."""
    return [p for p in sorted(site.rglob(pattern)) if p.relative_to(site).parts[0] != "admin"]


def site_files(site: Path) -> dict[str, bytes]:
    return {
        name: p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
        and not UNSTABLE_SEARCH_FILES.fullmatch(name := p.relative_to(site).as_posix())
    }


# -- the browser -------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over http on 127.0.0.1; yields its address."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def base_url(sample_site: Path) -> Iterator[str]:
    with serving(sample_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is missing: run scripts/install-test-deps"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def keep_local(context, foreign: list[str]) -> None:
    """Let ``context`` load only from 127.0.0.1; what it tried to load from elsewhere goes
    into ``foreign``."""

    def block_foreign(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", block_foreign)


@pytest.fixture
def open_page(browser, base_url):
    """Open a page at a width; returns (page, requests that tried to leave 127.0.0.1)."""
    contexts, foreign = [], []

    def opener(url: str, width: int = 1280, scheme: str = "light"):
        context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        keep_local(context, foreign)
        contexts.append(context)
        page = context.new_page()
        page.goto(base_url + url, wait_until="networkidle")
        return page

    yield opener, foreign
    for context in contexts:
        context.close()
