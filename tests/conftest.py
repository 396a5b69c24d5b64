"""Fixtures: scratch projects written by the test, and one build of the sample site."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from newsdesk.catalog import Catalog, load_catalog
from newsdesk.cli import main
from newsdesk.clock import make_clock
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


@pytest.fixture(autouse=True)
def _no_build_date_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """A NEWSDESK_TODAY in the developer's shell must not change what the tests build."""
    monkeypatch.setenv("NEWSDESK_TODAY", "")


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


def make_project(root: Path, page_size: int = 20) -> Project:
    (root / "content").mkdir(parents=True)
    (root / "templates").symlink_to(REPO / "templates")
    (root / "mkdocs.yml").write_text(SCRATCH_CONFIG.format(page_size=page_size))
    (root / "content" / "taxonomy.yml").write_text(SCRATCH_TAXONOMY)
    return Project(root)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "newsroom")


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


def build_sample(site: Path) -> Path:
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
            SAMPLE_TODAY,
        ],
    )
    assert result.exit_code == 0, result.output
    return site


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site, built once for the session."""
    return build_sample(tmp_path_factory.mktemp("sample") / "site")


UNSTABLE_SEARCH_FILES = re.compile(
    r"pagefind/(filter/.*|pagefind\.[^/]*\.pf_meta|pagefind-entry\.json)"
)
"""Pagefind writes its filter and metadata indexes in hash-map order, so their bytes (and the
names that hash them) change from run to run; its pages, words and fragments do not
(Pagefind issue #638)."""


def site_files(site: Path) -> dict[str, bytes]:
    return {
        name: p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
        and not UNSTABLE_SEARCH_FILES.fullmatch(name := p.relative_to(site).as_posix())
    }
