"""Errors editors see: every problem names a file, a line, and what to do about it."""

from __future__ import annotations

import difflib
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

    def summary(self, preview: bool = False) -> str:
        count = len(self.errors)
        errors = f"{count} error{'s' if count != 1 else ''} in the content"
        if preview:
            return f"{errors}. The preview shows the last version that built; fix these and save:"
        return f"{errors}; nothing was written"


def did_you_mean(value: str, known: Iterable[str]) -> str:
    """A ``; did you mean 'x'?`` suffix for the closest known value, or ''."""
    matches = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    return f"; did you mean '{matches[0]}'?" if matches else ""
