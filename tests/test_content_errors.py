"""Every mistake an editor can make is reported as path:line: message, all in one run,
and a failed check or build writes nothing."""

from __future__ import annotations

import os

import pytest

from tests.conftest import Project, error_lines

GOOD_EVENT = """\
---
title: EU-Canada cluster matchmaking
summary: European clusters meet Canada's innovation superclusters.
kind: matchmaking
start: 2019-06-05
end: 2019-06-07
location:
  city: Toronto
---
Body.
"""


def only_error(project: Project, src_uri: str, text: str) -> str:
    project.write(src_uri, text)
    result = project.run("check")
    assert result.exit_code == 1, result.output
    lines = error_lines(result)
    assert len(lines) == 1, lines
    return lines[0]


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        # missing required field: reported on the opening line of the front matter
        (
            "title: T\nkind: webinar\nstart: 2020-03-17",
            "content/events/e.md:1: missing required field 'summary'",
        ),
        # wrong type
        (
            "title: [a, b]\nsummary: S\nkind: webinar\nstart: 2020-03-17",
            "content/events/e.md:2: title: expected text, got a list; put it in quotes",
        ),
        (
            "title: T\nsummary: S\nkind: webinar\nstart: 2020-03-17\nonline: maybe",
            "content/events/e.md:6: online: expected true or false, got 'maybe'",
        ),
        # bad date and datetime
        (
            "title: T\nsummary: S\nkind: webinar\nstart: 2025-13-01",
            "content/events/e.md:5: start: expected a date YYYY-MM-DD or a date and time "
            "YYYY-MM-DD HH:MM, got '2025-13-01'",
        ),
        (
            "title: T\nsummary: S\nkind: webinar\nstart: 2020-03-17 25:00",
            "content/events/e.md:5: start: expected a date YYYY-MM-DD or a date and time "
            "YYYY-MM-DD HH:MM, got '2020-03-17 25:00'",
        ),
        # end before start
        (
            "title: T\nsummary: S\nkind: conference\nstart: 2019-06-07\nend: 2019-06-05",
            "content/events/e.md:6: end 2019-06-05 is before start 2019-06-07",
        ),
        (
            "title: T\nsummary: S\nkind: webinar\nstart: 2020-03-17 10:00\nend: 2020-03-17 09:30",
            "content/events/e.md:6: end 2020-03-17 09:30 is before start 2020-03-17 10:00",
        ),
        # unknown field, with a suggestion for a typo
        (
            "title: T\nsumary: S\nkind: webinar\nstart: 2020-03-17",
            "content/events/e.md:3: unknown field 'sumary'; did you mean 'summary'?",
        ),
        # a choice outside its list
        (
            "title: T\nsummary: S\nkind: webinr\nstart: 2020-03-17",
            "content/events/e.md:4: kind: 'webinr' is not one of conference, matchmaking, "
            "webinar, workshop, info-day, mission, other; did you mean 'webinar'?",
        ),
        # unknown tag and country, with the closest known value
        (
            "title: T\nsummary: S\nkind: webinar\nstart: 2020-03-17\ntags:\n  - matchmaking\n"
            "  - green-transtion",
            "content/events/e.md:8: tags: unknown tag 'green-transtion'; did you mean "
            "'green-transition'? (known values are in taxonomy.yml)",
        ),
        (
            "title: T\nsummary: S\nkind: webinar\nstart: 2020-03-17\nlocation:\n  country: Japan",
            "content/events/e.md:7: location.country: unknown country 'Japan'; did you mean 'JP'? "
            "(known values are in taxonomy.yml)",
        ),
        # a field the file name owns
        (
            "title: T\nsummary: S\nkind: webinar\nstart: 2020-03-17\nslug: other",
            "content/events/e.md:6: 'slug' is set by the file name and location; remove it",
        ),
    ],
)
def test_event_front_matter_errors(project: Project, front_matter: str, expected: str):
    assert only_error(project, "events/e.md", f"---\n{front_matter}\n---\nBody.\n") == expected


def test_nested_errors_point_at_the_nested_line(project: Project):
    text = """\
    ---
    title: INNOSUP-1
    summary: Cluster-led projects for new value chains.
    programme: Horizon 2020
    deadlines:
      - date: 2020-04-02
        label: First stage
      - date: 2020-09-31
        label: Second stage
    ---
    """
    assert only_error(project, "calls/c.md", text) == (
        "content/calls/c.md:8: deadlines[1].date: expected a date YYYY-MM-DD or a date and "
        "time YYYY-MM-DD HH:MM, got '2020-09-31'"
    )


def test_unknown_facet_value_in_knowledge(project: Project):
    text = """\
    ---
    title: Panorama
    date: 2019-12-01
    summary: Cluster strengths across Europe.
    kind: report
    strategic_challenges: [resilience, digitalisation]
    ---
    """
    assert only_error(project, "knowledge/k.md", text) == (
        "content/knowledge/k.md:6: strategic_challenges: unknown strategic challenge "
        "'digitalisation' (known values are in taxonomy.yml)"
    )


def test_every_problem_in_every_file_in_one_run(project: Project):
    project.write("events/good.md", GOOD_EVENT)
    project.write("events/bad.md", "---\ntitle: T\nkind: gala\nstart: 2020-02-30\n---\n")
    project.write("news/broken.md", "---\ntitle: [oops\n---\n")
    project.write("news/fine.md", "---\ntitle: N\ndate: 2020-01-01\nsummary: S\n---\n")
    project.write("calls/empty.md", "---\ntitle: C\nsummary: S\nprogramme: P\ndeadlines: []\n---\n")
    result = project.run("check")
    assert result.exit_code == 1
    assert error_lines(result) == [
        "content/calls/empty.md:5: deadlines: needs at least one entry",
        "content/events/bad.md:1: missing required field 'summary'",
        "content/events/bad.md:3: kind: 'gala' is not one of conference, matchmaking, webinar, "
        "workshop, info-day, mission, other",
        "content/events/bad.md:4: start: expected a date YYYY-MM-DD or a date and time "
        "YYYY-MM-DD HH:MM, got '2020-02-30'",
        "content/news/broken.md:2: invalid YAML: did not find expected ',' or ']' "
        "(while parsing a flow sequence)",
    ]
    assert "5 errors in the content; nothing was written" in result.output


def test_bad_file_names_and_path_tricks(project: Project, tmp_path):
    body = "---\ntitle: N\ndate: 2020-01-01\nsummary: S\n---\n"
    private = tmp_path / "private"
    private.mkdir()
    (private / "passwords.txt").write_text("secret")
    os.symlink(private, project.root / "content" / "shared")
    project.write("news/Green Deal.md", body)
    project.write("news/index.md", body)
    project.write("news/2020/nested.md", body)
    outside = tmp_path / "secret.md"
    outside.write_text(body)
    os.symlink(outside, project.root / "content" / "news" / "linked.md")
    os.symlink(private / "passwords.txt", project.root / "content" / "news" / "photo.jpg")
    result = project.run("check")
    assert error_lines(result) == [
        "content/news/2020/nested.md:1: items live directly in content/news/, not in a "
        "subfolder; move the file up",
        "content/news/Green Deal.md:1: file name 'Green Deal.md' is not a valid slug: use "
        "lower-case letters, digits and single hyphens, e.g. 'green-deal.md'",
        "content/news/index.md:1: 'index' is reserved for pages the site makes; choose another "
        "file name",
        "content/news/linked.md:1: is a link to a place outside the content folder; copy it in "
        "instead",
        "content/news/photo.jpg:1: is a link to a place outside the content folder; copy it in "
        "instead",
        "content/shared:1: is a link to a place outside the content folder; copy it in instead",
    ]


def test_duplicate_slug_and_duplicate_url(project: Project):
    body = "---\ntitle: N\ndate: 2020-01-01\nsummary: S\n---\n"
    project.write("news/green-deal.md", body)
    project.write("news/green-deal.markdown", body)
    project.write("about.md", "---\ntitle: About\n---\n")
    project.write("about/index.md", "---\ntitle: About again\n---\n")
    project.write("tags/mine.md", "A page where the site generates tag pages.\n")
    project.write("events.md", "A page at the URL of the events listing.\n")
    result = project.run("check")
    assert error_lines(result) == [
        "content/about/index.md:1: duplicate URL '/about/': content/about.md is published "
        "there too; rename one",
        "content/events.md:1: /events/ is where the site puts its generated events pages; "
        "move or rename this page",
        "content/news/green-deal.md:1: duplicate slug 'green-deal' in news: "
        "content/news/green-deal.markdown has it too; rename one",
        "content/tags/mine.md:1: /tags/ is where the site puts its generated tags pages; "
        "move or rename this page",
    ]


def test_references_to_missing_or_draft_items(project: Project):
    project.write("events/good.md", GOOD_EVENT)
    project.write(
        "news/hidden.md", "---\ntitle: H\ndate: 2020-01-01\nsummary: S\ndraft: true\n---\n"
    )
    project.write(
        "news/story.md",
        """\
        ---
        title: Story
        date: 2020-01-02
        summary: Links to other items.
        ---
        See [the event](../events/good.md) and [the old one](../events/gone.md).

        ```
        [not a link](../events/in-code.md)
        ```
        A [draft](hidden.md#top) and [outside](../../README.md).
        """,
    )
    project.write("about.md", "---\ntitle: About\n---\nOur [hidden story](news/hidden.md).\n")
    project.write(
        "newsletters/2020-03.md",
        """\
        ---
        title: March 2020
        date: 2020-03-01
        subject: Clusters in March
        preheader: The Green Deal and open calls
        sections:
          - heading: Latest news
            collection: news
            items: [story, hidden, missing]
        ---
        """,
    )
    result = project.run("check")
    assert error_lines(result) == [
        "content/about.md:4: link 'news/hidden.md' points at an item that is a draft or not "
        "yet published",
        "content/news/story.md:6: link '../events/gone.md' points at nothing: there is no "
        "content/events/gone.md",
        "content/news/story.md:11: link '../../README.md' points outside the content folder",
        "content/news/story.md:11: link 'hidden.md#top' points at an item that is a draft or "
        "not yet published",
        "content/newsletters/2020-03.md:9: sections[0].items: 'hidden' is a draft or not yet "
        "published",
        "content/newsletters/2020-03.md:9: sections[0].items: 'missing' does not exist: there "
        "is no content/news/missing.md",
    ]


def test_taxonomy_errors_are_reported_with_lines(project: Project):
    (project.root / "content" / "taxonomy.yml").write_text(
        "tags:\n  green: Green\ncolours:\n  red: Red\ncountries: [BE]\n"
    )
    result = project.run("check")
    assert error_lines(result) == [
        "content/taxonomy.yml:3: unknown vocabulary 'colours'; known: tags, countries, "
        "languages, territorial_validity, strategic_challenges, thematic_priorities, "
        "support_types, typology",
        "content/taxonomy.yml:5: countries: expected 'key: Label' lines",
    ]


def test_failed_build_writes_nothing_and_keeps_the_previous_site(project: Project):
    project.write("events/good.md", GOOD_EVENT)
    assert project.build().exit_code == 0
    before = {p: p.read_bytes() for p in project.site.rglob("*") if p.is_file()}
    project.write("events/good.md", GOOD_EVENT.replace("end: 2019-06-07", "end: 2019-06-01"))
    result = project.build()
    assert result.exit_code == 1
    assert error_lines(result) == [
        "content/events/good.md:6: end 2019-06-01 is before start 2019-06-05"
    ]
    after = {p: p.read_bytes() for p in project.site.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in project.root.iterdir()) == [
        "content",
        "mkdocs.yml",
        "site",
        "templates",
    ]


def test_a_clean_check_says_what_it_found(project: Project):
    project.write("events/good.md", GOOD_EVENT)
    project.write(
        "news/later.md", "---\ntitle: L\ndate: 2020-01-01\nsummary: S\npublish: 2020-04-01\n---\n"
    )
    result = project.run("check")
    assert result.exit_code == 0
    assert "content is valid: 1 published items, 1 drafts or scheduled, 0 pages" in result.output
    assert not (project.root / "site").exists()
