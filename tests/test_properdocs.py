"""ProperDocs, the fork of MkDocs 1.x, runs Newsdesk's plugin as MkDocs does: ``properdocs
build`` finds it under ProperDocs' own entry point group and makes the site ``mkdocs build``
makes, but for the generator line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from tests.conftest import REPO, SAMPLE_TODAY, Project, site_files


def sample_project(root: Path) -> Path:
    """A copy of the sample newsroom, with a cache of its own; returns its mkdocs.yml."""
    root.mkdir(parents=True)
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "templates").symlink_to(REPO / "templates")
    return root / "mkdocs.yml"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python args…`` with this environment's Python; Material's notice about MkDocs 2
    is not asked for."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "true"}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def build_with(tool: str, root: Path, site: Path) -> dict[str, bytes]:
    """The sample site as ``tool build`` makes it, from a copy of its own."""
    config = sample_project(root)
    result = run("-m", tool, "build", "--quiet", "-f", str(config), "-d", str(site), cwd=root)
    assert result.returncode == 0, result.stderr
    return site_files(site)


def generator(engine: bytes) -> bytes:
    """The generator line Material writes for ``engine`` (what the build gives it as
    ``mkdocs_version``: ProperDocs says its name)."""
    material = metadata.version("mkdocs-material").encode()
    return b'<meta name="generator" content="mkdocs-%s, mkdocs-material-%s">' % (engine, material)


def test_properdocs_finds_the_plugin_under_its_own_entry_point_group(tmp_path: Path):
    """ProperDocs reads ``properdocs.plugins`` and, for MkDocs' plugins, ``mkdocs.plugins``
    as well; registered under its own group, the plugin does not depend on that fallback."""
    result = run(
        "-c",
        "from properdocs.plugins import get_plugins\n"
        "found = get_plugins()['newsdesk']\n"
        "print(found.group, found.value)",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["properdocs.plugins", "newsdesk.adapter.plugin:NewsdeskPlugin"]


def test_properdocs_build_makes_the_site_mkdocs_build_makes_but_for_the_generator_line(
    tmp_path: Path,
):
    # Neither command takes --today: the date both build at is mkdocs.yml's.
    assert f"today: {SAMPLE_TODAY}" in (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    by_mkdocs = build_with("mkdocs", tmp_path / "for-mkdocs", tmp_path / "by-mkdocs")
    by_properdocs = build_with(
        "properdocs", tmp_path / "for-properdocs", tmp_path / "by-properdocs"
    )

    mkdocs_line = generator(metadata.version("mkdocs").encode())
    properdocs_line = generator(b"ProperDocs " + metadata.version("properdocs").encode())
    assert mkdocs_line in by_mkdocs["index.html"]
    assert properdocs_line in by_properdocs["index.html"]
    expected = {
        name: content.replace(mkdocs_line, properdocs_line) for name, content in by_mkdocs.items()
    }
    differing = sorted(name for name in expected if expected[name] != by_properdocs.get(name))
    assert differing == []
    assert by_properdocs.keys() == by_mkdocs.keys()


def test_a_strict_properdocs_build_fails_on_a_warning_told_from_the_cache(project: Project):
    """MkDocs stays installed beside ProperDocs (Newsdesk requires it): the warnings of a page
    rendered under ``properdocs build`` are ProperDocs', and are kept with the page in the
    cache, so that a strict build that takes the page from there fails as the first did."""
    project.write(
        "news/sofia-mission.md",
        """
        ---
        title: Clusters meet in Sofia
        date: 2020-02-10
        summary: Bulgarian clusters plan a joint mission.
        ---
        The [programme](documents/missing-programme.pdf) follows.
        """,
    )
    config, site = str(project.root / "mkdocs.yml"), str(project.site)
    first = run("-m", "properdocs", "build", "-f", config, "-d", site, cwd=project.root)
    assert first.returncode == 0, first.stderr
    assert "missing-programme.pdf" in first.stderr
    strict = run(
        "-m", "properdocs", "build", "--strict", "-f", config, "-d", site, cwd=project.root
    )
    assert strict.returncode == 1, strict.stderr
    assert "missing-programme.pdf" in strict.stderr
