"""Errors editors see: every problem names a file, a line, and what to do about it."""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class ContentError:
    """One problem in the content, reported as ``path:line: message``."""

    display_path: str
    """The file as editors see it, relative to the project root (``content/news/a.md``)."""
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.display_path}:{self.line}: {self.message}"


class ContentErrors(Exception):
    """Every problem found in one pass over the content; raised once, at the end."""

    def __init__(self, errors: Iterable[ContentError]) -> None:
        self.errors: tuple[ContentError, ...] = tuple(sorted(set(errors)))
        super().__init__("\n".join(str(error) for error in self.errors))

    def __reduce__(self) -> tuple[type[ContentErrors], tuple[tuple[ContentError, ...]]]:
        return ContentErrors, (self.errors,)  # from a render worker, errors and all

    def summary(self, preview: bool = False) -> str:
        count = len(self.errors)
        errors = f"{count} error{'s' if count != 1 else ''} in the content"
        if preview:
            return f"{errors}. The preview shows the last version that built; fix these and save:"
        return f"{errors}; nothing was written"


def did_you_mean(value: str, known: Iterable[str]) -> str:
    """A ``; did you mean 'x'?`` suffix for the closest known value, or ''."""
    return suggestion(closest(value, known))


def suggestion(meant: str | None) -> str:
    """``; did you mean 'x'?`` for what was probably meant, or '' when nothing was."""
    return f"; did you mean '{meant}'?" if meant else ""


def closest(value: str, known: Iterable[str]) -> str | None:
    """The known value closest to ``value``, if one is close enough to be a typo of it."""
    matches = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    return matches[0] if matches else None


def closest_file(src_uri: str, known: Iterable[str]) -> str | None:
    """The known file (``src_uri``) that ``src_uri`` is probably a typo of: in its folder,
    the closest name (without its suffix: ``.md`` makes any two pages look alike), then
    the closest suffix; else a file of the same name in the closest folder. Whole paths
    are not compared: two files of one folder share so much that any would look close."""
    folder, name = posixpath.split(src_uri)
    known = list(known)
    by_stem: dict[str, dict[str, str]] = {}
    for uri in known:
        if posixpath.dirname(uri) == folder:
            by_stem.setdefault(_stem(uri), {})[posixpath.basename(uri)] = uri
    if (stem := closest(_stem(name), by_stem)) is not None:
        names = by_stem[stem]
        return names[closest(name, names) or min(names)]
    by_folder = {posixpath.dirname(uri): uri for uri in known if posixpath.basename(uri) == name}
    if (meant := closest(folder, by_folder)) is not None:
        return by_folder[meant]
    return None


def _stem(src_uri: str) -> str:
    return posixpath.splitext(posixpath.basename(src_uri))[0]
