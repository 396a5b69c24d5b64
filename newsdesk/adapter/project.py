"""A site's configuration as Newsdesk reads it from ``mkdocs.yml``: its settings (with the
build date the command gives), how readers subscribe, and the newsletter's options.

Every command reads them here, once per configuration it loads; the ``mkdocs build``
plugin too (``plugin.py``). The build date is an argument (``--today``), never state kept
between loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from newsdesk.adapter.options import NewsdeskConfig, problems
from newsdesk.adapter.render import markdown_settings
from newsdesk.engine.build import Limits
from newsdesk.newsletter.config import (
    PLATFORMS,
    NewsletterConfigError,
    NewsletterSettings,
    Subscribe,
    newsletter_settings,
    subscribe_settings,
)
from newsdesk.newsletter.labels import labels_for
from newsdesk.settings import EditorSettings, Settings, SiteInfo, build_clock


@dataclass(frozen=True)
class Project:
    """What Newsdesk reads of one loaded configuration."""

    config: MkDocsConfig
    options: NewsdeskConfig
    """The plugin's options (``plugins: - newsdesk: …``), as MkDocs validated them."""
    settings: Settings
    subscribe: Subscribe | None
    """How readers subscribe to the newsletter (``newsletter`` options)."""

    def mail_settings(self) -> NewsletterSettings:
        """The newsletter options, checked; raises NewsletterConfigError naming what to
        set."""
        settings = self.settings
        try:
            return newsletter_settings(self.options.newsletter, settings.site, settings.locale)
        except NewsletterConfigError as exc:
            raise NewsletterConfigError(f"mkdocs.yml: {exc}") from None

    @property
    def limits(self) -> Limits:
        return Limits(self.options.search_shard_pages, self.options.cache_max_mb * 1024**2)


def read_project(config: MkDocsConfig, today: str | None = None, checked: bool = False) -> Project:
    """Newsdesk's settings of ``config``, built on ``today`` (``--today``; None: the
    configuration's ``today``, else now). Raises PluginError saying what to fix; the
    configuration file's own problems too, unless ``checked`` already."""
    options = config.plugins.get("newsdesk")
    options = getattr(options, "config", None)
    if not isinstance(options, NewsdeskConfig):
        raise PluginError(f"{config.config_file_path} does not list the 'newsdesk' plugin")
    try:
        clock = build_clock(options.today, options.timezone, today)
    except ValueError as exc:
        raise PluginError(f"newsdesk: {exc}") from None
    if (
        not checked
        and config.config_file_path
        and (found := problems(Path(config.config_file_path)))
    ):
        raise PluginError("\n".join(map(str, found)))  # `mkdocs build` says them too
    if not config.use_directory_urls:
        raise PluginError(
            "newsdesk: use_directory_urls: false is not supported (every page of the "
            "site is a folder with its index.html, as feeds, calendars and emails link "
            "to it): remove it from mkdocs.yml"
        )
    settings = Settings(
        docs_dir=Path(config.docs_dir),
        project_dir=Path(config.config_file_path or ".").resolve().parent,
        clock=clock,
        closing_soon_days=options.closing_soon_days,
        page_size=options.page_size,
        sanitize_html=options.sanitize_html,
        locale=options.locale,
        site=_site_info(config, options.locale),
        merge_tags=PLATFORMS[options.newsletter.platform].tag_pattern,
        reader=labels_for(options.locale, options.newsletter.labels)["reader"],
        default_image=options.default_image,
        default_image_alt=options.default_image_alt or "",
        editor=_editor_settings(options, config),
    )
    markdown_settings(config)  # a Markdown setting no key can tell apart is refused now
    try:
        subscribe = subscribe_settings(options.newsletter, options.locale)
    except NewsletterConfigError as exc:
        raise PluginError(str(exc)) from None
    return Project(config, options, settings, subscribe)


def _site_info(config: MkDocsConfig, locale: str) -> SiteInfo:
    url = config.site_url
    if not url:
        raise PluginError(
            "newsdesk: set site_url in mkdocs.yml (like https://www.example.org/): feeds, "
            "calendars, the sitemap and emails need absolute addresses"
        )
    return SiteInfo(
        url=url if url.endswith("/") else f"{url}/",
        name=config.site_name,
        description=config.site_description or "",
        language=locale.split("_")[0],
    )


def _editor_settings(options: NewsdeskConfig, config: MkDocsConfig) -> EditorSettings:
    """The editing screen's options, and the site's stylesheets for its previews: the
    theme's (Material's, named by their hash) and ``extra_css``."""
    editor = options.editor
    path = _site_info(config, options.locale).path
    styles = []
    for pattern in ("assets/stylesheets/main.*.min.css", "assets/stylesheets/palette.*.min.css"):
        for folder in config.theme.dirs:
            if found := sorted(Path(folder).glob(pattern)):
                styles.append(f"{path}{found[0].relative_to(folder).as_posix()}")
                break
    styles += [f"{path}{css}" for css in config.extra_css if "://" not in str(css)]
    return EditorSettings(
        backend=editor.backend,
        repo=editor.repo,
        branch=editor.branch,
        base_url=editor.base_url,
        auth_endpoint=editor.auth_endpoint,
        api_root=editor.api_root,
        app_id=editor.app_id,
        editorial_workflow=editor.editorial_workflow,
        local_port=editor.local_port,
        preview_styles=tuple(styles),
        logo=f"{path}{logo}" if (logo := config.theme.get("logo")) else None,
    )
