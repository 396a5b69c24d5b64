"""JSON Schema of each collection's front matter, made from the models that check it.

Editors' editors read them (the YAML language server of VS Code, JetBrains and Neovim):
completion of fields and of the taxonomy's values, each field's description on hover, and
the common mistakes marked while typing. The models stay the judge: what a schema cannot
say (an end before its start, an image without its alt text, a link to a missing item) is
told by ``check``. Each schema is written to ``schemas/<collection>.json`` in the project,
where scaffolds and ``.vscode/settings.json`` point.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from newsdesk.content.models import FILE_FIELDS, MODELS, Item
from newsdesk.content.taxonomy import Taxonomy

SCHEMA_DIR = "schemas"
"""The folder, in the project, that holds one schema per collection."""
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_path(collection: str) -> str:
    """Where the schema of ``collection`` is, relative to the project."""
    return f"{SCHEMA_DIR}/{collection}.json"


def collection_schema(model: type[Item], taxonomy: Taxonomy) -> dict[str, Any]:
    """The schema of ``model``'s front matter: its fields, with the keys of the taxonomy
    as the allowed values of the fields that take them."""
    schema = copy.deepcopy(model.model_json_schema(mode="validation"))
    for name in FILE_FIELDS:  # the file's name and text say these
        schema["properties"].pop(name, None)
    schema["required"] = [name for name in schema.get("required", ()) if name not in FILE_FIELDS]
    for dotted, vocabulary in model.vocabulary_fields.items():
        keys = list(taxonomy.vocabularies.get(vocabulary, {}))
        _allow(schema, schema, dotted.split("."), keys)
    _tidy(schema)
    return {
        "$schema": DIALECT,
        "title": f"{model.label} front matter",
        "description": f"The front matter of a file in content/{model.collection}/.",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def schemas(taxonomy: Taxonomy) -> dict[str, bytes]:
    """Every collection's schema as the file holds it, by path relative to the project."""
    return {
        schema_path(collection): _dumped(collection_schema(model, taxonomy))
        for collection, model in MODELS.items()
    }


_written: dict[Path, Taxonomy] = {}
"""The taxonomy this process last wrote each project's schemas for, so that a preview's
update whose taxonomy is as it was makes none."""


def write_schemas(project_dir: Path, taxonomy: Taxonomy) -> list[Path]:
    """Write the schemas into ``project_dir``, each only where it changed; the paths
    written."""
    if _written.get(project_dir) == taxonomy:
        return []
    files = schemas(taxonomy)
    written = []
    for relative, data in files.items():
        path = project_dir / relative
        try:
            if path.read_bytes() == data:
                continue
        except OSError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    _written[project_dir] = taxonomy
    return written


def _allow(schema: dict[str, Any], node: dict[str, Any], path: list[str], keys: list[str]) -> None:
    """Limit the values at ``path`` below ``node`` (a list's entries, or one value) to
    ``keys``, following references and optional values."""
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        _allow(schema, schema["$defs"][name], path, keys)
        return
    if "anyOf" in node:
        for branch in node["anyOf"]:
            if branch.get("type") != "null":
                _allow(schema, branch, path, keys)
        return
    if path:
        _allow(schema, node["properties"][path[0]], path[1:], keys)
    elif node.get("type") == "array":
        node["items"] = {"enum": keys}
        node["uniqueItems"] = True
    else:
        node.clear()
        node["enum"] = keys


def _tidy(node: Any) -> None:
    """Descriptions on one line, as editors show them on hover."""
    if isinstance(node, dict):
        if isinstance(node.get("description"), str):
            node["description"] = " ".join(node["description"].split())
        for value in node.values():
            _tidy(value)
    elif isinstance(node, list):
        for value in node:
            _tidy(value)


def _dumped(schema: dict[str, Any]) -> bytes:
    return (json.dumps(schema, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
