"""MkDocs' configuration loading, build and live-reload server, as the CLI uses them."""

from __future__ import annotations

from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.commands.serve import serve as mkdocs_serve
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, MkDocsException

from newsdesk.adapter.plugin import NewsdeskPlugin
from newsdesk.settings import Settings


class BuildStopped(Exception):
    """MkDocs or the plugin stopped with a message for the editor."""


def load(config_file: str, today: str | None) -> tuple[MkDocsConfig, NewsdeskPlugin]:
    """The site's configuration, with ``--today`` handed to the plugin."""
    try:
        config = load_config(config_file)
    except MkDocsException as exc:
        raise BuildStopped(str(exc)) from None
    plugin = config.plugins.get("newsdesk")
    if not isinstance(plugin, NewsdeskPlugin):
        raise BuildStopped(f"{config_file} does not list the 'newsdesk' plugin")
    plugin.today_override = today
    return config, plugin


def settings(config: MkDocsConfig, plugin: NewsdeskPlugin) -> Settings:
    """Newsdesk's settings, as the plugin reads them from the configuration."""
    try:
        config.plugins.on_config(config)
    except MkDocsException as exc:
        raise BuildStopped(str(exc)) from None
    assert plugin.settings is not None
    return plugin.settings


def site_dir(config: MkDocsConfig) -> Path:
    return Path(config.site_dir)


def build(config: MkDocsConfig, site_dir: Path, replacing: Path | None = None) -> None:
    """The whole site into ``site_dir``, to take the place of ``replacing``, whose pages
    it reuses where they are still what they were."""
    config["site_dir"] = str(site_dir)
    plugin = config.plugins["newsdesk"]
    assert isinstance(plugin, NewsdeskPlugin)
    plugin.replacing = replacing
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    except (Abort, MkDocsException) as exc:
        raise BuildStopped(str(exc)) from None
    finally:
        config.plugins.on_shutdown()


def serve(config_file: str, dev_addr: str) -> None:
    """The live preview, until interrupted. MkDocs keeps one instance of a plugin that has
    ``on_startup`` for every configuration it loads in a process, so the build date
    ``load`` gave the plugin holds for every rebuild."""
    try:
        mkdocs_serve(config_file=config_file, livereload=True, dev_addr=dev_addr)
    except (Abort, MkDocsException) as exc:
        raise BuildStopped(str(exc)) from None


def stop(message: str) -> Abort:
    """What a plugin hook raises to stop a build with ``message``."""
    return Abort(message)
