"""The build cache: damage to it never reaches a site nor what the next build makes, its
keys hold everything an entry depends on, it stays within its size, and warnings a page
raised are told again whenever the page comes from the cache."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import pytest

from newsdesk.engine import cache as build_cache
from tests.conftest import Project, site_files
from tests.test_incremental import build, cached, markdown_entries, sample_project

STORY = """\
---
title: Clusters meet in Sofia
date: 2020-02-10
summary: Bulgarian clusters plan a joint mission.
---
The [programme](documents/missing-programme.pdf) follows. ==Registration is open.==
"""


def entries(project: Project) -> list[Path]:
    return sorted(path for path in (project.root / ".cache").rglob("*") if path.is_file())


def test_an_entry_is_checked_when_read():
    data = build_cache.sealed("key", b"<html>page</html>", {"warnings": []})
    assert build_cache.unsealed("key", data) == ({"warnings": []}, b"<html>page</html>")
    assert build_cache.unsealed("key", data[:-3]) is None  # truncated
    assert build_cache.unsealed("key", data.replace(b"page", b"gape")) is None  # a byte changed
    assert build_cache.unsealed("another key", data) is None  # another entry's bytes


def damage_entries(project: Project) -> None:
    """Every other entry truncated, the rest with one byte changed."""
    database = cached(project).database
    rows = database.run("SELECT store, key, data FROM entries ORDER BY store, key")
    assert {store for store, _, _ in rows} == {"markdown", "pages", "search", "manifests", "images"}
    for number, (store, key, data) in enumerate(rows):
        data = data[: len(data) // 2] if number % 2 else data[:-1] + bytes([data[-1] ^ 1])
        database.run("UPDATE entries SET data = ? WHERE store = ? AND key = ?", data, store, key)


def damage_files(project: Project) -> None:
    """Every file under .cache/ (the database among them) truncated or a byte changed."""
    damaged = entries(project)
    assert any(path.name == build_cache.DATABASE for path in damaged)
    for number, path in enumerate(damaged):
        os.chmod(path, 0o644)
        data = path.read_bytes()
        if number % 2:  # every other one truncated, the rest with one byte changed
            path.write_bytes(data[: len(data) // 2])
        elif data:
            middle = len(data) // 2
            path.write_bytes(data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :])


@pytest.mark.parametrize("damage", [damage_entries, damage_files])
def test_damage_to_the_cache_never_changes_the_site_or_the_next_build(
    tmp_path: Path, damage: Callable[[Project], None]
):
    project = sample_project(tmp_path / "newsroom")
    build(project)
    before = site_files(project.site)
    damage(project)
    assert site_files(project.site) == before  # no file of the site is one of the cache

    (project.root / "content/news/sofia-mission.md").write_text(STORY.replace("==", ""))
    build(project)
    clean = sample_project(tmp_path / "clean")
    shutil.copy(project.root / "content/news/sofia-mission.md", clean.root / "content/news")
    build(clean)
    after, fresh = site_files(project.site), site_files(clean.site)
    assert sorted(after) == sorted(fresh)
    assert [name for name in after if after[name] != fresh[name]] == []


def test_markdown_is_converted_again_when_an_extension_package_changes(
    project: Project, monkeypatch: pytest.MonkeyPatch
):
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text() + "markdown_extensions:\n  - pymdownx.mark\n")
    project.write("news/sofia-mission.md", STORY)
    assert project.build().exit_code == 0
    assert "<mark>Registration is open.</mark>" in project.page("news/sofia-mission")
    converted = markdown_entries(project)

    real = metadata.version
    monkeypatch.setattr(
        metadata, "version", lambda name: "99.0" if name == "pymdown-extensions" else real(name)
    )
    assert project.build().exit_code == 0
    assert markdown_entries(project) - converted  # converted by the new version


def test_the_cache_keeps_within_its_size_dropping_what_was_used_least_recently(
    project: Project,
):
    config = project.root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("  - newsdesk:\n", "  - newsdesk:\n      cache_max_mb: 0\n")
    )
    story = project.write("news/sofia-mission.md", STORY)
    assert project.build().exit_code == 0
    first = markdown_entries(project)
    long_ago = time.time() - 3600
    cached(project).database.run("UPDATE entries SET used = ?", long_ago)

    story.write_text(STORY.replace("follows.", "follows, in English."))
    assert project.build().exit_code == 0
    now = markdown_entries(project)
    assert len(now) == 1 and not now & first  # the new body's HTML, made by this build
    assert all(used > long_ago for _, used in cached(project).pages.keys())


def test_strict_fails_every_build_that_has_a_warning_cached_or_not(project: Project):
    config = project.root / "mkdocs.yml"
    config.write_text("strict: true\n" + config.read_text())
    project.write("news/sofia-mission.md", STORY.replace("==", ""))
    for attempt in ("first", "second, from the cache"):
        result = project.build()
        assert result.exit_code == 1, attempt
        assert "missing-programme.pdf" in result.output, attempt
        assert "in strict mode" in result.output, attempt
