"""Newsdesk's options in mkdocs.yml (``plugins: - newsdesk: …``), as MkDocs' config
schema reads them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ValidationError

from newsdesk.clock import MAX_DAYS, make_clock, timezone
from newsdesk.content.errors import ContentError, did_you_mean
from newsdesk.content.image_files import NotAnImage, read_image
from newsdesk.content.models import one_line, plain_text, stored_file
from newsdesk.content.sources import UnreadableSource, problem_with, read_bytes, read_text
from newsdesk.engine.cache import MAX_BYTES
from newsdesk.engine.search import SHARD_PAGES
from newsdesk.newsletter.config import (
    PLATFORMS,
    TLS_MODES,
    checked_labels,
    email_address,
    send_time,
    unsubscribe_address,
    web_address,
)
from newsdesk.settings import BACKENDS, LOCAL_PORT


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
    """Every edition's, unless it gives its own."""
    logo = c.Optional(c.Type(str))
    """An image in the content folder (``images/logo.png``) shown in every edition's
    masthead, unless it gives its own."""
    logo_alt = c.Optional(c.Type(str))
    subscribe_url = c.Optional(c.Type(str))
    """The platform's hosted signup page, linked from the site."""
    subscribe_form = c.Optional(c.Type(str))
    """The platform's subscription endpoint: the site gets a form that posts to it."""
    subscribe_list = c.Optional(c.Type(str))
    """listmonk: the UUID of the list a form subscribes to."""
    labels = c.Type(dict, default={})
    """Wording in place of the locale's: ``deadline: "Closes:"`` (see newsletter/labels.py)."""
    social = c.ListOfItems(c.SubConfig(SocialLinkConfig), default=[])
    smtp = c.SubConfig(SmtpConfig)


class EditorConfig(Config):
    """The editing screen at ``/admin/`` (Decap CMS) and where it publishes."""

    backend = c.Choice(BACKENDS, default="github")
    repo = c.Optional(c.Type(str))
    """``owner/name`` on the git host; without it, only ``python build.py edit`` edits."""
    branch = c.Type(str, default="main")
    base_url = c.Optional(c.Type(str))
    """The OAuth server that signs editors in (GitHub needs one: Netlify's or your own)."""
    auth_endpoint = c.Optional(c.Type(str))
    api_root = c.Optional(c.Type(str))
    """The API of a self-hosted GitLab or Gitea (``https://git.example.org/api/v1``)."""
    app_id = c.Optional(c.Type(str))
    """GitLab's or Gitea's OAuth application id: editors sign in with PKCE, no server."""
    editorial_workflow = c.Type(bool, default=True)
    """Drafts and review as pull requests (merge requests), published when merged."""
    local_port = c.Type(int, default=LOCAL_PORT)
    """Where ``python build.py edit`` runs Decap's local backend."""


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
    default_image = c.Optional(c.Type(str))
    """An image in the content folder (``images/share.png``) that sharing previews show
    of pages without one of their own."""
    default_image_alt = c.Optional(c.Type(str))
    newsletter = c.SubConfig(NewsletterConfig)
    editor = c.SubConfig(EditorConfig)


SITE_OPTIONS = {"site_name": c.Type(str), "site_description": c.Optional(c.Type(str))}
"""MkDocs' options that Newsdesk's outputs carry."""
LIMITS = {
    "page_size": (1, None),
    "search_shard_pages": (1, None),
    "cache_max_mb": (0, None),
    "closing_soon_days": (0, MAX_DAYS),
    "max_kb": (1, None),
    "port": (1, 65535),
    "local_port": (1024, 65535),
}
"""The numbers an option may be, from the least to the most (None: no most)."""
MEANINGS: dict[str, Callable[[Any], object]] = {
    "site_name": one_line,
    "site_description": plain_text,
    "newsdesk.today": lambda value: make_clock(value, "UTC"),
    "newsdesk.timezone": timezone,
    "newsdesk.newsletter.sender": email_address,
    "newsdesk.newsletter.reply_to": email_address,
    "newsdesk.newsletter.unsubscribe_email": email_address,
    "newsdesk.newsletter.unsubscribe_url": unsubscribe_address,
    "newsdesk.newsletter.send_time": send_time,
    "newsdesk.newsletter.utm_source": lambda value: value and one_line(value),
    "newsdesk.newsletter.utm_medium": lambda value: value and one_line(value),
    "newsdesk.newsletter.postal_address": plain_text,
    "newsdesk.newsletter.legal_notice": plain_text,
    "newsdesk.newsletter.social.label": one_line,
    "newsdesk.default_image": stored_file,
    "newsdesk.default_image_alt": one_line,
    "newsdesk.newsletter.logo": stored_file,
    "newsdesk.newsletter.logo_alt": one_line,
    "newsdesk.newsletter.labels": checked_labels,
    "newsdesk.newsletter.subscribe_url": web_address,
    "newsdesk.newsletter.subscribe_form": web_address,
    "newsdesk.newsletter.subscribe_list": one_line,
    "newsdesk.newsletter.social.url": web_address,
    "newsdesk.editor.repo": lambda value: _repository(one_line(value)),
    "newsdesk.editor.branch": one_line,
    "newsdesk.editor.base_url": web_address,
    "newsdesk.editor.auth_endpoint": one_line,
    "newsdesk.editor.api_root": web_address,
    "newsdesk.editor.app_id": one_line,
}
"""Options whose value must mean something (by where they are, lists' positions left out):
read as they will be, raising ValueError. The site's name and description are MkDocs'
options, checked here because feeds, calendars and emails carry them."""
IMAGES = {"default_image": "default_image_alt", "newsletter.logo": "newsletter.logo_alt"}
"""Options that name an image in the content folder, and the option of its alt text."""
_KINDS = {
    "int": "a whole number",
    "str": "text",
    "bool": "true or false",
    "float": "a number",
    "list": "a list",
    "dict": "a mapping",
    "NoneType": "nothing",
    "date": "a date",
    "datetime": "a date and time",
}


def _repository(value: str) -> str:
    if not re.fullmatch(r"[\w.-]+(/[\w.-]+)+", value):
        raise ValueError(f"expected the repository as owner/name, got '{value}'")
    return value


class _Lines(yaml.SafeLoader):
    """Reads mkdocs.yml for where its values are: MkDocs' own tags (``!ENV``, ``!!python/name``)
    are left for MkDocs to read."""


_Lines.add_multi_constructor("", lambda loader, suffix, node: None)
_Lines.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def problems(config_file: Path) -> list[ContentError]:
    """Every problem with Newsdesk's options in ``config_file``, each on its line, all at
    once (MkDocs would stop at the first, without a line)."""
    shown = config_file.name
    try:
        root = yaml.compose(read_text(config_file, shown), Loader=_Lines)
    except UnreadableSource as exc:
        return [exc.error]
    except yaml.YAMLError:
        return []  # MkDocs tells what is wrong with the YAML itself
    found = [
        problem
        for name in ("site_name", "site_description")
        if (node := _value_of(root, name)) is not None
        for problem in _check_value(SITE_OPTIONS[name], node, name, shown, node.start_mark.line + 1)
    ]
    if (options := _newsdesk_options(root)) is not None:
        found += _check(NewsdeskConfig, options, "newsdesk", shown)
        docs = _value_of(root, "docs_dir")
        folder = docs.value if isinstance(docs, yaml.ScalarNode) and docs.value else "docs"
        told = {problem.line for problem in found}
        found += _image_problems(options, config_file.parent / folder, folder, shown, told)
    return sorted(found)


def _image_problems(
    options: yaml.Node, docs_dir: Path, folder: str, shown: str, told: set[int]
) -> list[ContentError]:
    """Options that name an image (``IMAGES``) must name one in the content folder, with
    its alt text (each told on its line, unless the option has a problem told already)."""
    found = []
    for name, alt_name in IMAGES.items():
        node, alt = _option(options, name), _option(options, alt_name)
        if not isinstance(node, yaml.ScalarNode) or not node.value:
            continue
        line = node.start_mark.line + 1
        if line in told:
            continue
        where, path = f"newsdesk.{name}", docs_dir / node.value
        problem = None
        if not (path.exists() or path.is_symlink()):
            problem = f"there is no file '{node.value}' in {folder}/; add it there"
        elif (why := problem_with(path)) is not None:
            problem = f"'{node.value}' {why}"
        else:
            try:
                read_image(read_bytes(path, node.value), node.value)
            except UnreadableSource as exc:
                problem = exc.error.message
            except NotAnImage as exc:
                problem = f"'{node.value}' {exc}"
        if problem is None and not (isinstance(alt, yaml.ScalarNode) and alt.value.strip()):
            problem = (
                f"give its alt text too (newsdesk.{alt_name}), describing the image for "
                "readers who cannot see it"
            )
        if problem is not None:
            found.append(ContentError(shown, line, f"{where}: {problem}"))
    return found


def _option(options: yaml.Node, dotted: str) -> yaml.Node | None:
    node: yaml.Node | None = options
    for name in dotted.split("."):
        node = _value_of(node, name)
    return node


def _newsdesk_options(root: yaml.Node | None) -> yaml.Node | None:
    """The node of ``plugins: - newsdesk: …`` (None when it has no options)."""
    plugins = _value_of(root, "plugins")
    entries = plugins.value if isinstance(plugins, yaml.SequenceNode) else [plugins]
    for entry in entries:
        if (found := _value_of(entry, "newsdesk")) is not None:
            return found
    return None


def _value_of(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return None


def _check(schema: type[Config], node: yaml.Node, where: str, shown: str) -> list[ContentError]:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
        return []
    if not isinstance(node, yaml.MappingNode):
        return [ContentError(shown, line, f"{where}: expected options as 'name: value' lines")]
    known = {
        name: option
        for name, option in vars(schema).items()
        if isinstance(option, c.BaseConfigOption)
    }
    found = []
    given = {str(key_node.value) for key_node, _ in node.value}
    for name in sorted(known.keys() - given):  # what MkDocs would find missing
        option = known[name]
        if isinstance(option, (c.SubConfig, c.ListOfItems)):
            continue
        try:
            option.validate(None)
        except ValidationError:
            found.append(ContentError(shown, line, f"{where}: '{name}' is missing; add it"))
    for key_node, value_node in node.value:
        name, line = str(key_node.value), key_node.start_mark.line + 1
        option = known.get(name)
        if option is None:
            found.append(
                ContentError(
                    shown, line, f"{where}: unknown option '{name}'{did_you_mean(name, known)}"
                )
            )
            continue
        found += _check_value(option, value_node, f"{where}.{name}", shown, line)
    return found


def _check_value(
    option: c.BaseConfigOption, node: yaml.Node, where: str, shown: str, line: int
) -> list[ContentError]:
    if isinstance(option, c.SubConfig):
        return _check(option.config_class, node, where, shown)
    if isinstance(option, c.ListOfItems) and isinstance(option.option_type, c.SubConfig):
        if not isinstance(node, yaml.SequenceNode):
            return [ContentError(shown, line, f"{where}: expected a list")]
        return [
            problem
            for index, item in enumerate(node.value)
            for problem in _check(option.option_type.config_class, item, f"{where}[{index}]", shown)
        ]
    try:
        value = yaml.load(yaml.serialize(node), Loader=_Lines)  # noqa: S506 - a safe loader
    except (ValueError, OverflowError, yaml.YAMLError):  # a date with a 13th month, say
        shown_value = node.value if isinstance(node, yaml.ScalarNode) else "this value"
        return [ContentError(shown, line, f"{where}: '{shown_value}' cannot be read as it is")]
    try:
        option.validate(value)
    except ValidationError as exc:
        return [ContentError(shown, line, f"{where}: {_plainly(str(exc))}")]
    meaning = MEANINGS.get(re.sub(r"\[\d+\]", "", where))
    if meaning is not None and value is not None:
        try:
            meaning(value)
        except ValueError as exc:
            return [ContentError(shown, line, f"{where}: {exc}")]
    limits = LIMITS.get(where.rsplit(".", 1)[-1])
    if limits and isinstance(value, int) and not isinstance(value, bool):
        least, most = limits
        if value < least or (most is not None and value > most):
            span = f"from {least} to {most}" if most is not None else f"{least} or more"
            return [ContentError(shown, line, f"{where}: must be {span}, not {value}")]
    return []


def _plainly(message: str) -> str:
    """MkDocs' ``Expected type: <class 'int'> but received: <class 'str'>``, in words."""

    def kind(match: re.Match[str]) -> str:
        return _KINDS.get(match.group(1), match.group(1))

    message = re.sub(r"<class '(\w+)'>", kind, message)
    message = re.sub(r"\(([^()]*)\)", lambda found: found.group(1).replace(", ", " or "), message)
    message = message.replace("Expected one of: ", "expected one of ")
    return message.replace("Expected type: ", "expected ").replace(" but received: ", ", got ")
