"""MkDocs' configuration loading, build and live-reload server, as the CLI uses them.

``serve`` is Newsdesk's own loop around MkDocs' ``LiveReloadServer`` (as ``mkdocs serve``
sets it up), so that each round of edits first asks the plugin to update the preview in
place; ``mkdocs serve`` itself still works, with a full build for every round."""

from __future__ import annotations

import itertools
import logging
import mimetypes
import os
import re
import shutil
import signal
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, MkDocsException
from mkdocs.livereload import LiveReloadServer
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from newsdesk import stage
from newsdesk.adapter import log_name
from newsdesk.adapter.options import problems
from newsdesk.adapter.plugin import NewsdeskPlugin
from newsdesk.adapter.preview import Preview
from newsdesk.adapter.project import Project, read_project
from newsdesk.adapter.render import markdown_setup, site_key
from newsdesk.adapter.site import MkDocsSite, build_site
from newsdesk.content.errors import ContentError
from newsdesk.editor.screen import DECAP, SCREEN_TEMPLATES
from newsdesk.editor.screen import FOLDER as SCREEN
from newsdesk.engine.cache import CACHE_DIR, BuildCache, digest, files_of
from newsdesk.engine.search import BUNDLE
from newsdesk.engine.snapshot import snapshot
from newsdesk.newsletter.render import EMAIL_TEMPLATES

log = logging.getLogger(f"{log_name()}.plugins.newsdesk")


class BuildStopped(Exception):
    """MkDocs or the plugin stopped with a message for the editor, after the ``path:line:
    message`` lines of each problem it found, if any."""

    def __init__(self, message: str, problems: tuple[ContentError, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class PreviewServer(LiveReloadServer):
    """MkDocs' preview server, which listens with a queue of 5 (``socketserver``'s
    default): a page's burst of requests for its assets, or many readers at once, would
    see connections refused and time out. The system caps the queue at its own limit."""

    request_queue_size = 1024


def load(config_file: str, today: str | None) -> tuple[MkDocsConfig, Project]:
    """The site's configuration, and Newsdesk's settings of it built on ``today``
    (``--today``; None: mkdocs.yml's ``today``, else now)."""
    if os.path.lexists(config_file):  # else MkDocs says that it is missing
        if found := problems(Path(config_file)):
            count = f"{len(found)} error{'s' if len(found) != 1 else ''}"
            where = Path(config_file).name
            raise BuildStopped(f"{count} in {where}; nothing was written", tuple(found))
    try:
        config = load_config(config_file)
        if not isinstance(config.plugins.get("newsdesk"), NewsdeskPlugin):
            raise BuildStopped(f"{config_file} does not list the 'newsdesk' plugin")
        return config, read_project(config, today, checked=True)
    except MkDocsException as exc:
        raise BuildStopped(str(exc)) from None


def site_dir(config: MkDocsConfig) -> Path:
    return Path(config.site_dir)


def build(config: MkDocsConfig, project: Project, site_dir: Path) -> None:
    """The whole site into ``site_dir``, where only what changed is written. The other
    plugins of mkdocs.yml see the events MkDocs gives them around a build."""
    config.plugins.on_startup(command="build", dirty=False)
    try:
        config = config.plugins.on_config(config)
        site = MkDocsSite(config, project.settings, project.subscribe)
        build_site(project, site, site_dir)
    except (Abort, MkDocsException) as exc:
        raise BuildStopped(str(exc)) from None
    finally:
        config.plugins.on_shutdown()


def inputs_key(config: MkDocsConfig, project: Project) -> str:
    """Everything a build is made of, as one hash: each file of the content folder, the
    site's and the email's templates (with the theme's own assets), any folder ``watch``
    adds and, with the editing screen, the Decap CMS it copies into the site, by path,
    size, time of change and kind (a link to nothing and a pipe among them, as ``check``
    sees them) and permissions; the configuration, Newsdesk's code, the versions of every
    library it uses, and the build date. Two builds with the same key write the same
    site."""
    settings = project.settings
    roots = [settings.docs_dir, settings.project_dir / EMAIL_TEMPLATES]
    roots.append(settings.project_dir / SCREEN_TEMPLATES)
    if settings.editor is not None:
        roots.append(DECAP)
    roots += [Path(folder) for folder in (config.theme.custom_dir, *config.watch) if folder]
    files = snapshot(roots)
    return digest(
        site_key(config, markdown_setup(config)),
        *_versions(_requirements()),
        settings.clock.now.isoformat(),
        settings.clock.tz.key,
        *(f"{path} {state[1]} {state[2]} {state[3]:o}" for path, state in sorted(files.items())),
    )


def unchanged(project: Project, target: Path, key: str) -> bool:
    """Whether the site at ``target`` is what a build of ``key`` writes: the last build
    there had that key, and every file of the site is still as it left it."""
    cache = _cache(project)
    if any(cache.root.glob("journal-*.json")):  # a build was stopped while writing
        return False
    recorded = cache.manifests.read_json(_whole(target))
    if not isinstance(recorded, dict) or recorded.get("key") != key:
        return False
    return recorded.get("files") == files_of(target)


def remember(project: Project, target: Path, key: str) -> None:
    """Note that the site now at ``target`` is what a build of ``key`` writes."""
    record = {"key": key, "files": files_of(target)}
    _cache(project).manifests.write_json(_whole(target), record)


def _cache(project: Project) -> BuildCache:
    return BuildCache(project.settings.project_dir / CACHE_DIR)


def _whole(target: Path) -> str:
    return digest("whole site", str(target))


def _versions(names: list[str]) -> list[str]:
    found = []
    for name in names:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:  # MkDocs, where ProperDocs stands in for it
            found.append(f"{name} absent")
    return found


def _requirements() -> list[str]:
    """The distributions Newsdesk needs, by name."""
    names = set()
    for requirement in metadata.requires("newsdesk") or ():
        if "extra ==" not in requirement:
            names.add(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0])
    return sorted(names)


def serve(config_file: str, dev_addr: str, today: str | None = None) -> None:
    """The live preview, until interrupted: MkDocs' live-reload server over folders of its
    own (``PreviewFolders``), each round of edits shown in place where it can be
    (``Preview.update``), by a full build into a new folder where it cannot, every build
    on ``today`` (``--today``). ``mkdocs serve`` itself still works, with a full build for
    every round."""
    with _ended_as_by_ctrl_c():
        folders = PreviewFolders(Path(tempfile.mkdtemp(prefix="newsdesk-preview-")))
        _serve(config_file, dev_addr, folders, Preview(today))


def _serve(config_file: str, dev_addr: str, folders: PreviewFolders, preview: Preview) -> None:
    try:
        config = load_config(config_file, site_dir=str(folders.root), dev_addr=dev_addr)
        host, port = config.dev_addr
        mount_path = urlsplit(config.site_url or "/").path  # the site's path on its host
        below = mount_path.strip("/")
        url = f"http://{host}:{port}/{below}/" if below else f"http://{host}:{port}/"

        def full_build(site_dir: str) -> None:
            config = load_config(config_file, site_dir=site_dir, dev_addr=dev_addr)
            config.site_url = url
            config = config.plugins.on_config(config)
            preview.build(read_project(config, preview.today), Path(site_dir), url)

        config.plugins.on_startup(command="serve", dirty=False)
        _port_free(host, port)  # before building, not after
        server = PreviewServer(
            builder=preview_builder(preview, folders, full_build),
            host=host,
            port=port,
            root=str(folders.root),
            mount_path=mount_path,
        )
        folders.serve_with(preview, server)
        _screen_not_reloaded(server, mount_path)
        if notices_work(Path(config.docs_dir)):
            server.observer = SavesObserver()  # saves seen at once, and nothing polls
        try:
            folders.build(full_build)
            for watched in (config.docs_dir, config.config_file_path, *config.watch):
                if watched:
                    server.watch(watched)
            if config.theme.custom_dir:
                server.watch(config.theme.custom_dir)
            server = config.plugins.on_serve(server, config=config, builder=server.builder)
            try:
                server.serve()
            except KeyboardInterrupt:
                pass
            except OSError as exc:  # taken meanwhile
                raise BuildStopped(_port_taken(host, port, exc)) from None
            finally:
                server.shutdown()
        finally:
            preview.stop()
            config.plugins.on_shutdown()
    except (Abort, MkDocsException) as exc:
        raise BuildStopped(str(exc)) from None
    finally:
        shutil.rmtree(folders.root, ignore_errors=True)


def _screen_not_reloaded(server: LiveReloadServer, mount_path: str) -> None:
    """Serve the editing screen's page as the site holds it, without the live-reload script
    MkDocs adds to every page: each save rebuilds the preview, and the screen reloading
    then would lose what the editor was typing."""
    screen = f"{mount_path.rstrip('/')}/{SCREEN}/"
    serve_request = server.serve_request
    mimetypes.add_type("application/yaml", ".yml")  # its configuration (Python 3.13 knows)

    def app(environ: dict, start_response: Callable) -> list[bytes]:
        if environ.get("PATH_INFO") in (screen, f"{screen}index.html"):
            try:
                page = (Path(server.root) / SCREEN / "index.html").read_bytes()
            except OSError:
                return serve_request(environ, start_response)
            headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")]
            start_response("200 OK", [*headers, ("Content-Length", str(len(page)))])
            return [page]
        return serve_request(environ, start_response)

    server.set_app(app)


PREVIEW_FAILURE = "preview-failure.txt"
"""Beside the preview's site: why the last build failed, for its pages to show."""


class PreviewFolders:
    """The folders the preview is served from. Each full build writes a folder of its own;
    the one before is served, search index and all, until the new one has every page and
    file, and stays served if the build fails. The search index comes along with the
    switch (until the new build's own, made in the background, replaces it), and the old
    folder is then deleted in the background."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.shown: Path | None = None
        self._numbers = itertools.count()
        self._server: LiveReloadServer | None = None

    def serve_with(self, preview: Preview, server: LiveReloadServer) -> None:
        preview.show = self.show
        self._server = server
        server.error_handler = self._error_page

    def build(self, full_build: Callable[[str], None]) -> None:
        """``full_build`` into a new folder, deleted if the build fails."""
        folder = self.root / f"site-{next(self._numbers)}"
        try:
            full_build(str(folder))
        finally:
            if self.shown != folder:
                shutil.rmtree(folder, ignore_errors=True)

    def show(self, folder: Path) -> None:
        old, self.shown = self.shown, folder
        self.tell(None)  # (empty: pages ask for it, and a reader's console shows no 404)
        if self._server is not None:
            self._server.root = str(folder)
        if old is None or old == folder:
            return
        try:
            (old / BUNDLE).rename(folder / BUNDLE)
        except OSError:  # none there, or the new one is there already
            pass
        threading.Thread(target=shutil.rmtree, args=(old, True), daemon=True).start()

    def tell(self, failure: str | None) -> None:
        """Have the pages of the site shown say that the last build failed, and why (or,
        with None, no longer)."""
        if self.shown is None:
            return
        (self.shown / PREVIEW_FAILURE).write_text(failure or "", encoding="utf-8")

    def _error_page(self, code: int) -> bytes | None:
        if self.shown is None or code not in (404, 500):
            return None
        page = self.shown / f"{code}.html"
        return page.read_bytes() if page.is_file() else None


@contextmanager
def _ended_as_by_ctrl_c() -> Iterator[None]:
    """A request to end the program (SIGTERM: a task runner, a process manager, a test
    stopping it) ends the preview as Ctrl-C does, its folders deleted on the way out."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _port_free(host: str, port: int) -> None:
    """Stop with a clear message if the preview's address cannot be served on."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise BuildStopped(_port_taken(host, port, exc)) from None


def _port_taken(host: str, port: int, exc: OSError) -> str:
    return (
        f"cannot serve the preview on {host}:{port}: "
        f"{os.strerror(exc.errno) if exc.errno else exc}; stop the program "
        f"that uses it, or choose another port: -a {host}:{port + 1}"
    )


def preview_builder(
    preview: Preview, folders: PreviewFolders, full_build: Callable[[str], None]
) -> Callable[[], None]:
    """What the preview does after each round of edits: update in place, else build into
    a new folder (``full_build`` of its path)."""

    def build() -> None:
        try:
            if not preview.update():
                folders.build(full_build)
        except (Abort, MkDocsException):
            raise  # MkDocs' own: it tells them
        except Exception as exc:  # noqa: BLE001 - told, and the preview goes on serving
            told = stage.unforeseen(exc, "--debug").replace("The site is as it was. ", "")
            log.error(told, exc_info=stage.tracebacks)
            folders.tell(told)
        else:
            folders.tell(None)

    return build


SAVES: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]
"""What the system tells that counts as a save. Not a file opened or closed without
writing: the build reads every file, and would otherwise set off the next one."""


class SavesObserver(Observer):  # type: ignore[misc, valid-type]
    """The system's observer, told of saves only, whoever schedules a folder with it
    (MkDocs' ``LiveReloadServer.watch``)."""

    def schedule(self, event_handler, path, *, recursive=False, event_filter=None, **options):  # type: ignore[no-untyped-def]
        return super().schedule(
            event_handler, path, recursive=recursive, event_filter=SAVES, **options
        )


def notices_work(folder: Path) -> bool:
    """Whether the system tells of changes under ``folder`` (inotify, FSEvents, the Windows
    API), so that the preview sees a save at once rather than by polling every file twice a
    second as MkDocs does (a fifth of a core at 10,000 items); not on every file system
    (some network and container mounts), nor past the system's limit on watches."""
    probe = SavesObserver()
    try:
        probe.schedule(FileSystemEventHandler(), str(folder), recursive=True)
        probe.start()
    except (OSError, RuntimeError):
        return False
    finally:
        if probe.is_alive():
            probe.stop()
            probe.join()
    return True
