"""Reading the content's files: only regular files are read, so nothing a content folder
can hold (a link to nowhere or to itself, a pipe, a device, a folder named like a page, a
file the build may not read, text that is not UTF-8) hangs or crashes a build. Each is an
error naming the file and what to do."""

from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata
from pathlib import Path

from newsdesk.content.errors import ContentError

_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
"""Opening a pipe for reading waits for a writer, unless it is opened without blocking
(on systems that have pipes in their folders; Windows has none)."""


class UnreadableSource(Exception):
    def __init__(self, error: ContentError) -> None:
        super().__init__(str(error))
        self.error = error


def problem_with(path: Path) -> str | None:
    """Why ``path`` cannot be read as a file of the content, or None if it can."""
    try:
        status = path.stat()
    except OSError as exc:
        return _why(path, exc)
    except RuntimeError:  # a loop of links, as Python 3.11 and 3.12 report it
        return _LOOP
    return None if stat.S_ISREG(status.st_mode) else _not_a_file(status.st_mode)


def read_bytes(path: Path, display_path: str) -> bytes:
    """The bytes of the regular file at ``path``; raises UnreadableSource otherwise."""
    try:
        descriptor = os.open(path, _FLAGS)
    except OSError as exc:
        raise UnreadableSource(ContentError(display_path, 1, _why(path, exc))) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise UnreadableSource(ContentError(display_path, 1, _not_a_file(mode)))
        with os.fdopen(descriptor, "rb", closefd=False) as source:
            return source.read()
    except OSError as exc:
        raise UnreadableSource(ContentError(display_path, 1, _why(path, exc))) from None
    finally:
        os.close(descriptor)


def read_text(path: Path, display_path: str) -> str:
    """The UTF-8 text of the regular file at ``path``; raises UnreadableSource otherwise,
    naming the line of the first byte that is not UTF-8."""
    data = read_bytes(path, display_path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableSource(
            ContentError(display_path, line, "is not UTF-8 text; save it as UTF-8")
        ) from None


_LOOP = "is a link that leads back to itself; remove it"


def _why(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return _LOOP
    if isinstance(exc, FileNotFoundError):
        if path.is_symlink():
            return "is a link to a file that is not there; remove it or restore what it names"
        return "was removed while the build read it; build again"
    if isinstance(exc, PermissionError):
        return "cannot be read: the build is not allowed to open it; make it readable"
    if isinstance(exc, IsADirectoryError):
        return _not_a_file(stat.S_IFDIR)
    return f"cannot be read ({exc.strerror or exc}); check the file"


def _not_a_file(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder named like a file; rename it"
    what = "a pipe" if stat.S_ISFIFO(mode) else "a device or socket"
    return f"is {what}, not a file; remove it"


_DEVICE = re.compile(r"(CON|PRN|AUX|NUL|COM[1-9¹²³]|LPT[1-9¹²³])(\..*)?", re.IGNORECASE)
"""Names Windows keeps for its devices, whatever follows their first dot (``con.md``)."""
_FORBIDDEN = re.compile(r'[<>:"\\|?*\x00-\x1f]')
"""Characters Windows does not allow in a name."""


def unportable(name: str) -> str | None:
    """Why a file or folder called ``name`` cannot exist on an editor's Windows laptop (so
    that an editor there cannot check the content out, or loses the file), or None."""
    if match := _DEVICE.fullmatch(name):
        return (
            f"is named '{match.group(1)}', a name Windows keeps for a device, with any "
            "extension; Windows cannot make such a file: rename it"
        )
    if found := _FORBIDDEN.search(name):
        shown = repr(found.group())[1:-1] if found.group() < " " else found.group()
        return f"has '{shown}' in its name, which Windows does not allow; rename it"
    if name.endswith((".", " ")):
        return "ends in a dot or a space, which Windows drops from a name; rename it"
    return None


def same_name_key(name: str) -> str:
    """``name`` as macOS and Windows compare names: capitals and small letters alike, and
    an accented letter the same whether written as one character or two (NFC and NFD)."""
    folded = unicodedata.normalize("NFC", name).casefold()
    return unicodedata.normalize("NFC", folded)
