"""Newsdesk's options in mkdocs.yml (``plugins: - newsdesk: …``), as MkDocs' config
schema reads them."""

from __future__ import annotations

from datetime import date, datetime

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from newsdesk.build.cache import MAX_BYTES
from newsdesk.build.search import SHARD_PAGES
from newsdesk.newsletter.config import PLATFORMS, TLS_MODES


class SocialLinkConfig(Config):
    label = c.Type(str)
    url = c.Type(str)


class SmtpConfig(Config):
    host = c.Optional(c.Type(str))
    port = c.Optional(c.Type(int))
    user = c.Optional(c.Type(str))
    tls = c.Choice(TLS_MODES, default="starttls")


class NewsletterConfig(Config):
    platform = c.Choice(tuple(PLATFORMS), default="generic")
    sender = c.Optional(c.Type(str))
    """``From``: ``Name <address>``."""
    reply_to = c.Optional(c.Type(str))
    unsubscribe_url = c.Optional(c.Type(str))
    """https address for one-click unsubscribe (RFC 8058); the generic platform links to it."""
    unsubscribe_email = c.Optional(c.Type(str))
    """Address that unsubscribes whoever writes to it (``List-Unsubscribe: <mailto:…>``)."""
    utm_source = c.Type(str, default="newsletter")
    utm_medium = c.Type(str, default="email")
    utm_external = c.Type(bool, default=False)
    """Also tag links to other sites (off: they stay exactly as written)."""
    max_kb = c.Type(int, default=90)
    send_time = c.Type(str, default="09:00")
    """The ``Date`` of an edition's .eml: its date at this time, site time."""
    postal_address = c.Optional(c.Type(str))
    legal_notice = c.Optional(c.Type(str))
    social = c.ListOfItems(c.SubConfig(SocialLinkConfig), default=[])
    smtp = c.SubConfig(SmtpConfig)


class NewsdeskConfig(Config):
    today = c.Optional(c.Type((str, date, datetime)))
    """Build date (YYYY-MM-DD or ISO date-time); ``--today`` overrides; unset means now."""
    timezone = c.Type(str, default="Europe/Brussels")
    closing_soon_days = c.Type(int, default=14)
    page_size = c.Type(int, default=20)
    sanitize_html = c.Type(bool, default=True)
    locale = c.Type(str, default="en_GB")
    search_shard_pages = c.Type(int, default=SHARD_PAGES)
    """Pages per search index shard: fewer use less memory to index, more mean fewer
    files for a browser to fetch."""
    cache_max_mb = c.Type(int, default=MAX_BYTES // 1024**2)
    """The most ``.cache/`` may hold after a build; the least recently used entries go."""
    newsletter = c.SubConfig(NewsletterConfig)
