"""One build at a time: a second build of the same project waits for the first, and two
builds started together leave one whole site, never a mix or a partial one."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from newsdesk.engine.lock import project_lock
from newsdesk.engine.writer import WORK
from tests.conftest import REPO, SAMPLE_TODAY, Project, make_project, site_files
from tests.test_incremental import EDITED, build, sample_project


def start_build(root: Path, site: Path) -> subprocess.Popen[str]:
    command = [sys.executable, str(REPO / "build.py"), "build", "--today", SAMPLE_TODAY]
    command += ["-f", str(root / "mkdocs.yml"), "--site-dir", str(site)]
    return subprocess.Popen(
        command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def test_a_build_waits_while_another_holds_the_project(tmp_path: Path):
    project = sample_project(tmp_path / "newsroom")
    lock = project_lock(project.root)
    lock.acquire()
    said: list[str] = []
    try:
        waiting = start_build(project.root, project.site)
        assert waiting.stdout is not None
        reader = threading.Thread(target=lambda: said.extend(waiting.stdout), daemon=True)
        reader.start()
        deadline = time.monotonic() + 60  # however long the machine takes to start it
        while not any("waiting for it to finish" in line for line in said):
            assert waiting.poll() is None and time.monotonic() < deadline, said
            time.sleep(0.05)
        time.sleep(1)
        assert waiting.poll() is None  # still waiting
        assert not project.site.exists()
    finally:
        lock.release()
    assert waiting.wait(timeout=120) == 0
    reader.join()
    assert said[0].startswith(
        "another build of this project is running; waiting for it to finish (it holds "
    )
    assert (project.site / "index.html").is_file()


def test_two_builds_started_together_leave_one_whole_site(tmp_path: Path):
    project = sample_project(tmp_path / "newsroom")
    builds = [start_build(project.root, project.site) for _ in range(2)]
    outputs = [run.communicate(timeout=300)[0] for run in builds]
    assert [run.returncode for run in builds] == [0, 0], outputs
    assert not [path.name for path in project.root.iterdir() if WORK in path.name]

    clean = sample_project(tmp_path / "clean")
    build(clean)
    together, alone = site_files(project.site), site_files(clean.site)
    assert sorted(together) == sorted(alone)
    assert [name for name in together if together[name] != alone[name]] == []


def children(pid: int) -> list[int]:
    listed = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(child) for child in listed.split()]


def descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        below = children(pending.pop())
        found += below
        pending += below
    return found


def command_of(pid: int) -> str:
    listed = subprocess.run(["ps", "-o", "args=", "-p", str(pid)], capture_output=True, text=True)
    return listed.stdout.strip()


def alive(pid: int) -> bool:
    state = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True)
    return bool(state.stdout.strip()) and not state.stdout.strip().startswith("Z")


def many_stories(root: Path) -> Project:
    project = make_project(root)
    for n in range(1, 521):  # enough pages to render for workers to start
        project.write(
            f"news/story-{n}.md",
            f"---\ntitle: Cluster story {n}\ndate: 2020-02-{n % 28 + 1:02d}\n"
            f"summary: Story {n} of the cluster community.\n---\nClusters met, time {n}.\n",
        )
    return project


def test_a_build_killed_while_its_workers_render_leaves_the_site_and_no_process(tmp_path: Path):
    project = many_stories(tmp_path / "newsroom")
    first = start_build(project.root, project.site)
    assert first.wait(timeout=300) == 0, first.stdout.read() if first.stdout else ""
    before = site_files(project.site)
    config = project.root / "mkdocs.yml"  # every page changes: all are rendered again
    config.write_text(config.read_text().replace("Scratch newsroom", "Scratch newsroom, renamed"))

    second = start_build(project.root, project.site)
    deadline = time.monotonic() + 120
    while len(workers := children(second.pid)) < 2:  # the resource tracker and the workers
        assert second.poll() is None and time.monotonic() < deadline, "no workers started"
        time.sleep(0.1)
    time.sleep(1)
    workers = children(second.pid)
    second.kill()  # SIGKILL: nothing of the build runs its clean-up
    second.wait(timeout=30)
    deadline = time.monotonic() + 20
    while [pid for pid in workers if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in workers if alive(pid)] == []
    assert site_files(project.site) == before  # the previous site, whole
    after = start_build(project.root, project.site)  # and the next build goes ahead
    assert after.wait(timeout=300) == 0
    assert "Scratch newsroom, renamed" in project.page("news/story-1")


def test_a_build_killed_while_pagefind_indexes_stops_pagefind_at_once(tmp_path: Path):
    project = many_stories(tmp_path / "newsroom")
    first = start_build(project.root, project.site)
    assert first.wait(timeout=300) == 0, first.stdout.read() if first.stdout else ""
    before = site_files(project.site)
    # Every page of the index changes, and each has much to index: a sample story, thrice.
    story = (REPO / "content" / EDITED).read_text(encoding="utf-8").split("---\n", 2)[2]
    for n in range(1, 521):
        project.write(
            f"news/story-{n}.md",
            f"---\ntitle: Cluster story {n}\ndate: 2020-02-{n % 28 + 1:02d}\n"
            f"summary: Story {n} of the cluster community.\n---\n{story * 3}\n",
        )

    second = start_build(project.root, project.site)
    deadline = time.monotonic() + 180
    indexing: list[int] = []
    while not indexing:
        assert second.poll() is None and time.monotonic() < deadline, "Pagefind never ran"
        indexing = [p for p in descendants(second.pid) if "pagefind_bin" in command_of(p)]
        time.sleep(0.02)
    second.kill()  # SIGKILL, while Pagefind indexes 500 pages (a few seconds of work)
    second.wait(timeout=30)
    time.sleep(0.3)
    assert [pid for pid in indexing if alive(pid)] == []
    assert site_files(project.site) == before
