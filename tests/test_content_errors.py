"""Every mistake an editor can make is reported as path:line: message, all in one run,
and a failed check or build writes nothing."""

from __future__ import annotations

import os
import re
import textwrap

import pytest
from PIL import Image

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
            "content/events/e.md:5: start: 2025-13-01 is not a day: a year has 12 months, "
            "from 01 to 12",
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


@pytest.mark.parametrize(
    ("src_uri", "front_matter", "expected"),
    [
        (
            "news/n.md",
            "date: 2020-02-30\nsummary: S",
            "3: date: 2020-02-30 is not a day: February 2020 has 29 days",
        ),
        (
            "news/n.md",
            "date: 2019-02-29\nsummary: S",
            "3: date: 2019-02-29 is not a day: February 2019 has 28 days",
        ),
        (
            "news/n.md",
            "date: 2020-04-31\nsummary: S",
            "3: date: 2020-04-31 is not a day: April 2020 has 30 days",
        ),
        (
            "news/n.md",
            "date: 2020-13-01\nsummary: S",
            "3: date: 2020-13-01 is not a day: a year has 12 months, from 01 to 12",
        ),
        (
            "news/n.md",
            "date: 2020-02-01\nsummary: S\npublish: 2020-02-30 09:00",
            "5: publish: 2020-02-30 is not a day: February 2020 has 29 days",
        ),
        (
            "events/n.md",
            "summary: S\nkind: webinar\nstart: 2020-03-17 10:00\nend: 2020-04-31 12:00",
            "6: end: 2020-04-31 is not a day: April 2020 has 30 days",
        ),
        (
            "calls/n.md",
            "summary: S\nprogramme: P\ndeadlines:\n  - date: 2021-02-29",
            "6: deadlines[0].date: 2021-02-29 is not a day: February 2021 has 28 days",
        ),
    ],
    ids=["leap-year", "common-year", "april", "month-13", "publish", "end", "deadline"],
)
def test_a_day_the_calendar_does_not_have_is_told_so(
    project: Project, src_uri: str, front_matter: str, expected: str
):
    text = f"---\ntitle: T\n{front_matter}\n---\nBody.\n"
    assert only_error(project, src_uri, text) == f"content/{src_uri}:{expected}"


def test_a_build_date_the_calendar_does_not_have_is_told_so(project: Project):
    result = project.run("check", "--today", "2019-02-29")
    assert result.exit_code != 0
    assert "build date 2019-02-29 is not a day: February 2019 has 28 days" in result.output
    assert "Traceback" not in result.output


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
        "content/calls/c.md:8: deadlines[1].date: 2020-09-31 is not a day: September 2020 "
        "has 30 days"
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
        "content/events/bad.md:4: start: 2020-02-30 is not a day: February 2020 has 29 days",
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
        ".cache",  # of the good build
        "content",
        "mkdocs.yml",
        "schemas",  # of the good build, for editors' editors
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


def test_byte_order_mark_and_windows_line_endings_are_fine(project: Project):
    target = project.root / "content" / "events" / "crlf.md"
    target.parent.mkdir(parents=True)
    target.write_bytes("\ufeff".encode() + GOOD_EVENT.replace("\n", "\r\n").encode())
    result = project.run("check")
    assert result.exit_code == 0, result.output


def test_norway_is_a_country_not_a_boolean(project: Project):
    taxonomy = project.root / "content" / "taxonomy.yml"
    taxonomy.write_text(
        taxonomy.read_text().replace("  RO: Romania", "  RO: Romania\n  NO: Norway")
    )
    project.write(
        "events/oslo.md", GOOD_EVENT.replace("city: Toronto", "city: Oslo\n  country: NO")
    )
    result = project.run("check")
    assert result.exit_code == 0, result.output
    project.write(
        "events/yes.md", GOOD_EVENT.replace("kind: matchmaking", "kind: matchmaking\nonline: yes")
    )
    assert error_lines(project.run("check")) == [
        "content/events/yes.md:5: online: expected true or false, got 'yes'"
    ]


def test_taxonomy_keys_must_be_safe_in_urls(project: Project):
    (project.root / "content" / "taxonomy.yml").write_text(
        "tags:\n  ../../escaped: Escaped\n  Green Deal: Green Deal\n"
        "countries:\n  Norway: Norway\nlanguages:\n  English: English\n"
    )
    assert error_lines(project.run("check")) == [
        "content/taxonomy.yml:2: tags: key '../../escaped' must be lower-case letters, digits "
        "and single hyphens, like green-transition",
        "content/taxonomy.yml:3: tags: key 'Green Deal' must be lower-case letters, digits and "
        "single hyphens, like green-transition",
        "content/taxonomy.yml:5: countries: key 'Norway' must be an ISO 3166 code of two "
        "capital letters, like BE",
        "content/taxonomy.yml:7: languages: key 'English' must be a language code, like en or "
        "pt-BR",
    ]


def test_images_and_attachments_must_be_stored_in_content(project: Project):
    project.write("news/map.md", news_with("image: images/map.png\nimage_alt: Map of clusters\n"))
    project.write(
        "news/pixel.md",
        news_with(
            "image: https://tracker.example/pixel.png\nimage_alt: Pixel\n",
            body="![chart](https://cdn.example/chart.png) and <img src='//cdn.example/x.png'>",
        ),
    )
    project.write("knowledge/panorama.md", PANORAMA)
    assert error_lines(project.run("check")) == [
        "content/knowledge/panorama.md:6: file: there is no file 'documents/panorama.pdf' in "
        "content/knowledge/; add it there",
        "content/news/map.md:5: image: there is no file 'images/map.png' in content/news/; add "
        "it there",
        "content/news/pixel.md:5: image: expected a file stored next to the item, like "
        "'images/map.png', got 'https://tracker.example/pixel.png'; copy the file into the "
        "content folder",
        "content/news/pixel.md:8: image '//cdn.example/x.png' loads an image from another site; "
        "store the image in the content folder so readers' browsers contact no one else",
        "content/news/pixel.md:8: image 'https://cdn.example/chart.png' loads an image from "
        "another site; store the image in the content folder so readers' browsers contact no "
        "one else",
    ]


def test_stored_files_are_published_where_their_links_point(project: Project):
    project.write("knowledge/documents/panorama.pdf", "%PDF-1.4 a report")
    (project.root / "content/news/images").mkdir(parents=True)
    Image.new("RGB", (300, 200), (11, 61, 122)).save(project.root / "content/news/images/map.png")
    project.write("knowledge/panorama.md", PANORAMA)
    project.write("news/map.md", news_with("image: images/map.png\nimage_alt: Map of clusters\n"))
    assert project.build().exit_code == 0
    page = project.page("knowledge/panorama")
    assert 'href="../documents/panorama.pdf">panorama.pdf (PDF, 1 KB)</a>' in page
    assert (project.site / "knowledge/documents/panorama.pdf").exists()
    story = project.page("news/map")
    shown = re.search(r'<img class="nd-picture" src="\.\./(images/map-300w-\w+\.png)"', story)
    assert shown and 'alt="Map of clusters"' in story
    assert (project.site / "news" / shown.group(1)).exists()  # the copy the page shows
    assert (project.site / "news/images/map.png").exists()  # and the file, as it is


def test_plain_page_options_are_checked(project: Project):
    project.write(
        "about.md", "---\ntitle: About\ntemplate: ../../etc/passwd\nhide: [sidebar]\n---\n"
    )
    assert error_lines(project.run("check")) == [
        "content/about.md:3: unknown field 'template'",
        "content/about.md:4: hide[0]: 'sidebar' is not one of navigation, toc, footer, path, "
        "tags, feedback",
    ]


def test_link_checks_see_absolute_links_and_skip_code(project: Project):
    project.write("news/hidden.md", news_with("draft: true\n"))
    project.write(
        "news/story.md",
        news_with(
            "",
            body="""\
        Absolute: [the draft](/news/hidden.md) and [spaces](<../events/no such.md>).
        In code: `[x](../events/nothing.md)` and <!-- [y](../events/nothing.md) -->.
        ````
        ```
        [z](../events/nothing.md)
        ```
        ````
        After the fence: [gone](../events/gone.md).
        """,
        ),
    )
    assert error_lines(project.run("check")) == [
        "content/news/story.md:6: link '../events/no such.md' points at nothing: there is no "
        "content/events/no such.md",
        "content/news/story.md:6: link '/news/hidden.md' points at an item that is a draft or "
        "not yet published",
        "content/news/story.md:13: link '../events/gone.md' points at nothing: there is no "
        "content/events/gone.md",
    ]


def test_odd_yaml_and_folders_are_reported_not_crashed_on(project: Project):
    project.write("news/complex.md", "---\n? [a, b]\n: c\ntitle: T\n---\n")
    (project.root / "content" / "loop").symlink_to(project.root / "content")
    project.write("news/index.html", "<p>hand-written</p>")
    assert error_lines(project.run("check")) == [
        "content/loop:1: is a link back to a folder already in the content",
        "content/news/complex.md:2: a key must be plain text, like 'title:'",
        "content/news/index.html:1: would overwrite a page of the site; rename it",
    ]


def test_a_local_time_skipped_by_the_clock_change_is_an_error(project: Project):
    project.write(
        "events/e.md",
        GOOD_EVENT.replace("start: 2019-06-05\nend: 2019-06-07", "start: 2020-03-29 02:30"),
    )
    assert error_lines(project.run("check")) == [
        "content/events/e.md:5: start: 2020-03-29 02:30 does not exist in Europe/Brussels: the "
        "clocks go forward then; give a time an hour later"
    ]


def test_edition_sections_are_checked(project: Project):
    project.write("news/story.md", news_with(""))
    project.write(
        "newsletters/2020-03.md",
        """\
        ---
        title: March 2020
        date: 2020-03-01
        subject: Clusters in March
        preheader: The Green Deal and open calls
        lead: gone
        sections:
          - heading: Latest news
            collection: news
            items: [story, story]
            days: 30
          - heading: Nothing
            collection: events
            items: []
          - heading: Both
            collection: calls
            rule: open
            items: [story]
          - heading: Wrong rule
            collection: news
            rule: upcoming
        ---
        """,
    )
    assert error_lines(project.run("check")) == [
        "content/newsletters/2020-03.md:6: lead: 'gone' does not exist: there is no "
        "content/news/gone.md",
        "content/newsletters/2020-03.md:10: sections[0].items: 'story' is listed twice",
        "content/newsletters/2020-03.md:11: sections[0].days: goes with a rule, not with items",
        "content/newsletters/2020-03.md:14: sections[1].items: list at least one item, or "
        "remove it",
        "content/newsletters/2020-03.md:15: sections[2]: list either items or a rule (one of them)",
        "content/newsletters/2020-03.md:18: sections[2].items: 'story' does not exist: there "
        "is no content/calls/story.md",
        "content/newsletters/2020-03.md:21: sections[3].rule: 'upcoming' chooses from events, "
        "not news",
    ]


def test_bad_settings_are_a_clear_error(project: Project):
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("page_size: 20", "page_size: 0"))
    result = project.run("check")
    assert result.exit_code == 1
    assert "newsdesk.page_size: must be 1 or more, not 0" in result.output
    text = config.read_text().replace("page_size: 0", "page_size: 20")
    config.write_text(text.replace("search_shard_pages: 1000", "search_shard_pages: 0"))
    assert "newsdesk.search_shard_pages: must be 1 or more, not 0" in project.run("check").output


PANORAMA = """\
---
title: Panorama
date: 2020-01-14
summary: Cluster strengths.
kind: report
file: documents/panorama.pdf
---
"""


def news_with(extra: str, body: str = "A story.") -> str:
    return f"---\ntitle: N\ndate: 2020-01-01\nsummary: S\n{extra}---\n{textwrap.dedent(body)}"


def test_links_to_an_item_with_errors_say_so_once(project: Project):
    broken = "---\ntitle: Broken\ndate: 2020-02-30\nsummary: A bad date.\n---\nBody.\n"
    project.write("news/broken.md", broken)
    linking = "---\ntitle: {title}\ndate: 2020-02-01\nsummary: Links.\n---\nSee [it](broken.md).\n"
    project.write("news/first.md", linking.format(title="First"))
    project.write("news/second.md", linking.format(title="Second"))
    assert error_lines(project.run("check")) == [
        "content/news/broken.md:3: date: 2020-02-30 is not a day: February 2020 has 29 days",
        "content/news/first.md:6: link 'broken.md' points at content/news/broken.md, which has "
        "errors of its own",
    ]


def test_a_mistyped_file_name_is_told_with_the_closest_file(project: Project):
    project.write("knowledge/documents/panorama.pdf", "%PDF-1.4 a report")
    project.write("knowledge/panorama.md", PANORAMA.replace("panorama.pdf", "panorma.pdf"))
    project.write("knowledge/policy-toolkit.md", PANORAMA.replace("file: documents/", "# "))
    (project.root / "content/news/images").mkdir(parents=True)
    Image.new("RGB", (300, 200), (11, 61, 122)).save(project.root / "content/news/images/map.png")
    project.write(
        "news/links.md",
        news_with(
            "image: images/mpa.png\nimage_alt: Map\n",
            body="""\
            See the [toolkit](../knowledge/polcy-toolkit.md), the [other](/knowlege/panorama.md)
            and ![the map](images/map.pgn), not [this](../knowledge/nothing-like-it.md).
            """,
        ),
    )
    assert error_lines(project.run("check")) == [
        "content/knowledge/panorama.md:6: file: there is no file 'documents/panorma.pdf' in "
        "content/knowledge/; did you mean 'documents/panorama.pdf'?",
        "content/news/links.md:5: image: there is no file 'images/mpa.png' in content/news/; "
        "did you mean 'images/map.png'?",
        "content/news/links.md:8: link '../knowledge/polcy-toolkit.md' points at nothing: "
        "there is no content/knowledge/polcy-toolkit.md; did you mean "
        "'../knowledge/policy-toolkit.md'?",
        "content/news/links.md:8: link '/knowlege/panorama.md' points at nothing: there is no "
        "content/knowlege/panorama.md; did you mean '/knowledge/panorama.md'?",
        "content/news/links.md:9: image 'images/map.pgn' points at nothing: there is no "
        "content/news/images/map.pgn; did you mean 'images/map.png'?",
        "content/news/links.md:9: link '../knowledge/nothing-like-it.md' points at nothing: "
        "there is no content/knowledge/nothing-like-it.md",
    ]


def test_every_problem_of_a_file_in_one_run_whatever_checks_it(project: Project):
    """Fields of the wrong kind hold back no check of the others: the image's file and
    its alt text are told with them, not once they are fixed."""
    project.write(
        "news/six.md",
        """\
        ---
        title: Six mistakes
        date: 2020-02-30
        featurd: true
        tags: [green-transtion]
        image: images/nothere.png
        ---
        Body.
        """,
    )
    project.write(
        "events/bad-name_.md", "---\ntitle: T\nsummary: S\nkind: gala\nstart: 2020-03-17\n---\n"
    )
    result = project.run("check")
    assert result.exit_code == 1
    assert error_lines(result) == [
        "content/events/bad-name_.md:1: file name 'bad-name_.md' is not a valid slug: use "
        "lower-case letters, digits and single hyphens, e.g. 'bad-name.md'",
        "content/events/bad-name_.md:4: kind: 'gala' is not one of conference, matchmaking, "
        "webinar, workshop, info-day, mission, other",
        "content/news/six.md:1: missing required field 'summary'",
        "content/news/six.md:3: date: 2020-02-30 is not a day: February 2020 has 29 days",
        "content/news/six.md:4: unknown field 'featurd'; did you mean 'featured'?",
        "content/news/six.md:5: tags: unknown tag 'green-transtion'; did you mean "
        "'green-transition'? (known values are in taxonomy.yml)",
        "content/news/six.md:6: an image needs image_alt: describe it for readers who cannot "
        "see it",
        "content/news/six.md:6: image: there is no file 'images/nothere.png' in content/news/; "
        "add it there",
    ]
    assert "8 errors in the content; nothing was written" in result.output


def test_a_typo_in_an_edition_s_override_is_an_unknown_field(project: Project):
    project.write("news/story.md", news_with(""))
    project.write(
        "newsletters/2020-03.md",
        """\
        ---
        title: March 2020
        date: 2020-03-01
        subject: Clusters in March
        preheader: The news
        sections:
          - heading: Latest news
            collection: news
            items: [story]
        overrides:
          news/story:
            headlne: A better headline
        ---
        """,
    )
    told = [
        "content/newsletters/2020-03.md:12: unknown field 'overrides.news/story.headlne'; "
        "did you mean 'headline'?"
    ]
    for command in ("check", "build"):
        result = project.run(command)
        assert result.exit_code == 1, result.output
        assert error_lines(result) == told


def test_names_an_editor_s_laptop_cannot_hold_are_refused(project: Project):
    """Names macOS and Windows take for one (capitals, two ways of writing an accent), and
    names Windows cannot make, each told on the file, with what to do."""
    project.write("news/story.md", news_with(""))
    project.write("News/x.md", "A page.\n")
    project.write("images/zz-map.png", "a map")
    project.write("images/Zz-Map.png", "a map")
    project.write("news/con.md", news_with(""))
    project.write("images/aux.tar.gz", "a file")
    project.write("images/plan?.pdf", "a file")
    project.write("images/notes. ", "a file")
    project.write("images/caf\u00e9.pdf", "a file")  # é as one character (NFC)
    project.write("images/cafe\u0301.pdf", "a file")  # e and an accent (NFD)
    same = (
        "on macOS and Windows, which take capitals and small letters (and an accent written "
        "either way) for one: rename one"
    )
    told = [  # in the order of the files' names
        "content/images/aux.tar.gz:1: is named 'aux', a name Windows keeps for a device, with "
        "any extension; Windows cannot make such a file: rename it",
        "content/images/caf\u00e9.pdf:1: is the same name as content/images/cafe\u0301.pdf " + same,
        "content/images/notes. :1: ends in a dot or a space, which Windows drops from a name; "
        "rename it",
        "content/images/plan?.pdf:1: has '?' in its name, which Windows does not allow; rename it",
        "content/images/zz-map.png:1: is the same name as content/images/Zz-Map.png " + same,
        "content/news:1: is the same name as content/News " + same,
        "content/news/con.md:1: is named 'con', a name Windows keeps for a device, with any "
        "extension; Windows cannot make such a file: rename it",
    ]
    for command in ("check", "build"):
        result = project.run(command) if command == "check" else project.build()
        assert result.exit_code == 1, result.output
        assert error_lines(result) == told
