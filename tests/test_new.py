"""``new`` gives editors a file that is valid as written, named from its title."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from newsdesk.content.models import MODELS
from tests.conftest import Project


@pytest.mark.parametrize("collection", sorted(MODELS))
def test_new_item_of_every_kind_is_valid(project: Project, monkeypatch, collection):
    monkeypatch.chdir(project.root)
    result = project.run(
        "new", collection, "EU–Japan Cluster Matchmaking: Strasbourg 2020", "--today", "2020-03-01"
    )
    assert result.exit_code == 0, result.output
    path = f"content/{collection}/eu-japan-cluster-matchmaking-strasbourg-2020.md"
    assert result.output.strip() == path
    text = (project.root / path).read_text()
    assert 'title: "EU–Japan Cluster Matchmaking: Strasbourg 2020"' in text
    assert "draft: true" in text
    check = project.run("check")
    assert check.exit_code == 0, check.output
    assert "0 published items, 1 drafts or scheduled" in check.output


def test_new_scaffold_carries_todays_date(project: Project, monkeypatch):
    monkeypatch.chdir(project.root)
    project.run("new", "news", "Clusters and the Green Deal", "--today", "2020-02-14")
    text = (project.root / "content/news/clusters-and-the-green-deal.md").read_text()
    assert "\ndate: 2020-02-14\n" in text


def test_new_is_dated_with_the_sites_build_date(project: Project, monkeypatch):
    """mkdocs.yml's today is the date the site is built at: an item dated after it would
    wait, unseen, once its draft line is removed."""
    monkeypatch.chdir(project.root)
    project.run("new", "news", "Test story")
    story = project.root / "content/news/test-story.md"
    assert "\ndate: 2020-03-01\n" in story.read_text()  # mkdocs.yml's today
    story.write_text(re.sub(r"\ndraft: true.*", "", story.read_text()))  # ready
    check = project.run("check")
    assert check.exit_code == 0, check.output
    assert "1 published items, 0 drafts or scheduled" in check.output


def test_new_without_a_build_date_is_dated_today(project: Project, monkeypatch):
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("      today: 2020-03-01\n", ""))
    monkeypatch.chdir(project.root)
    project.run("new", "news", "Written today")
    text = (project.root / "content/news/written-today.md").read_text()
    today = datetime.now(ZoneInfo("Europe/Brussels")).date()
    assert f"\ndate: {today.isoformat()}\n" in text


def test_new_refuses_to_overwrite_and_names_collections(project: Project, monkeypatch):
    monkeypatch.chdir(project.root)
    assert project.run("new", "news", "Same title").exit_code == 0
    again = project.run("new", "news", "Same title")
    assert again.exit_code == 1
    assert "content/news/same-title.md already exists; choose another title" in again.output
    wrong = project.run("new", "blog", "A post")
    assert wrong.exit_code == 1
    assert (
        "unknown collection 'blog'; choose one of: news, events, calls, interviews, "
        "knowledge, newsletters"
    ) in wrong.output
