"""The editing screen at /admin/: Decap CMS configured from the models and the taxonomy,
and ``python build.py edit``, which runs it with its local backend beside the preview."""

from __future__ import annotations

import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from newsdesk.content.models import FILE_FIELDS, MODELS
from newsdesk.editor.config import LEFT_OUT
from tests.conftest import AXE, REPO, Project, keep_local, make_project
from tests.test_serve import fetch, free_port, started_on_a_free_port, wait_for

NEWS = """\
---
title: Clusters and the Green Deal
date: 2020-02-01
summary: Clusters are asked to help Europe reach climate neutrality.
tags: [green-transition]
---
The European Green Deal asks clusters to connect firms and research.
"""


def split_front_matter(text: str) -> tuple[str, str]:
    """A file's front matter and its body."""
    _, front, body = text.split("---\n", 2)
    return front, body


def screen_config(site: Path) -> dict:
    return yaml.safe_load((site / "admin" / "config.yml").read_text())


def collection(config: dict, name: str) -> dict:
    return next(entry for entry in config["collections"] if entry["name"] == name)


def fields_of(entry: dict) -> dict[str, dict]:
    return {field["name"]: field for field in entry["fields"]}


# -- the configuration, from the models --------------------------------------------------


def test_every_collection_has_a_form_with_every_field_of_its_model(sample_site: Path):
    config = screen_config(sample_site)
    assert [entry["name"] for entry in config["collections"]] == list(MODELS)
    for name, model in MODELS.items():
        entry = collection(config, name)
        assert entry["folder"] == f"content/{name}"
        assert entry["slug"] == "{{slug}}" and entry["extension"] == "md"
        assert entry["preview_path"] == f"{name}/{{{{slug}}}}/"  # its page, as the site has it
        given = set(model.model_fields) - FILE_FIELDS - set(LEFT_OUT.get(name, ()))
        assert set(fields_of(entry)) == given | {"body"}, name
        for field_name, field in fields_of(entry).items():
            if field_name != "body":
                required = model.model_fields[field_name].is_required()
                assert field["required"] == required, (name, field_name)
                assert field.get("hint"), (name, field_name)  # the model's description
    # The content contract's file names: ASCII, lower case, hyphens.
    slug = {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"}
    assert config["slug"] == slug


def test_fields_get_the_widget_their_type_calls_for(sample_site: Path):
    config = screen_config(sample_site)
    taxonomy = yaml.safe_load((REPO / "content" / "taxonomy.yml").read_text())
    events = fields_of(collection(config, "events"))
    assert events["start"]["widget"] == "nd-moment"  # a day, or a day and a time
    assert events["start"]["time_zone"] == "Europe/Brussels"
    assert events["date"] | {"widget": "datetime", "time_format": False} == events["date"]
    assert events["date"]["format"] == "YYYY-MM-DD"
    kinds = [option["value"] for option in events["kind"]["options"]]
    assert kinds[:2] == ["conference", "matchmaking"]
    country = fields_of(events["location"])["country"]
    assert [option["value"] for option in country["options"]] == list(taxonomy["countries"])
    tags = events["tags"]
    assert tags["widget"] == "select" and tags["multiple"] is True
    assert {option["value"]: option["label"] for option in tags["options"]} == taxonomy["tags"]

    deadlines = fields_of(collection(config, "calls"))["deadlines"]
    assert deadlines["widget"] == "list" and deadlines["min"] == 1
    assert fields_of(deadlines)["date"]["widget"] == "nd-moment"

    news = fields_of(collection(config, "news"))
    assert news["image"]["widget"] == "image" and news["featured"]["widget"] == "boolean"
    assert collection(config, "news")["media_folder"] == "images"  # content/news/images/
    knowledge = fields_of(collection(config, "knowledge"))
    assert knowledge["file"] | {"widget": "file", "media_folder": "documents"} == knowledge["file"]
    assert knowledge["thematic_priorities"]["multiple"] is True
    edition = fields_of(collection(config, "newsletters"))
    assert edition["lead"]["widget"] == "relation" and edition["lead"]["collection"] == "news"


def test_the_screen_publishes_through_the_git_host_mkdocs_yml_names(project: Project):
    config_file = project.root / "mkdocs.yml"
    config_file.write_text(
        config_file.read_text()
        + "      editor:\n        backend: gitlab\n        repo: newsroom/site\n"
        + "        app_id: 0123abcd\n        local_port: 8181\n"
    )
    project.write("news/green-deal.md", NEWS)
    assert project.build().exit_code == 0
    config = screen_config(project.site)
    assert config["backend"] == {
        "name": "gitlab",
        "repo": "newsroom/site",
        "branch": "main",
        "app_id": "0123abcd",
        "auth_type": "pkce",
    }
    assert config["publish_mode"] == "editorial_workflow"
    assert config["local_backend"] == {"url": "http://127.0.0.1:8181/api/v1"}
    # The screen is not a page readers find: not in the sitemap, search or robots' way.
    assert "/admin/" not in (project.site / "sitemap.xml").read_text()
    assert "Disallow: /admin/" in (project.site / "robots.txt").read_text()
    assert b"data-pagefind-body" not in (project.site / "admin" / "index.html").read_bytes()


def test_a_wrong_editor_option_is_told_on_its_line(project: Project):
    config_file = project.root / "mkdocs.yml"
    config_file.write_text(config_file.read_text() + "      editor:\n        backend: svn\n")
    result = project.build()
    assert result.exit_code == 1
    line = len(config_file.read_text().splitlines())
    assert f"mkdocs.yml:{line}: newsdesk.editor.backend: expected one of" in result.output


def _local_port(project: Project, port: int) -> None:
    """Have ``edit`` run the local backend on ``port``."""
    config_file = project.root / "mkdocs.yml"
    config_file.write_text(config_file.read_text() + f"      editor:\n        local_port: {port}\n")


def test_edit_says_what_to_do_when_the_local_backend_cannot_run(project: Project):
    result = project.run("edit")
    assert result.exit_code == 1
    assert "local backend is not installed: run bash scripts/install-editor" in result.output
    (project.root / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        _local_port(project, port)
        result = project.run("edit")
    assert result.exit_code == 1
    assert f"port {port} is taken" in result.output


# -- editing in the browser --------------------------------------------------------------


def _edit(project: Project, tmp_path: Path) -> Iterator[str]:
    """``python build.py edit`` on ``project``; yields the editing screen's address."""
    _local_port(project, free_port())
    (project.root / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    server, port = started_on_a_free_port(
        lambda port: [sys.executable, str(REPO / "build.py"), "edit", "-a", f"127.0.0.1:{port}"],
        cwd=project.root,
        env={**os.environ, "TMPDIR": str(temporary), "TEMP": str(temporary)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/admin/", "decap-cms.js", seconds=60)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=15)
        print(output)
    assert list(temporary.iterdir()) == []


@pytest.fixture
def editing(tmp_path: Path) -> Iterator[tuple[Project, str]]:
    project = make_project(tmp_path / "newsroom")
    project.write("news/green-deal.md", NEWS)
    for url in _edit(project, tmp_path):
        yield project, url


@pytest.fixture
def screen(browser, editing):
    """The editing screen, signed in to the local backend; with the requests that tried
    to leave 127.0.0.1."""
    project, url = editing
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    foreign: list[str] = []
    keep_local(context, foreign)
    page = context.new_page()
    page.goto(f"{url}admin/")
    page.get_by_role("button", name="Login").click()
    page.get_by_text("Writing in").or_(page.get_by_text("Collections")).first.wait_for()
    yield page, project, url, foreign
    context.close()


def _open(page, url: str, route: str) -> None:
    """The screen at ``route``, loaded afresh (as from a bookmark): nothing of the entry
    edited before stays in its state."""
    page.goto(f"{url}admin/#{route}")
    page.reload()
    page.locator("[id^=title-field]").wait_for()


def _choose(page, field: str, label: str) -> None:
    """Pick ``label`` in the select of ``field`` (Decap's, with search as you type)."""
    page.locator(f"[id^={field}-field]").first.fill(label)
    page.keyboard.press("Enter")


def _new_event(page, url: str, title: str, summary: str, kind: str, day: str) -> None:
    """A new event's form, with what every event needs filled in."""
    _open(page, url, "/collections/events/new")
    page.locator("[id^=title-field]").fill(title)
    page.locator("[id^=summary-field]").fill(summary)
    _choose(page, "kind", kind)
    page.get_by_label("Start: day").fill(day)
    page.locator("[id^=date-field]").fill("2020-02-20")  # announced: before the build date


def _publish(page) -> None:
    page.get_by_role("button", name="Publish").first.click()
    page.get_by_text("Publish now").click()
    page.get_by_text("Changes saved").or_(page.get_by_text("Entry published")).first.wait_for()
    page.wait_for_url(re.compile(r"/entries/"))  # where the screen goes once it has saved


def _saved(path: Path, seconds: float = 15) -> dict:
    deadline = time.monotonic() + seconds
    while not path.is_file():
        assert time.monotonic() < deadline, f"{path} was not saved"
        time.sleep(0.1)
    time.sleep(0.3)  # the whole of it
    front, _body = split_front_matter(path.read_text(encoding="utf-8"))
    return yaml.safe_load(front)


@pytest.mark.browser
def test_an_event_and_a_call_made_in_the_forms_are_files_check_accepts_and_the_preview_shows(
    screen,
):
    page, project, url, foreign = screen
    _new_event(
        page,
        url,
        "EU-Japan cluster matchmaking: Osaka 2020",
        "Clusters from Europe and Japan meet as partners.",
        "Matchmaking",
        "2020-06-16",
    )
    page.get_by_label("Start: time (optional)").fill("09:30")
    _choose(page, "country", "Japan")
    _choose(page, "tags", "Matchmaking")
    _publish(page)
    event = _saved(project.root / "content/events/eu-japan-cluster-matchmaking-osaka-2020.md")
    assert event["kind"] == "matchmaking" and event["tags"] == ["matchmaking"]
    assert event["start"] == "2020-06-16 09:30"  # in the site's zone, as Newsdesk reads it
    assert event["location"] == {"country": "JP"}
    wait_for(f"{url}events/eu-japan-cluster-matchmaking-osaka-2020/", "Osaka 2020")

    _open(page, url, "/collections/calls/new")
    page.locator("[id^=title-field]").fill("Cluster internationalisation call 2020")
    page.locator("[id^=summary-field]").fill("Funding for clusters that go international.")
    page.locator("[id^=programme-field]").fill("COSME")
    page.locator("[id^=date-field]").fill("2020-02-20")
    page.get_by_role("button", name="Add deadlines").click()
    page.get_by_label("Date: day").fill("2020-04-30")
    page.get_by_label("Date: time (optional)").fill("17:00")
    page.locator("[id^=label-field]").fill("Single stage")
    _publish(page)
    call = _saved(project.root / "content/calls/cluster-internationalisation-call-2020.md")
    assert call["deadlines"] == [{"date": "2020-04-30 17:00", "label": "Single stage"}]
    assert "" not in call.values()  # the fields left empty are not in the file
    wait_for(f"{url}calls/cluster-internationalisation-call-2020/", "Single stage")

    assert project.run("check").exit_code == 0
    assert foreign == []  # the screen loads nothing from elsewhere


@pytest.mark.browser
def test_tags_chosen_in_the_select_are_written_to_the_news_item(screen):
    page, project, url, _ = screen
    _open(page, url, "/collections/news/entries/green-deal")
    page.get_by_text("Green transition").first.wait_for()
    preview = page.frame_locator("iframe").first  # the entry as its page shows it
    assert preview.locator(".md-typeset h1").inner_text() == "Clusters and the Green Deal"
    styles = preview.locator("link[rel=stylesheet]").evaluate_all("(l) => l.map((e) => e.href)")
    assert f"{url}assets/newsdesk.css" in styles
    _choose(page, "tags", "Digital")
    _publish(page)
    story = project.root / "content/news/green-deal.md"
    deadline = time.monotonic() + 15
    while "digital-transition" not in story.read_text():
        assert time.monotonic() < deadline, story.read_text()
        time.sleep(0.1)
    front, body = split_front_matter(story.read_text())
    fields = yaml.safe_load(front)
    assert fields["tags"] == ["green-transition", "digital-transition"]
    assert str(fields["date"]) == "2020-02-01"  # the rest as it was
    assert fields["summary"] == "Clusters are asked to help Europe reach climate neutrality."
    assert body.strip() == "The European Green Deal asks clusters to connect firms and research."
    wait_for(f"{url}tags/digital-transition/", "Clusters and the Green Deal")


@pytest.mark.browser
def test_a_mistake_saved_from_the_screen_shows_in_the_preview_banner(screen):
    page, project, url, _ = screen
    _new_event(
        page,
        url,
        "Cluster managers' workshop",
        "Cluster managers compare how they run clusters.",
        "Workshop",
        "2020-05-12",
    )
    page.get_by_label("End: day").fill("2020-05-11")  # before it starts
    _publish(page)
    path = project.root / "content/events/cluster-managers-workshop.md"
    _saved(path)
    line = next(
        number
        for number, text in enumerate(path.read_text().splitlines(), 1)
        if text.startswith("end:")
    )
    page_text = wait_for(f"{url}news/green-deal/", "1 error in the content")
    assert (
        f"content/events/cluster-managers-workshop.md:{line}: end 2020-05-11 is before start "
        "2020-05-12"
    ) in page_text
    assert fetch(f"{url}events/cluster-managers-workshop/") is None  # never shown broken


@pytest.mark.browser
def test_an_image_uploaded_in_the_form_is_stored_in_the_item_s_folder(screen):
    page, project, url, _ = screen
    _open(page, url, "/collections/news/new")
    page.locator("[id^=title-field]").fill("A map of Europe's green-tech clusters")
    page.locator("[id^=summary-field]").fill("A map shows where the green-tech clusters are.")
    page.locator("[id^=date-field]").fill("2020-02-20")
    page.get_by_text("Choose an image").click()
    # The media library's Upload button is a label over this input.
    upload = page.locator("input[type=file]")
    upload.set_input_files(str(REPO / "content/news/images/green-tech-clusters.png"))
    page.get_by_text("green-tech-clusters.png").wait_for()
    page.get_by_role("button", name="Choose selected").click()
    page.locator("[id^=image_alt-field]").fill("Dots on a blue field, one for each cluster")
    _publish(page)
    story = _saved(project.root / "content/news/a-map-of-europes-green-tech-clusters.md")
    assert story["image"] == "images/green-tech-clusters.png"  # as the content contract has it
    stored = project.root / "content/news/images/green-tech-clusters.png"
    assert (
        stored.read_bytes() == (REPO / "content/news/images/green-tech-clusters.png").read_bytes()
    )
    page_text = wait_for(f"{url}news/a-map-of-europes-green-tech-clusters/", "Dots on a blue")
    assert "green-tech-clusters" in page_text
    assert project.run("check").exit_code == 0


def _story(title: str, day: str, extra: str = "") -> str:
    """A news story as an editor would have saved it."""
    return (
        f"---\ntitle: {title}\ndate: {day}\nsummary: A story of {day}.\n{extra}---\n"
        "What happened.\n"
    )


def _width_of_png(path: Path) -> int:
    return struct.unpack(">I", path.read_bytes()[16:20])[0]


@pytest.mark.browser
def test_a_story_s_stored_image_shows_in_its_field(screen):
    page, project, url, _ = screen
    picture = REPO / "content/news/images/green-tech-clusters.png"
    (project.root / "content/news/images").mkdir()
    shutil.copy(picture, project.root / "content/news/images")
    extra = "image: images/green-tech-clusters.png\nimage_alt: Dots on a blue field\n"
    project.write("news/a-map.md", _story("A map of the clusters", "2020-01-10", extra))
    _open(page, url, "/collections/news/entries/a-map")
    page.wait_for_function(
        "(width) => [...document.images].some((image) => image.naturalWidth === width)",
        arg=_width_of_png(picture),
        timeout=10_000,
    )  # the stored picture itself, not Decap's empty placeholder


@pytest.mark.browser
def test_entries_are_listed_newest_first(screen):
    page, project, url, _ = screen
    project.write("news/older.md", _story("An older story", "2019-05-01"))
    project.write("news/newest.md", _story("The newest story", "2020-02-20"))
    project.write("news/between.md", _story("A story in between", "2020-01-10"))
    page.goto(f"{url}admin/#/collections/news")
    page.reload()
    page.get_by_text("An older story").wait_for()
    titles = page.locator("a[href*='/collections/news/entries/']").all_inner_texts()
    assert [title.split(" · ")[0] for title in titles] == [
        "The newest story",
        "Clusters and the Green Deal",
        "A story in between",
        "An older story",
    ]


def _status(page) -> str:
    """What the screen's toolbar says of the entry: saved, or changes unsaved."""
    status = page.get_by_text(re.compile(r"^(Changes saved|Unsaved changes)$", re.IGNORECASE))
    return status.first.inner_text().lower()


@pytest.mark.browser
@pytest.mark.parametrize("collection", ["events", "news"])
def test_a_new_entry_is_unsaved_until_it_is_saved(screen, collection):
    page, _, url, _ = screen
    _open(page, url, f"/collections/{collection}/new")
    page.wait_for_timeout(500)  # the fields' own first values
    assert _status(page) == "unsaved changes"


ROUTES = ("/collections/news", "/collections/news/entries/green-deal", "/collections/news/new")
"""The list of a collection, an entry's form and a new one's."""


def _load(page, url: str, route: str) -> None:
    page.goto(f"{url}admin/#{route}")
    page.reload()
    story = page.get_by_text("Clusters and the Green Deal")
    story.or_(page.locator("[id^=title-field]")).first.wait_for()


AXE_CONTRAST = """async () => {
  const { violations } = await axe.run(document, { runOnly: ["color-contrast"] });
  return violations.flatMap((rule) =>
    rule.nodes.map((node) => `${node.target}: ${node.failureSummary}`));
}"""


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_screen_s_text_reads_against_its_ground(browser, editing, scheme):
    _project, url = editing
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{url}admin/")
    page.get_by_role("button", name="Login").click()
    found = {}
    for route in ROUTES:
        _load(page, url, route)
        page.wait_for_timeout(500)
        page.add_script_tag(path=str(AXE))
        found[route] = page.evaluate(AXE_CONTRAST)
    context.close()
    assert found == {route: [] for route in found}


@pytest.mark.browser
def test_the_screen_fits_a_phone(browser, editing):
    _project, url = editing
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{url}admin/")
    page.get_by_role("button", name="Login").click()
    for route in ROUTES:
        _load(page, url, route)
        page.wait_for_timeout(500)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, route
        if route != "/collections/news":
            title = page.locator("[id^=title-field]").bounding_box()
            assert title["x"] >= 0 and title["x"] + title["width"] <= 375, route
            publish = page.get_by_role("button", name=re.compile("^Publish")).first
            box = publish.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375, route
    context.close()


MISSING_GLYPHS = """(element) => {
  const style = getComputedStyle(element);
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  context.textBaseline = "top";
  const drawn = (character) => {
    context.clearRect(0, 0, 64, 64);
    context.fillText(character, 8, 8);
    return context.getImageData(0, 0, 64, 64).data.join();
  };
  const nothing = drawn("\\u{10FFFD}"); // a character no font has: the missing glyph's box
  return [...element.innerText].filter((c) => c.trim() && drawn(c) === nothing);
}"""


@pytest.mark.browser
def test_the_new_entry_button_shows_every_character(screen):
    page, _, url, _ = screen
    page.goto(f"{url}admin/#/collections/news")
    button = page.get_by_role("link", name=re.compile("Create entry of type"))
    button.wait_for()
    assert "News" in button.inner_text()
    assert button.evaluate(MISSING_GLYPHS) == []
