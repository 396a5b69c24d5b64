"""The one vocabulary of the site: tags, countries, languages and the knowledge facets.

Every tag or facet value an item uses must be a key here; an unknown value is an error
that names the closest known one, matched against keys and labels alike.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from newsdesk.content.errors import ContentError
from newsdesk.content.frontmatter import FrontMatterError, parse_yaml_file
from newsdesk.content.sources import UnreadableSource, read_text

VOCABULARIES: dict[str, str] = {
    "tags": "tag",
    "countries": "country",
    "languages": "language",
    "territorial_validity": "territorial validity",
    "strategic_challenges": "strategic challenge",
    "thematic_priorities": "thematic priority",
    "support_types": "type of cluster support",
    "typology": "typology",
}
"""Vocabulary name in taxonomy.yml → what one value of it is called in messages."""

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
KEY_SHAPES: dict[str, tuple[re.Pattern[str], str]] = {
    "countries": (re.compile(r"[A-Z]{2}"), "an ISO 3166 code of two capital letters, like BE"),
    "languages": (re.compile(r"[a-z]{2,3}(?:-[A-Z]{2})?"), "a language code, like en or pt-BR"),
}
"""Keys become URLs and identifiers: tags and facet values are slugs; these have their own."""
_SLUG_SHAPE = (_SLUG, "lower-case letters, digits and single hyphens, like green-transition")


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """Vocabulary name → {key: label}."""

    vocabularies: Mapping[str, Mapping[str, str]]

    def label(self, vocabulary: str, key: str) -> str:
        return self.vocabularies.get(vocabulary, {}).get(key, key)

    def unknown_value_message(self, vocabulary: str, value: object) -> str | None:
        """None when ``value`` is a key of ``vocabulary``; otherwise what to tell the editor."""
        terms = self.vocabularies.get(vocabulary, {})
        noun = VOCABULARIES[vocabulary]
        if not isinstance(value, str):
            return f"expected a {noun} as text, got {value!r}"
        if value in terms:
            return None
        closest = self._closest(terms, value)
        return f"unknown {noun} '{value}'{closest} (known values are in taxonomy.yml)"

    @staticmethod
    def _closest(terms: Mapping[str, str], value: str) -> str:
        by_label = {label.casefold(): key for key, label in terms.items()}
        if value.casefold() in by_label:
            return f"; did you mean '{by_label[value.casefold()]}'?"
        candidates = {key.casefold(): key for key in terms} | by_label
        match = difflib.get_close_matches(value.casefold(), list(candidates), n=1, cutoff=0.6)
        return f"; did you mean '{candidates[match[0]]}'?" if match else ""


TAXONOMY_FILE = "taxonomy.yml"


def load_taxonomy(docs_dir: Path, display_prefix: str) -> tuple[Taxonomy, list[ContentError]]:
    """Read ``taxonomy.yml``; a missing or malformed file is reported, never fatal on its own."""
    source = docs_dir / TAXONOMY_FILE
    display_path = f"{display_prefix}{TAXONOMY_FILE}"
    if not os.path.lexists(source):
        return Taxonomy({}), []
    try:
        data, lines = parse_yaml_file(read_text(source, display_path), display_path)
    except (FrontMatterError, UnreadableSource) as exc:
        return Taxonomy({}), [exc.error]
    return _taxonomy_from(data, lines, display_path)


def _taxonomy_from(data, lines, display_path) -> tuple[Taxonomy, list[ContentError]]:
    errors = list(_problems(data, lines, display_path))
    vocabularies = {
        name: {str(key): str(label) for key, label in terms.items()}
        for name, terms in data.items()
        if name in VOCABULARIES and isinstance(terms, dict)
    }
    return Taxonomy(vocabularies), errors


def _problems(data, lines, display_path) -> Iterator[ContentError]:
    for name, terms in data.items():
        line = lines.get((name,), 1)
        if name not in VOCABULARIES:
            known = ", ".join(VOCABULARIES)
            yield ContentError(display_path, line, f"unknown vocabulary '{name}'; known: {known}")
        elif not isinstance(terms, dict):
            yield ContentError(display_path, line, f"{name}: expected 'key: Label' lines")
        else:
            shape, described = KEY_SHAPES.get(name, _SLUG_SHAPE)
            for key, label in terms.items():
                key_line = lines.get((name, key), line)
                if not isinstance(key, str) or not shape.fullmatch(key):
                    yield ContentError(
                        display_path, key_line, f"{name}: key '{key}' must be {described}"
                    )
                elif not isinstance(label, str) or not label.strip():
                    yield ContentError(display_path, key_line, f"{name}.{key}: needs a label")
