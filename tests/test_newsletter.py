"""Newsletter editions: what goes in them, the email files the build writes, the quality gate,
mailing-platform merge tags, and proof sends to a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import email
import json
import re
import shutil
import socket
import subprocess
from email import policy
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from newsdesk.adapter import commands
from newsdesk.content.catalog import load_catalog
from newsdesk.engine import pipeline
from newsdesk.newsletter.editions import render_editions
from newsdesk.newsletter.render import RenderedEdition
from newsdesk.site.plan import plan_site
from tests.conftest import REPO, Project, error_lines, make_project

SITE_URL = "https://www.clustercollaboration.eu/"
SAMPLE_EDITIONS = ("2019-03", "2019-12", "2020-03")


# -- helpers -----------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.tables: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "a" and "href" in found:
            self.hrefs.append(found["href"] or "")
        elif tag == "img":
            self.images.append(found)
        elif tag == "table":
            self.tables.append(found)


def parse_html(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def read_eml(path: Path) -> EmailMessage:
    return email.message_from_bytes(path.read_bytes(), _class=EmailMessage, policy=policy.default)


def text_sections(text: str) -> dict[str, str]:
    """The plain-text email cut at its section headings (an upper-case line over dashes)."""
    parts = re.split(r"\n\n\n([A-Z][^\n]*)\n-+\n", text)
    ends = re.compile(r"\n\n\n(?:--|· · ·)\n")  # the footer, or a section without a heading
    return {parts[i]: ends.split(parts[i + 1])[0] for i in range(1, len(parts), 2)}


def titles(block: str) -> list[str]:
    return [line[2:] for line in block.splitlines() if line.startswith("* ")]


def edition_project(root: Path, newsletter_options: str = "") -> Project:
    """A newsroom whose March 2020 edition uses every section rule."""
    project = make_project(root)
    if newsletter_options:
        config = project.root / "mkdocs.yml"
        config.write_text(config.read_text() + newsletter_options)
    news = "---\ntitle: {title}\ndate: {date}\nsummary: {title}, in brief.\n---\n{title}.\n"
    project.write("news/green-deal.md", news.format(title="Green Deal story", date="2020-02-20"))
    project.write("news/winter.md", news.format(title="Winter story", date="2020-01-10"))
    project.write("news/alliance.md", news.format(title="Alliance story", date="2020-02-25"))
    project.write("news/later.md", news.format(title="Story after the edition", date="2020-03-05"))
    event = "---\ntitle: {title}\nsummary: {title}.\nkind: conference\nstart: {start}\n---\n"
    project.write("events/soon.md", event.format(title="Event in March", start="2020-03-10"))
    project.write("events/summer.md", event.format(title="Event in July", start="2020-07-01"))
    project.write("events/february.md", event.format(title="Event in February", start="2020-02-10"))
    call = (
        "---\ntitle: {title}\nsummary: {title}.\nprogramme: COSME\n"
        "deadlines:\n  - date: {deadline}\n---\n"
    )
    project.write(
        "calls/spring.md", call.format(title="Call closing in March", deadline="2020-03-20")
    )
    project.write(
        "calls/winter.md", call.format(title="Call closing in December", deadline="2020-12-01")
    )
    project.write("calls/over.md", call.format(title="Closed call", deadline="2020-02-01"))
    edition = """\
        ---
        title: "{title}"
        date: {date}
        subject: "{title}: clusters this month"
        preheader: What happened in the cluster community, and what is coming.
        sections:
          - heading: Latest news
            collection: news
            rule: since-previous
          - heading: Upcoming events
            collection: events
            rule: upcoming
            days: 30
            placement: sidebar
          - heading: Open calls
            collection: calls
            rule: open
            days: 60
            placement: sidebar
          - heading: Past events
            collection: events
            rule: recent
            days: 30
        ---
        {intro}
        """
    project.write(
        "newsletters/2020-02.md",
        edition.format(title="February 2020", date="2020-02-01", intro="The February edition."),
    )
    intro = (
        "Read [our story](../news/green-deal.md), [a partner's page](https://partner.example.com/"
        "page?ref=eccp#part) and [a tagged one](https://news.example.org/news/winter/"
        "?utm_source=partner#more)."
    )
    project.write(
        "newsletters/2020-03.md", edition.format(title="March 2020", date="2020-03-01", intro=intro)
    )
    return project


@pytest.fixture
def editions(tmp_path: Path) -> Project:
    project = edition_project(tmp_path / "newsroom")
    result = project.build()
    assert result.exit_code == 0, result.output
    return project


# -- the sample editions -----------------------------------------------------------------


def test_each_sample_edition_gets_its_email_files_and_a_web_version(sample_site: Path):
    for edition in SAMPLE_EDITIONS:
        folder = sample_site / "newsletters" / edition
        assert {p.name for p in folder.iterdir()} == {
            "index.html",
            "email.html",
            "email.txt",
            f"{edition}.eml",
        }
        page = (folder / "index.html").read_text()
        assert 'href="email.html"' in page
        assert ".eml" not in page  # the message file is for the mailing platform
    archive = (sample_site / "newsletters" / "index.html").read_text()
    positions = [archive.index(f'href="{edition}/"') for edition in SAMPLE_EDITIONS]
    assert positions == sorted(positions, reverse=True), "the archive lists the newest first"


def test_the_eml_is_multipart_text_then_html_with_bulk_mail_headers(sample_site: Path):
    for edition in SAMPLE_EDITIONS:
        path = sample_site / "newsletters" / edition / f"{edition}.eml"
        raw = path.read_bytes()
        assert b"\n" not in raw.replace(b"\r\n", b""), "every line ends in CRLF"
        headers, _, _ = raw.partition(b"\r\n\r\n")
        assert max(len(line) for line in headers.split(b"\r\n")) <= 998  # RFC 5322
        assert b"\r\n " not in headers  # List-Unsubscribe as signed, the subject as written
        message = read_eml(path)
        for part in message.iter_parts():
            assert part["Content-Transfer-Encoding"] == "quoted-printable"
            body = part.as_bytes().partition(b"\n\n")[2]
            assert max(len(line) for line in body.splitlines()) <= 76  # RFC 2045
        assert message.get_content_type() == "multipart/alternative"
        text, html = message.iter_parts()
        assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
        assert text.get_content_charset() == html.get_content_charset() == "utf-8"
        assert message["From"] == "ECCP Newsletter <newsletter@clustercollaboration.eu>"
        assert message["Reply-To"] == "ECCP Helpdesk <contact@clustercollaboration.eu>"
        assert message["Subject"].startswith("ECCP Newsletter ")
        assert message["Date"].datetime.date().isoformat()[:7] == edition
        assert re.fullmatch(r"<[^<>@\s]+@clustercollaboration\.eu>", message["Message-ID"])
        unsubscribe = [u.strip(" <>") for u in message["List-Unsubscribe"].split(",")]
        assert unsubscribe == [
            "mailto:unsubscribe@clustercollaboration.eu?subject=unsubscribe",
            "https://lists.clustercollaboration.eu/unsubscribe/eccp-newsletter",
        ]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        for part, name in ((html, "email.html"), (text, "email.txt")):
            content = part.get_content().replace("\r\n", "\n").rstrip("\n")
            assert content == (path.parent / name).read_text().rstrip("\n")


def test_every_link_in_the_email_is_absolute_tagged_and_lands_on_a_built_page(sample_site: Path):
    for edition in SAMPLE_EDITIONS:
        folder = sample_site / "newsletters" / edition
        html = (folder / "email.html").read_text()
        text = (folder / "email.txt").read_text()
        parsed = parse_html(html)
        site_links = [href for href in parsed.hrefs if href.startswith(SITE_URL)]
        assert len(site_links) > 10
        for href in parsed.hrefs:
            parts = urlsplit(href)
            assert parts.scheme in ("https", "mailto"), href
            if href in site_links:
                query = parse_qs(parts.query)
                assert query["utm_source"] == ["newsletter"], href
                assert query["utm_medium"] == ["email"], href
                assert query["utm_campaign"] == [edition], href
                path = sample_site / parts.path.removeprefix("/")
                assert path.is_file() or (path / "index.html").is_file(), href
            else:
                assert "utm_" not in parts.query, f"external links stay as written: {href}"
            if parts.scheme == "https":
                assert href in text, f"the text version writes out {href}"
        for image in parsed.images:
            assert image["alt"] and image["width"] and image["src"].startswith(SITE_URL)
            assert (sample_site / urlsplit(image["src"]).path.removeprefix("/")).is_file()


def test_the_email_html_is_built_for_mail_clients(sample_site: Path):
    html = (sample_site / "newsletters" / "2020-03" / "email.html").read_text()
    assert re.search(r'<html lang="en"', html)
    assert "<title>ECCP Newsletter March 2020: clusters at the heart" in html
    parsed = parse_html(html)
    assert parsed.tables and all(t.get("role") == "presentation" for t in parsed.tables)
    assert html.count("<!--[if mso]>") >= 3 and 'width="600"' in html
    preheader = re.search(r'<div class="preheader" style="([^"]+)">How clusters can help', html)
    assert preheader and "display: none" in preheader.group(1)
    # CSS is inlined; only the @media rules (phones, dark mode) stay in <style>.
    assert re.search(r'<h2 class="section" style="[^"]*font-weight: bold', html)
    outside_comments = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    (style,) = re.findall(r"<style>(.*?)</style>", outside_comments, re.S)
    outside_media = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*\s*\}", "", style)
    assert "@media" in style and outside_media.strip() == ""
    assert "prefers-color-scheme: dark" in html and 'name="color-scheme"' in html
    assert len(html.encode()) < 90 * 1024
    # The seed's lead story, under its headline, with its image and caption, in full.
    lead = html.index("Industrial clusters crucial to plans for a climate-neutral Europe")
    assert html.index("Latest news") < lead and "green-tech-clusters.png" in html[:lead]
    assert "The 250 green-tech clusters in Europe ready to support" in html[:lead]
    assert "The online consultation runs until 27 May 2020." in html
    # A button is text on a coloured cell.
    assert re.search(r'bgcolor="#0b4f9c"[^>]*>\s*<a [^>]*>Visit our portal: ', html)


def test_sample_march_2020_edition_reproduces_the_seed_newsletter(sample_site: Path):
    """Seed 000: the lead story printed whole, events and calls beside the other stories
    (printed whole too, under the seed's headlines), and the legal notice of 2020."""
    text = (sample_site / "newsletters" / "2020-03" / "email.txt").read_text()
    sections = text_sections(text)
    assert list(sections) == ["LATEST NEWS", "UPCOMING EVENTS", "OPEN CALLS"]
    calls = titles(sections["OPEN CALLS"])
    assert len(calls) == 7 and calls[0].startswith("Expression of interest: organising an event")
    assert "Launch: 20 March 2020" in sections["OPEN CALLS"]  # as the seed prints it
    latest = sections["LATEST NEWS"]
    assert titles(latest) == ["Industrial clusters crucial to plans for a climate-neutral Europe"]
    assert "The online consultation runs until 27 May 2020." in " ".join(latest.split())
    stories = text.split("OPEN CALLS", 1)[1]
    for headline in (
        "Commission to reveal new SME and industrial strategies",
        "New European Clusters Alliance president named",
        "Don't miss out on EU Gateway opportunities in Asia",
        "Industry clusters driving regional growth",
        "From strength to strength in 2019",
    ):
        assert f"* {headline}" in stories
    assert "© European Union, 2020." in text and "EASME" in text
    assert "Follow us on Twitter!" in text and "Follow us on LinkedIn!" in text
    assert "Berlin" not in text and "Climate Pact consultation" not in text, "drafts stay out"


def test_sample_march_2019_edition_has_every_block_of_the_seed(sample_site: Path):
    """Seed 001: its free blocks between the sections, SAVE THE DATE, a button."""
    text = (sample_site / "newsletters" / "2019-03" / "email.txt").read_text()
    headings = list(text_sections(text))
    for heading in (
        "LATEST NEWS",
        "UPCOMING EVENTS",
        "OPEN CALLS",
        "ECCP AT A GLANCE",
        "EU CLUSTER WEEKS",
        "PAST EVENTS",
        "ECCP MATCHMAKING EVENTS",
        "ECCP INTERVIEWS",
        "CLUSTER ORGANISATIONS",
        "ECCP TOOLS",
        "DIALOGUE WITH USERS",
    ):
        assert heading in headings
    assert "SAVE THE DATE" in text and "5–7 June 2019 in Toronto" in " ".join(text.split())
    html = (sample_site / "newsletters" / "2019-03" / "email.html").read_text()
    assert re.search(r'bgcolor="#0b4f9c"[^>]*>\s*<a [^>]*>Update your profile</a>', html)
    assert len(html.encode()) < 90 * 1024


# -- choosing items ----------------------------------------------------------------------


def test_section_rules_are_evaluated_at_the_edition_date(editions: Project):
    text = (editions.site / "newsletters" / "2020-03" / "email.txt").read_text()
    sections = text_sections(text)
    assert "\nNEWS: Alliance story\n" in text, "the newest story leads"
    assert titles(sections["LATEST NEWS"]) == ["Green Deal story"], "not the lead, not February's"
    assert "Story after the edition" not in text
    assert titles(sections["UPCOMING EVENTS"]) == ["Event in March"]
    assert titles(sections["OPEN CALLS"]) == ["Call closing in March"]
    assert titles(sections["PAST EVENTS"]) == ["Event in February"]
    # The first edition has no previous one: its news is that of the last 31 days.
    february = (editions.site / "newsletters/2020-02/email.txt").read_text()
    assert "\nNEWS: Winter story\n" in february and "LATEST NEWS" not in february


def test_an_edition_does_not_change_when_the_site_is_rebuilt_later(editions: Project):
    files = ("email.html", "email.txt", "2020-03.eml")
    before = [(editions.site / "newsletters/2020-03" / name).read_bytes() for name in files]
    assert editions.build("--today", "2021-06-01").exit_code == 0
    after = [(editions.site / "newsletters/2020-03" / name).read_bytes() for name in files]
    assert after == before


def test_site_links_get_utm_tags_and_keep_their_own_parameters(editions: Project):
    hrefs = parse_html((editions.site / "newsletters/2020-03/email.html").read_text()).hrefs
    assert (
        "https://news.example.org/news/green-deal/"
        "?utm_source=newsletter&utm_medium=email&utm_campaign=2020-03" in hrefs
    )
    assert "https://partner.example.com/page?ref=eccp#part" in hrefs
    assert (
        "https://news.example.org/news/winter/"
        "?utm_source=partner&utm_medium=email&utm_campaign=2020-03#more" in hrefs
    )


def test_external_links_can_be_tagged_too(tmp_path: Path):
    project = edition_project(tmp_path / "newsroom", "        utm_external: true\n")
    assert project.build().exit_code == 0
    hrefs = parse_html((project.site / "newsletters/2020-03/email.html").read_text()).hrefs
    assert (
        "https://partner.example.com/page?ref=eccp"
        "&utm_source=newsletter&utm_medium=email&utm_campaign=2020-03#part" in hrefs
    )


@pytest.mark.parametrize(
    ("platform", "unsubscribe", "web_version"),
    [
        ("mailchimp", "*|UNSUB|*", "*|ARCHIVE|*"),
        ("listmonk", "{{ UnsubscribeURL }}", "{{ MessageURL }}"),
        ("brevo", "{{ unsubscribe }}", "{{ mirror }}"),
    ],
)
def test_mailing_platform_merge_tags_reach_the_email_untouched(
    tmp_path: Path, platform: str, unsubscribe: str, web_version: str
):
    project = edition_project(tmp_path / "newsroom", f"        platform: {platform}\n")
    result = project.build()
    assert result.exit_code == 0, result.output
    folder = project.site / "newsletters" / "2020-03"
    hrefs = parse_html((folder / "email.html").read_text()).hrefs
    assert unsubscribe in hrefs and web_version in hrefs
    text = (folder / "email.txt").read_text()
    assert f"\n{unsubscribe}\n" in text and f"\n{web_version}\n" in text
    message = read_eml(folder / "2020-03.eml")
    assert "<https://lists.example.org/unsubscribe>" in message["List-Unsubscribe"]


TEMPLATE_CODE = (
    '{{ .Subscriber.Email }} {{ template "content" . }} *|EMAIL|* *|UNSUB|* '
    "{{ contact.EMAIL }} {% if contact.SMS %}"
)
"""What an outside organisation might write: every platform's tags and statements."""
OPENERS = {
    "mailchimp": {"*|": "|*"},
    "listmonk": {"{{": "}}"},
    "brevo": {"{{": "}}", "{%": "%}", "{#": "#}"},
}


def sample_editions(root: Path, platform: str) -> tuple[RenderedEdition, ...]:
    """The sample editions as ``platform`` gets them, from the sample content with
    ``TEMPLATE_CODE`` in every item's title, summary, alt text and body."""
    shutil.copytree(REPO / "content", root / "content")
    (root / "templates").symlink_to(REPO / "templates")
    config = (REPO / "mkdocs.yml").read_text()
    chosen = f"        subscribe_list: 4b7d1c2e-list\n        platform: {platform}"  # (listmonk)
    (root / "mkdocs.yml").write_text(config.replace("        platform: generic", chosen))

    def said(match: re.Match[str]) -> str:
        value = yaml.safe_load(match.group(2))
        if not isinstance(value, str):
            return match.group(0)
        return f"{match.group(1)}: {json.dumps(f'{value} {TEMPLATE_CODE}')}"

    written = TEMPLATE_CODE.replace("*", "\\*")  # as Markdown, its stars not emphasis
    for path in (root / "content").glob("*/*.md"):
        if path.parent.name == "newsletters" or path.name == "index.md":
            continue
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        front = re.sub(r"^(title|summary|image_alt|venue): (.+)$", said, front, flags=re.M)
        body += f"\n\n{written}\n\n[{written}](https://partner.example.com/?to=*|EMAIL|*)\n"
        path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    config, project = commands.load(str(root / "mkdocs.yml"), None)
    settings = project.settings
    catalog = load_catalog(settings)
    page_urls = pipeline.page_urls(catalog, plan_site(catalog, settings))
    return render_editions(catalog, settings, project.mail_settings(), page_urls)


def runs(source: str, platform: str) -> set[str]:
    """Every tag or statement ``platform`` would run in ``source``."""
    found = set()
    for opener, closer in OPENERS[platform].items():
        for match in re.finditer(re.escape(opener), source):
            end = source.find(closer, match.end())
            found.add(source[match.start() : end + len(closer)] if end >= 0 else source)
    return found


@pytest.mark.parametrize(
    ("platform", "own"),
    [
        ("mailchimp", {"*|UNSUB|*", "*|ARCHIVE|*"}),
        ("listmonk", {"{{ UnsubscribeURL }}", "{{ MessageURL }}"}),
        ("brevo", {"{{ unsubscribe }}", "{{ mirror }}"}),
    ],
)
def test_the_sample_editions_carry_only_their_own_tags_whatever_items_say(
    tmp_path: Path, platform: str, own: set[str]
):
    for edition in sample_editions(tmp_path / "newsroom", platform):
        message = email.message_from_bytes(edition.eml, _class=EmailMessage, policy=policy.default)
        html = message.get_body(("html",)).get_content()
        text = message.get_body(("plain",)).get_content()
        assert runs(html, platform) == own, edition.id  # the tags of the layout, no more
        assert runs(text, platform) == own, edition.id
        words = " ".join(_Text(html).words.split())
        assert TEMPLATE_CODE in words, edition.id  # what a subscriber reads: as written
        assert TEMPLATE_CODE in " ".join(text.replace("\u200b", "").split()), edition.id


class _Text(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.words = ""
        self.feed(html)

    def handle_data(self, data: str) -> None:
        self.words += f" {data}"


# -- the quality gate --------------------------------------------------------------------


def test_an_edition_over_the_size_limit_fails_the_build_and_keeps_the_old_site(editions: Project):
    config = editions.root / "mkdocs.yml"
    config.write_text(config.read_text() + "        max_kb: 6\n")
    before = (editions.site / "newsletters/2020-03/email.html").read_bytes()
    result = editions.build()
    assert result.exit_code == 1
    (line,) = [line for line in error_lines(result) if "2020-03" in line]
    assert re.fullmatch(
        r"content/newsletters/2020-03\.md:6: email\.html is \d+\.\d KB after inlining, over "
        r"the 6 KB limit \(Gmail clips messages over 102 KB, .*",
        line,  # at the sections, which make the size
    )
    assert (editions.site / "newsletters/2020-03/email.html").read_bytes() == before
    checked = editions.run("check")  # check finds what build finds
    assert checked.exit_code == 1
    assert error_lines(checked) == error_lines(result)


def test_images_without_alt_text_and_links_to_missing_pages_fail_the_build(tmp_path: Path):
    project = edition_project(tmp_path / "newsroom")
    (project.root / "content/newsletters/images").mkdir()
    (project.root / "content/newsletters/images/map.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    edition = project.root / "content/newsletters/2020-03.md"
    edition.write_text(
        edition.read_text()
        + "\n![](images/map.png){ width=300 }\n\nSee [the programme](../programme/).\n"
    )
    result = project.build()
    assert result.exit_code == 1
    assert error_lines(result) == [
        "content/newsletters/2020-03.md:27: image "
        "https://news.example.org/newsletters/images/map.png has no alt text: describe it for "
        "readers who do not load images",
        "content/newsletters/2020-03.md:29: link “the programme” points at "
        "https://news.example.org/programme/?utm_source=newsletter&utm_medium=email"
        "&utm_campaign=2020-03, a page the build does not produce",
    ]
    checked = project.run("check")
    assert checked.exit_code == 1
    assert error_lines(checked) == error_lines(result)


def test_hostile_html_in_an_intro_does_not_reach_the_email(tmp_path: Path):
    project = edition_project(tmp_path / "newsroom")
    edition = project.root / "content/newsletters/2020-03.md"
    edition.write_text(
        edition.read_text()
        + '\n<p onclick="steal()">Hello</p><script>steal()</script>'
        + '<a href="javascript:steal()">click</a><iframe src="https://evil.example"></iframe>\n'
    )
    assert project.build().exit_code == 0
    html = (project.site / "newsletters/2020-03/email.html").read_text()
    assert "Hello" in html
    assert not re.search(r"steal|<script|<iframe|onclick|javascript:", html)


def test_a_subject_on_two_lines_is_an_error(tmp_path: Path):
    project = edition_project(tmp_path / "newsroom")
    edition = project.root / "content/newsletters/2020-03.md"
    edition.write_text(
        edition.read_text().replace(
            'subject: "March 2020: clusters this month"',
            'subject: "March 2020\\nBcc: everyone@example.org"',
        )
    )
    result = project.build()
    assert error_lines(result) == [
        "content/newsletters/2020-03.md:4: subject: must be one line; remove the line break"
    ]


def test_a_story_published_after_an_edition_stays_out_of_it_on_every_rebuild(tmp_path: Path):
    project = edition_project(tmp_path / "newsroom")
    project.write(
        "news/late.md",
        "---\ntitle: Late story\ndate: 2020-02-22\nsummary: Late.\n"
        "publish: 2020-03-10 09:00\n---\n",
    )
    april = (project.root / "content/newsletters/2020-03.md").read_text()
    april = april.replace("March 2020", "April 2020").replace("2020-03-01", "2020-04-01")
    project.write("newsletters/2020-04.md", april)
    assert project.build("--today", "2020-04-02").exit_code == 0
    assert "Late story" not in (project.site / "newsletters/2020-03/email.txt").read_text()
    april_text = (project.site / "newsletters/2020-04/email.txt").read_text()
    assert "Late story" in april_text, "it is news in the first edition after it went public"


def test_an_event_under_way_on_the_edition_date_is_still_upcoming(tmp_path: Path):
    project = edition_project(tmp_path / "newsroom")
    project.write(
        "events/week.md",
        "---\ntitle: Cluster week\nsummary: A week.\nkind: conference\n"
        "start: 2020-02-27\nend: 2020-03-04\n---\n",
    )
    assert project.build().exit_code == 0
    sections = text_sections((project.site / "newsletters/2020-03/email.txt").read_text())
    assert titles(sections["UPCOMING EVENTS"]) == ["Cluster week", "Event in March"]
    assert "Cluster week" not in sections["PAST EVENTS"]


def test_merge_tags_and_encoded_addresses_in_an_intro_come_out_as_written(tmp_path: Path):
    project = edition_project(tmp_path / "newsroom", "        platform: mailchimp\n")
    (project.root / "content/newsletters/files").mkdir()
    (project.root / "content/newsletters/files/Report final.pdf").write_bytes(b"%PDF-1.4\n")
    edition = project.root / "content/newsletters/2020-03.md"
    edition.write_text(
        edition.read_text() + "\nDear *|FNAME|*, read [the report](files/Report%20final.pdf) or "
        "[update your preferences](*|UPDATE_PROFILE|*). Call [us](tel:+3222991111).\n"
    )
    result = project.build()
    assert result.exit_code == 0, result.output
    html = (project.site / "newsletters/2020-03/email.html").read_text()
    hrefs = parse_html(html).hrefs
    assert "Dear *|FNAME|*," in html and "*|UPDATE_PROFILE|*" in hrefs
    assert (
        "https://news.example.org/newsletters/files/Report%20final.pdf"
        "?utm_source=newsletter&utm_medium=email&utm_campaign=2020-03" in hrefs
    )
    assert "Dear *|FNAME|*," in (project.site / "newsletters/2020-03/email.txt").read_text()


@pytest.mark.parametrize(
    ("platform", "greeting"), [("generic", "Dear reader"), ("mailchimp", "Dear *|FNAME|*")]
)
def test_no_text_in_an_edition_can_pass_for_a_held_merge_tag(
    tmp_path: Path, platform: str, greeting: str
):
    project = edition_project(tmp_path / "newsroom", f"        platform: {platform}\n")
    edition = project.root / "content/newsletters/2020-03.md"
    edition.write_text(
        edition.read_text() + f"\n{greeting}, our product code ndmergetag0x ships today, "
        "and so does \ue0010\ue002\ue000{.\n"
    )
    result = project.build()
    assert result.exit_code == 0, result.output
    written = f"{greeting}, our product code ndmergetag0x ships today, and so does 0{{."
    text = (project.site / "newsletters/2020-03/email.txt").read_text()
    assert written in " ".join(text.split())
    html = (project.site / "newsletters/2020-03/email.html").read_text()
    assert written in " ".join(_Text(html).words.split())


def test_an_edition_with_nothing_in_it_fails(tmp_path: Path):
    project = edition_project(tmp_path / "newsroom")
    (project.root / "content/newsletters/wide.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    project.write(
        "newsletters/2020-06.md",
        """\
        ---
        title: June 2020
        date: 2020-06-01
        subject: Quiet June
        preheader: Nothing this month.
        sections:
          - heading: Upcoming events
            collection: events
            rule: upcoming
            days: 7
        ---
        ![A map](wide.png){ width=1200 }

        Also [on the web](http://news.example.org/events/none/).
        """,
    )
    result = project.build("--today", "2020-06-01")
    assert result.exit_code == 1
    assert error_lines(result) == [
        "content/newsletters/2020-06.md:6: the email lists no items: every section came out "
        "empty at the edition's date; list items by slug, widen a rule's days, or change the "
        "date",
        "content/newsletters/2020-06.md:14: link “on the web” points at "
        "http://news.example.org/events/none/?utm_source=newsletter&utm_medium=email"
        "&utm_campaign=2020-06, a page the build does not produce",
    ]


@pytest.mark.parametrize(
    ("sender", "expected"),
    [
        ("News <news@exämple.org>", "News <news@xn--exmple-cua.org>"),
        ("News <nöws@example.org>", None),
    ],
)
def test_sender_addresses_are_checked_and_international_domains_encoded(
    tmp_path: Path, sender: str, expected: str | None
):
    project = edition_project(tmp_path / "newsroom")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("Scratch News <news@example.org>", sender))
    result = project.build()
    if expected is None:
        assert result.exit_code == 1
        assert "sender: expected an email address like 'Name <news@example.org>'" in result.output
    else:
        assert result.exit_code == 0, result.output
        assert read_eml(project.site / "newsletters/2020-03/2020-03.eml")["From"] == expected


def _own_templates(project: Project) -> Path:
    """Give the project its own copy of the templates, to edit."""
    (project.root / "templates").unlink()
    shutil.copytree(REPO / "templates", project.root / "templates")
    return project.root / "templates" / "email" / "edition.html"


def test_a_template_without_preheader_or_unsubscribe_or_with_relative_links_fails(
    tmp_path: Path,
):
    project = edition_project(tmp_path / "newsroom")
    template = _own_templates(project)
    html = template.read_text()
    html = re.sub(r'<div class="preheader">.*?</div>\n', "", html)
    unsubscribe = ' <a href="{{ view.unsubscribe_url }}">{{ view.labels.unsubscribe }}</a>'
    html = html.replace(unsubscribe, "")
    html = html.replace(
        "{{ view.labels.view_in_browser }}</a>", 'View online</a> <a href="/about/">About</a>'
    )
    template.write_text(html)
    result = project.build()
    assert result.exit_code == 1
    lines = [line for line in error_lines(result) if "2020-03.md" in line]
    assert lines == [
        "content/newsletters/2020-03.md:1: the email has no unsubscribe link "
        "(https://lists.example.org/unsubscribe); the footer of templates/email/edition.html "
        "must keep it",
        "content/newsletters/2020-03.md:5: the email has no preheader: give the edition a "
        "preheader, shown after the subject",
        "content/newsletters/2020-03.md:6: link “About” points at '/about/', which is not an "
        "absolute web address",  # not written in the intro: made for the sections
    ]


def test_editions_need_the_newsletter_options(tmp_path: Path):
    project = edition_project(tmp_path / "newsroom")
    config = project.root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "        unsubscribe_url: https://lists.example.org/unsubscribe\n", ""
        )
    )
    result = project.build()
    assert result.exit_code == 1
    assert "unsubscribe_url: give the https address that unsubscribes a reader" in result.output


# -- proof sends -------------------------------------------------------------------------


class _Inbox:
    """What a real SMTP server (aiosmtpd) on 127.0.0.1 accepted."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("nobody@"):  # as a server does for a mailbox it does not have
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"editor" and auth_data.password == b"s3cret-pass"
        return AuthResult(success=ok, handled=False)

    inbox = _Inbox()
    port = _free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield inbox, port
    controller.stop()


def _smtp_env(monkeypatch: pytest.MonkeyPatch, port: int, password: str) -> None:
    monkeypatch.setenv("NEWSDESK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("NEWSDESK_SMTP_PORT", str(port))
    monkeypatch.setenv("NEWSDESK_SMTP_USER", "editor")
    monkeypatch.setenv("NEWSDESK_SMTP_PASSWORD", password)
    monkeypatch.setenv("NEWSDESK_SMTP_TLS", "none")


def test_a_proof_reaches_a_real_smtp_server(
    tmp_path: Path, smtp_server, monkeypatch: pytest.MonkeyPatch
):
    inbox, port = smtp_server
    project = edition_project(tmp_path / "newsroom")
    _smtp_env(monkeypatch, port, "s3cret-pass")
    result = project.run(
        "proof", "2020-03", "--to", "editor@example.org", "--to", "chief@example.org"
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"sent a proof of 2020-03 to editor@example.org, chief@example.org via 127.0.0.1:{port}\n"
    )
    (envelope,) = inbox.envelopes
    assert envelope.mail_from == "news@example.org"
    assert envelope.rcpt_tos == ["editor@example.org", "chief@example.org"]
    message = email.message_from_bytes(
        envelope.original_content, _class=EmailMessage, policy=policy.default
    )
    assert message["Subject"] == "[Proof] March 2020: clusters this month"
    assert message["To"] == "editor@example.org, chief@example.org"
    text, html = message.iter_parts()
    assert "Green Deal story" in text.get_content() and "Green Deal story" in html.get_content()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "s3cret-pass" not in result.output


def test_each_refused_address_is_named_and_the_command_fails(
    tmp_path: Path, smtp_server, monkeypatch: pytest.MonkeyPatch
):
    inbox, port = smtp_server
    project = edition_project(tmp_path / "newsroom")
    _smtp_env(monkeypatch, port, "s3cret-pass")
    result = project.run(
        "proof", "2020-03", "--to", "editor@example.org", "--to", "nobody@example.org"
    )
    assert result.exit_code == 1
    assert result.output == (
        f"Error: 127.0.0.1:{port} refused 1 of the addresses: nobody@example.org (550 5.1.1 "
        "No such mailbox); the others were sent the proof\n"
    )
    (envelope,) = inbox.envelopes
    assert envelope.rcpt_tos == ["editor@example.org"]

    result = project.run("proof", "2020-03", "--to", "editor@example.org", "--to", "chief at hq")
    assert result.exit_code == 1
    assert result.output == (
        "Error: --to chief at hq: expected an email address like 'Name <news@example.org>'\n"
    )
    assert len(inbox.envelopes) == 1  # nothing sent


def test_a_draft_edition_can_be_proofed_before_it_is_published(
    tmp_path: Path, smtp_server, monkeypatch: pytest.MonkeyPatch
):
    inbox, port = smtp_server
    project = edition_project(tmp_path / "newsroom")
    edition = project.root / "content/newsletters/2020-03.md"
    text = edition.read_text().replace("date: 2020-03-01\n", "date: 2020-03-01\ndraft: true\n")
    text = text.replace("sections:\n", "lead: launch\nsections:\n")
    edition.write_text(text)
    # A story to be published together with the edition, a draft for now.
    project.write(
        "news/launch.md",
        "---\ntitle: Launch story\ndate: 2020-03-01\nsummary: Launching.\ndraft: true\n---\n",
    )
    _smtp_env(monkeypatch, port, "s3cret-pass")
    assert project.build().exit_code == 0
    assert not (project.site / "newsletters" / "2020-03").exists()
    result = project.run("proof", "2020-03", "--to", "editor@example.org")
    assert result.exit_code == 0, result.output
    (envelope,) = inbox.envelopes
    assert b"Launch story" in envelope.original_content


def test_a_refused_login_is_a_clear_error_that_never_shows_the_password(
    tmp_path: Path, smtp_server, monkeypatch: pytest.MonkeyPatch
):
    inbox, port = smtp_server
    project = edition_project(tmp_path / "newsroom")
    _smtp_env(monkeypatch, port, "wrong-pass-123")
    result = project.run("proof", "2020-03", "--to", "editor@example.org")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: 127.0.0.1:{port} refused the login of editor: check NEWSDESK_SMTP_USER and "
        "NEWSDESK_SMTP_PASSWORD\n"
    )
    assert inbox.envelopes == []


def test_proof_names_the_editions_there_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    project = edition_project(tmp_path / "newsroom")
    monkeypatch.setenv("NEWSDESK_SMTP_HOST", "127.0.0.1")
    result = project.run("proof", "2020-04", "--to", "editor@example.org")
    assert result.exit_code == 1
    assert error_lines(result) == [
        "content/newsletters/2020-04.md:1: no edition '2020-04'; editions: 2020-02, 2020-03"
    ]


# -- email-client support ----------------------------------------------------------------


def _documented_exceptions() -> set[str]:
    template = (REPO / "templates" / "email" / "edition.html").read_text()
    return set(re.findall(r"caniemail-exception: (.+?) — ", template))


def test_no_feature_unsupported_in_gmail_outlook_or_apple_mail_survives_unexplained(
    sample_site: Path,
):
    """caniemail's data, run on the final HTML of every sample edition: each feature it marks
    unsupported in those clients must be explained in the template, and each explanation
    must still be needed."""
    node = shutil.which("node")
    assert node and (REPO / "node_modules" / "caniemail").exists(), "run scripts/install-test-deps"
    files = [str(sample_site / "newsletters" / e / "email.html") for e in SAMPLE_EDITIONS]
    result = subprocess.run(
        [node, str(REPO / "tests" / "email_support.mjs"), *files],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    report = json.loads(result.stdout)
    documented = _documented_exceptions()
    assert len(documented) >= 3
    for file, features in report.items():
        unexplained = {f: sorted(set(c)) for f, c in features.items() if f not in documented}
        assert unexplained == {}, file
        assert set(features) == documented, f"{file}: an exception no longer applies"
