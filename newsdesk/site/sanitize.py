"""Raw HTML in Markdown is cleaned with an allow-list: what Markdown makes stays, scripts go."""

from __future__ import annotations

from collections.abc import Callable

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


EMAIL_TAGS = frozenset(ALLOWED_TAGS - {"input", "label", "details", "summary", "tfoot"})


BUTTON = "button"
"""The class that makes a link a button in an email (``[Register](…){.button}``)."""


def clean_email_html(html: str, url: Callable[[str, str], str]) -> str:
    """Markdown an edition carries (its intro, a block, a story shown in full), cleaned
    like a page body; each link and image address is passed through ``url(element,
    address)`` so the email gets absolute ones. Of classes, only a link's ``button``
    stays."""

    def rewrite(element: str, attribute: str, value: str) -> str | None:
        if (element, attribute) in (("a", "href"), ("img", "src")):
            try:
                return url(element, value)
            except ValueError:  # an address that cannot be read (``//]``): left out
                return None
        if attribute == "class":
            return BUTTON if BUTTON in value.split() else None
        return value

    attributes = {
        tag: attrs - {"class", "id", "loading"} for tag, attrs in ALLOWED_ATTRIBUTES.items()
    }
    attributes["a"] = attributes["a"] | {"class"}
    return nh3.clean(
        html,
        tags=set(EMAIL_TAGS),
        attributes=attributes,
        attribute_filter=rewrite,
        url_schemes=set(URL_SCHEMES),
        filter_style_properties={"text-align"},
        link_rel=None,
        strip_comments=True,
    )
