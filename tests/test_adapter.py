"""The adapter is the one door to MkDocs and Material: nothing else imports them, and it
refuses versions it was not written for with a message, not a traceback."""

from __future__ import annotations

import ast
from importlib import metadata
from pathlib import Path

import pytest

from newsdesk import adapter
from newsdesk.content.models import MODELS
from tests.conftest import REPO, Project

FRAMEWORKS = ("mkdocs", "material")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_only_the_adapter_imports_mkdocs_or_material():
    package = REPO / "newsdesk"
    outside = {
        path.relative_to(REPO).as_posix(): sorted(
            name for name in imported_modules(path) if name.split(".")[0] in FRAMEWORKS
        )
        for path in package.rglob("*.py")
        if (package / "adapter") not in path.parents
    }
    assert {path: names for path, names in outside.items() if names} == {}


def test_no_code_switches_on_a_collection_s_model():
    """Per-collection behaviour lives with the collection (its model's methods) or is
    registered per model (``functools.singledispatch``), never in ``isinstance`` chains."""
    models = {model.__name__ for model in MODELS.values()} | {"Item"}
    found = []
    for path in (REPO / "newsdesk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "isinstance":
                named = {name.id for name in ast.walk(node.args[1]) if isinstance(name, ast.Name)}
                if named & models:
                    found.append(f"{path.relative_to(REPO).as_posix()}:{node.lineno}")
    assert found == []


@pytest.mark.parametrize(
    ("name", "version"), [("mkdocs", "2.0.0"), ("mkdocs", "1.5.3"), ("mkdocs-material", "10.0.1")]
)
def test_an_unsupported_version_stops_with_what_to_install(
    project: Project, monkeypatch: pytest.MonkeyPatch, name: str, version: str
):
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda dist: version if dist == name else real(dist))
    with pytest.raises(adapter.UnsupportedVersion, match=f"not {name} {version}: pip install"):
        adapter.check_versions()
    result = project.build()
    assert result.exit_code == 1
    assert f"not {name} {version}: pip install '{name}>=" in result.output
    assert "Traceback" not in result.output


def test_the_installed_versions_are_supported():
    adapter.check_versions()
