"""End-to-end builds of small scratch sites: pages, listings, states, drafts, determinism."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import mkdocs.commands.build
import pytest

from newsdesk.adapter import commands
from newsdesk.site.plan import page_window
from tests.conftest import REPO, Project, error_lines, make_project, site_files


def news(title: str, day: str, extra: str = "", body: str = "A story.") -> str:
    return f"---\ntitle: {title}\ndate: {day}\nsummary: About {title}.\n{extra}---\n{body}\n"


def event(title: str, start: str, end: str = "", extra: str = "") -> str:
    end_line = f"end: {end}\n" if end else ""
    return (
        f"---\ntitle: {title}\nsummary: About {title}.\nkind: conference\nstart: {start}\n"
        f"{end_line}{extra}---\nProgramme.\n"
    )


def call(title: str, *deadlines: str, extra: str = "") -> str:
    rows = "".join(f"  - date: {d}\n" for d in deadlines)
    return (
        f"---\ntitle: {title}\nsummary: About {title}.\nprogramme: COSME\n"
        f"deadlines:\n{rows}{extra}---\nHow to apply.\n"
    )


def card_titles(html: str) -> list[str]:
    return re.findall(r'class="nd-card__title"><a href="[^"]*">([^<]*)</a>', html)


def test_listings_order_and_archive(project: Project):
    project.write("news/older.md", news("Older story", "2020-01-10"))
    project.write("news/newer.md", news("Newer story", "2020-02-10"))
    project.write("events/summit.md", event("Social Economy Summit", "2020-11-26", "2020-11-27"))
    project.write("events/automotive.md", event("Automotive skills conference", "2020-05-27"))
    project.write(
        "events/bucharest.md", event("Cluster Conference 2019", "2019-05-14", "2019-05-16")
    )
    project.write("calls/eliit.md", call("ELIIT", "2020-03-09"))
    project.write("calls/esif.md", call("ESIF Slovakia", "2020-05-29"))
    project.write("calls/fti.md", call("Fast Track to Innovation", "2019-05-23"))
    assert project.build().exit_code == 0

    assert card_titles(project.page("news")) == ["Newer story", "Older story"]
    assert card_titles(project.page("events")) == [
        "Automotive skills conference",
        "Social Economy Summit",
    ]
    assert card_titles(project.page("events/past")) == ["Cluster Conference 2019"]
    assert card_titles(project.page("calls")) == ["ELIIT", "ESIF Slovakia"]
    assert card_titles(project.page("calls/closed")) == ["Fast Track to Innovation"]

    home = project.page("")
    assert "26–27 November 2020" in home
    assert 'nd-badge--closing-soon">Closing soon' in home  # ELIIT closes within 14 days
    assert card_titles(home)[:2] == ["Newer story", "Older story"]


def test_pagination_keeps_every_item_once(tmp_path: Path):
    project = make_project(tmp_path / "paged", page_size=2)
    for day in range(1, 6):
        project.write(f"news/story-{day}.md", news(f"Story {day}", f"2020-01-0{day}"))
    assert project.build().exit_code == 0
    pages = [project.page("news"), project.page("news/page/2"), project.page("news/page/3")]
    assert [card_titles(page) for page in pages] == [
        ["Story 5", "Story 4"],
        ["Story 3", "Story 2"],
        ["Story 1"],
    ]
    pagers = [page[page.index('class="nd-pager"') :].split("</nav>")[0] for page in pages]
    assert 'rel="next"' in pagers[0] and 'rel="prev"' not in pagers[0]
    assert (
        '<a href="../../" rel="prev">' in pagers[1] and '<a href="../3/" rel="next">' in pagers[1]
    )
    assert '<span aria-current="page">3</span>' in pagers[2] and 'rel="next"' not in pagers[2]
    assert not (project.site / "news/page/4").exists()


def test_a_long_listing_links_to_the_pages_near_each_not_to_all(tmp_path: Path):
    project = make_project(tmp_path / "paged", page_size=1)
    for day in range(1, 13):
        project.write(f"news/story-{day}.md", news(f"Story {day}", f"2020-01-{day:02}"))
    assert project.build().exit_code == 0
    page = project.page("news/page/6")
    pager = page[page.index('class="nd-pager"') :].split("</nav>")[0]
    shown = re.findall(r"<li[^>]*>(?:<a [^>]*>|<span [^>]*>)?([^<]+)", pager)
    assert shown == ["1", "…", "4", "5", "6", "7", "8", "…", "12"]
    assert '<span aria-current="page">6</span>' in pager and 'href="../12/"' in pager
    # A single number left out is shown rather than a gap.
    assert page_window(4, 10) == [1, 2, 3, 4, 5, 6, None, 10]


def test_the_build_date_moves_events_and_calls(project: Project):
    project.write("events/summit.md", event("Social Economy Summit", "2020-11-26", "2020-11-27"))
    project.write("calls/eliit.md", call("ELIIT", "2020-03-09"))
    project.build("--today", "2020-03-01")
    assert card_titles(project.page("events")) == ["Social Economy Summit"]
    assert "nd-badge--closing-soon" in project.page("calls/eliit")
    project.build("--today", "2020-12-01")
    assert card_titles(project.page("events")) == []
    assert card_titles(project.page("events/past")) == ["Social Economy Summit"]
    assert card_titles(project.page("calls/closed")) == ["ELIIT"]
    assert 'nd-badge--closed">Closed' in project.page("calls/eliit")


def test_drafts_and_scheduled_items_stay_out_of_every_output(project: Project):
    project.write(
        "news/public.md", news("Public story", "2020-02-01", "tags: [green-transition]\n")
    )
    project.write(
        "news/secret-draft.md",
        news("Secret draft", "2020-02-02", "draft: true\ntags: [green-transition]\n"),
    )
    project.write(
        "news/scheduled-story.md",
        news("Scheduled story", "2020-02-03", "publish: 2020-03-10 09:00\n"),
    )
    assert project.build().exit_code == 0
    everything = b"".join(site_files(project.site).values())
    for hidden in (b"secret-draft", b"Secret draft", b"scheduled-story", b"Scheduled story"):
        assert hidden not in everything
    assert b"Public story" in everything

    project.build("--today", "2020-03-10T09:00")
    assert "Scheduled story" in project.page("news")
    assert (project.site / "news/scheduled-story/index.html").exists()


def test_times_name_their_clock_as_a_person_writes_it(project: Project):
    """A time in the site's zone carries the zone's short name; one written with an offset,
    the offset from UTC in brackets, never "09:00 UTC+09:00". A range on one clock names it
    once, at its end: on event cards and pages, and on calls' cards and deadlines."""
    project.write(
        "events/seoul.md", event("Seoul", "2020-05-27T09:00+09:00", "2020-05-29T17:00+09:00")
    )
    project.write("events/talk.md", event("Talk", "2020-03-17 10:00", "2020-03-17 11:30"))
    project.write(
        "calls/offsets.md", call("Offsets", "2020-04-02T17:00+02:00", "2020-05-04T17:00+05:30")
    )
    project.write("calls/brussels.md", call("Brussels", "2020-06-01 09:00"))
    assert project.build().exit_code == 0
    seoul = "27 May 2020, 09:00 – 29 May 2020, 17:00 (UTC+9)"
    expected = {
        "events": [seoul, "17 March 2020, 10:00–11:30 CET"],
        "events/seoul": [seoul],
        "events/talk": ["17 March 2020, 10:00–11:30 CET"],
        "calls": ["Deadline: 2 April 2020, 17:00 (UTC+2)", "Deadline: 1 June 2020, 09:00 CEST"],
        "calls/offsets": ["2 April 2020, 17:00 (UTC+2)", "4 May 2020, 17:00 (UTC+5:30)"],
        "calls/brussels": ["1 June 2020, 09:00 CEST"],
    }
    for url, texts in expected.items():
        page = project.page(url)
        for text in texts:
            assert text in page, (url, text)
        assert not re.search(r"\d\d:\d\d UTC[+-]", page), url


def test_item_pages_show_their_fields(project: Project):
    project.write(
        "events/webinar.md",
        event(
            "EU-Japan webinar",
            "2020-03-17 10:00",
            "2020-03-17 11:30",
            "online: true\nurl: https://www.eu-japan.eu/events\norganiser: EU-Japan Centre\n"
            "tags: [matchmaking]\n",
        ),
    )
    project.write(
        "calls/innosup.md",
        call(
            "INNOSUP-1",
            "2020-04-02 17:00",
            "2020-09-08 17:00",
            extra="opens: 2019-11-07\nbudget_eur: 25150000\nprojects_funded: 5-6\n",
        ),
    )
    assert project.build().exit_code == 0
    webinar = project.page("events/webinar")
    for text in (
        "17 March 2020, 10:00–11:30 CET",
        "Online",
        "EU-Japan Centre",
        'href="https://www.eu-japan.eu/events"',
        'href="../../tags/matchmaking/"',
    ):
        assert text in webinar
    innosup = project.page("calls/innosup")
    for text in (
        "EUR 25.15 million",
        "5-6",
        "2 April 2020, 17:00 CEST",
        "Next deadline",
        "8 September 2020, 17:00 CEST",
        "Later",
        "7 November 2019",
    ):
        assert text in innosup
    tag_page = project.page("tags/matchmaking")
    assert card_titles(tag_page) == ["EU-Japan webinar"]


def test_hostile_html_is_cleaned_and_titles_are_escaped(project: Project):
    project.write("news/x.png", "an image")
    project.write(
        "news/hostile.md",
        news(
            '"<script>alert(1)</script>"',
            "2020-02-01",
            body='<script>alert(2)</script><img src="x.png" alt="x" onerror="alert(3)">\n\n'
            '<a href="javascript:alert(4)">click</a> <iframe src="https://evil.example">'
            "</iframe>\n\n"
            '<b style="position:fixed">bold</b> | a | b |',
        ),
    )
    assert project.build().exit_code == 0
    for path in project.site.rglob("*.html"):
        html = path.read_text()
        assert "<script>alert" not in html, path
        assert "onerror" not in html and "javascript:alert" not in html, path
        assert "<iframe" not in html and "position:fixed" not in html, path
    page = project.page("news/hostile")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bold</b>" in page and '<img src="x.png" alt="x">' in page


def test_items_stay_out_of_the_navigation(project: Project):
    """Without a nav in mkdocs.yml MkDocs lists every page; items and page 2+ stay out."""
    for day in range(1, 4):
        project.write(f"news/story-{day}.md", news(f"Story {day}", f"2020-01-0{day}"))
    project.write("about.md", "---\ntitle: About us\n---\nWho we are.\n")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("page_size: 20", "page_size: 2"))
    assert project.build().exit_code == 0
    assert (project.site / "news/page/2/index.html").exists()
    page = project.page("news/story-1")
    nav_links = re.findall(r'<a href="([^"#]*)" class="md-nav__link', page)
    assert "../../about/" in nav_links and "../" in nav_links  # the About page, News
    assert not [link for link in nav_links if "story" in link or "page/" in link]
    # MkDocs makes each folder a section; an item leads to each by one link, News marked.
    assert "md-nav__toggle" not in page and 'data-md-level="1"' not in page
    marked = re.findall(r'<a href="([^"]*)" class="md-nav__link" aria-current="true"', page)
    assert marked == ["../"]


def test_a_section_s_other_pages_are_one_step_from_an_item(project: Project):
    """An item's drawer leads to a section's first page, marked as holding more; that page,
    in the navigation, shows Material's drawer with the rest of the section."""
    project.write("news/story.md", news("Story", "2020-01-01"))
    project.write("about.md", "---\ntitle: About us\n---\nWho we are.\n")
    project.write("team.md", "---\ntitle: Team\n---\nWho does what.\n")
    config = project.root / "mkdocs.yml"
    nav = "nav:\n  - News: news/index.md\n  - About:\n      - about.md\n      - team.md\n"
    config.write_text(config.read_text() + nav)
    assert project.build().exit_code == 0
    item = project.page("news/story")
    assert re.findall(r'<a href="([^"]*)" class="md-nav__link', item) == ["../", "../../about/"]
    assert '<span class="md-ellipsis">About</span><span class="md-nav__icon md-icon">' in item
    about = project.page("about")
    assert '<a href="../team/" class="md-nav__link">' in about


def test_same_content_and_date_give_identical_bytes(project: Project, tmp_path: Path):
    project.write("news/a.md", news("A", "2020-02-01", "tags: [green-transition]\n"))
    project.write("events/b.md", event("B", "2020-05-27"))
    assert project.build().exit_code == 0
    first = site_files(project.site)
    assert "news/a/index.html" in first
    assert project.build("--site-dir", str(tmp_path / "again")).exit_code == 0
    assert site_files(tmp_path / "again") == first


def test_mkdocs_build_and_build_py_make_the_same_site(project: Project, tmp_path: Path):
    project.write("news/a.md", news("A", "2020-02-01"))
    project.write("calls/c.md", call("C", "2020-04-02"))
    assert project.build().exit_code == 0
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--quiet",
            "-f",
            str(project.root / "mkdocs.yml"),
            "-d",
            str(tmp_path / "by-mkdocs"),
        ],
        check=True,
        cwd=project.root,
    )
    assert "calls/c/index.html" in site_files(project.site)
    assert site_files(tmp_path / "by-mkdocs") == site_files(project.site)


def test_newsdesk_builds_without_entering_mkdocs_build(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """``build``, ``check`` and the preview's full build run Newsdesk's engine, which uses
    MkDocs as a library: with MkDocs' ``build()`` made to fail, they make the same site."""
    project.write("news/a.md", news("A", "2020-02-01", body="[The call](../calls/c.md)."))
    project.write("calls/c.md", call("C", "2020-04-02"))
    assert project.build("--site-dir", str(tmp_path / "before")).exit_code == 0

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("MkDocs' build() was entered")

    # Whoever holds the function, under whatever name, runs this instead.
    monkeypatch.setattr(mkdocs.commands.build.build, "__code__", refused.__code__)
    result = project.build()
    assert result.exit_code == 0, result.output
    assert project.run("check").exit_code == 0
    preview = tmp_path / "preview"
    config, read = commands.load(str(project.root / "mkdocs.yml"), None)
    commands.build(config, read, preview)
    assert "calls/c/index.html" in site_files(project.site)
    assert site_files(project.site) == site_files(tmp_path / "before") == site_files(preview)


def test_mkdocs_build_that_fails_while_rendering_leaves_the_site_as_it_was(project: Project):
    """``mkdocs build`` hands the work to the engine before MkDocs empties the site: a
    failure while pages are rendered (a template that breaks) leaves the last site."""
    project.write("news/a.md", news("A", "2020-02-01"))
    assert project.build().exit_code == 0
    before = site_files(project.site)
    overrides = project.root / "overrides"
    shutil.copytree(REPO / "templates/site", overrides)
    (overrides / "newsdesk/item.html").write_text("{{ nothing.at.all }}")
    config = project.root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("custom_dir: templates/site", "custom_dir: overrides")
    )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(project.site)],
        capture_output=True,
        text=True,
        cwd=project.root,
    )
    assert result.returncode != 0
    assert site_files(project.site) == before
    assert [path.name for path in project.root.iterdir() if path.name.startswith(".")] == [".cache"]


def test_a_quiet_build_keeps_a_pages_warnings_for_the_strict_build_after_it(project: Project):
    """``mkdocs build -q`` prints no warning, but the page it renders goes into the cache
    with its warnings, so a strict build that takes the page from there still fails."""
    project.write(
        "news/sofia-mission.md",
        news("Sofia", "2020-02-10", body="The [programme](documents/missing-programme.pdf)."),
    )
    config, site = str(project.root / "mkdocs.yml"), str(project.site)

    def mkdocs(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "mkdocs", "build", *args, "-f", config, "-d", site]
        return subprocess.run(command, capture_output=True, text=True, cwd=project.root)

    quiet = mkdocs("-q")
    assert quiet.returncode == 0 and "missing-programme.pdf" not in quiet.stderr
    strict = mkdocs("--strict")
    assert strict.returncode == 1 and "missing-programme.pdf" in strict.stderr


def test_content_errors_abort_mkdocs_build_before_it_cleans_the_site(project: Project):
    project.write("news/a.md", news("A", "2020-02-01"))
    project.build()
    project.write("news/a.md", news("A", "2020-02-31"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-f",
            str(project.root / "mkdocs.yml"),
            "-d",
            str(project.site),
        ],
        capture_output=True,
        text=True,
        cwd=project.root,
    )
    assert result.returncode == 1
    assert (
        "content/news/a.md:3: date: 2020-02-31 is not a day: February 2020 has 29 days"
        in result.stderr
    )
    assert (project.site / "news/a/index.html").exists()


def test_use_directory_urls_false_is_refused_at_the_start(project: Project):
    project.write("news/story.md", "---\ntitle: A story\ndate: 2020-02-01\nsummary: S.\n---\n")
    config = project.root / "mkdocs.yml"
    config.write_text("use_directory_urls: false\n" + config.read_text())
    for command in ("build", "check"):
        result = project.build() if command == "build" else project.run("check")
        assert result.exit_code == 1, command
        assert "use_directory_urls: false is not supported" in result.output, command
    assert not project.site.exists()


def test_a_build_of_what_was_built_already_leaves_the_site_as_it_is(project: Project):
    project.write("news/a.md", news("A", "2020-02-01"))
    assert "built" in project.build().output
    page = project.site / "news/a/index.html"
    written = page.stat().st_mtime_ns

    again = project.build()
    assert again.exit_code == 0
    assert "is up to date: nothing it is made of has changed" in again.output
    assert page.stat().st_mtime_ns == written

    page.write_text("damaged by hand")  # the site is no longer what the build left
    assert "up to date" not in project.build().output
    assert "About A." in project.page("news/a")
    assert "up to date" not in project.build("--today", "2020-03-02").output  # another date
    project.write("news/a.md", news("A, revised", "2020-02-01"))
    assert "up to date" not in project.build("--today", "2020-03-02").output
    assert "A, revised" in project.page("news/a")

    templates = project.root / "templates"  # the project's own templates, not the shared ones
    templates.unlink()
    shutil.copytree(REPO / "templates", templates)  # the same files, times kept
    assert "up to date" in project.build("--today", "2020-03-02").output
    (templates / "site/assets/logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert "up to date" not in project.build("--today", "2020-03-02").output  # a new asset
    assert (project.site / "assets/logo.svg").is_file()


def test_an_entry_check_refuses_is_a_change_to_what_a_site_is_built_of(project: Project):
    """A link to nothing, a pipe or a file made unreadable since the last build changes
    nothing a build reads, but ``check`` refuses them: the build must see them too."""
    project.write("news/a.md", news("A", "2020-02-01"))
    assert project.build().exit_code == 0
    dangling = project.root / "content/news/zz-dangling.md"
    dangling.symlink_to("zz-nothing-here.md")
    result = project.build()
    assert result.exit_code == 1, result.output
    assert "up to date" not in result.output
    assert error_lines(result) == [
        "content/news/zz-dangling.md:1: is a link to a file that is not there; remove it or "
        "restore what it names"
    ]
    dangling.unlink()
    assert project.build().exit_code == 0
    story = project.root / "content/news/a.md"
    if os.name == "posix" and os.geteuid() != 0:  # the administrator may read anything
        story.chmod(0)
        result = project.build()
        story.chmod(0o644)
        assert result.exit_code == 1, result.output
        assert error_lines(result) == [
            "content/news/a.md:1: cannot be read: the build is not allowed to open it; make "
            "it readable"
        ]
        assert project.build().exit_code == 0
    if hasattr(os, "mkfifo"):
        os.mkfifo(project.root / "content/news/zz-pipe.md")
        result = project.build()
        assert result.exit_code == 1, result.output
        told = ["content/news/zz-pipe.md:1: is a pipe, not a file; remove it"]
        assert error_lines(result) == told
