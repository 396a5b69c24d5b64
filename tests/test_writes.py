"""Writing the site: only the files that changed, each replaced at once, under a journal
that lets the next build finish one that was killed while writing."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from newsdesk.engine.cache import CACHE_DIR
from tests.conftest import REPO, SAMPLE_TODAY, site_files
from tests.test_incremental import EDITED, build, edit, sample_project

LATER = "2020-06-15"
"""A build date at which events have passed and calls closed: most pages change."""

KILLED = """
import os, runpy, sys
from newsdesk.engine import writer

steps, limit = 0, int(sys.argv.pop(1))

def step(do):
    def stepped(*args, **kwargs):
        global steps
        steps += 1
        if steps > limit:
            os._exit(137)  # as a kill: no cleaning up, no finally
        return do(*args, **kwargs)
    return stepped

writer._move = step(writer._move)
writer.remove_from_site = step(writer.remove_from_site)
sys.argv[0] = sys.argv[1]
del sys.argv[1]
runpy.run_path(sys.argv[0], run_name="__main__")
"""
"""A build that dies, as if killed, after ``limit`` files of its write phase were moved
into the site or deleted from it."""


def journals(root: Path) -> list[Path]:
    return sorted((root / CACHE_DIR).glob("journal-*.json"))


def killed_build(root: Path, limit: int, today: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", KILLED, str(limit), str(REPO / "build.py"), "build"]
    return subprocess.run(
        [*command, "--today", today], cwd=root, capture_output=True, text=True, timeout=300
    )


def test_a_build_killed_while_writing_is_finished_by_the_next(tmp_path: Path):
    project = sample_project(tmp_path / "newsroom")
    build(project, tmp_path / "clean", today=LATER)
    clean = site_files(tmp_path / "clean")
    build(project)
    before = site_files(project.site)
    # Where a build of the later date stops: at its first file, at random points, late.
    for limit in (0, *random.sample(range(1, 200), 3), 230):
        result = killed_build(project.root, limit, LATER)
        assert result.returncode == 137, result.stdout + result.stderr
        assert journals(project.root), "the killed build left no journal"
        written = json.loads(journals(project.root)[0].read_text(encoding="utf-8"))["paths"]
        assert len(written) > 200  # the dated pages, feeds and calendars all change
        build(project, today=LATER)
        assert not journals(project.root)
        assert site_files(project.site) == clean, f"killed after {limit} files"
        build(project)  # back to the earlier date, for the next kill
        assert site_files(project.site) == before
    leftovers = [path.name for path in project.root.iterdir() if path.name.startswith(".site")]
    assert leftovers == []


def test_a_build_touches_only_the_files_that_changed(tmp_path: Path):
    project = sample_project(tmp_path / "newsroom")
    build(project)
    files = {path: path.stat() for path in project.site.rglob("*") if path.is_file()}
    edit(
        project,
        "news/green-deal-clusters-climate-neutral-europe.md",
        "\n---\n",
        "\n---\nA new first line.\n\n",
    )
    build(project)
    touched = sorted(
        path.relative_to(project.site).as_posix()
        for path, status in files.items()
        if not path.exists()  # a search shard's file, named by its content
        or (path.stat().st_ino, path.stat().st_mtime_ns) != (status.st_ino, status.st_mtime_ns)
    )
    assert "news/green-deal-clusters-climate-neutral-europe/index.html" in touched
    assert 0 < len(touched) < len(files) // 10, touched
    assert "events/bulgarian-national-cluster-conference-2019/index.html" not in touched
    assert "assets/logo.svg" not in touched


def test_a_file_changed_in_the_site_since_the_last_build_is_written_again(tmp_path: Path):
    project = sample_project(tmp_path / "newsroom")
    build(project)
    page = project.site / "about/index.html"
    original = page.read_bytes()
    page.write_bytes(b"<p>Changed by hand</p>")
    (project.site / "stray.txt").write_text("not the site's")
    edit(
        project, "news/green-deal-clusters-climate-neutral-europe.md", "\n---\n", "\n---\nMore.\n\n"
    )
    build(project)
    assert page.read_bytes() == original
    assert not (project.site / "stray.txt").exists()


def test_working_folders_of_a_killed_build_are_removed(tmp_path: Path):
    project = sample_project(tmp_path / "newsroom")
    left = project.root / ".site.newsdesk-work-4242-0"
    (left / "news/a").mkdir(parents=True)
    (left / "news/a/index.html").write_text("<p>A page a killed build made</p>")
    build(project)
    assert not left.exists()
    assert not (project.site / "news/a").exists()


def test_a_stopped_build_is_finished_where_the_clock_cannot_tell_its_files_apart(
    tmp_path: Path,
):
    """On a file system whose times of change are coarse (a second or two, as on FAT or
    HFS+), a file replaced and its old self may look alike by size and time: the journal,
    not the file's looks, says which files a stopped build may have replaced."""
    project = sample_project(tmp_path / "newsroom")
    build(project)
    before = site_files(project.site)
    page = project.site / "news/green-deal-clusters-climate-neutral-europe/index.html"
    was = page.stat()
    edit(project, EDITED, "title: Clusters called on", "title: Clusters relied on")
    killed_build(project.root, 0, SAMPLE_TODAY)
    steps = len(json.loads(journals(project.root)[0].read_text(encoding="utf-8"))["paths"])
    result = killed_build(project.root, steps - 1, SAMPLE_TODAY)  # all but the last file
    assert result.returncode == 137, result.stdout + result.stderr
    assert b"Clusters relied on" in page.read_bytes() and page.stat().st_size == was.st_size
    os.utime(page, ns=(was.st_atime_ns, was.st_mtime_ns))  # in the same tick of the clock
    edit(project, EDITED, "title: Clusters relied on", "title: Clusters called on")
    build(project)
    assert site_files(project.site) == before
