"""An edition as subscribers get it: email HTML (CSS inlined), plain text, and the .eml.

The view is computed here; ``templates/email/`` only lays it out. Merge tags of the
configured mailing platform are plain values in the view, so they reach the email as
written, for the platform to fill in.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
from dataclasses import dataclass
from datetime import datetime, time
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from functools import singledispatch

import css_inline
import markdown
from babel.dates import format_date
from inscriptis import get_text
from inscriptis.model.config import ParserConfig
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from newsdesk.content.catalog import Catalog, stored_file_uri
from newsdesk.content.models import Call, Event, Interview, Item, KnowledgeDoc, News
from newsdesk.content.states import CallState, call_status
from newsdesk.newsletter.config import NewsletterSettings, SocialLink
from newsdesk.newsletter.links import Linker
from newsdesk.newsletter.selection import EditionContent
from newsdesk.settings import Settings
from newsdesk.site.formatting import day_text, moment_text, range_text
from newsdesk.site.sanitize import clean_email_html
from newsdesk.site.views import Presenter

EMAIL_TEMPLATES = "templates/email"
INTRO_EXTENSIONS = ("tables", "attr_list", "abbr", "def_list", "sane_lists")
"""Markdown for an intro: no permalinks or footnotes, whose in-page links mean nothing in mail."""
LEAD_IMAGE_WIDTH = 552
"""The email's 600 px less its side paddings."""
TEXT_WIDTH = 72

_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)
MESSAGE_POLICY = policy.SMTP.clone(max_line_length=998)
"""CRLF line ends; headers are not folded below RFC 5322's hard limit (Python's folder would
move a subject that fits on a line of its own onto a continuation line)."""


@dataclass(frozen=True, slots=True)
class EmailImage:
    url: str
    alt: str
    width: int


@dataclass(frozen=True, slots=True)
class EmailItem:
    title: str
    url: str
    kind: str
    lines: tuple[str, ...]
    """Date, place, deadline: short facts under the title."""
    summary: str
    image: EmailImage | None = None


@dataclass(frozen=True, slots=True)
class EmailSection:
    heading: str
    items: tuple[EmailItem, ...]
    sidebar: bool


@dataclass(frozen=True, slots=True)
class EmailView:
    id: str
    lang: str
    subject: str
    preheader: str
    title: str
    """"Newsletter · March 2020"."""
    site_name: str
    intro_html: Markup
    intro_text: str
    lead: EmailItem | None
    sections: tuple[EmailSection, ...]
    """Every section with items, in the editor's order (the text version's order)."""
    home_url: str
    home_label: str
    web_url: str
    unsubscribe_url: str
    social: tuple[SocialLink, ...]
    legal_notice: str | None
    postal_address: str | None

    @property
    def main(self) -> tuple[EmailSection, ...]:
        return tuple(section for section in self.sections if not section.sidebar)

    @property
    def sidebar(self) -> tuple[EmailSection, ...]:
        return tuple(section for section in self.sections if section.sidebar)


@dataclass(frozen=True, slots=True)
class RenderedEdition:
    id: str
    src_uri: str
    page_url: str
    """The web version's site-relative URL (``newsletters/2020-03/``)."""
    view: EmailView
    html: str
    text: str
    eml: bytes


class EditionRenderer:
    """Renders editions for one build: one template environment, one set of settings."""

    def __init__(self, catalog: Catalog, settings: Settings, mail: NewsletterSettings) -> None:
        self.catalog = catalog
        self.settings = settings
        self.mail = mail
        self.presenter = Presenter(catalog, settings)
        self.env = Environment(
            loader=FileSystemLoader(settings.project_dir / EMAIL_TEMPLATES),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["wrap"] = _wrap

    def render(self, content: EditionContent) -> RenderedEdition:
        view = self.view(content)
        html = _INLINER.inline(self.env.get_template("edition.html").render(view=view))
        text = self.env.get_template("edition.txt").render(view=view)
        edition = content.edition
        return RenderedEdition(
            id=edition.slug,
            src_uri=edition.src_uri,
            page_url=edition.page_url,
            view=view,
            html=html,
            text=text,
            eml=self.message(content, view, html, text).as_bytes(),
        )

    # -- the view ------------------------------------------------------------------------

    def view(self, content: EditionContent) -> EmailView:
        edition = content.edition
        mail = self.mail
        locale = self.settings.locale
        linker = Linker(mail, edition.slug)
        intro = self._intro(edition.body, edition.src_uri, linker)
        lead = self._item(content.lead, content, linker) if content.lead else None
        sections = tuple(
            EmailSection(
                chosen.section.heading,
                tuple(self._item(item, content, linker) for item in chosen.items),
                chosen.section.placement == "sidebar",
            )
            for chosen in content.sections
            if chosen.items
        )
        return EmailView(
            id=edition.slug,
            lang=locale.split("_")[0],
            subject=edition.subject,
            preheader=edition.preheader,
            title=f"Newsletter · {format_date(edition.date, 'MMMM y', locale=locale)}",
            site_name=mail.site_name,
            intro_html=Markup(intro),
            intro_text=get_text(intro, ParserConfig(display_links=True)).strip() if intro else "",
            lead=lead,
            sections=sections,
            home_url=linker.page(""),
            home_label=mail.site_url.split("://", 1)[1].rstrip("/"),
            web_url=mail.platform.web_version or linker.page(edition.page_url),
            unsubscribe_url=mail.unsubscribe_link,
            social=tuple(SocialLink(link.label, linker.tag(link.url)) for link in mail.social),
            legal_notice=mail.legal_notice,
            postal_address=mail.postal_address,
        )

    def _intro(self, body: str, src_uri: str, linker: Linker) -> str:
        """The body as email HTML: cleaned, every address absolute, and the platform's merge
        tags (``*|FNAME|*``) kept as written, away from Markdown and link handling."""
        if not body.strip():
            return ""
        platform = self.mail.platform
        tags: list[str] = []

        def stash(match: re.Match[str]) -> str:
            tags.append(match.group(0))
            return f"ndmergetag{len(tags) - 1}x"

        if platform.tag_pattern:
            body = re.sub(platform.tag_pattern, stash, body)

        def address(element: str, url: str) -> str:
            if re.fullmatch(r"ndmergetag\d+x", url):
                return url
            return linker.resolve(url, src_uri, image=element == "img")

        html = markdown.markdown(body, extensions=list(INTRO_EXTENSIONS))
        html = clean_email_html(html, address)
        return re.sub(r"ndmergetag(\d+)x", lambda m: tags[int(m.group(1))], html)

    def _item(self, item: Item, content: EditionContent, linker: Linker) -> EmailItem:
        image = None
        if (picture := _email_picture(item)) is not None:
            path, alt = picture
            url = linker.asset(stored_file_uri(item, path))
            image = EmailImage(url, alt or "", LEAD_IMAGE_WIDTH)
        return EmailItem(
            title=item.title,
            url=linker.page(item.page_url),
            kind=self.presenter.kind_label(item),
            lines=tuple(_facts(item, self, content)),
            summary=item.summary or "",
            image=image,
        )

    # -- the message ---------------------------------------------------------------------

    def message(
        self, content: EditionContent, view: EmailView, html: str, text: str
    ) -> EmailMessage:
        """The edition as one message: text then HTML, each UTF-8 and quoted-printable (so no
        line is longer than 76 octets), with the headers bulk senders must send."""
        mail = self.mail
        edition = content.edition
        message = EmailMessage(policy=MESSAGE_POLICY)
        message["Subject"] = edition.subject
        message["From"] = mail.sender
        if mail.reply_to:
            message["Reply-To"] = mail.reply_to
        sent = datetime.combine(
            edition.date, time(mail.send_hour, mail.send_minute), content.clock.tz
        )
        message["Date"] = format_datetime(sent)
        digest = hashlib.sha256(html.encode() + text.encode()).hexdigest()
        message["Message-ID"] = f"<{edition.slug}.{digest[:16]}@{mail.sender.domain}>"
        message["List-Unsubscribe"] = (
            f"<mailto:{mail.unsubscribe_email}?subject=unsubscribe>, <{mail.unsubscribe_url}>"
        )
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
        message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
        # A boundary from the content, not a random one: the same edition, the same bytes.
        message.set_boundary(f"=_newsdesk_{digest[16:48]}")
        return message


def _wrap(value: str, width: int = TEXT_WIDTH, indent: str = "") -> str:
    """Wrap running text for the plain-text email; URLs are never broken."""
    paragraphs = value.split("\n")
    return "\n".join(
        textwrap.fill(
            paragraph,
            width=width,
            initial_indent=indent,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        if paragraph.strip()
        else ""
        for paragraph in paragraphs
    )


@singledispatch
def _email_picture(item: Item) -> tuple[str, str | None] | None:
    """The image an email shows with an item, and its alt text: a story's."""
    return None


@_email_picture.register
def _(item: News) -> tuple[str, str | None] | None:
    return item.picture


@singledispatch
def _facts(item: Item, renderer: EditionRenderer, content: EditionContent) -> list[str]:
    """An item's facts under its title, as they stood on the edition's date: its day."""
    return [day_text(item.sort_date, renderer.settings.locale)]


@_facts.register
def _(item: Event, renderer: EditionRenderer, content: EditionContent) -> list[str]:
    when = item.dates_note or range_text(item.start, item.end, renderer.settings.locale)
    return [line for line in (when, renderer.presenter.place(item)) if line]


@_facts.register
def _(item: Call, renderer: EditionRenderer, content: EditionContent) -> list[str]:
    settings = renderer.settings
    status = call_status(item, content.clock, settings.closing_soon_days)
    lines = []
    if status.state is CallState.FORTHCOMING and item.opens is not None:
        lines.append(f"Opens: {moment_text(item.opens, settings.locale)}")
    shown = status.next or item.deadlines[-1]
    lines.append(f"Deadline: {moment_text(shown.date, settings.locale)}")
    return lines


@_facts.register
def _(item: Interview, renderer: EditionRenderer, content: EditionContent) -> list[str]:
    return [renderer.presenter.where(item) or ""]


@_facts.register
def _(item: KnowledgeDoc, renderer: EditionRenderer, content: EditionContent) -> list[str]:
    day = day_text(item.date, renderer.settings.locale)
    return [f"{renderer.presenter.kind_label(item)} · {day}"]


def edition_files(rendered: RenderedEdition) -> dict[str, bytes]:
    """``email.html``, ``email.txt`` and ``<id>.eml`` beside the edition's web version, by
    path in the site."""
    folder = rendered.page_url
    return {
        f"{folder}email.html": rendered.html.encode("utf-8"),
        f"{folder}email.txt": rendered.text.encode("utf-8"),
        f"{folder}{rendered.id}.eml": rendered.eml,
    }
