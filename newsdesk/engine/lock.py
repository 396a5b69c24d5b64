"""One build of a project at a time: ``build``, ``mkdocs build`` and each rebuild of
``serve`` take the project's lock, so two never write the same site or cache at once.

The lock is the operating system's (``filelock``: ``fcntl`` on macOS and Linux, ``msvcrt``
on Windows), so a build killed at any moment leaves it free. Within one process it is
taken again freely (the CLI's build holds it around MkDocs' build, whose plugin takes it
too).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_FILE = ".cache/build.lock"
"""In the cache's folder, which a build writes anyway: nothing else in the project."""


def project_lock(project_dir: Path) -> FileLock:
    path = project_dir / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(path, thread_local=False, is_singleton=True)


def acquire(lock: FileLock, say: Callable[[str], None]) -> None:
    """Take ``lock``, saying so first when another build holds it and this one waits."""
    try:
        lock.acquire(timeout=0)
    except Timeout:
        say(
            "another build of this project is running; waiting for it to finish "
            f"(it holds {lock.lock_file})"
        )
        lock.acquire()


@contextmanager
def one_build_at_a_time(project_dir: Path, say: Callable[[str], None]) -> Iterator[None]:
    lock = project_lock(project_dir)
    acquire(lock, say)
    try:
        yield
    finally:
        lock.release()
