"""One build at a time: a second build of the same project waits for the first, and two
builds started together leave one whole site, never a mix or a partial one."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from newsdesk.build.lock import project_lock
from tests.conftest import REPO, SAMPLE_TODAY, site_files
from tests.test_incremental import build, sample_project


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
    try:
        waiting = start_build(project.root, project.site)
        time.sleep(3)
        assert waiting.poll() is None  # still waiting
        assert not project.site.exists()
    finally:
        lock.release()
    output, _ = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, output
    assert "another build of this project is running; waiting for it to finish" in output
    assert (project.site / "index.html").is_file()


def test_two_builds_started_together_leave_one_whole_site(tmp_path: Path):
    project = sample_project(tmp_path / "newsroom")
    builds = [start_build(project.root, project.site) for _ in range(2)]
    outputs = [run.communicate(timeout=300)[0] for run in builds]
    assert [run.returncode for run in builds] == [0, 0], outputs
    assert not [path.name for path in project.root.iterdir() if ".building" in path.name]

    clean = sample_project(tmp_path / "clean")
    build(clean)
    together, alone = site_files(project.site), site_files(clean.site)
    assert sorted(together) == sorted(alone)
    assert [name for name in together if together[name] != alone[name]] == []
