"""Content no editor meant to write, and some that came from outside the team: each is
an error naming the file, the line and what to do; never a traceback or a hang."""

from __future__ import annotations

import html
import logging
import os
import socket
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import feedparser
import pytest

from newsdesk.adapter import log_name, render
from newsdesk.content import sources
from tests.conftest import REPO, SAMPLE_TODAY, Project, error_lines
from tests.test_serve import preview

STORY = "---\ntitle: Clusters meet\ndate: 2020-02-10\nsummary: A mission.\n{extra}---\nBody.\n"


def story(extra: str = "") -> str:
    return STORY.format(extra=extra)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="this system has no named pipes")
def test_files_that_are_not_plain_files_are_errors_and_never_hang(project: Project):
    news = project.root / "content" / "news"
    news.mkdir()
    os.symlink(news / "nowhere.md", news / "gone.md")  # a link to nothing
    os.symlink(news / "self.md", news / "self.md")  # a link to itself
    os.mkfifo(news / "pipe.md")  # reading it would wait for ever
    os.mkfifo(news / "photo.jpg")  # so would copying it
    (news / "folder.md").mkdir()
    (news / "folder.md" / "inside.txt").write_text("a folder named like a page")
    result = project.run("check")
    assert result.exit_code == 1, result.output
    assert error_lines(result) == [
        "content/news/folder.md:1: is a folder named like a page; rename it",
        "content/news/gone.md:1: is a link to a file that is not there; remove it or restore "
        "what it names",
        "content/news/photo.jpg:1: is a pipe, not a file; remove it",
        "content/news/pipe.md:1: is a pipe, not a file; remove it",
        "content/news/self.md:1: is a link that leads back to itself; remove it",
    ]
    assert "Traceback" not in result.output


def test_a_file_the_build_may_not_read_is_an_error(
    project: Project, monkeypatch: pytest.MonkeyPatch
):
    locked = project.write("news/locked.md", story())
    if os.name == "posix" and os.geteuid() != 0:
        locked.chmod(0)
    else:  # the administrator may read anything: the refusal is the system's, simulated
        real_open = os.open

        def refused(path, *args, **kwargs):
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(sources.os, "open", refused)
    result = project.run("check")
    assert error_lines(result) == [
        "content/news/locked.md:1: cannot be read: the build is not allowed to open it; make "
        "it readable"
    ]


def test_taxonomy_and_configuration_that_are_not_utf8_name_their_line(project: Project):
    taxonomy = project.root / "content" / "taxonomy.yml"
    taxonomy.write_bytes(taxonomy.read_bytes() + b"\ntags:\n  caf\xe9: Caf\xe9\n")
    lines = taxonomy.read_bytes().count(b"\n")
    result = project.run("check")
    assert error_lines(result) == [
        f"content/taxonomy.yml:{lines}: is not UTF-8 text; save it as UTF-8"
    ]

    config = project.root / "mkdocs.yml"
    config.write_bytes(b"site_name: Caf\xe9 des clusters\n" + config.read_bytes())
    result = project.run("check")
    assert result.exit_code == 1
    assert "mkdocs.yml:1: is not UTF-8 text; save it as UTF-8" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "budget: !!int nope\n",
            "5: 'nope' is not a whole number YAML can read; write it plainly or in quotes",
        ),
        (
            "budget: !!float 1 3:9\n",
            "5: '1 3:9' is not a number YAML can read; write it plainly or in quotes",
        ),
        (
            f"budget: {'9' * 5000}\n",
            f"5: '{'9' * 40}…' is not a whole number YAML can read; write it plainly or in quotes",
        ),
        (
            "deadline: !!timestamp 2020-3-45\n",
            "5: the YAML tag '!!timestamp' is not allowed; remove it and write the value plainly",
        ),
        (
            "note: !!binary aGVsbG8=\n",
            "5: the YAML tag '!!binary' is not allowed; remove it and write the value plainly",
        ),
        (
            "tags: !custom [energy]\n",
            "5: the YAML tag '!custom' is not allowed; remove it and write the value plainly",
        ),
        (
            "base: &base {city: Sofia}\nlocation:\n  <<: *base\n  country: BG\n",
            "7: YAML merge keys ('<<') are not allowed; write the fields out",
        ),
        (
            "one: &a [x]\ntwo: *a\n",
            "6: YAML aliases ('*name') are not allowed; write the value out in full",
        ),
        (
            "1: one\n",
            "5: a key must be text, like 'title:'; '1' is read as a value: put it in quotes",
        ),
        (
            "true: yes\n",
            "5: a key must be text, like 'title:'; 'true' is read as a value: put it in quotes",
        ),
        (
            "deep: " + "[" * 1000 + "]" * 1000 + "\n",
            "5: values are nested more than 20 levels deep; simplify them",
        ),
        ("e: !!bool\n", "5: '!!bool' has no value after it; write one, or remove the tag"),
        (
            "e: !!bool 2020-03-29t02:30:00\n",
            "5: '2020-03-29t02:30:00' is not true or false YAML can read; write it plainly or "
            "in quotes",
        ),
        ("y: !!float\n", "5: '!!float' has no value after it; write one, or remove the tag"),
        (
            "y: !!float &a\nz: 1\n",
            "5: '!!float' has no value after it; write one, or remove the tag",
        ),
        ("y: [!!int ]\n", "5: '!!int' has no value after it; write one, or remove the tag"),
        ("y: !!int ''\n", "5: '!!int' has no value after it; write one, or remove the tag"),
    ],
    ids=[
        "int-tag",
        "float-tag",
        "huge-int",
        "timestamp-tag",
        "binary-tag",
        "custom-tag",
        "merge-key",
        "alias",
        "number-key",
        "boolean-key",
        "deep-nesting",
        "empty-bool",
        "date-as-bool",
        "empty-float",
        "anchored-empty-float",
        "empty-int-in-list",
        "quoted-empty-int",
    ],
)
def test_yaml_features_front_matter_has_no_use_for_are_refused_on_their_line(
    project: Project, extra: str, expected: str
):
    project.write("news/odd.md", story(extra))
    result = project.run("check")
    assert result.exit_code == 1, result.output
    assert error_lines(result) == [f"content/news/odd.md:{expected}"]
    assert "Traceback" not in result.output


def test_a_thousand_levels_of_nesting_in_the_taxonomy_are_refused(project: Project):
    taxonomy = project.root / "content" / "taxonomy.yml"
    taxonomy.write_text("tags: " + "{a: " * 1000 + "b" + "}" * 1000 + "\n")
    assert error_lines(project.run("check")) == [
        "content/taxonomy.yml:1: values are nested more than 20 levels deep; simplify them"
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="this system has no named pipes")
def test_a_pipe_saved_into_the_content_never_freezes_the_preview(project: Project, tmp_path: Path):
    project.write("news/n.md", story())
    site = tmp_path / "preview"
    with preview(project, site) as server:
        os.mkfifo(project.root / "content" / "news" / "photo.jpg")
        rebuild = threading.Thread(target=server.builder, daemon=True)
        rebuild.start()
        rebuild.join(timeout=120)
        assert not rebuild.is_alive(), "the preview's rebuild hangs on the pipe"
    page = (Path(server.root) / "index.html").read_text(encoding="utf-8")
    assert "content/news/photo.jpg:1: is a pipe, not a file; remove it" in page


FAULT = """\
import sys
from newsdesk.adapter import log_name, render
from newsdesk.engine import pipeline
def plan_site(*args, **kwargs):
    raise RuntimeError("a fault nobody foresaw")
pipeline.plan_site = plan_site
from newsdesk.cli import run
sys.argv = ["build.py", *sys.argv[1:]]
run()
"""
"""A fault that no input causes any more, injected: what every unforeseen one would do."""


@pytest.mark.parametrize("debug", [False, True])
def test_an_unforeseen_failure_is_one_line_exit_2_and_the_site_stays(project: Project, debug: bool):
    project.write("news/n.md", story())
    assert project.build().exit_code == 0
    before = (project.site / "index.html").read_bytes()
    project.write("news/n.md", story().replace("Clusters meet", "Clusters met"))
    command = [sys.executable, "-c", FAULT, "build", "--today", SAMPLE_TODAY]
    result = subprocess.run(
        [*command, "--debug"] if debug else command,
        cwd=project.root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "error while planning the pages: RuntimeError: a fault nobody foresaw. The site is "
        "as it was. Newsdesk did not foresee this: run the command again with --debug and "
        "report what it prints."
    )
    assert ("Traceback (most recent call last)" in result.stderr) is debug
    assert (project.site / "index.html").read_bytes() == before


EVENT = "---\ntitle: Cluster days\nsummary: Two days.\nkind: conference\n{extra}---\nBody.\n"


@pytest.mark.parametrize(
    ("src_uri", "text", "expected"),
    [
        (
            "events/e.md",
            EVENT.format(extra="start: 0001-01-01\n"),
            "content/events/e.md:5: start: 0001-01-01 is out of range; give a year from 1900 "
            "to 2199",
        ),
        (
            "events/e.md",
            EVENT.format(extra="start: 2020-03-01\nend: 9999-12-31 23:00\n"),
            "content/events/e.md:6: end: 9999-12-31 23:00 is out of range; give a year from "
            "1900 to 2199",
        ),
        (
            "news/n.md",
            story().replace("title: Clusters meet", 'title: "Clusters\\0meet"'),
            "content/news/n.md:2: title: contains the control character U+0000, which feeds, "
            "calendars and emails cannot carry; remove it",
        ),
        (
            "news/n.md",
            story().replace("summary: A mission.", 'summary: "A mission.\\x1b[31m"'),
            "content/news/n.md:4: summary: contains the control character U+001B, which "
            "feeds, calendars and emails cannot carry; remove it",
        ),
        (
            "news/n.md",
            story().replace("title: Clusters meet", 'title: "Clusters\\r\\nBcc: all"'),
            "content/news/n.md:2: title: must be one line; remove the line break",
        ),
        (
            "news/n.md",
            story().replace("title: Clusters meet", 'title: "Clusters\\Lmeet"'),
            "content/news/n.md:2: title: must be one line; remove the line break",
        ),
        (
            "news/n.md",
            story("tags: [green-transition, matchmaking, green-transition]\n"),
            "content/news/n.md:5: tags: 'green-transition' is listed twice; keep one",
        ),
        (
            "calls/c.md",
            "---\ntitle: Cluster fund\nsummary: Money.\nprogramme: COSME\n"
            f"budget_eur: 1{'0' * 400}\ndeadlines: [{{date: 2020-05-01}}]\n---\nBody.\n",
            f"content/calls/c.md:5: budget_eur: expected a positive amount in euros like "
            f"25150000, got 1{'0' * 39}…",
        ),
    ],
    ids=[
        "year-1",
        "year-9999",
        "nul",
        "escape",
        "crlf",
        "line-separator",
        "duplicate-tag",
        "huge-budget",
    ],
)
def test_values_feeds_calendars_and_emails_cannot_carry_are_errors(
    project: Project, src_uri: str, text: str, expected: str
):
    project.write(src_uri, text)
    result = project.run("check")
    assert result.exit_code == 1, result.output
    assert error_lines(result) == [expected]


def test_a_build_date_out_of_range_is_a_clear_error(project: Project):
    result = project.run("check", "--today", "0001-01-01")
    assert result.exit_code == 1
    assert "build date 0001-01-01 is out of range; give a year from 1900 to 2199" in (result.output)
    assert "Traceback" not in result.output


class Told(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_an_unforeseen_failure_while_previewing_is_told_and_the_preview_goes_on(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    story_file = project.write("news/n.md", story())
    site = tmp_path / "preview"
    said = Told()
    logger = logging.getLogger(f"{log_name()}.plugins.newsdesk")
    logger.addHandler(said)
    with preview(project, site) as server:
        for thread in threading.enumerate():
            if thread.name == "newsdesk-search":
                thread.join()
        real = render.markdown_key

        def failing(setup, src_uri, content):  # once MkDocs would have emptied the site
            if src_uri == "news/n.md":
                raise RuntimeError("a fault nobody foresaw")
            return real(setup, src_uri, content)

        monkeypatch.setattr(render, "markdown_key", failing)
        story_file.write_text(story().replace("Clusters meet", "Clusters met"))
        server.builder()  # returns: the server's loop goes on answering requests
        logger.removeHandler(said)
        assert said.lines[-1] == (
            "error while rendering the pages, at content/news/n.md: RuntimeError: a fault "
            "nobody foresaw. Newsdesk did not foresee this: run the command again with --debug "
            "and report what it prints."
        )
        served = Path(server.root)  # the last good site, whole
        page = (served / "news/n/index.html").read_text(encoding="utf-8")
        assert "Clusters meet" in page
        # Its pages say why, at the top (the script reads what the preview wrote).
        assert '<meta name="nd-preview-failure" content="../../preview-failure.txt">' in page
        told = (served / "preview-failure.txt").read_text(encoding="utf-8")
        assert told == said.lines[-1]
        assert (served / "pagefind" / "shards.json").is_file()
        assert [folder.name for folder in site.iterdir()] == [served.name]  # none half-made
        monkeypatch.setattr(render, "markdown_key", real)
        story_file.write_text(story().replace("Body.", "Third body."))
        server.builder()
        assert (Path(server.root) / "preview-failure.txt").read_text(encoding="utf-8") == ""
    assert "Third body." in (Path(server.root) / "news/n/index.html").read_text(encoding="utf-8")


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text += data


def test_html_in_a_summary_is_text_in_every_feed(project: Project):
    summary = "Clusters <img src=x onerror=alert(1)> meet & greet"
    project.write("news/n.md", story().replace("summary: A mission.", f"summary: '{summary}'"))
    assert project.build().exit_code == 0
    rss = ElementTree.parse(project.site / "feed.xml").getroot()
    description = rss.find("channel/item/description")
    assert description is not None
    shown = Tags()
    shown.feed(description.text or "")  # a feed reader reads a description as HTML
    assert shown.tags == [] and shown.text == summary
    atom = ElementTree.parse(project.site / "news/atom.xml").getroot()
    entry_summary = atom.find(
        "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary"
    )
    assert entry_summary is not None and entry_summary.get("type") == "text"
    assert entry_summary.text == summary
    parsed = feedparser.parse(project.site / "feed.xml")
    assert parsed.entries[0].summary == html.escape(summary, quote=False)


def test_files_that_would_run_script_in_the_site_or_replace_its_files_are_errors(
    project: Project,
):
    project.write("news/n.md", story())
    files = {
        "news/images/map.svg": '<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>',
        "news/images/bad.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)'
        "</script></svg>",
        "news/images/handler.svg": '<svg onload="alert(1)"/>',
        "news/images/tracker.svg": '<svg><image href="https://tracker.example/p.png"/></svg>',
        "about/form.html": "<form><script>steal()</script></form>",
        "feed.xml": "<rss/>",
        "news/atom.xml": "<feed/>",
        "pagefind/pagefind.js": "alert(1)",
    }
    for src_uri, text in files.items():
        project.write(src_uri, text)
    result = project.run("check")
    assert result.exit_code == 1
    svg = (
        "is an SVG image with scripts or outside links, which would run in the site's "
        "pages; remove them, or save the image as PNG"
    )
    replaces = "would replace a file the site makes of the content; rename it"
    assert error_lines(result) == [
        "content/about/form.html:1: is an HTML file, which the site would publish as it is, "
        "scripts and all, outside its templates and checks; write it as a Markdown page (.md)",
        f"content/news/images/bad.svg:1: {svg}",
        f"content/news/images/handler.svg:1: {svg}",
        f"content/news/images/tracker.svg:1: {svg}",
    ]
    for src_uri in ("about/form.html", "news/images/bad.svg", "news/images/handler.svg"):
        (project.root / "content" / src_uri).unlink()
    (project.root / "content/news/images/tracker.svg").unlink()
    result = project.run("check")
    assert error_lines(result) == [
        f"content/feed.xml:1: {replaces}",
        f"content/news/atom.xml:1: {replaces}",
        f"content/pagefind/pagefind.js:1: {replaces}",
    ]


@pytest.mark.parametrize(
    ("extra", "body", "expected"),
    [
        (
            "source_url: '[ ]://]'\n",
            "Body.",
            "5: source_url: expected a web address starting with https://, got '[ ]://]'",
        ),
        (
            "source_url: javascript:alert(1)\n",
            "Body.",
            "5: source_url: expected a web address starting with https://, got "
            "'javascript:alert(1)'",
        ),
        (
            "",
            "See [the call](javascript:alert(1)).",
            "6: link 'javascript:alert(1)' would run a script or open a file rather than a "
            "page; link to a web address (https://…) or a page of the site",
        ),
        (
            "",
            "See [the map](data:text/html;base64,PHNjcmlwdD4=).",
            "6: link 'data:text/html;base64,PHNjcmlwdD4=' would run a script or open a file "
            "rather than a page; link to a web address (https://…) or a page of the site",
        ),
        (
            "",
            "See [the site](http://[cluster/).",
            "6: link 'http://[cluster/' is not an address that can be read; check its brackets and "
            "spelling",
        ),
    ],
    ids=["unparsable-url", "javascript-url", "javascript-link", "data-link", "bad-link"],
)
def test_addresses_that_do_not_parse_or_would_run_script_are_errors(
    project: Project, extra: str, body: str, expected: str
):
    project.write("news/n.md", story(extra).replace("Body.", body))
    result = project.run("check")
    assert error_lines(result) == [f"content/news/n.md:{expected}"]


def test_serve_on_a_port_in_use_says_so_and_stops(project: Project):
    project.write("news/n.md", story())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, str(REPO / "build.py"), "serve", "-a", f"127.0.0.1:{port}"],
            cwd=project.root,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: cannot serve the preview on 127.0.0.1:{port}: Address already in use; stop "
        f"the program that uses it, or choose another port: -a 127.0.0.1:{port + 1}"
    )


def test_search_keeps_working_while_the_preview_builds_it_all_again(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    project.write("news/n.md", story())
    site = tmp_path / "preview"
    seen: list[bool] = []
    real = render.PageRenderer.build

    def build(self, *args, **kwargs):  # what a reader would find meanwhile
        served = Path(server.root)
        seen.append(
            (
                (served / "pagefind" / "shards.json").is_file(),
                "Scratch newsroom" in (served / "news/n/index.html").read_text(encoding="utf-8"),
            )
        )
        return real(self, *args, **kwargs)

    with preview(project, site) as server:
        for thread in threading.enumerate():
            if thread.name == "newsdesk-search":
                thread.join()
        assert (Path(server.root) / "pagefind" / "shards.json").is_file()
        monkeypatch.setattr(render.PageRenderer, "build", build)
        config = project.root / "mkdocs.yml"  # what MkDocs reads: a full build
        config.write_text(config.read_text().replace("Scratch newsroom", "Scratch newsdesk"))
        server.builder()
        assert (Path(server.root) / "pagefind" / "shards.json").is_file()
        assert "Scratch newsdesk" in (Path(server.root) / "news/n/index.html").read_text(
            encoding="utf-8"
        )
    assert seen == [(True, True)]  # the last site, whole, search and all


def line_starting(text: str, start: str) -> int:
    """The number of the first line of ``text`` that starts with ``start`` (indent aside)."""
    lines = text.splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.strip().startswith(start))


def test_every_wrong_option_in_mkdocs_yml_is_told_at_once_on_its_line(project: Project):
    config = project.root / "mkdocs.yml"
    text = config.read_text().replace(
        "      today: 2020-03-01\n",
        "      today: 2020-13-45\n      timezone: Mars/Olympus\n      closing_soon_days: [1]\n"
        "      newsletter_typo: 3\n      cache_max_mb: -5\n",
    )
    text = text.replace("page_size: 20", "page_size: ten").replace(
        "        unsubscribe_email: leave@example.org\n",
        "        unsubscribe_email: leave@example.org\n        smtp: {port: 99999, tls: maybe}\n"
        "        social: [{label: X}]\n",
    )
    config.write_text(text)

    def line_of(start: str) -> int:
        return line_starting(text, start)

    result = project.run("check")
    assert result.exit_code == 1
    told = [line for line in result.output.splitlines() if line.startswith("mkdocs.yml:")]
    assert told == [
        f"mkdocs.yml:{line_of('today')}: newsdesk.today: '2020-13-45' cannot be read as it is",
        f"mkdocs.yml:{line_of('timezone')}: newsdesk.timezone: unknown timezone "
        "'Mars/Olympus'; use a name like 'Europe/Brussels'",
        f"mkdocs.yml:{line_of('closing_soon_days')}: newsdesk.closing_soon_days: expected a "
        "whole number, got a list",
        f"mkdocs.yml:{line_of('newsletter_typo')}: newsdesk: unknown option 'newsletter_typo'; "
        "did you mean 'newsletter'?",
        f"mkdocs.yml:{line_of('cache_max_mb')}: newsdesk.cache_max_mb: must be 0 or more, not -5",
        f"mkdocs.yml:{line_of('page_size')}: newsdesk.page_size: expected a whole number, got text",
        f"mkdocs.yml:{line_of('smtp')}: newsdesk.newsletter.smtp.port: must be from 1 to 65535, "
        "not 99999",
        f"mkdocs.yml:{line_of('smtp')}: newsdesk.newsletter.smtp.tls: expected one of "
        "'starttls' or 'ssl' or 'none', got 'maybe'",
        f"mkdocs.yml:{line_of('social')}: newsdesk.newsletter.social[0]: 'url' is missing; add it",
    ]
    assert "Error: 9 errors in mkdocs.yml; nothing was written" in result.output


def test_options_that_become_headers_feeds_and_calendars_cannot_forge_or_break_them(
    project: Project,
):
    config = project.root / "mkdocs.yml"
    text = config.read_text().replace("site_name: Scratch newsroom", 'site_name: "Scratch\\0news"')
    text = text.replace(
        "sender: Scratch News <news@example.org>",
        'sender: "Scratch News\\r\\nBcc: everyone <news@example.org>"\n'
        '        reply_to: "Desk\\u2028Bcc: x <desk@example.org>"',
    )
    text = text.replace(
        "unsubscribe_url: https://lists.example.org/unsubscribe",
        "unsubscribe_url: javascript:alert(1)\n        send_time: 9 o'clock\n"
        "        social: [{label: Follow, url: '[ ]://]'}]",
    )
    config.write_text(text)

    def line_of(start: str) -> int:
        return line_starting(text, start)

    expected = [
        "mkdocs.yml:1: site_name: contains the control character U+0000, which feeds, "
        "calendars and emails cannot carry; remove it",
        f"mkdocs.yml:{line_of('sender')}: newsdesk.newsletter.sender: must be one line; "
        "remove the line break",
        f"mkdocs.yml:{line_of('reply_to')}: newsdesk.newsletter.reply_to: must be one line; "
        "remove the line break",
        f"mkdocs.yml:{line_of('unsubscribe_url')}: newsdesk.newsletter.unsubscribe_url: give "
        "the https address that unsubscribes a reader in one click (required by Gmail and "
        "Yahoo for bulk mail)",
        f"mkdocs.yml:{line_of('send_time')}: newsdesk.newsletter.send_time: expected HH:MM, "
        "like 09:00",
        f"mkdocs.yml:{line_of('social')}: newsdesk.newsletter.social[0].url: expected a web "
        "address starting with https://, got '[ ]://]'",
    ]
    for command in (["check"], ["build", "--site-dir", str(project.site)]):
        result = project.run(*command)
        assert result.exit_code == 1
        assert [line for line in result.output.splitlines() if line.startswith("mkdocs.yml:")] == (
            expected
        )
    assert not project.site.exists()


def test_an_address_an_email_cannot_read_is_left_out_not_printed(
    monkeypatch: pytest.MonkeyPatch,
):
    from newsdesk.site.sanitize import clean_email_html

    printed: list[object] = []  # what would be printed as "Exception ignored in: …"
    monkeypatch.setattr(sys, "unraisablehook", printed.append)

    def absolute(element: str, address: str) -> str:
        urlsplit(address)  # raises for '//]', as the edition's link maker does
        return address

    cleaned = clean_email_html(
        '<p><img src="//]" alt="Map"> <a href="//]">the map</a></p>', absolute
    )
    assert cleaned == '<p><img alt="Map"> <a>the map</a></p>'
    assert printed == []


def test_images_from_other_sites_are_found_however_they_are_written(project: Project):
    project.write("news/images/logo.png", "a logo")
    body = (
        "Intro ![Map][m] and ![logo][] and <img\n  alt='x'\n"
        '  src="https://tracker.example/p.png"> end.\n\n'
        "[m]: https://other.example/map.png\n[logo]: images/logo.png\n"
        "[site]: https://example.org/\n\n```\n"
        '<img src="https://in.code/x.png">\n'
        "```\n\n"
        "<!-- kept out:\n\n![a](https://in.comment/x.png)\n\n-->\n\n"
        "Text <!-- also out\n![a](https://in.comment/y.png) -->\n\n"
        "Text <!-- never closed ![a](https://unclosed.example/1.png)\n\n"
        "Text <!-- closed only after the paragraph\n\n![a](https://unclosed.example/2.png)\n"
        "-->\n"
    )
    project.write("news/n.md", story().replace("Body.\n", body))
    outside = (
        "loads an image from another site; store the image in the content folder so readers' "
        "browsers contact no one else"
    )
    assert error_lines(project.run("check")) == [
        f"content/news/n.md:6: image 'https://tracker.example/p.png' {outside}",
        f"content/news/n.md:10: image 'https://other.example/map.png' {outside}",
        f"content/news/n.md:27: image 'https://unclosed.example/1.png' {outside}",
        f"content/news/n.md:31: image 'https://unclosed.example/2.png' {outside}",
    ]


def test_a_build_under_a_locale_that_is_not_utf8_reads_and_writes_utf8(project: Project):
    """Files are read and written as UTF-8 whatever the system's locale says (Windows'
    cp1252, a server's C locale): Pagefind's own files hold the content's characters."""
    project.write("news/n.md", story().replace("A mission.", "A mission to Zürich… and Łódź."))
    ascii_locale = {
        **os.environ,
        "LC_ALL": "C",
        "LANG": "C",
        "PYTHONCOERCECLOCALE": "0",
        "PYTHONUTF8": "0",
    }
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "--today", SAMPLE_TODAY],
        cwd=project.root,
        env=ascii_locale,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (project.site / "pagefind" / "shards.json").is_file()


OFF_SITE = (
    "from another site; store the file in the content folder and refer to it there, so "
    "readers' browsers contact no one else"
)


def test_a_page_body_is_checked_as_published_html_whatever_its_markdown(project: Project):
    """With raw HTML published as written (``sanitize_html: false``), what the body's
    HTML would load by itself is checked after Markdown has made it, every element and
    attribute that fetches, while links to other sites stay links."""
    config = project.root / "mkdocs.yml"
    text = config.read_text().replace(
        "      search_shard_pages:", "      sanitize_html: false\n      search_shard_pages:"
    )
    config.write_text(text)
    body = (
        "Body, and [a link](https://elsewhere.example/) is fine.\n\n"
        '<video poster="https://evil.example/poster.png"></video>\n\n'
        '<p style="background: u\\72l(//evil.example/bg.png)">styled</p>\n\n'
        '<object data="https://evil.example/o.swf"></object>\n\n'
        '<img alt="x" src="images/x.png" '
        'srcset="images/x.png 1x, https://evil.example/2x.png 2x">\n\n'
        '<svg><image href="https://evil.example/s.png"/></svg>\n\n'
        '<p style="background: url(\\ffffff)">an escape past the last character</p>\n'
    )
    project.write("news/images/x.png", "an image")
    project.write("news/n.md", story().replace("Body.\n", body))
    assert project.run("check").exit_code == 0
    result = project.build()
    assert result.exit_code == 1, result.output
    assert error_lines(result) == [
        f"content/news/n.md:8: the published page loads 'https://evil.example/poster.png' "
        f"(<video poster>) {OFF_SITE}",
        f"content/news/n.md:10: the published page loads '//evil.example/bg.png' (<p style>) "
        f"{OFF_SITE}",
        f"content/news/n.md:12: the published page loads 'https://evil.example/o.swf' "
        f"(<object data>) {OFF_SITE}",
        f"content/news/n.md:14: the published page loads 'https://evil.example/2x.png' "
        f"(<img srcset>) {OFF_SITE}",
        f"content/news/n.md:16: the published page loads 'https://evil.example/s.png' "
        f"(<image href>) {OFF_SITE}",
    ]
    assert not project.site.exists()


@pytest.mark.parametrize(
    "written",
    [
        '<!--> <img src="https://evil.example/p.png" alt="x"> -->',
        '<!---> <img src="https://evil.example/p.png" alt="x"> -->',
        '<!-- a --!> <img src="https://evil.example/p.png" alt="x"> -->',
        "<!-- a\nb --!> <img src='https://evil.example/p.png' alt='x'> -->",
    ],
)
def test_check_ends_a_comment_where_browsers_do(project: Project, written: str):
    project.write("news/n.md", story().replace("Body.\n", f"Body.\n\n{written}\n"))
    line = 8 + written.count("\n")
    result = project.build()
    assert result.exit_code == 1 and not project.site.exists()
    assert (
        error_lines(result)
        == error_lines(project.run("check"))
        == [
            f"content/news/n.md:{line}: image 'https://evil.example/p.png' loads an image from "
            "another site; store the image in the content folder so readers' browsers contact "
            "no one else"
        ]
    )


def test_attribute_lists_may_not_replace_an_address_or_run_script(project: Project):
    project.write("news/images/logo.png", "a logo")
    body = (
        "Body.\n\n"
        '![m](images/logo.png){: src="https://evil.example/p.png" }\n\n'
        "[read](../news/n.md){: .button HREF='https://evil.example/' }\n\n"
        '![m](images/logo.png){ srcset="https://evil.example/p.png 2x" }\n\n'
        '## Heading {: onclick="alert(1)" }\n\n'
        '![m](images/logo.png){: title="src=not a key" width=200 }\n\n'
        '`{: src="https://in.code/x.png" }`\n'
    )
    project.write("news/n.md", story().replace("Body.\n", body))
    address = (
        "which would replace the address the Markdown gives; write the address in the link "
        "or image itself ([text](address)) and take {} out of the braces"
    )
    assert error_lines(project.run("check")) == [
        f"content/news/n.md:8: attribute list sets 'src', {address.format('src')}",
        f"content/news/n.md:10: attribute list sets 'href', {address.format('href')}",
        f"content/news/n.md:12: attribute list sets 'srcset', {address.format('srcset')}",
        "content/news/n.md:14: attribute list sets 'onclick', an event handler that would "
        "run a script in readers' browsers; take it out of the braces",
    ]
