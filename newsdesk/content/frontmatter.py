"""Split a Markdown file into YAML front matter and body, keeping the line of every key.

MkDocs' own parser swallows YAML errors and returns no metadata; this one reports them
with the file line, rejects duplicate keys, and records where each value was written so
later checks (types, vocabulary, references) can name the offending line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from newsdesk.content.errors import ContentError
from newsdesk.content.links import Attribute, Link, attributes_set, links_in

KeyPath = tuple[str | int, ...]
"""Where a value sits in the front matter: ``("deadlines", 1, "date")``."""

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that leaves dates as text, so the content model parses (and reports) them,
    and reads only true/false as booleans (YAML 1.2), so Norway's code ``NO`` stays text."""


_BOOL = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", _BOOL)
    ]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

_FENCE = re.compile(r"^---[ \t]*\r?\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Version:
    """A content file's text and its front matter, as hashes."""

    text: str
    front_matter: str

    @classmethod
    def of(cls, text: str, front_matter: str) -> Version:
        def sha(part: str) -> str:
            return hashlib.sha256(part.encode("utf-8", "surrogatepass")).hexdigest()

        return cls(sha(text), sha(front_matter))


@dataclass(frozen=True, slots=True)
class Document:
    """A content file as read from disk: front matter, where each key was, and the body."""

    src_uri: str
    """Posix path relative to the content folder (MkDocs' ``src_uri``)."""
    display_path: str
    """Path shown to editors in errors, relative to the project root."""
    meta: dict[str, Any]
    lines: dict[KeyPath, int]
    body: str
    body_line: int
    """File line on which the body starts."""
    version: Version = field(default_factory=lambda: Version("", ""))
    """What the file's text is, as hashes: what is made of it changes only when they do."""
    links: tuple[Link, ...] = ()
    """Every link and image of the body, with its line (``links.py``): read with the
    file, so that a build that reuses the file checks its links without reading the body
    again."""
    attributes: tuple[Attribute, ...] = ()
    """Every attribute the body's attribute lists set, with its line."""

    def line_of(self, path: KeyPath) -> int:
        """The file line of a value, or of its closest enclosing value."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)

    def error(self, path: KeyPath, message: str) -> ContentError:
        return ContentError(self.display_path, self.line_of(path), message)


class FrontMatterError(Exception):
    def __init__(self, error: ContentError) -> None:
        super().__init__(str(error))
        self.error = error


def parse_document(text: str, src_uri: str, display_path: str) -> Document:
    """Parse one Markdown file; raise FrontMatterError naming the line of the first YAML fault."""
    text = text.removeprefix("\ufeff")  # a byte-order mark some editors write
    opening = _FENCE.match(text)
    if not opening:
        version = Version.of(text, "")
        return Document(src_uri, display_path, {}, {(): 1}, text, 1, version, *_marks(text, 1))
    closing = _CLOSE.search(text, opening.end())
    if not closing:
        raise FrontMatterError(
            ContentError(display_path, 1, "front matter is not closed: add a line '---' after it")
        )
    yaml_text = text[opening.end() : closing.start()]
    body_start = text.find("\n", closing.end())
    body = "" if body_start < 0 else text[body_start + 1 :]
    body_line = text.count("\n", 0, closing.end()) + 2
    meta, lines = _load_yaml(yaml_text, display_path, first_line=2)
    version = Version.of(text, yaml_text)
    marks = _marks(body, body_line)
    return Document(src_uri, display_path, meta, lines, body, body_line, version, *marks)


def _marks(body: str, first_line: int) -> tuple[tuple[Link, ...], tuple[Attribute, ...]]:
    return tuple(links_in(body, first_line)), tuple(attributes_set(body, first_line))


def parse_yaml_file(text: str, display_path: str) -> tuple[dict[str, Any], dict[KeyPath, int]]:
    """Parse a whole YAML file (e.g. the taxonomy) with the same line tracking."""
    return _load_yaml(text, display_path, first_line=1)


def _load_yaml(
    text: str, display_path: str, first_line: int
) -> tuple[dict[str, Any], dict[KeyPath, int]]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {(): first_line - 1 or 1}
        lines: dict[KeyPath, int] = {(): max(first_line - 1, 1)}
        _record_lines(node, (), lines, first_line, display_path)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        deep = _first_line_nested_too_deep(text)
        if deep is not None and (mark is None or deep <= mark.line):
            raise FrontMatterError(_too_deep(display_path, first_line + deep)) from None
        if exc.context_mark and mark and mark.line >= text.count("\n"):
            mark = exc.context_mark  # ran off the end: the opening is what to fix
        line = first_line + (mark.line if mark else 0)
        problem = exc.problem or "malformed YAML"
        hint = f" ({exc.context})" if exc.context else ""
        raise FrontMatterError(
            ContentError(display_path, line, f"invalid YAML: {problem}{hint}")
        ) from None
    except RecursionError:  # nested past what the reader can follow, before it is checked
        deep = _first_line_nested_too_deep(text) or 0
        raise FrontMatterError(_too_deep(display_path, first_line + deep)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports marks for all we feed it
        error = ContentError(display_path, first_line, f"invalid YAML: {exc}")
        raise FrontMatterError(error) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise FrontMatterError(
            ContentError(
                display_path,
                lines[()],
                f"front matter must be 'key: value' lines, not a {type(data).__name__}",
            )
        )
    return data, lines


_YAML = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    f"{_YAML}{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq")
)
"""The tags a value may have: text, numbers, true/false, nothing, mappings and lists.
Others (dates, binary data, sets, an application's own) are refused where they are
written, rather than made into values no field expects."""
MAX_DEPTH = 20
"""How deeply values may nest: front matter needs three levels; a thousand would exhaust
the reader."""


def _record_lines(
    node: yaml.Node,
    path: KeyPath,
    lines: dict[KeyPath, int],
    first_line: int,
    display_path: str,
    seen: set[int] | None = None,
    at: int | None = None,
) -> None:
    """Note the line of every value under ``node``, refusing what YAML allows but front
    matter has no use for: aliases, merge keys, keys that are not text, tags other than
    the standard ones, numbers their tag cannot read, nesting past ``MAX_DEPTH``."""
    seen = set() if seen is None else seen
    line = at if at is not None else first_line + node.start_mark.line

    def refuse(message: str) -> FrontMatterError:
        return FrontMatterError(ContentError(display_path, line, message))

    if id(node) in seen:  # the composer gives an alias the node it names
        raise refuse("YAML aliases ('*name') are not allowed; write the value out in full")
    seen.add(id(node))
    line = first_line + node.start_mark.line
    if len(path) > MAX_DEPTH:
        raise FrontMatterError(_too_deep(display_path, line))
    if node.tag not in _ALLOWED_TAGS:
        tag = node.tag.replace(_YAML, "!!")
        raise refuse(f"the YAML tag '{tag}' is not allowed; remove it and write the value plainly")
    if isinstance(node, yaml.ScalarNode):
        _check_scalar(node, refuse)
    elif isinstance(node, yaml.MappingNode):
        keys: dict[Any, int] = {}
        for key_node, value_node in node.value:
            line = first_line + key_node.start_mark.line
            if key_node.tag == f"{_YAML}merge":
                raise refuse("YAML merge keys ('<<') are not allowed; write the fields out")
            if not isinstance(key_node, yaml.ScalarNode):
                raise refuse("a key must be plain text, like 'title:'")
            if key_node.tag != f"{_YAML}str":
                raise refuse(
                    f"a key must be text, like 'title:'; '{shortened(key_node.value)}' is read "
                    "as a value: put it in quotes"
                )
            key = key_node.value
            if key in keys:
                raise refuse(f"duplicate key '{key}' (first set on line {keys[key]}); keep one")
            keys[key] = line
            lines[(*path, key)] = line
            _record_lines(value_node, (*path, key), lines, first_line, display_path, seen, line)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = first_line + item.start_mark.line
            _record_lines(item, (*path, index), lines, first_line, display_path, seen, line)


def _too_deep(display_path: str, line: int) -> ContentError:
    return ContentError(
        display_path, line, f"values are nested more than {MAX_DEPTH} levels deep; simplify them"
    )


def _first_line_nested_too_deep(text: str) -> int | None:
    """The line (from 0) of the first value nested past ``MAX_DEPTH``, as ``_record_lines``
    would find it, or None: for when the reader gave up first. libyaml refuses nesting past
    its own limit (PyYAML 6.0.4's does, at 1000), and its scanner reads up to 1024
    characters ahead of what it has told, so its error can come before any sign of the
    depth; a RecursionError says nothing of where. PyYAML's own parser follows any depth
    without recursing, so its events measure it, up to the first fault it finds."""
    open_collections: list[list[int]] = []
    """For each collection the event is in: whether it is a mapping (1) and the nodes
    it holds so far (a mapping's keys and values alternate)."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionEndEvent):
                open_collections.pop()
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            is_key = False
            if open_collections:
                is_mapping, held = open_collections[-1]
                is_key = bool(is_mapping) and held % 2 == 0
                open_collections[-1][1] += 1
            if not is_key and len(open_collections) > MAX_DEPTH:  # values, as _record_lines
                return event.start_mark.line
            if isinstance(event, yaml.CollectionStartEvent):
                open_collections.append([isinstance(event, yaml.MappingStartEvent), 0])
    except yaml.YAMLError:
        pass  # a fault before any value nested too deep: the reader's error says it
    return None


_READ_SCALAR = {
    f"{_YAML}int": yaml.constructor.SafeConstructor.construct_yaml_int,
    f"{_YAML}float": yaml.constructor.SafeConstructor.construct_yaml_float,
    _BOOL: yaml.constructor.SafeConstructor.construct_yaml_bool,
}
_WHAT = {f"{_YAML}int": "a whole number", f"{_YAML}float": "a number", _BOOL: "true or false"}


def _check_scalar(node: yaml.ScalarNode, refuse: Callable[[str], FrontMatterError]) -> None:
    """A number or a true/false, whether its tag was written or YAML read it as one, must
    be one YAML can read: ``!!int nope`` is not, nor an integer of thousands of digits,
    nor a tag with no value after it (``!!bool``, ``!!float &a``)."""
    read = _READ_SCALAR.get(node.tag)
    if read is None:
        return
    try:
        read(_SCALARS, node)
    # PyYAML's constructors index the text without checking it (an IndexError for no
    # text, a KeyError for a true/false it does not know).
    except (ValueError, OverflowError, IndexError, KeyError, yaml.YAMLError):
        if not node.value.strip():
            tag = node.tag.replace(_YAML, "!!")
            raise refuse(f"'{tag}' has no value after it; write one, or remove the tag") from None
        raise refuse(
            f"'{shortened(node.value)}' is not {_WHAT[node.tag]} YAML can read; write it "
            "plainly or in quotes"
        ) from None


_SCALARS = yaml.constructor.SafeConstructor()


def shortened(value: str, limit: int = 40) -> str:
    """``value`` as an error quotes it: its first ``limit`` characters."""
    return value if len(value) <= limit else f"{value[:limit]}…"
