"""What a build needs to know besides the content: where it is, when "now" is, house rules,
and the editing screen's options.

Every package from the content up reads it, so it imports nothing of Newsdesk's but the
clock."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsdesk.clock import Clock, make_clock


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """The site as the world sees it: feeds, calendars, sitemaps and emails need absolute
    addresses."""

    url: str
    """Absolute, ending in '/'."""
    name: str
    description: str = ""
    language: str = "en"

    def absolute(self, path: str) -> str:
        return f"{self.url}{path}"

    @property
    def host(self) -> str:
        return self.url.split("://", 1)[1].split("/", 1)[0]

    @property
    def path(self) -> str:
        """The site's path on its host (``/`` or ``/news/``)."""
        return "/" + self.url.split("://", 1)[1].partition("/")[2]


BACKENDS = ("github", "gitlab", "gitea")
"""Git hosts the editing screen publishes through."""
LOCAL_PORT = 8081


@dataclass(frozen=True, slots=True)
class EditorSettings:
    """The editing screen's options (``editor:`` in mkdocs.yml's ``newsdesk`` plugin)."""

    backend: str = "github"
    """The git host: github, gitlab or gitea."""
    repo: str | None = None
    """``owner/name`` of the repository on it; without one, the screen edits only through
    the local backend (``python build.py edit``)."""
    branch: str = "main"
    base_url: str | None = None
    """The OAuth server that signs editors in to the git host, where it is not the host's."""
    auth_endpoint: str | None = None
    api_root: str | None = None
    """The host's API, for a self-hosted GitLab or Gitea."""
    app_id: str | None = None
    """GitLab's or Gitea's OAuth application id (PKCE sign-in)."""
    editorial_workflow: bool = True
    """Drafts, review and publishing as pull requests, rather than a commit per save."""
    local_port: int = LOCAL_PORT
    """Where ``python build.py edit`` runs the local backend."""
    preview_styles: tuple[str, ...] = ()
    """The site's stylesheets (absolute paths on its host), which previews use."""
    logo: str | None = None
    """The site's logo (an absolute path on its host), on the screen's sign-in page."""


@dataclass(frozen=True, slots=True)
class Settings:
    docs_dir: Path
    project_dir: Path
    clock: Clock
    closing_soon_days: int = 14
    page_size: int = 20
    sanitize_html: bool = True
    locale: str = "en_GB"
    site: SiteInfo = SiteInfo("https://example.org/", "Newsdesk")
    merge_tags: str | None = None
    """What the mailing platform's merge tags look like (a pattern), which editions' web
    versions leave out; None where it has none."""
    reader: str = "reader"
    """What a web version says where an email greets a subscriber by name."""
    default_image: str | None = None
    """``src_uri`` of the image pages without one of their own are shared with."""
    default_image_alt: str = ""
    editor: EditorSettings | None = None
    """The editing screen's options; None builds the site without one."""

    @property
    def display_prefix(self) -> str:
        """How the content folder is shown in error paths (``content/``)."""
        try:
            relative = self.docs_dir.resolve().relative_to(self.project_dir.resolve())
        except ValueError:
            return f"{self.docs_dir}/"
        return f"{relative.as_posix()}/"


def build_clock(configured_today: object, tz_name: str, override: str | None = None) -> Clock:
    """The build date: ``--today`` (``override``) wins over mkdocs.yml's ``today``; neither
    means now."""
    today = override or configured_today
    return make_clock(today, tz_name)  # type: ignore[arg-type]
