"""How editions are sent: the mailing platform, sender, unsubscribe addresses, UTM, SMTP.

Configured under ``newsletter:`` in the newsdesk plugin's options in ``mkdocs.yml``; the
SMTP password is read from the environment only.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import getaddresses
from typing import Any, TypeVar
from urllib.parse import urlsplit

from newsdesk.content.frontmatter import shortened
from newsdesk.content.models import one_line
from newsdesk.newsletter.labels import label_problem, labels_for
from newsdesk.settings import SiteInfo


@dataclass(frozen=True, slots=True)
class Platform:
    """A mailing platform's merge tags, left in the email for the platform to fill in."""

    name: str
    unsubscribe: str | None
    """The tag for the reader's own unsubscribe link; None: the configured unsubscribe_url."""
    web_version: str | None
    """The tag for the platform's copy of the email; None: the edition's page on the site."""
    tag_pattern: str | None = None
    """What any merge tag of the platform looks like, so ones editors write (``*|FNAME|*``)
    pass through Markdown and link checks as they are."""
    openers: tuple[str, ...] = ()
    """How its tags and template statements begin: what item text must not carry into an
    email (see ``mergetags``)."""

    def is_merge_tag(self, text: str) -> bool:
        return bool(self.tag_pattern and re.fullmatch(self.tag_pattern, text))


_CURLY_TAG = r"\{\{[^{}<>\"\n]+\}\}"
PLATFORMS = {
    "generic": Platform("generic", None, None),
    "mailchimp": Platform("mailchimp", "*|UNSUB|*", "*|ARCHIVE|*", r"\*\|[A-Z0-9_:]+\|\*", ("*|",)),
    # listmonk runs a campaign as a Go template ({{ … }}); Brevo's language has {{ … }}
    # for values, {% … %} for statements and {# … #} for comments.
    "listmonk": Platform(
        "listmonk", "{{ UnsubscribeURL }}", "{{ MessageURL }}", _CURLY_TAG, ("{{",)
    ),
    "brevo": Platform("brevo", "{{ unsubscribe }}", "{{ mirror }}", _CURLY_TAG, ("{{", "{%", "{#")),
}

T = TypeVar("T")

SMTP_ENV = "NEWSDESK_SMTP_"
"""NEWSDESK_SMTP_HOST, _PORT, _USER, _TLS override mkdocs.yml; _PASSWORD exists only there."""
TLS_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


class NewsletterConfigError(ValueError):
    """mkdocs.yml's newsletter options cannot make a sendable email."""


@dataclass(frozen=True, slots=True)
class Subscribe:
    """How a reader of the site subscribes: a form that posts to the platform's own
    subscription endpoint (``action``), or a link to its hosted signup page (``url``)."""

    url: str | None
    action: str | None
    email_field: str = "email"
    hidden: tuple[tuple[str, str], ...] = ()
    """Fields the platform's endpoint wants beside the address (listmonk's list)."""


SUBSCRIBE_FIELDS = {"generic": "email", "mailchimp": "EMAIL", "listmonk": "email", "brevo": "EMAIL"}
"""The name each platform's subscription endpoint gives the address field."""


def subscribe_settings(options: Any, locale: str = "en_GB") -> Subscribe | None:
    """``newsletter.subscribe_form`` or ``subscribe_url``; raises NewsletterConfigError
    for a form the platform cannot take."""
    where = "mkdocs.yml, plugins → newsdesk → newsletter"
    if not (options.subscribe_form or options.subscribe_url):
        return None
    hidden: list[tuple[str, str]] = []
    if options.subscribe_form and options.platform == "listmonk":
        if not options.subscribe_list:
            raise NewsletterConfigError(
                f"{where} → subscribe_list: listmonk's subscription form needs the list's "
                "UUID (Lists → the list → its ID)"
            )
        hidden.append(("l", options.subscribe_list))
    if options.subscribe_form and options.platform == "brevo":
        hidden += [("email_address_check", ""), ("locale", locale.split("_")[0])]
    return Subscribe(
        url=options.subscribe_url,
        action=options.subscribe_form,
        email_field=SUBSCRIBE_FIELDS[options.platform],
        hidden=tuple(hidden),
    )


@dataclass(frozen=True, slots=True)
class SocialLink:
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class NewsletterSettings:
    platform: Platform
    site_url: str
    """Absolute, ending in '/': every link in an email starts from here."""
    site_name: str
    sender: Address
    reply_to: Address | None
    unsubscribe_url: str
    unsubscribe_email: str
    utm: tuple[tuple[str, str], ...]
    utm_external: bool
    max_bytes: int
    send_hour: int
    send_minute: int
    postal_address: str | None
    legal_notice: str | None
    social: tuple[SocialLink, ...]
    labels: dict[str, str]
    """The locale's wording, with mkdocs.yml's changes."""
    logo: str | None = None
    """``src_uri`` of the masthead's logo, and its alt text."""
    logo_alt: str | None = None

    @property
    def unsubscribe_link(self) -> str:
        """The unsubscribe link in the email body: the platform's tag, or the configured URL."""
        return self.platform.unsubscribe or self.unsubscribe_url


def newsletter_settings(options: Any, site: SiteInfo, locale: str = "en_GB") -> NewsletterSettings:
    """Check the options an email needs (``newsletter:`` in mkdocs.yml, as the adapter's
    ``NewsletterConfig`` reads them); raise NewsletterConfigError naming what to set."""
    where = "mkdocs.yml, plugins → newsdesk → newsletter"
    if not _is_web(site.url):
        raise NewsletterConfigError(
            "set site_url in mkdocs.yml (like https://www.example.org/): "
            "every link in an email must be absolute"
        )
    sender = _address(options.sender, f"{where} → sender")
    reply_to = _address(options.reply_to, f"{where} → reply_to") if options.reply_to else None
    unsubscribe_url = _checked(
        unsubscribe_address, options.unsubscribe_url or "", f"{where} → unsubscribe_url"
    )
    mailbox = _address(options.unsubscribe_email, f"{where} → unsubscribe_email")
    if options.max_kb < 1:
        raise NewsletterConfigError(f"{where} → max_kb: must be 1 or more")
    hour, minute = _checked(send_time, options.send_time, f"{where} → send_time")
    social = tuple(
        SocialLink(
            _checked(one_line, link.label, f"{where} → social → label"),
            _checked(web_address, link.url, f"{where} → social → url"),
        )
        for link in options.social
    )
    utm = (("utm_source", options.utm_source), ("utm_medium", options.utm_medium))
    return NewsletterSettings(
        platform=PLATFORMS[options.platform],
        site_url=site.url,
        site_name=site.name,
        sender=sender,
        reply_to=reply_to,
        unsubscribe_url=unsubscribe_url,
        unsubscribe_email=mailbox.addr_spec,
        utm=tuple((key, value) for key, value in utm if value),
        utm_external=options.utm_external,
        max_bytes=options.max_kb * 1024,
        send_hour=hour,
        send_minute=minute,
        postal_address=options.postal_address,
        legal_notice=options.legal_notice,
        social=social,
        labels=labels_for(locale, _checked(checked_labels, options.labels, f"{where} → labels")),
        logo=options.logo,
        logo_alt=options.logo_alt,
    )


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    user: str | None
    password: str | None
    tls: str

    def __repr__(self) -> str:  # never show the password, even in a traceback
        return f"SmtpSettings(host={self.host!r}, port={self.port}, user={self.user!r})"


def smtp_settings(options: Any, environ: os._Environ[str] | dict[str, str]) -> SmtpSettings:
    """Environment first (``NEWSDESK_SMTP_*``), then mkdocs.yml; the password only from the
    environment."""

    def setting(name: str, configured: object) -> str | None:
        value = environ.get(f"{SMTP_ENV}{name.upper()}") or configured
        return str(value) if value not in (None, "") else None

    host = setting("host", options.host)
    if not host:
        raise NewsletterConfigError(
            f"no SMTP server: set {SMTP_ENV}HOST, or smtp → host in mkdocs.yml's newsletter options"
        )
    tls = setting("tls", options.tls) or "starttls"
    if tls not in TLS_MODES:
        raise NewsletterConfigError(f"{SMTP_ENV}TLS must be one of {', '.join(TLS_MODES)}")
    port_text = setting("port", options.port)
    if port_text is None:
        port = DEFAULT_PORTS[tls]
    elif port_text.isdigit() and 0 < int(port_text) < 65536:
        port = int(port_text)
    else:
        raise NewsletterConfigError(f"SMTP port must be a number from 1 to 65535, got {port_text}")
    user = setting("user", options.user)
    password = environ.get(f"{SMTP_ENV}PASSWORD") or None
    if user and not password:
        raise NewsletterConfigError(
            f"SMTP user {user} needs a password: set {SMTP_ENV}PASSWORD in the environment"
        )
    return SmtpSettings(host, port, user, password, tls)


def _is_web(url: str, https: bool = False) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:  # brackets that make no host, say
        return False
    schemes = ("https",) if https else ("http", "https")
    return parts.scheme in schemes and bool(parts.netloc) and url.isprintable() and " " not in url


def web_address(url: str) -> str:
    """A link an email can carry; raises ValueError saying what is wrong."""
    if not _is_web(url):
        raise ValueError(f"expected a web address starting with https://, got '{shortened(url)}'")
    return url


def unsubscribe_address(url: str) -> str:
    if not _is_web(url, https=True):
        raise ValueError(
            "give the https address that unsubscribes a reader in one click (required by "
            "Gmail and Yahoo for bulk mail)"
        )
    return url


def send_time(value: str) -> tuple[int, int]:
    """``HH:MM`` as (hour, minute); raises ValueError."""
    match = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)", value.strip())
    if not match:
        raise ValueError("expected HH:MM, like 09:00")
    return int(match.group(1)), int(match.group(2))


def checked_labels(value: dict[str, Any]) -> dict[str, str]:
    """``newsletter.labels``; raises ValueError naming the first wrong one."""
    for name, text in value.items():
        if (problem := label_problem(str(name), text)) is not None:
            raise ValueError(problem)
    return value


def email_address(value: str) -> Address:
    """``Name <address>`` or a bare address, as an email header carries it; raises
    ValueError saying what is wrong."""
    one_line(value)  # a line break or control character would forge another header
    pairs = getaddresses([value])
    if len(pairs) == 1:
        name, addr = pairs[0]
        user, at, domain = addr.partition("@")
        if at and user and user.isascii() and "." in domain:
            try:  # an internationalised domain is written in its ASCII (IDNA) form
                domain = domain.encode("idna").decode("ascii")
            except UnicodeError:
                pass
            else:
                return Address(display_name=name, username=user, domain=domain)
    raise ValueError("expected an email address like 'Name <news@example.org>'")


def _address(value: str | None, where: str) -> Address:
    return _checked(email_address, value or "", where)


def _checked(read: Callable[[Any], T], value: Any, where: str) -> T:
    try:
        return read(value)
    except ValueError as exc:
        raise NewsletterConfigError(f"{where}: {exc}") from None
