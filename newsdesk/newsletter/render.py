"""An edition as subscribers get it: email HTML (CSS inlined), plain text, and the .eml.

The view is computed here; ``templates/email/`` only lays it out. Merge tags of the
configured mailing platform are plain values in the view, so they reach the email as
written, for the platform to fill in; text from items is made inert for the platform
(``mergetags``), so that what an item says is never run as the platform's template.
"""

from __future__ import annotations

import hashlib
import math
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, time
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from functools import singledispatch

import css_inline
from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from newsdesk.content.catalog import Catalog, stored_file_uri
from newsdesk.content.models import (
    Call,
    Display,
    Edition,
    Event,
    Interview,
    Item,
    KnowledgeDoc,
    Override,
    Section,
)
from newsdesk.content.selection import ChosenSection, EditionContent
from newsdesk.content.states import CallState, call_status
from newsdesk.newsletter.body import BodyRenderer, EmailBody, EmailImage
from newsdesk.newsletter.config import NewsletterSettings, SocialLink
from newsdesk.newsletter.links import Linker
from newsdesk.newsletter.mergetags import for_html, for_text, inert
from newsdesk.settings import Settings
from newsdesk.site.formatting import day_text, moment_text, range_text
from newsdesk.site.views import Presenter

EMAIL_TEMPLATES = "templates/email"
CONTAINER_WIDTH = 600
FULL_WIDTH = 552
"""The email's 600 px less its side paddings: what a full-width section has."""
COLUMNS = {"full": FULL_WIDTH, "main": 322, "sidebar": 198}
"""The width for text and images in each placement: the columns' 370 and 230 px less their
paddings."""
LOGO_WIDTH = 240
SPLIT_SLACK = 1.15
"""How much longer the main column may run than the sidebar beside it before its further
items go on across the whole width."""
TEXT_WIDTH = 72

_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)
MESSAGE_POLICY = policy.SMTP.clone(max_line_length=998)
"""How the .eml is written: CRLF line ends, and headers within RFC 5322's limit of 998
characters, unfolded below it (``List-Unsubscribe`` stays one line, as the sender signs it
with DKIM; Python's folder would move a subject that fits on a line of its own onto a
continuation line, which some readers show with a leading space)."""
BODY_POLICY = policy.SMTP.clone(max_line_length=76)
"""How its parts are encoded: quoted-printable lines within RFC 2045's 76 characters."""


@dataclass(frozen=True, slots=True)
class EmailItem:
    title: str
    url: str
    kind: str
    lines: tuple[str, ...]
    """Date, place, deadline: short facts under the title."""
    summary: str
    display: Display
    image: EmailImage | None = None
    body: EmailBody | None = None
    """The whole story, where it shows in full."""


@dataclass(frozen=True, slots=True)
class EmailBlock:
    """A section of an edition as the email shows it: a heading (none where a section
    continues), and its items or the editor's own text."""

    heading: str | None
    items: tuple[EmailItem, ...] = ()
    body: EmailBody | None = None
    """A free block's text."""
    number: int = 0
    """Which of the edition's sections it is (from 0), for telling its size."""


@dataclass(frozen=True, slots=True)
class EmailRow:
    """A band of the email: blocks across the whole width, or a main column with a sidebar
    beside it. ``side_first`` puts the sidebar first on phones (where the columns stack),
    as the editor wrote it first."""

    main: tuple[EmailBlock, ...]
    side: tuple[EmailBlock, ...] = ()
    side_first: bool = False


@dataclass(frozen=True, slots=True)
class EmailView:
    id: str
    lang: str
    subject: str
    preheader: str
    title: str
    """"Newsletter · March 2020"."""
    site_name: str
    masthead: EmailImage | None
    banner: bool
    """Whether ``masthead`` is a banner across the top (else a logo beside the name)."""
    intro: EmailBody
    lead: EmailItem | None
    rows: tuple[EmailRow, ...]
    blocks: tuple[EmailBlock, ...]
    """Every block, in the editor's order (the text version's, and the phone's)."""
    home_url: str
    web_url: str
    unsubscribe_url: str
    social: tuple[SocialLink, ...]
    legal_notice: str | None
    postal_address: str | None
    labels: dict[str, str]

    @property
    def has_items(self) -> bool:
        return self.lead is not None or any(block.items for block in self.blocks)


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
        html = for_html(html)  # after inlining, which would decode its character references
        text = for_text(self.env.get_template("edition.txt").render(view=view))
        edition = content.edition
        return RenderedEdition(
            id=edition.slug,
            src_uri=edition.src_uri,
            page_url=edition.page_url,
            view=view,
            html=html,
            text=text,
            eml=self.message(content, view, html, text).as_bytes(policy=MESSAGE_POLICY),
        )

    def sizes(self, view: EmailView) -> dict[str, int]:
        """About how many bytes of the email each part of the edition takes, by its name:
        each as the template lays it out, times how much inlining the styles adds."""
        template = self.env.get_template("edition.html")
        laid_out = template.render(view=view)
        inlined = len(_INLINER.inline(laid_out)) / len(laid_out)
        macros = template.make_module({"view": view})
        sizes: dict[str, int] = {}
        if view.intro.html:
            sizes["the intro"] = len(view.intro.html.encode())
        if view.lead is not None:
            sizes["the lead story"] = len(str(macros.story(view.lead)).encode())
        for block in view.blocks:
            name = block.heading or f"sections[{block.number}]"
            sizes[name] = sizes.get(name, 0) + len(str(macros.block(block)).encode())
        return {name: round(size * inlined) for name, size in sizes.items()}

    # -- the view ------------------------------------------------------------------------

    def view(self, content: EditionContent) -> EmailView:
        edition = content.edition
        mail = self.mail
        locale = self.settings.locale
        labels = mail.labels
        linker = Linker(mail, edition.slug)
        bodies = BodyRenderer(self.settings.docs_dir, linker)
        lead = None
        if content.lead is not None:
            lead = self._item(content.lead, "teaser", content, bodies, FULL_WIDTH)
        showing = [
            (number, chosen)
            for number, chosen in enumerate(content.sections)
            if chosen.items or chosen.section.block is not None
        ]
        widths = _widths([chosen.section for _, chosen in showing])
        shown = [
            (chosen.section, self._block(number, chosen, content, bodies, width))
            for (number, chosen), width in zip(showing, widths, strict=True)
        ]
        masthead, banner = self._masthead(edition, bodies)
        home = mail.site_url.split("://", 1)[1].rstrip("/")
        return EmailView(
            id=edition.slug,
            lang=locale.split("_")[0],
            subject=edition.subject,
            preheader=edition.preheader,
            title=f"{labels['newsletter']} · {format_date(edition.date, 'MMMM y', locale=locale)}",
            site_name=mail.site_name,
            masthead=masthead,
            banner=banner,
            intro=bodies.render(edition.body, edition.src_uri, FULL_WIDTH, own=True),
            lead=lead,
            rows=tuple(_rows(shown)),
            blocks=tuple(block for _, block in shown),
            home_url=linker.page(""),
            web_url=mail.platform.web_version or linker.page(edition.page_url),
            unsubscribe_url=mail.unsubscribe_link,
            social=tuple(
                SocialLink(labels["follow_us"].format(network=link.label), linker.tag(link.url))
                for link in mail.social
            ),
            legal_notice=edition.legal_notice or mail.legal_notice,
            postal_address=mail.postal_address,
            labels={
                **labels,
                "visit_portal": labels["visit_portal"].format(site=home),
                "subscribed": labels["subscribed"].format(site=home),
            },
        )

    def _masthead(self, edition: Edition, bodies: BodyRenderer) -> tuple[EmailImage | None, bool]:
        masthead = edition.masthead
        if masthead is not None and masthead.banner:
            path = stored_file_uri(edition, masthead.banner)
            return bodies.image(path, masthead.alt or "", CONTAINER_WIDTH), True
        if masthead is not None and masthead.logo:
            path = stored_file_uri(edition, masthead.logo)
            return bodies.image(path, masthead.alt or "", LOGO_WIDTH), False
        if self.mail.logo:
            return bodies.image(self.mail.logo, self.mail.logo_alt or "", LOGO_WIDTH), False
        return None, False

    def _block(
        self,
        number: int,
        chosen: ChosenSection,
        content: EditionContent,
        bodies: BodyRenderer,
        column: int,
    ) -> EmailBlock:
        section = chosen.section
        if section.block is not None:
            body = bodies.render(section.block, content.edition.src_uri, column, own=True)
            return EmailBlock(section.heading, body=body, number=number)
        items = tuple(
            self._item(item, section.shows, content, bodies, column) for item in chosen.items
        )
        return EmailBlock(section.heading, items, number=number)

    def _item(
        self,
        item: Item,
        display: Display,
        content: EditionContent,
        bodies: BodyRenderer,
        column: int,
    ) -> EmailItem:
        override = content.edition.overrides.get(f"{item.collection}/{item.slug}", Override())
        display = override.display or display

        def said(text: str) -> str:
            """Text of the item's own, which never speaks the platform's tag language."""
            return inert(text, self.mail.platform.openers)

        image = None
        if display != "title":
            if override.image:
                path = stored_file_uri(content.edition, override.image)
                image = bodies.image(path, override.image_alt or "", column, override.caption or "")
            elif (picture := item.picture) is not None:  # a story's image, a portrait
                stored, alt = picture
                path = stored_file_uri(item, stored)
                image = bodies.image(path, said(alt or ""), column, override.caption or "")
                image = replace(image, url=said(image.url))
        body = None
        if display == "full":
            body = bodies.render(item.body, item.src_uri, column, own=False)
        return EmailItem(
            title=override.headline or said(item.title),
            url=said(bodies.linker.page(item.page_url)),
            kind=self.presenter.kind_label(item),
            lines=tuple(said(line) for line in _facts(item, self, content)),
            summary=override.teaser or said(item.summary or ""),
            display=display,
            image=image,
            body=body,
        )

    # -- the message ---------------------------------------------------------------------

    def message(
        self, content: EditionContent, view: EmailView, html: str, text: str
    ) -> EmailMessage:
        """The edition as one message: text then HTML, each UTF-8 and quoted-printable (so no
        line is longer than 76 octets), with the headers bulk senders must send."""
        mail = self.mail
        edition = content.edition
        message = EmailMessage(policy=BODY_POLICY)
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


def _runs(sections: list[Section]) -> Iterator[list[int]]:
    """The positions of ``sections`` as the email lays them out: each full-width one a band
    of its own, each run of main and sidebar ones a band together."""
    run: list[int] = []
    for number, section in enumerate(sections):
        if section.placement != "full":
            run.append(number)
            continue
        if run:
            yield run
            run = []
        yield [number]
    if run:
        yield run


def _widths(sections: list[Section]) -> list[int]:
    """Each section's width for text and images: a column's in a band with both columns,
    the whole width's in any other (as ``_columns`` lays them out)."""
    widths = [FULL_WIDTH] * len(sections)
    for run in _runs(sections):
        if {sections[n].placement for n in run} == {"main", "sidebar"}:
            for n in run:
                widths[n] = COLUMNS[sections[n].placement]
    return widths


def _rows(shown: list[tuple[Section, EmailBlock]]) -> Iterator[EmailRow]:
    """The email's bands, in the editor's order: each full-width section a band of its
    own, and each run of column sections one band with the main column beside the
    sidebar."""
    for run in _runs([section for section, _ in shown]):
        yield from _columns([shown[n] for n in run])


def _columns(run: list[tuple[Section, EmailBlock]]) -> Iterator[EmailRow]:
    """A run of main and sidebar sections: side by side for as long as the sidebar lasts,
    then the main column's further items across the whole width, so no column runs on
    beside an empty one. A run of one kind (a full-width section among them) takes the
    whole width."""
    main = [block for section, block in run if section.placement == "main"]
    side = [block for section, block in run if section.placement == "sidebar"]
    if not main or not side:
        yield EmailRow(tuple(block for _, block in run))
        return
    beside: list[EmailBlock] = []
    after: list[EmailBlock] = []
    room = sum(_height(block, COLUMNS["sidebar"]) for block in side) * SPLIT_SLACK
    used = 0.0
    for block in main:
        if after:  # the main column has gone across: the rest follows it
            after.append(block)
            continue
        if block.body is not None:
            height = _height(block, COLUMNS["main"])
            if beside and used + height / 2 > room:
                after.append(block)
            else:
                beside.append(block)
                used += height
            continue
        taken: list[EmailItem] = []
        for item in block.items:
            height = _item_height(item, COLUMNS["main"])
            if (beside or taken) and used + height / 2 > room:  # under half would sit beside
                break
            taken.append(item)
            used += height
        if taken:
            beside.append(EmailBlock(block.heading, tuple(taken), number=block.number))
        if rest := block.items[len(taken) :]:
            heading = None if taken else block.heading
            after.append(EmailBlock(heading, rest, number=block.number))
    yield EmailRow(tuple(beside), tuple(side), side_first=run[0][0].placement == "sidebar")
    if after:
        yield EmailRow(tuple(after))


def _height(block: EmailBlock, width: int) -> float:
    """About how many pixels ``block`` takes in a column ``width`` pixels wide."""
    height = 44.0 if block.heading else 0.0
    if block.body is not None:
        height += _body_height(block.body, width)
    return height + sum(_item_height(item, width) for item in block.items)


def _item_height(item: EmailItem, width: int) -> float:
    if item.display == "title":
        return _text_height(item.title, width, 15, 21) + 19 * len(item.lines) + 14
    height = _text_height(item.title, width, 18, 24) + 20 * len(item.lines) + 28
    if item.image is not None:
        height += item.image.height or item.image.width / 2
    if item.body is not None:
        return height + _body_height(item.body, width)
    return height + _text_height(item.summary, width, 16, 24) + 44


def _body_height(body: EmailBody, width: int) -> float:
    images = sum(int(found) for found in re.findall(r'<img [^>]*height="(\d+)"', body.html))
    return _text_height(body.text, width, 16, 24) + images


def _text_height(text: str, width: int, size: int, line: int) -> float:
    """Lines of ``text`` at ``size`` px (an average character is half as wide), by height."""
    per_line = max(1, width // (size // 2))
    lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n") if part)
    return lines * line + 12 * text.count("\n\n")


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
def _facts(item: Item, renderer: EditionRenderer, content: EditionContent) -> list[str]:
    """An item's facts under its title, as they stood on the edition's date: its day."""
    return [day_text(item.sort_date, renderer.settings.locale)]


@_facts.register
def _(item: Event, renderer: EditionRenderer, content: EditionContent) -> list[str]:
    when = item.dates_note or range_text(item.start, item.end, renderer.settings.locale)
    return [line for line in (when, renderer.presenter.place(item)) if line]


@_facts.register
def _(item: Call, renderer: EditionRenderer, content: EditionContent) -> list[str]:
    settings, labels = renderer.settings, renderer.mail.labels
    status = call_status(item, content.clock, settings.closing_soon_days)
    lines = []
    if status.state is CallState.FORTHCOMING and item.opens is not None:
        lines.append(f"{labels['launch']} {moment_text(item.opens, settings.locale)}")
    shown = status.next or item.deadlines[-1]
    lines.append(f"{labels['deadline']} {moment_text(shown.date, settings.locale)}")
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
