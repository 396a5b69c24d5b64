"""Decap CMS's local backend (``decap-server`` from npm), which saves what the editing
screen's forms make straight into the project's files while ``python build.py edit`` runs:
the preview sees each save as it sees an editor's, checks it and shows it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SERVER = Path("node_modules/decap-server/dist/index.js")
"""Where ``npm ci`` puts the local backend, in the project."""
INSTALL = "bash scripts/install-editor (on Windows: npm ci --omit=dev, with Node.js installed)"
STARTUP_SECONDS = 20.0


class BackendError(Exception):
    """The local backend is not installed, or did not start."""


@contextmanager
def local_backend(project_dir: Path, port: int) -> Iterator[str]:
    """The local backend on ``127.0.0.1:port``, serving ``project_dir``, until the block
    ends; yields its address."""
    node = shutil.which("node")
    server = project_dir / SERVER
    if node is None:
        raise BackendError(f"editing in the browser needs Node.js: run {INSTALL}")
    if not server.is_file():
        raise BackendError(f"the editing screen's local backend is not installed: run {INSTALL}")
    try:
        with socket.create_server(("127.0.0.1", port)):  # as the local backend will
            pass
    except OSError:
        raise BackendError(
            f"port {port} is taken (another `edit` running?); stop it, or set "
            "newsdesk.editor.local_port in mkdocs.yml"
        ) from None
    environment = {
        **os.environ,
        "PORT": str(port),
        "BIND_HOST": "127.0.0.1",
        "MODE": "fs",  # saves go straight into the files, as an editor's editor does
        "GIT_REPO_DIRECTORY": str(project_dir.resolve()),
        "LOG_LEVEL": os.environ.get("NEWSDESK_EDITOR_LOG", "warn"),
    }
    process = subprocess.Popen([node, str(server)], cwd=project_dir, env=environment)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(port):
            if process.poll() is not None:
                status = process.returncode
                raise BackendError(f"the local backend stopped as it started (status {status})")
            if time.monotonic() > deadline:
                raise BackendError(f"the local backend did not answer on port {port} in time")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/api/v1"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _answers(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0
