"""``serve``: the preview picks up an edit, and shows a broken one's errors in the page
while it keeps serving the last good content. An edit to an item's body updates that page
alone, in place, and the preview still ends in the bytes of a clean build."""

from __future__ import annotations

import io
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer
from watchdog.events import FileSystemEventHandler

from newsdesk.adapter.commands import (
    PreviewFolders,
    SavesObserver,
    notices_work,
    preview_builder,
)
from newsdesk.adapter.preview import Preview
from newsdesk.adapter.project import read_project
from newsdesk.engine.writer import WORK
from tests.conftest import REPO, SAMPLE_TODAY, Project, site_files
from tests.test_incremental import EDITED, edit, sample_project
from tests.test_incremental import build as build_site

STORY = (
    "---\ntitle: Clusters and the Green Deal\ndate: 2020-02-01\nsummary: {summary}\n---\nBody.\n"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def started_on_a_free_port(
    command: Callable[[int], list[str]], **options: Any
) -> tuple[subprocess.Popen[str], int]:
    """``command(port)`` started on a port no one uses: a server another test started
    meanwhile may take the port ``free_port`` found, and the preview then says so and
    stops at once; it is started again on another."""
    for _ in range(5):
        port = free_port()
        server = subprocess.Popen(command(port), **options)
        if not _stopped_for_its_port(server, port):
            return server, port
    raise AssertionError("five free ports in a row were taken before the preview bound them")


def _stopped_for_its_port(server: subprocess.Popen[str], port: int) -> bool:
    """Whether ``server`` stopped because ``port`` was taken; waits until it listens, stops
    or 30 s pass (what it printed stays for ``communicate``)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            assert server.stdout is not None
            printed = server.stdout.read()
            server.stdout = io.StringIO(printed)
            return "Address already in use" in printed or "is taken" in printed
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return False
        time.sleep(0.1)
    return False


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


@contextmanager
def serving_preview(
    project: Project, tmp_path: Path, today: str = "2020-02-15T09:00"
) -> Iterator[tuple[str, list[str]]]:
    """``python build.py serve`` on ``project``; yields its address and, once it has
    stopped, what it printed. It must leave no folder behind."""
    temporary = tmp_path / "temporary"  # where the preview keeps its folders
    temporary.mkdir()
    server, port = started_on_a_free_port(
        lambda port: [
            sys.executable,
            str(REPO / "build.py"),
            "serve",
            "-f",
            str(project.root / "mkdocs.yml"),
            "-a",
            f"127.0.0.1:{port}",
            "--today",
            today,
        ],
        cwd=project.root,
        env={**os.environ, "TMPDIR": str(temporary), "TEMP": str(temporary)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    printed: list[str] = []
    try:
        yield f"http://127.0.0.1:{port}/", printed
    finally:
        server.terminate()  # as a task runner stops it
        output, _ = server.communicate(timeout=10)
        printed.append(output)
    assert list(temporary.iterdir()) == []  # the preview's folders went with it


def test_preview_reloads_after_an_edit_and_survives_a_broken_one(project: Project, tmp_path: Path):
    story = project.write("news/green-deal.md", STORY.format(summary="First version."))
    with serving_preview(project, tmp_path) as (site, printed):
        url = f"{site}news/green-deal/"
        page = wait_for(url, "First version.")
        assert "livereload" in page
        assert '"build_date": "2020-02-15T09:00:00+01:00"' in (
            fetch(f"{url}../../build.json") or ""
        )
        story.write_text(STORY.format(summary="Second version."))
        wait_for(url, "Second version.")
        story.write_text(STORY.format(summary="Third version.").replace("2020-02-01", "2020-02-30"))
        page = wait_for(url, "1 error in the content")
        assert (
            "content/news/green-deal.md:3: date: 2020-02-30 is not a day: February 2020 has 29 days"
        ) in page
        assert "Second version." in page  # the last good content stays up
        story.write_text(STORY.format(summary="Fourth version."))
        wait_for(url, "Fourth version.")
    assert (
        "content/news/green-deal.md:3: date: 2020-02-30 is not a day: February 2020 has 29 days"
        in printed[0]
    )


LONG_STORY = STORY.replace(
    "Body.\n", "".join(f"Paragraph {n} of a long story.\n\n" for n in range(80))
)


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_the_banner_is_in_sight_after_a_save_reloads_a_page_read_far_down(
    browser, project: Project, tmp_path: Path, width: int
):
    story = project.write("news/green-deal.md", LONG_STORY.format(summary="First version."))
    with serving_preview(project, tmp_path) as (site, _):
        wait_for(f"{site}news/green-deal/", "First version.")
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(f"{site}news/green-deal/")
        page.mouse.wheel(0, 1500)
        page.wait_for_function("scrollY >= 1500")
        reading = page.get_by_text("Paragraph 40 of a long story.").bounding_box()
        story.write_text(story.read_text().replace("2020-02-01", "2020-02-30"))  # a mistake
        page.wait_for_selector(".nd-content-errors", state="attached", timeout=20_000)
        page.wait_for_timeout(500)  # the reload's restored scroll position

        # The page is where the editor was reading, and a notice in sight tells the error.
        assert page.evaluate("scrollY") > 1000
        header = page.locator(".md-header").bounding_box()
        notice = page.get_by_role("link", name="1 error in the content")
        notice.wait_for(timeout=5_000)
        box = notice.bounding_box()
        assert box is not None
        assert box["y"] >= header["y"] + header["height"]  # not under the header
        assert box["y"] + box["height"] <= 800
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert page.evaluate(
            "([x, y]) => !!document.elementFromPoint(x, y).closest('.nd-content-errors__notice')",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )  # nothing covers it
        assert reading is not None and reading["y"] > 0
        # It leads to the list of errors, in sight.
        notice.click()
        banner = page.locator(".nd-content-errors").bounding_box()
        assert banner is not None and 0 <= banner["y"] and banner["y"] + 20 <= 800
        assert page.get_by_text("content/news/green-deal.md:3: date:").is_visible()
        notice.wait_for(state="hidden", timeout=2_000)  # the banner says it now
        context.close()


@contextmanager
def preview(project: Project, folder: Path) -> Iterator[LiveReloadServer]:
    """The preview as ``serve`` runs it, less its web server: a first build into a folder
    under ``folder``, then ``server.builder()`` for each round of edits, as the file
    watcher calls it. What a reader sees is under ``Path(server.root)``."""

    shown = Preview(None)

    def full_build(site_dir: str) -> None:
        config = load_config(str(project.root / "mkdocs.yml"), site_dir=site_dir)
        config = config.plugins.on_config(config)
        shown.build(read_project(config), Path(site_dir), "http://127.0.0.1:8000/")

    folders = PreviewFolders(folder)
    builder = preview_builder(shown, folders, full_build)
    server = LiveReloadServer(builder=builder, host="127.0.0.1", port=0, root=str(folder))
    folders.serve_with(shown, server)
    try:
        folders.build(full_build)
        yield server
    finally:
        server.server_close()
        for thread in threading.enumerate():  # the search index, made in the background
            if thread.name == "newsdesk-search":
                thread.join()
        shown.stop()


PANEL = "news/industry-days-cross-sectoral-cluster-panel.md"
"""A story older items' pages list among their related items."""


def mtime(site: Path, url: str) -> int:
    return (site / url / "index.html").stat().st_mtime_ns


def test_edits_to_items_update_the_preview_in_place_and_end_in_a_clean_build(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(logging.getLogger("mkdocs"), "propagate", True)  # the CLI's is off
    caplog.set_level(logging.INFO, logger="mkdocs")
    project = sample_project(tmp_path / "newsroom")
    story = f"news/{Path(EDITED).stem}"
    event = "events/bulgarian-national-cluster-conference-2019"
    webinar = "events/eccp-launch-meet-the-expert-2021"
    edit(project, f"{webinar}.md", "date: 2021-01-12", "date: 2020-02-20")  # announced early
    with preview(project, tmp_path / "preview") as server:
        listing = mtime(Path(server.root), "news")

        edit(project, EDITED, "\n\n", "\n\nA sentence added while previewing.\n\n")
        edit(project, f"{event}.md", "\n\n", "\n\nThe venue moved to the second floor.\n\n")
        (project.root / "content/news/.swap-file.md.swp").write_text("an editor's swap file")
        caplog.clear()
        server.builder()
        assert f"({event}.md, {EDITED})" in caplog.text
        assert "Documentation built" not in caplog.text  # no full build
        assert (
            "A sentence added while previewing."
            in (Path(server.root) / story / "index.html").read_text()
        )
        assert (
            "The venue moved to the second floor."
            in (Path(server.root) / event / "index.html").read_text()
        )
        assert mtime(Path(server.root), "news") == listing  # nothing else was written
        edition = (Path(server.root) / "newsletters/2020-03/email.html").read_text()
        assert "A sentence added while previewing." in edition  # it shows the story in full

        # Front matter: listings (MkDocs' pages and ours), tag pages, feeds, calendars and
        # the home page show it; an event that moves from past to upcoming.
        caplog.clear()
        edit(project, EDITED, "title: ", "title: Revised, ")
        edit(project, PANEL, "title: ", "title: Retitled, ")
        edit(
            project,
            f"{event}.md",
            "start: 2019-03-26\nend: 2019-03-27",
            "start: 2020-03-26\nend: 2020-03-27",
        )
        server.builder()
        assert "Documentation built" not in caplog.text and "Preview updated" in caplog.text
        for url in (
            "news/index.html",
            "tags/green-transition/index.html",
            "news/feed.xml",
            "newsletters/2020-03/index.html",  # the edition it is in (whose email gives
        ):  # the story a headline of its own)
            assert "Revised, " in (Path(server.root) / url).read_text(), url
        relating = [  # the item pages that list the panel among their related items
            page.parent.name
            for folder in ("news", "events", "calls", "interviews", "knowledge")
            for page in (Path(server.root) / folder).glob("*/index.html")
            if "Retitled, " in page.read_text().partition('<section class="nd-related"')[2]
        ]
        assert len(relating) > 3 and Path(PANEL).stem not in relating

        # The same instant with a bare offset: its calendar is in UTC, not the site's zone.
        edit(project, f"{webinar}.md", "start: 2021-02-26 12:30", "start: 2021-02-26T12:30+01:00")
        edition = Path(server.root) / "newsletters/2020-03/email.html"
        written = edition.stat().st_mtime_ns
        caplog.clear()
        server.builder()
        assert f"({webinar}.md)" in caplog.text
        assert edition.stat().st_mtime_ns == written  # no edition shows it

        # The same instant again, for a call that editions show: their emails name the zone.
        call = "calls/innosup-1-final-call.md"
        edit(project, call, "date: 2020-04-02 17:00", "date: 2020-04-02T17:00+02:00")
        caplog.clear()
        server.builder()
        assert f"({call})" in caplog.text
        assert "17:00 (UTC+2)" in (Path(server.root) / "newsletters/2020-03/email.txt").read_text()
        ics = (Path(server.root) / webinar / "eccp-launch-meet-the-expert-2021.ics").read_text()
        assert "DTSTART:20210226T113000Z" in ics
        assert (
            "Bulgarian" in (Path(server.root) / "events" / "index.html").read_text()
        )  # upcoming now

        caplog.clear()
        edit(project, f"{event}.md", "title: ", "draft: true\ntitle: ")
        server.builder()  # an item that is no longer published: its page goes
        assert "Documentation built" not in caplog.text and "Preview updated" in caplog.text
        assert not (Path(server.root) / event).exists()

        # A new word in the vocabulary, a new item that uses it with an image of its own:
        # a new tag page, a new item page, its image copied. Then the item deleted.
        caplog.clear()
        content = project.root / "content"
        edit(project, "taxonomy.yml", "tags:\n", "tags:\n  blue-economy: Blue economy\n")
        picture = (content / "news/images/green-tech-clusters.png").read_bytes()
        (content / "news/images/harbour.png").write_bytes(picture)
        (content / "news/harbour-clusters-meet.md").write_text(
            "---\ntitle: Harbour clusters meet in Rotterdam\ndate: 2020-02-27\n"
            "summary: Port and maritime clusters from six countries met to plan shared work.\n"
            "tags: [blue-economy]\nimage: images/harbour.png\n"
            "image_alt: Cranes over a container terminal at dusk\n---\n"
            "Port and maritime clusters from six countries met in Rotterdam.\n",
            encoding="utf-8",
        )
        server.builder()
        assert "Documentation built" not in caplog.text and "Preview updated" in caplog.text
        tag_page = (Path(server.root) / "tags/blue-economy/index.html").read_text()
        assert "Harbour clusters meet in Rotterdam" in tag_page
        assert (
            "Rotterdam" in (Path(server.root) / "news/harbour-clusters-meet/index.html").read_text()
        )
        assert (Path(server.root) / "news/images/harbour.png").read_bytes() == picture
        assert "Harbour clusters meet" in (Path(server.root) / "news/feed.xml").read_text()

        # An edition's own file: its email and web version are made again.
        caplog.clear()
        edit(project, "newsletters/2020-03.md", "clusters at the heart", "clusters at the core")
        server.builder()
        assert "Documentation built" not in caplog.text and "Preview updated" in caplog.text
        assert (
            "clusters at the core"
            in (Path(server.root) / "newsletters/2020-03/email.html").read_text()
        )

        caplog.clear()
        (content / "news/harbour-clusters-meet.md").unlink()
        (content / "news/images/harbour.png").unlink()
        server.builder()
        assert "Documentation built" not in caplog.text and "Preview updated" in caplog.text
        assert not (Path(server.root) / "news/harbour-clusters-meet").exists()
        assert not (Path(server.root) / "tags/blue-economy").exists()
        assert not (Path(server.root) / "news/images/harbour.png").exists()
        assert "Harbour clusters meet" not in (Path(server.root) / "news/feed.xml").read_text()

        caplog.clear()
        edit(project, EDITED, "A sentence added", "[A link to nowhere](nowhere.md) added")
        server.builder()  # an error in a body: a full build shows it, over the last good page
        assert "Documentation built" in caplog.text
        page = (Path(server.root) / story / "index.html").read_text()
        assert "1 error in the content" in page
        assert "A sentence added" in page, page

        caplog.clear()
        edit(project, EDITED, "[A link to nowhere](nowhere.md) added", "A sentence mended")
        server.builder()
        assert "Documentation built" in caplog.text  # the error is gone from every page
        caplog.clear()
        edit(project, EDITED, "A sentence mended", "A sentence mended twice")
        server.builder()
        assert "Documentation built" not in caplog.text
        assert "A sentence mended twice" in (Path(server.root) / story / "index.html").read_text()

    clean = tmp_path / "clean"
    build_site(project, clean)
    previewed, fresh = site_files(Path(server.root)), site_files(clean)
    # The preview's own: where it would say that a build failed (none did), and each
    # page's pointer to it.
    assert previewed.pop("preview-failure.txt") == b""
    hook = re.compile(rb'<meta name="nd-preview-failure" content="[^"]*">\n')
    pages = [  # (the editing screen's is Decap CMS's, not a page of the site)
        name for name in previewed if name.endswith("index.html") and not name.startswith("admin/")
    ]
    assert [name for name in pages if not hook.search(previewed[name])] == []
    previewed = {name: hook.sub(b"", content) for name, content in previewed.items()}
    assert sorted(previewed) == sorted(fresh)
    assert [name for name in previewed if previewed[name] != fresh[name]] == []


def test_the_preview_hears_of_saves_at_once_and_not_of_reads(tmp_path: Path):
    heard: list[str] = []
    handler = FileSystemEventHandler()
    handler.on_any_event = lambda event: heard.append(type(event).__name__)
    story = tmp_path / "story.md"
    story.write_text("---\ntitle: A story\n---\nIt begins.\n")
    assert notices_work(tmp_path)
    observer = SavesObserver()
    observer.schedule(handler, str(tmp_path), recursive=True)
    observer.start()
    try:
        story.read_text()  # a build reads every file: that is no save
        time.sleep(0.5)
        assert [name for name in heard if name.startswith("File")] == []
        story.write_text("---\ntitle: A story\n---\nIt goes on.\n")
        deadline = time.monotonic() + 5
        while "FileModifiedEvent" not in heard and time.monotonic() < deadline:
            time.sleep(0.01)
        assert "FileModifiedEvent" in heard
    finally:
        observer.stop()
        observer.join()


def test_the_preview_answers_a_burst_of_300_requests_at_once(project: Project, tmp_path: Path):
    """MkDocs' server listens with a queue of 5: a burst beyond it had connections wait
    past a minute. Every one of 300 requests sent at once is answered."""
    project.write("news/n.md", "---\ntitle: A story\ndate: 2020-02-10\nsummary: S.\n---\nBody.\n")
    with serving_preview(project, tmp_path) as (address, _):
        wait_for(address, "A story", seconds=60)
        count = 300
        start = threading.Barrier(count)
        answered: list[int] = []
        failed: list[str] = []

        def request() -> None:
            start.wait()
            try:
                with urllib.request.urlopen(address, timeout=60) as response:
                    response.read()
                    answered.append(response.status)
            except OSError as exc:
                failed.append(str(exc))

        threads = [threading.Thread(target=request) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failed == [] and answered == [200] * count


def test_stopping_the_preview_while_its_search_index_is_made_leaves_no_folder(tmp_path: Path):
    """The first build's search index is made in the background; a preview stopped while
    Pagefind's program writes into its folder stops the program first, so nothing is
    written after the folders are deleted (``serving_preview`` checks that none is left)."""
    project = sample_project(tmp_path / "newsroom")  # no cache: every shard is indexed
    temporary = tmp_path / "temporary"
    with serving_preview(project, tmp_path, SAMPLE_TODAY):
        deadline = time.monotonic() + 60
        while not any(temporary.glob(f"*/*{WORK}*-index/*-run")):
            assert time.monotonic() < deadline, "Pagefind's program never ran"
            time.sleep(0.005)
