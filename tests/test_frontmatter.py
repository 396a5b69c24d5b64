"""The front-matter parser: values, the line of every key, and YAML faults with their line."""

from __future__ import annotations

import pytest

from newsdesk.content.frontmatter import FrontMatterError, parse_document


def parse(text: str):
    return parse_document(text, "events/x.md", "content/events/x.md")


def test_front_matter_values_body_and_lines():
    document = parse(
        "---\n"
        "title: EU-Canada matchmaking\n"
        "start: 2019-06-05\n"
        "deadlines:\n"
        "  - date: 2020-04-02\n"
        "    label: First stage\n"
        "---\n"
        "The body.\n"
    )
    assert document.meta == {
        "title": "EU-Canada matchmaking",
        "start": "2019-06-05",  # dates stay text; the model parses and reports them
        "deadlines": [{"date": "2020-04-02", "label": "First stage"}],
    }
    assert document.line_of(("start",)) == 3
    assert document.line_of(("deadlines", 0, "label")) == 6
    assert document.line_of(("deadlines", 0, "missing")) == 5  # closest enclosing value
    assert document.body == "The body.\n"
    assert document.body_line == 8


def test_file_without_front_matter_is_all_body():
    document = parse("Just text.\n")
    assert document.meta == {} and document.body == "Just text.\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "---\ntitle: ok\nsummary: [unclosed\n---\n",
            "content/events/x.md:3: invalid YAML: did not find expected ',' or ']' "
            "(while parsing a flow sequence)",
        ),
        (
            "---\ntitle: a\nsummary: b\ntitle: c\n---\n",
            "content/events/x.md:4: duplicate key 'title' (first set on line 2); keep one",
        ),
        (
            "---\n- a list\n---\n",
            "content/events/x.md:1: front matter must be 'key: value' lines, not a list",
        ),
        (
            "---\ntitle: never closed\n",
            "content/events/x.md:1: front matter is not closed: add a line '---' after it",
        ),
        (
            "---\ntitle: a\n  summary: b\n---\n",
            "content/events/x.md:3: invalid YAML: mapping values are not allowed in this context",
        ),
        (
            "---\n!!int\n---\n",
            "content/events/x.md:2: '!!int' has no value after it; write one, or remove the tag",
        ),
        (
            "---\ntitle: t\nflag: !!bool &a\n---\n",
            "content/events/x.md:3: '!!bool' has no value after it; write one, or remove the tag",
        ),
        (
            "---\ntitle: t\nflag: !!bool 2020-03-29t02:30:00\n---\n",
            "content/events/x.md:3: '2020-03-29t02:30:00' is not true or false YAML can read; "
            "write it plainly or in quotes",
        ),
    ],
    ids=[
        "unclosed-list",
        "duplicate",
        "list",
        "unclosed",
        "indent",
        "bare-int",
        "empty-bool",
        "date-as-bool",
    ],
)
def test_yaml_faults_name_their_line(text, expected):
    with pytest.raises(FrontMatterError) as caught:
        parse(text)
    assert str(caught.value.error) == expected


TOO_DEEP = "values are nested more than 20 levels deep; simplify them"


@pytest.mark.parametrize(
    ("nested", "line"),
    [
        ("deep: " + "[" * 1000 + "]" * 1000 + "\n", 3),  # past any reader's own limit
        ("deep:\n" + "".join(f"{' ' * i}[\n" for i in range(1, 1001)) + "]" * 1000 + "\n", 24),
        ("deep:\n" + "".join(f"{' ' * i}a:\n" for i in range(1, 1001)) + " " * 1001 + "b\n", 24),
        ("deep: " + "{a: " * 30 + "b" + "}" * 30 + "\n", 3),  # within every reader's limit
        ("deep:\n" + "".join(f"{' ' * i}- \n" for i in range(1, 31)) + " " * 31 + "- b\n", 24),
    ],
    ids=["flow-on-a-line", "flow-over-lines", "block", "flow-30", "block-30"],
)
def test_values_nested_too_deep_are_told_on_the_line_they_pass_the_limit(nested, line):
    """Whatever the YAML reader says first (libyaml refuses past 1000 levels, some
    versions before the first value) the editor reads Newsdesk's limit, where it is
    passed: the 21st level down."""
    with pytest.raises(FrontMatterError) as caught:
        parse(f"---\ntitle: t\n{nested}---\n")
    assert str(caught.value.error) == f"content/events/x.md:{line}: {TOO_DEEP}"


def test_a_fault_before_deep_nesting_is_told_as_it_is():
    with pytest.raises(FrontMatterError) as caught:
        parse("---\ntitle: [oops\ndeep: " + "[" * 1000 + "]" * 1000 + "\n---\n")
    assert str(caught.value.error).startswith("content/events/x.md:")
    assert TOO_DEEP not in str(caught.value.error)
