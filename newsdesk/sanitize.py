"""Raw HTML in Markdown is cleaned with an allow-list: what Markdown makes stays, scripts go."""

from __future__ import annotations

import nh3

ALLOWED_TAGS = frozenset(nh3.ALLOWED_TAGS | {"tfoot", "input", "label"})
"""nh3's safe set plus what Material's task lists and tabs produce."""

_GLOBAL = {"class", "id", "title", "lang", "dir"}
ALLOWED_ATTRIBUTES = {
    tag: set(attributes) | _GLOBAL for tag, attributes in nh3.ALLOWED_ATTRIBUTES.items()
} | {
    "*": _GLOBAL,
    "a": {"href", "hreflang", "title"} | _GLOBAL,
    "img": {"src", "alt", "width", "height", "loading"} | _GLOBAL,
    "td": set(nh3.ALLOWED_ATTRIBUTES["td"]) | {"style"} | _GLOBAL,
    "th": set(nh3.ALLOWED_ATTRIBUTES["th"]) | {"style"} | _GLOBAL,
    "input": {"type", "checked", "disabled", "name"} | _GLOBAL,
    "label": {"for"} | _GLOBAL,
    "details": {"open"} | _GLOBAL,
    "time": {"datetime"} | _GLOBAL,
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def clean_html(html: str) -> str:
    """The page body with anything outside the allow-list removed (not escaped)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        filter_style_properties={"text-align"},
        link_rel=None,
        strip_comments=True,
    )
