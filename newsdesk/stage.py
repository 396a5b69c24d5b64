"""What the build is doing at this moment: its phase and the file it works on, so that a
failure nobody foresaw is reported as one line an editor can act on ("while rendering
content/news/green-deal.md") rather than as a traceback.

It imports nothing of Newsdesk's and sits below every package: the content names the file
it reads, the engine the phase it is in, the adapter the page it renders."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

tracebacks = False
"""Whether a failure nobody foresaw shows its traceback too (``--debug``)."""
_local = threading.local()
"""Each thread's phase and file: the preview makes its search index in a thread of its own
while the next edit may already be read in another."""


def _state() -> dict[str, str]:
    return _local.__dict__.setdefault("now", {"phase": "", "file": ""})


@contextmanager
def phase(name: str) -> Iterator[None]:
    """The build is ``name`` ("loading the content", "rendering the pages"…) meanwhile."""
    now = _state()
    before = dict(now)
    now.update(phase=name, file="")
    yield
    now.update(before)  # not on a failure: the report names where it happened


def working_on(display_path: str) -> None:
    """The file the current phase works on now (``content/news/a.md``)."""
    _state()["file"] = display_path


def described() -> str:
    """`` while rendering the pages, at content/news/a.md``, or '' outside any phase."""
    now = _state()
    doing = f" while {now['phase']}" if now["phase"] else ""
    at = f" at {now['file']}" if now["file"] else ""
    return f"{doing},{at}" if doing and at else doing or at


class Failed(Exception):
    """An unforeseen failure in another process (a render worker), with the file it was
    working on; it pickles, whatever the exception it stands for."""

    def __init__(self, display_path: str, problem: str) -> None:
        super().__init__(display_path, problem)
        self.display_path = display_path
        self.problem = problem

    def __str__(self) -> str:
        return self.problem


def unforeseen(exc: BaseException, debug_flag: str) -> str:
    """The line that tells of a failure nobody foresaw."""
    if isinstance(exc, Failed):
        where, problem = f" while rendering the pages, at {exc.display_path}", exc.problem
    else:
        where, problem = described(), f"{type(exc).__name__}: {exc}"
    return (
        f"error{where}: {problem}. The site is as it was. Newsdesk did not foresee this: "
        f"run the command again with {debug_flag} and report what it prints."
    )
