"""The JSON Schema each collection's front matter has, for editors' editors: made from the
models, with the taxonomy's keys, and in agreement with ``check`` on the common mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from newsdesk.content.frontmatter import parse_document
from newsdesk.content.models import MODELS
from newsdesk.content.schema import schema_path
from tests.conftest import REPO, Project, error_lines


def validator(root: Path, collection: str) -> Draft202012Validator:
    schema = json.loads((root / schema_path(collection)).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def front_matter(path: Path) -> dict:
    """The front matter as the YAML language server reads it (YAML 1.2: dates are text)."""
    return parse_document(path.read_text(encoding="utf-8"), path.name, path.name).meta


def test_every_sample_item_validates_against_its_collection_s_schema():
    checked = 0
    for collection in MODELS:
        schema = validator(REPO, collection)
        for path in sorted((REPO / "content" / collection).glob("*.md")):
            problems = [error.message for error in schema.iter_errors(front_matter(path))]
            assert problems == [], path
            checked += 1
    assert checked > 70


def test_the_committed_schemas_are_those_the_build_writes(project: Project, tmp_path: Path):
    """What editors find in a fresh clone, before any build, is current."""
    committed = {c: (REPO / schema_path(c)).read_bytes() for c in MODELS}
    copy = tmp_path / "sample"
    copy.mkdir()
    (copy / "mkdocs.yml").write_text((REPO / "mkdocs.yml").read_text())
    (copy / "content").symlink_to(REPO / "content")
    (copy / "templates").symlink_to(REPO / "templates")
    result = Project(copy).run("schema")
    assert result.exit_code == 0, result.output
    assert result.output.split() == [schema_path(c) for c in MODELS]
    assert {c: (copy / schema_path(c)).read_bytes() for c in MODELS} == committed


def test_the_schemas_describe_every_field_and_allow_the_taxonomy_s_keys(project: Project):
    project.write("news/a.md", "---\ntitle: A\ndate: 2020-01-01\nsummary: S.\n---\n")
    assert project.build().exit_code == 0  # the build writes them too
    events = json.loads((project.root / schema_path("events")).read_text())
    assert events["required"] == ["title", "summary", "kind", "start"]
    assert events["properties"]["tags"]["items"]["enum"] == [
        "green-transition",
        "digital-transition",
        "matchmaking",
    ]
    country = events["$defs"]["Location"]["properties"]["country"]["anyOf"][0]
    assert country["enum"] == ["BE", "JP", "RO"]
    assert "matchmaking" in events["properties"]["kind"]["enum"]
    for collection in MODELS:
        schema = json.loads((project.root / schema_path(collection)).read_text())
        for where in (schema, *schema.get("$defs", {}).values()):
            undescribed = [k for k, v in where["properties"].items() if not v.get("description")]
            assert undescribed == [], (collection, where.get("title"))
        assert not {"slug", "src_uri", "body"} & set(schema["properties"])

    # A new word in the vocabulary is a value the schema allows at the next build.
    taxonomy = project.root / "content/taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text().replace("tags:\n", "tags:\n  blue-economy: Blue\n"))
    assert project.build().exit_code == 0
    news = json.loads((project.root / schema_path("news")).read_text())
    assert "blue-economy" in news["properties"]["tags"]["items"]["enum"]


NEWS = "title: Clusters meet\ndate: 2020-02-10\nsummary: A mission.\n"
EVENT = "title: Cluster days\nsummary: Two days.\nkind: conference\nstart: 2020-03-17\n"
CALL = "title: A call\nsummary: S.\nprogramme: COSME\ndeadlines:\n  - date: 2020-04-02\n"
INTERVIEW = (
    "title: Talk\ndate: 2020-01-05\nsummary: S.\n"
    "interviewee:\n  name: Ana\n  role: Manager\n  organisation: A cluster\n"
)
KNOWLEDGE = "title: A guide\ndate: 2019-05-01\nsummary: S.\nkind: guide\n"
EDITION = (
    "title: March\ndate: 2020-03-01\nsubject: News\npreheader: The month.\n"
    "sections:\n  - heading: News\n    collection: news\n    rule: since-previous\n"
)

CASES: dict[str, tuple[str, bool]] = {
    # file: (front matter, whether it is valid)
    "news/valid.md": (NEWS + "tags: [matchmaking]\nfeatured: true\n", True),
    "news/valid-times.md": (NEWS + "publish: 2020-02-10 09:00\nexpires: 2020-05-01\n", True),
    "news/missing-summary.md": ("title: T\ndate: 2020-02-10\n", False),
    "news/title-a-list.md": (NEWS.replace("title: Clusters meet", "title: [a, b]"), False),
    "news/empty-title.md": (NEWS.replace("Clusters meet", '"  "'), False),
    "news/title-two-lines.md": (NEWS.replace("Clusters meet", '"Two\\nlines"'), False),
    "news/control-character.md": (NEWS.replace("A mission.", '"A\\u0000mission"'), False),
    "news/bad-date.md": (NEWS.replace("2020-02-10", "10/02/2020"), False),
    "news/month-13.md": (NEWS.replace("2020-02-10", "2020-13"), False),
    "news/unknown-field.md": (NEWS + "sumary: S\n", False),
    "news/slug-set.md": (NEWS + "slug: other\n", False),
    "news/unknown-tag.md": (NEWS + "tags: [green-transtion]\n", False),
    "news/tag-twice.md": (NEWS + "tags: [matchmaking, matchmaking]\n", False),
    "news/tags-not-a-list.md": (NEWS + "tags: {a: b}\n", False),
    "news/featured-maybe.md": (NEWS + "featured: maybe\n", False),
    "news/featured-yes.md": (NEWS + "featured: yes\n", False),  # YAML 1.2: text
    "news/javascript-link.md": (NEWS + "source_url: javascript:alert(1)\n", False),
    "news/image-elsewhere.md": (NEWS + "image: https://x.org/a.png\nimage_alt: A\n", False),
    "news/image-outside.md": (NEWS + "image: ../../secret.png\nimage_alt: A\n", False),
    "news/draft-text.md": (NEWS + "draft: 'true'\n", False),
    "events/valid.md": (
        EVENT + "end: 2020-03-18\nonline: true\nlocation:\n  city: Tokyo\n  country: JP\n",
        True,
    ),
    "events/unknown-kind.md": (EVENT.replace("conference", "webinr"), False),
    "events/missing-kind.md": (EVENT.replace("kind: conference\n", ""), False),
    "events/hour-25.md": (EVENT.replace("2020-03-17", "2020-03-17 25:00"), False),
    "events/country-name.md": (EVENT + "location:\n  country: Japan\n", False),
    "events/location-text.md": (EVENT + "location: Tokyo\n", False),
    "events/online-maybe.md": (EVENT + "online: maybe\n", False),
    "calls/valid.md": (CALL + "  - date: 2020-06-02 17:00\n    label: Second cut-off\n", True),
    "calls/no-deadline.md": (CALL.split("deadlines:")[0] + "deadlines: []\n", False),
    "calls/deadline-text.md": (CALL.replace("date: 2020-04-02", "date: soon"), False),
    "calls/negative-budget.md": (CALL + "budget_eur: -5\n", False),
    "calls/budget-text.md": (CALL + "budget_eur: lots\n", False),
    "calls/budget-number.md": (CALL + "budget_eur: 25150000\nprojects_funded: 5-6\n", True),
    "interviews/valid.md": (INTERVIEW, True),
    "interviews/no-role.md": (INTERVIEW.replace("  role: Manager\n", ""), False),
    "knowledge/valid.md": (
        KNOWLEDGE + "countries: [BE, RO]\nlanguage: en\ntypology: [programme]\n",
        True,
    ),
    "knowledge/unknown-facet-value.md": (KNOWLEDGE + "support_types: [loans]\n", False),
    "knowledge/unknown-language.md": (KNOWLEDGE + "language: english\n", False),
    "knowledge/unknown-kind.md": (KNOWLEDGE.replace("kind: guide", "kind: pamphlet"), False),
    "newsletters/valid.md": (EDITION, True),
    "newsletters/no-sections.md": (EDITION.split("sections:")[0] + "sections: []\n", False),
    "newsletters/unknown-rule.md": (EDITION.replace("since-previous", "latest"), False),
    "newsletters/days-zero.md": (EDITION + "    days: 0\n", False),
}
"""Front matter the schema and ``check`` both judge: each the mistake editors make most."""

CHECK_ALONE = {
    # What no schema of one file can say: how its fields agree with each other.
    "events/end-before-start.md": EVENT + "end: 2020-03-16\n",
    "news/image-without-alt.md": NEWS + "image: images/a.png\n",
    "news/expires-before-it-goes-live.md": NEWS + "expires: 2020-02-01\n",
    "calls/deadlines-out-of-order.md": CALL + "  - date: 2020-03-01\n",
}


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    """A project holding every case, the files ``check`` found errors in."""
    from tests.conftest import make_project

    project = make_project(tmp_path_factory.mktemp("schema") / "newsroom")
    for src_uri, (meta, _) in CASES.items():
        project.write(src_uri, f"---\n{meta}---\nBody.\n")
    for src_uri, meta in CHECK_ALONE.items():
        project.write(src_uri, f"---\n{meta}---\nBody.\n")
    result = project.run("check")
    assert result.exit_code == 1, result.output
    failed = {line.split(":")[0].removeprefix("content/") for line in error_lines(result)}
    assert project.run("schema").exit_code == 0
    return project.root, failed


@pytest.mark.parametrize("src_uri", sorted(CASES))
def test_the_schema_and_check_agree(judged: tuple[Path, set[str]], src_uri: str):
    root, failed = judged
    schema = validator(root, src_uri.split("/")[0])
    meta = front_matter(root / "content" / src_uri)
    schema_accepts = schema.is_valid(meta)
    check_accepts = src_uri not in failed
    assert (schema_accepts, check_accepts) == (CASES[src_uri][1],) * 2, list(
        schema.iter_errors(meta)
    )


def test_check_alone_tells_how_fields_agree(judged: tuple[Path, set[str]]):
    root, failed = judged
    for src_uri in CHECK_ALONE:
        assert src_uri in failed
        assert validator(root, src_uri.split("/")[0]).is_valid(
            front_matter(root / "content" / src_uri)
        ), src_uri


def test_editors_find_the_schemas_from_the_scaffolds_and_the_project_settings(project: Project):
    mapping = json.loads((REPO / ".vscode/settings.json").read_text())["yaml.schemas"]
    assert mapping == {f"./{schema_path(c)}": f"content/{c}/*.md" for c in MODELS}
    for collection in MODELS:
        result = project.run("new", collection, "A first draft")
        assert result.exit_code == 0, result.output
        written = project.root / "content" / collection / "a-first-draft.md"
        modeline = written.read_text().splitlines()[1]
        assert modeline == f"# yaml-language-server: $schema=../../{schema_path(collection)}"
        schema = (written.parent / modeline.split("=", 1)[1]).resolve()
        assert schema == (project.root / schema_path(collection)).resolve()
        assert schema.is_file()  # written with the first scaffold
