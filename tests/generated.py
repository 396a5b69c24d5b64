"""Generated content for every collection, sent through the path ``check`` uses (load,
plan, editions, outputs) and, when it is valid, through the outputs' own readers (feeds
by feedparser, calendars by icalendar). The one rule: nothing but a content error may
come out. Shared by the suite (a few hundred inputs) and ``scripts/generated-inputs``
(as many as asked, 100,000 for a release)."""

from __future__ import annotations

import shutil
import string
from pathlib import Path
from typing import Any

import feedparser
import icalendar
import yaml
from hypothesis import strategies as st

from newsdesk.adapter import commands
from newsdesk.content.catalog import load_catalog
from newsdesk.content.errors import ContentErrors
from newsdesk.content.models import MODELS
from newsdesk.engine import pipeline
from newsdesk.settings import Settings

COLLECTIONS = sorted(MODELS)

_TRICKY_TEXT = [
    "\x00",
    "\x1b[31m",
    "\r\n",
    "\u2028",
    "\ufeff",
    "\ud800",
    "<img src=x onerror=alert(1)>",
    "]]>",
    "&amp;",
    "--",
    "*|FNAME|*",
    "{{ x }}",
    "{% raw %}",
    "'",
    '"',
    "\\",
    "é",
    "𝔘",
    "javascript:alert(1)",
    "data:text/html,x",
    "[ ]://]",
    "https://example.org/" + "a" * 300,
]
_TRICKY_YAML = [
    "!!int nope",
    "!!float 1 3:9",
    "!!timestamp 2020-3-45",
    "!!binary aGk=",
    "!custom x",
    "&a [1]",
    "*a",
    "<<: {a: 1}",
    "? [a, b]",
    "9" * 50,
    "1e999",
    "-.inf",
    ".nan",
    "0x1F",
    "0o17",
    "2020-02-30",
    "0001-01-01",
    "9999-12-31 23:59",
    "2020-03-29 02:30",
    "~",
    "null",
    "yes",
    "NO",
    "[" * 30 + "]" * 30,
    "{a: {b: {c: {d: 1}}}}",
    "|\n  two\n  lines",
    '"\\0 nul"',
    '"\\L line"',
    "'",
    "{",
    "- a\n- b",
]


_STANDARD_TAGS = [
    f"!!{name}"
    for name in "str int float bool null timestamp seq map binary set omap pairs merge".split()
]
"""Every tag of YAML's own that PyYAML knows, each written as a value's tag in front matter."""
_ODD_VALUES = [
    "",
    "''",
    '""',
    "~",
    "nope",
    "2020-03-29t02:30:00",
    "2020-03-29 02:30:00 +01:00",
    "1_000",
    "0x",
    "0b",
    "0o",
    "+",
    ".",
    "_",
    "1:2",
    "1:",
    ":",
    "190:20:30.15",
    "yes",
    "On",
    "[]",
    "{}",
    "[a, b]",
    "[[a, b], [c]]",
    "{a: 1}",
    "[{a: 1}, {b: 2}]",
    "[a: 1]",
    "aGk=",
    "not base64!",
    "*a",
    "<<",
    "=",
    "!!str",
]
"""Values to put after a tag: none at all, the wrong kind, text PyYAML's readers of each tag
stumble on."""


def _tagged_yaml() -> st.SearchStrategy[str]:
    """A value as YAML may write it: any standard or custom tag, an anchor before or after
    it, and a value that fits the tag, fits another, is odd, or is not there at all."""
    tag = st.sampled_from(["", "", *_STANDARD_TAGS, "!", "!custom", "!<tag:yaml.org,2002:int>"])
    anchor = st.sampled_from(["", "", "&a", "&b"])
    value = st.one_of(
        st.sampled_from(_ODD_VALUES),
        st.sampled_from(_TRICKY_YAML),
        _date_text(),
        st.integers(-(10**30), 10**30).map(str),
    )

    def written(tag: str, anchor: str, value: str, anchor_first: bool) -> str:
        parts = (anchor, tag, value) if anchor_first else (tag, anchor, value)
        return " ".join(part for part in parts if part)

    return st.builds(written, tag, anchor, value, st.booleans())


@st.composite
def _yaml_lines(draw: st.DrawFn) -> str:
    """Lines of front matter no dumper writes: tagged, anchored and aliased values, in
    block and flow collections, merge keys, tagged and complex keys."""
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.sampled_from(_KEYS))
        form = draw(st.sampled_from(["plain", "list", "flow", "map", "alias", "key", "merge"]))
        value = draw(_tagged_yaml())
        if form == "plain":
            lines.append(f"{key}: {value}")
        elif form == "list":
            lines.append(f"{key}:\n  - {value}\n  - {draw(_tagged_yaml())}")
        elif form == "flow":
            lines.append(f"{key}: [{value}, {draw(_tagged_yaml())}]")
        elif form == "map":
            tag = draw(st.sampled_from(["", *_STANDARD_TAGS]))
            lines.append(f"{key}: {tag}\n  {draw(st.sampled_from(_KEYS))}: {value}")
        elif form == "alias":
            lines.append(f"{key}: &a {value}\n{draw(st.sampled_from(_KEYS))}: *a")
        elif form == "key":
            tag = draw(st.sampled_from(_STANDARD_TAGS))
            lines.append(draw(st.sampled_from([f"{tag} {key}: {value}", f"? {tag}\n: {value}"])))
        else:
            lines.append(f"{key}:\n  <<: {draw(st.sampled_from(['*a', '{city: Sofia}', value]))}")
    return "\n".join(lines) + "\n"


def _text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=40),
        st.text(alphabet=string.printable, max_size=40),
        st.sampled_from(_TRICKY_TEXT),
        st.lists(st.sampled_from(_TRICKY_TEXT), max_size=3).map("".join),
    )


def _date_text() -> st.SearchStrategy[str]:
    year = st.one_of(st.integers(1, 9999), st.sampled_from([1899, 1900, 2020, 2199, 2200]))
    return st.one_of(
        st.builds(
            lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", year, st.integers(0, 13), st.integers(0, 32)
        ),
        st.builds(
            lambda y, m, d, h, mi: f"{y:04d}-{m:02d}-{d:02d} {h:02d}:{mi:02d}",
            year,
            st.integers(1, 12),
            st.integers(1, 28),
            st.integers(0, 25),
            st.integers(0, 61),
        ),
    )


def _value(depth: int = 0) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        _text(),
        _date_text(),
        st.integers(),
        st.integers(-(10**500), 10**500),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.none(),
    )
    if depth >= 2:
        return scalars
    return st.one_of(
        scalars,
        st.lists(_value(depth + 1), max_size=3),
        st.dictionaries(st.sampled_from(_KEYS), _value(depth + 1), max_size=3),
    )


_KEYS = sorted(
    {name for model in MODELS.values() for name in model.model_fields}
    | {
        "city",
        "country",
        "venue",
        "date",
        "label",
        "name",
        "role",
        "heading",
        "items",
        "rule",
        "days",
        "limit",
        "collection",
        "placement",
        "online",
        "deadline",
        "sumary",
        "draft",
        "headlne",
        "news/companion-story",
    }
)


_HTML_COMMENTS = [
    "<!-->",
    "<!--->",
    "<!---->",
    "<!-- a -->",
    "<!-- a --!>",
    "--!>",
    "<!-- a -- b -->",
    "<!-- never closed",
    "<!--\n\nclosed after its paragraph -->",
    "<!-- a --!> ![x](https://example.org/x.png)",
    "<!--> ![x](https://example.org/x.png) -->",
    "<!---> ![x](https://example.org/x.png) -->",
    "<!-- ![x](https://example.org/x.png)",
    '<!-- --> <img src="https://example.org/x.png">',
    "<!",
    "<!>",
    "<!DOCTYPE html>",
    "<![CDATA[ x ]]>",
    "<?php x ?>",
]
"""Every way HTML5 opens and closes a comment (and the markup that looks like one), with
images from other sites after them, which must be told wherever Markdown shows them."""


def _body() -> st.SearchStrategy[str]:
    pieces = st.one_of(
        _text(),
        st.builds(lambda t, u: f"[{t}]({u})", _text(), _text()),
        st.builds(lambda t, u: f"![{t}]({u})", _text(), _text()),
        st.builds(lambda u: f'<img\n src="{u}">', _text()),
        st.sampled_from(
            ["```\ncode\n", "<!--", "-->", "# Heading", "\n\n", "[ref]: https://x.org"]
        ),
        st.sampled_from(_HTML_COMMENTS),
    )
    return st.lists(pieces, max_size=6).map("\n".join)


VALID: dict[str, dict[str, Any]] = {
    "news": {"title": "Clusters meet", "date": "2020-02-10", "summary": "A mission."},
    "events": {
        "title": "Cluster days",
        "summary": "Two days.",
        "kind": "conference",
        "start": "2020-03-10",
        "end": "2020-03-11",
        "location": {"city": "Sofia"},
    },
    "calls": {
        "title": "Cluster fund",
        "summary": "Money for clusters.",
        "programme": "COSME",
        "deadlines": [{"date": "2020-04-30", "label": "Submission"}],
        "budget_eur": 250000,
    },
    "interviews": {
        "title": "On clusters",
        "date": "2020-02-12",
        "summary": "A talk.",
        "interviewee": {"name": "Ana Popescu", "role": "Manager", "organisation": "Cluster"},
    },
    "knowledge": {
        "title": "A cluster guide",
        "date": "2020-01-15",
        "summary": "How to.",
        "kind": "report",
        "tags": ["green-transition"],
    },
    "newsletters": {
        "title": "March 2020",
        "date": "2020-03-01",
        "subject": "Clusters this month",
        "preheader": "News",
        "sections": [{"heading": "News", "collection": "news", "rule": "since-previous"}],
    },
}
"""A valid file of each collection, which a generated input starts from half the time and
changes a field or two of: enough valid content reaches the outputs."""


@st.composite
def content_file(draw: st.DrawFn) -> tuple[str, str]:
    """A collection's file: its path under content/ and its text. A third are valid, a
    third valid but for one field or the body, a third wild."""
    collection = draw(st.sampled_from(COLLECTIONS))
    mode = draw(st.sampled_from(["valid", "tweaked", "wild"]))
    slug = "2020-03" if collection == "newsletters" else "a-story"
    fields = dict(VALID[collection])
    body = "A paragraph of the story.\n"
    opening = closing = "---\n"
    if mode == "tweaked":
        if draw(st.booleans()):
            fields[draw(st.sampled_from(_KEYS))] = draw(_value())
        else:
            body = draw(_body())
    elif mode == "wild":
        slug = draw(st.sampled_from(["a-story", "2020-03", "Bad Name", "index"]))
        fields = draw(st.dictionaries(st.sampled_from(_KEYS), _value(), max_size=10))
        body = draw(_body())
        opening = draw(st.sampled_from(["---\n", "---\r\n", "\ufeff---\n", ""]))
        closing = draw(st.sampled_from(["---\n", "...\n", ""]))
    try:
        front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, ValueError):
        front = ""
    if mode == "wild" and draw(st.booleans()):  # YAML that safe_dump would never write
        front += f"{draw(st.sampled_from(_KEYS))}: {draw(st.sampled_from(_TRICKY_YAML))}\n"
    if mode != "valid" and draw(st.integers(0, 2)) == 0:  # tags, anchors and aliases
        front = draw(st.sampled_from([front, ""])) + draw(_yaml_lines())
    if mode == "wild" and draw(st.integers(0, 9)) == 0:  # front matter of one value
        front = draw(_tagged_yaml()) + "\n"
    return f"{collection}/{slug}.md", f"{opening}{front}{closing}{body}"


COMPANION = (
    "news/companion-story.md",
    "---\ntitle: Clusters sign a memorandum\ndate: 2020-02-20\nsummary: Two clusters join "
    "forces.\ntags: [green-transition]\n---\nThe memorandum covers research and training.\n",
)
"""A valid story beside each generated file."""


class Harness:
    """A scratch project whose content folder holds one generated file at a time."""

    def __init__(self, root: Path, config: str, taxonomy: str) -> None:
        (root / "content").mkdir(parents=True, exist_ok=True)
        if not (root / "templates").exists():
            (root / "templates").symlink_to(Path(__file__).resolve().parent.parent / "templates")
        (root / "mkdocs.yml").write_text(config, encoding="utf-8")
        (root / "content" / "taxonomy.yml").write_text(taxonomy, encoding="utf-8")
        self.root = root
        config_obj, self.project = commands.load(str(root / "mkdocs.yml"), None)
        self.settings: Settings = self.project.settings

    def run(self, src_uri: str, text: str) -> str:
        """Load, plan, make the editions and outputs of the content with ``text`` at
        ``src_uri``, and read what was made; 'valid' or 'errors'. Anything else raises."""
        for collection in COLLECTIONS:
            shutil.rmtree(self.root / "content" / collection, ignore_errors=True)
        companion = self.root / "content" / COMPANION[0]  # for editions and listings to show
        companion.parent.mkdir(parents=True)
        companion.write_text(COMPANION[1], encoding="utf-8")
        path = self.root / "content" / src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            catalog = load_catalog(self.settings)
            prepared = pipeline.prepare(self.settings, self.project.mail_settings, catalog)
        except ContentErrors as exc:
            for error in exc.errors:  # each one an editor can act on
                assert error.display_path.startswith("content/") and error.line >= 1
            return "errors"
        for name, data in prepared.files.items():
            if name.endswith(".xml") and ("feed" in name or "atom" in name):
                parsed = feedparser.parse(data)
                assert not parsed.bozo, (name, parsed.bozo_exception)
            elif name.endswith(".ics"):
                icalendar.Calendar.from_ical(data)
        return "valid"
