"""``serve``: the preview picks up an edit, and shows a broken one's errors in the page
while it keeps serving the last good content."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

from tests.conftest import REPO, Project

STORY = (
    "---\ntitle: Clusters and the Green Deal\ndate: 2020-02-01\nsummary: {summary}\n---\nBody.\n"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode()
    except OSError:
        return None


def wait_for(url: str, text: str, seconds: float = 20) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = fetch(url)
        if page and text in page:
            return page
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not appear at {url} within {seconds} s")


def test_preview_reloads_after_an_edit_and_survives_a_broken_one(project: Project):
    story = project.write("news/green-deal.md", STORY.format(summary="First version."))
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "build.py"),
            "serve",
            "-f",
            str(project.root / "mkdocs.yml"),
            "-a",
            f"127.0.0.1:{port}",
        ],
        cwd=project.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/news/green-deal/"
    try:
        page = wait_for(url, "First version.")
        assert "livereload" in page
        story.write_text(STORY.format(summary="Second version."))
        wait_for(url, "Second version.")
        story.write_text(STORY.format(summary="Third version.").replace("2020-02-01", "2020-02-30"))
        page = wait_for(url, "1 error in the content")
        assert (
            "content/news/green-deal.md:3: date: expected a date as YYYY-MM-DD, "
            "got &#39;2020-02-30&#39;"
        ) in page
        assert "Second version." in page  # the last good content stays up
        story.write_text(STORY.format(summary="Fourth version."))
        wait_for(url, "Fourth version.")
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert (
        "content/news/green-deal.md:3: date: expected a date as YYYY-MM-DD, got '2020-02-30'"
        in output
    )
