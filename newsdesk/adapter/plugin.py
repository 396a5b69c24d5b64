"""The MkDocs plugin, for ``mkdocs build`` and ``properdocs build`` (and their ``serve``):
before MkDocs empties ``site_dir``, the engine builds the whole site beside it, as
``python build.py build`` does (``site.build_site``), so that content with errors or a
template that fails leaves the site as it was; MkDocs is then handed no pages, and what
the engine built takes the place of MkDocs' own few files once MkDocs is done.

Newsdesk's own commands never enter MkDocs' build; they read the plugin's options only.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files

from newsdesk.adapter.options import NewsdeskConfig
from newsdesk.adapter.project import read_project
from newsdesk.adapter.site import MkDocsSite, build_site, theme_environment
from newsdesk.newsletter.config import Subscribe


class NewsdeskPlugin(BasePlugin[NewsdeskConfig]):
    def __init__(self) -> None:
        self._built: Path | None = None
        """What the engine built, to take the place of what MkDocs writes."""
        self._subscribe: Subscribe | None = None
        self._not_found = logging.WARNING

    def on_pre_build(self, config: MkDocsConfig) -> None:
        target = Path(config.site_dir)
        built = target.with_name(f".{target.name}.newsdesk-staging")
        shutil.rmtree(built, ignore_errors=True)
        project = read_project(config)
        try:
            build_site(project, MkDocsSite(config, project.settings, project.subscribe), built)
        except BaseException:
            shutil.rmtree(built, ignore_errors=True)
            raise
        finally:
            config["site_dir"] = str(target)
        self._built, self._subscribe = built, project.subscribe
        # MkDocs, handed no pages, would find none of those the navigation names.
        self._not_found = config.validation.nav.not_found
        config.validation.nav.not_found = logging.DEBUG

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        return Files([]) if self._built is not None else files

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        if self._built is None:
            return env
        return theme_environment(env, config, self._subscribe)

    def on_post_build(self, config: MkDocsConfig) -> None:
        built, self._built = self._built, None
        if built is None:
            return
        config.validation.nav.not_found = self._not_found
        target = Path(config.site_dir)
        for entry in target.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        for entry in built.iterdir():
            entry.rename(target / entry.name)
        built.rmdir()

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder) -> LiveReloadServer:  # type: ignore[no-untyped-def]
        if config.theme.custom_dir:  # the templates, which every page is made of
            server.watch(config.theme.custom_dir)
        return server

    def on_build_error(self, error: Exception) -> None:
        if self._built is not None:
            shutil.rmtree(self._built, ignore_errors=True)
            self._built = None
