"""The packages of ``newsdesk`` point one way: each imports only packages in a layer below
its own, so any one of them can be read, tested and changed knowing only what lies under it.

The graph is read from the source with ``ast``, not from what an import happens to load:
every import counts, those inside functions (a deferred import is still a dependency) and
those under ``TYPE_CHECKING`` (a type a module names belongs to the package that defines
it; a layer that names a type from above it cannot be read without that layer).
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict, deque
from dataclasses import dataclass

from tests.conftest import REPO

PACKAGE = REPO / "newsdesk"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("clock", "stage"),  # the build date; the phase a failure is told with
    ("settings",),  # what a build knows besides the content, the editing screen's options
    ("content",),  # files → typed items → the catalog, and what each edition contains
    ("site", "editor"),  # views, facets, the plan; the editing screen's files
    ("outputs", "newsletter"),  # feeds, calendars, sitemap; editions by email
    ("engine",),  # the order of a build, the cache, search, the lock
    ("adapter",),  # MkDocs and Material (for now above the engine, which it still calls)
    ("cli",),  # the commands
)
"""Lowest first. A package may import any package of a lower layer, and none of its own
layer but itself or of one above. The adapter and the CLI sit on top for now, allowed
anything below them; the adapter is meant to come down to just above the views it renders,
and the engine must never import it."""

RANK = {name: rank for rank, layer in enumerate(LAYERS) for name in layer}


@dataclass(frozen=True, slots=True)
class Import:
    module: str
    """The importing file, relative to the repository (``newsdesk/content/catalog.py``)."""
    line: int
    source: str
    """The import as written (``from newsdesk.engine import stage``)."""
    importer: str
    imported: str
    """The two packages: ``content`` imports ``engine``."""

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.importer} imports {self.imported}: {self.source}"


def package_of(dotted: str) -> str | None:
    """The package a ``newsdesk`` module belongs to (``newsdesk.site.views`` → ``site``), or
    None for a module outside ``newsdesk`` or for ``newsdesk`` itself."""
    parts = dotted.split(".")
    return parts[1] if parts[0] == "newsdesk" and len(parts) > 1 else None


def imported_modules(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The modules an import statement reaches, dotted (``from newsdesk import cli`` reaches
    ``newsdesk.cli``; a relative import is resolved against ``module``)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        parts = module.split(".") if is_package else module.split(".")[:-1]
        parts = parts[: len(parts) - node.level + 1]
        base = ".".join([*parts, *([node.module] if node.module else [])])
    if base == "newsdesk":  # each name imported from the top is a package of its own
        return [f"newsdesk.{alias.name}" for alias in node.names]
    return [base]


def imports_between_packages() -> list[Import]:
    """Every import in ``newsdesk`` from one of its packages to another, in file order."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(REPO)
        is_package = path.name == "__init__.py"
        parts = relative.with_suffix("").parts
        module = ".".join(parts[:-1] if is_package else parts)
        importer = package_of(module)
        if importer is None:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(relative))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for dotted in imported_modules(node, module, is_package):
                imported = package_of(dotted)
                if imported is not None and imported != importer:
                    source = ast.unparse(node)
                    found.append(Import(str(relative), node.lineno, source, importer, imported))
    return sorted(found, key=lambda i: (i.module, i.line))


def cycles(imports: list[Import]) -> list[list[str]]:
    """Loops of packages that import one another, each as the packages round it, starting
    from the first in alphabetical order and back to it (``[outputs, site, outputs]``): for
    each import between two packages that reach each other, the shortest loop it closes."""
    graph: dict[str, set[str]] = defaultdict(set)
    for found in imports:
        graph[found.importer].add(found.imported)
    loops = set()
    for start in sorted(graph):
        for first in sorted(graph[start]):
            path = _shortest_path(graph, first, start)
            if path is not None:
                loop = [start, *path[:-1]]
                turn = loop.index(min(loop))
                loops.add(tuple(loop[turn:] + loop[:turn] + [min(loop)]))
    return [list(loop) for loop in sorted(loops, key=lambda loop: (len(loop), loop))]


def _shortest_path(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """The packages from ``start`` to ``goal`` by imports, both included, fewest first."""
    came_from: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        name = queue.popleft()
        if name == goal:
            path = [name]
            while (before := came_from[path[-1]]) is not None:
                path.append(before)
            return path[::-1]
        for other in sorted(graph.get(name, ())):
            if other not in came_from:
                came_from[other] = name
                queue.append(other)
    return None


def _where(imports: list[Import], importer: str, imported: str) -> str:
    """The lines of the imports from one package to another, by file: ``a.py:3, 9``."""
    lines: dict[str, list[str]] = defaultdict(list)
    for found in imports:
        if (found.importer, found.imported) == (importer, imported):
            lines[found.module].append(str(found.line))
    return "; ".join(f"{module}:{', '.join(numbers)}" for module, numbers in lines.items())


def test_every_package_has_its_place_in_the_layers():
    on_disk = {
        path.stem if path.is_file() else path.name
        for path in PACKAGE.iterdir()
        if (path.suffix == ".py" and path.name != "__init__.py")
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert on_disk == set(RANK), (
        f"packages without a layer: {sorted(on_disk - set(RANK))}; "
        f"layers naming no package: {sorted(set(RANK) - on_disk)}"
    )


def test_no_package_imports_one_of_its_own_layer_or_above():
    wrong = [
        str(found)
        for found in imports_between_packages()
        if RANK.get(found.imported, len(LAYERS)) >= RANK.get(found.importer, -1)
    ]
    assert not wrong, "imports against the layers (lowest first: {}):\n{}".format(
        " → ".join("/".join(layer) for layer in LAYERS), "\n".join(wrong)
    )


def test_the_packages_import_one_another_in_no_cycle():
    imports = imports_between_packages()
    told = []
    for loop in cycles(imports):
        told.append(" → ".join(loop))
        told += [
            f"    {importer} → {imported}: {_where(imports, importer, imported)}"
            for importer, imported in itertools.pairwise(loop)
        ]
    assert not told, "packages that import one another in a loop:\n" + "\n".join(told)


def test_the_graph_reader_sees_every_kind_of_import():
    """Imports in functions, under TYPE_CHECKING, relative and from the top all count."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "from newsdesk import cli\n"
        "from ..engine import stage\n"
        "from . import views\n"
        "if TYPE_CHECKING:\n"
        "    from newsdesk.outputs.feeds import FeedLink\n"
        "def later():\n"
        "    import newsdesk.newsletter.render\n"
    )
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found += imported_modules(node, "newsdesk.site.plan", is_package=False)
    assert sorted(filter(None, map(package_of, found))) == [
        "cli",
        "engine",
        "newsletter",
        "outputs",
        "site",
    ]
    assert cycles(
        [
            Import("a.py", 1, "", "site", "outputs"),
            Import("b.py", 2, "", "outputs", "site"),
            Import("c.py", 3, "", "engine", "site"),
        ]
    ) == [["outputs", "site", "outputs"]]
