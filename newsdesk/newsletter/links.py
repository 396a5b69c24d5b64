"""Every URL in an email is absolute; links to the site carry the edition's UTM tags."""

from __future__ import annotations

import posixpath
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from newsdesk.content.catalog import MARKDOWN_SUFFIXES, page_url
from newsdesk.newsletter.config import NewsletterSettings


def with_params(url: str, params: tuple[tuple[str, str], ...]) -> str:
    """``url`` with ``params`` added to its query; a parameter it already has is kept as it
    is, and so is everything else (order, encoding, fragment)."""
    parts = urlsplit(url)
    present = {key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    extra = urlencode([(key, value) for key, value in params if key not in present])
    if not extra:
        return url
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))


class Linker:
    """Absolute, tagged URLs for one edition."""

    def __init__(self, settings: NewsletterSettings, campaign: str) -> None:
        self.settings = settings
        self.site_url = settings.site_url
        site = urlsplit(settings.site_url)
        self.site_host, self.site_path_prefix = site.netloc.lower(), site.path
        self.utm = (*settings.utm, ("utm_campaign", campaign))

    def page(self, site_path: str) -> str:
        """A page or file of the site, given as a site-relative path (``events/x/``)."""
        return self.tag(f"{self.site_url}{site_path}")

    def asset(self, site_path: str) -> str:
        """An image on the site: absolute, never tagged (tags would defeat caching)."""
        return f"{self.site_url}{site_path}"

    def tag(self, url: str) -> str:
        if self.is_site(url) or self.settings.utm_external:
            return with_params(url, self.utm)
        return url

    def is_site(self, url: str) -> bool:
        """A link to the site, over http or https."""
        parts = urlsplit(url)
        return (
            parts.scheme in ("http", "https")
            and parts.netloc.lower() == self.site_host
            and (parts.path or "/").startswith(self.site_path_prefix)
        )

    def site_path(self, url: str) -> str | None:
        """The site-relative path an absolute link to the site points at (no query)."""
        if not self.is_site(url):
            return None
        return unquote(urlsplit(url).path or "/")[len(self.site_path_prefix) :]

    def resolve(self, target: str, src_uri: str, image: bool = False) -> str:
        """A link written in content (``../news/x.md``, ``images/map.png``, ``https://…``),
        made absolute; Markdown files become their page's URL. (The edition's links to
        merge tags never come here: ``mergetags.Stash`` holds them.)"""
        parts = urlsplit(target)
        if parts.scheme or parts.netloc:
            return target if image or parts.scheme not in ("http", "https") else self.tag(target)
        if not parts.path:  # a fragment of the edition itself: its web version
            return self.page(f"{page_url(src_uri)}#{parts.fragment}" if parts.fragment else "")
        folder = "" if parts.path.startswith("/") else posixpath.dirname(src_uri)
        path = posixpath.normpath(posixpath.join(folder, unquote(parts.path).lstrip("/")))
        if path.lower().endswith(MARKDOWN_SUFFIXES):
            path = page_url(path)
        elif parts.path.endswith("/") and path != ".":
            path = f"{path}/"
        path = "" if path == "." else path
        path = quote(path, safe="/")
        if image:
            return self.asset(path)
        url = urlunsplit(("", "", path, parts.query, parts.fragment))
        return self.page(url)
