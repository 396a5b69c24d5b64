"""The one door to MkDocs and Material for MkDocs: no other module imports them.

Newsdesk uses them as libraries: MkDocs loads the configuration, lists the files, makes the
navigation, sets up Python-Markdown and serves the preview with live reload; Material's
templates lay out every page. Moving to a fork of MkDocs 1.x (ProperDocs) or to a successor
that reads ``mkdocs.yml`` is a change to this package alone.

Private names of MkDocs used here, each for want of a public one:

- ``mkdocs.commands.build._build_template`` (site.py): the theme's own pages (404.html)
  and ``extra_templates``, made as MkDocs makes them;
- ``mkdocs.structure.pages._RelativePathTreeprocessor`` and ``_ExtractTitleTreeprocessor``
  (render.py): one Python-Markdown serves every page, with MkDocs' link rewriting and title
  extraction, instead of a new one per page;
- ``config._current_page`` and ``page._title_from_render`` (render.py, site.py): what
  MkDocs' own page loop sets, so that plugins and templates see the page being rendered.

MkDocs' ``build()`` is never entered by Newsdesk's commands; under ``mkdocs build`` the
plugin (plugin.py) has the engine build the site and hands MkDocs no pages.
"""

from __future__ import annotations

import functools
import re
import sys
from importlib import metadata

SUPPORTED = {
    "mkdocs": ((1, 6, 1), (2,), "mkdocs>=1.6.1,<2"),
    "mkdocs-material": ((9, 5), (10,), "mkdocs-material>=9.5,<10"),
}
"""Distribution → (lowest version, first version not supported, what to install). This
module imports neither, so that a missing or wrong one gives a message, not a traceback."""
FORK = ("properdocs", (1, 6), (2,), "properdocs>=1.6,<2")
"""ProperDocs, the fork of MkDocs 1.x, stands in for MkDocs where MkDocs is not installed,
and wherever ``properdocs build`` runs: it answers every ``import mkdocs…`` (Material's
among them) with its own modules."""


class UnsupportedVersion(RuntimeError):
    pass


@functools.cache
def engine() -> str:
    """The distribution that provides ``mkdocs``: the one running, where one is (``properdocs
    build`` answers ``import mkdocs…`` with ProperDocs' modules, MkDocs installed or not),
    else MkDocs itself if installed, else ProperDocs. (Looked up once: the installed packages
    do not change while the program runs, and the lookup reads every package's metadata,
    while the renderer asks for each page.)"""
    running = sys.modules.get("mkdocs")
    if running is not None:
        return FORK[0] if running.__name__ == FORK[0] else "mkdocs"
    for name in ("mkdocs", FORK[0]):
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        return name
    return "mkdocs"


def log_name() -> str:
    """The name of the engine's root logger (``mkdocs``, or ``properdocs`` where ProperDocs
    stands in): what it logs, and counts for ``strict``, is under it."""
    return "mkdocs" if engine() == "mkdocs" else FORK[0]


def check_versions() -> None:
    """Stop with a clear message when MkDocs (or ProperDocs) or Material is missing or of
    a version this adapter was not written for (MkDocs 2 has no plugins)."""
    supported = dict(SUPPORTED)
    if engine() == FORK[0]:
        del supported["mkdocs"]
        supported[FORK[0]] = FORK[1:]
    for name, (lowest, beyond, requirement) in supported.items():
        try:
            found = metadata.version(name)
        except metadata.PackageNotFoundError:
            raise UnsupportedVersion(
                f"{name} is not installed: pip install '{requirement}'"
            ) from None
        if not lowest <= _numbers(found) < beyond:
            raise UnsupportedVersion(
                f"Newsdesk works with {requirement.replace(name, name + ' ', 1)}, "
                f"not {name} {found}: pip install '{requirement}'"
            )


def _numbers(version: str) -> tuple[int, ...]:
    """``1.6.1`` → (1, 6, 1); a pre-release counts as its release (``2.0.0rc1`` → (2, 0, 0))."""
    return tuple(int(part) for part in re.findall(r"\d+", version.split("rc")[0])[:3])


if engine() == FORK[0]:
    import properdocs.replacement  # noqa: F401 - from here on, mkdocs.* is ProperDocs'
