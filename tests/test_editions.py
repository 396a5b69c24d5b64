"""Editions as the platform's editors make them: stories in full, as teasers or as titles,
per-edition overrides, free blocks, layouts, sized and captioned images, and wording."""

from __future__ import annotations

import email as emails
import html as html_lib
import json
import re
from email import policy
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

from PIL import Image

from tests.conftest import Project, error_lines, make_project

SITE = "https://news.example.org/"
UTM = "utm_source=newsletter&utm_medium=email&utm_campaign=2020-03"

STORY = """\
---
title: {title}
date: {date}
summary: {title}, in brief.
{extra}---
{body}
"""
LONG_BODY = """\
Clusters across Europe were asked to help [the Green Deal](https://ec.example.eu/green-deal)
reach its goals.

![A map of green-tech clusters](images/map.png "Green-tech clusters, December 2019")

The [public consultation](https://ec.example.eu/consultation) is open until 27 May 2020.
"""


def picture(path: Path, width: int, height: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (width, height), (11, 61, 122)).save(path)


def newsroom(root: Path, sections: str, extra: str = "", options: str = "") -> Project:
    project = make_project(root)
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text() + options)
    picture(project.root / "content/news/images/map.png", 1200, 600)
    picture(project.root / "content/news/images/small.png", 200, 100)
    project.write(
        "news/green-deal.md",
        STORY.format(title="Green Deal story", date="2020-02-20", extra="", body=LONG_BODY),
    )
    project.write(
        "news/alliance.md",
        STORY.format(
            title="Alliance story",
            date="2020-02-25",
            extra="image: images/small.png\nimage_alt: The alliance's board\n",
            body="The alliance chose its president.",
        ),
    )
    project.write(
        "news/winter.md",
        STORY.format(title="Winter story", date="2020-01-10", extra="", body="Winter news."),
    )
    event = "---\ntitle: {title}\nsummary: {title}.\nkind: conference\nstart: {start}\n---\n"
    project.write("events/soon.md", event.format(title="Event in March", start="2020-03-10"))
    project.write(
        "calls/spring.md",
        "---\ntitle: Call opening soon\nsummary: A call.\nprogramme: COSME\n"
        "opens: 2020-03-20\ndeadlines:\n  - date: 2020-04-17\n---\n",
    )
    project.write(
        "newsletters/2020-03.md",
        "---\ntitle: March 2020\ndate: 2020-03-01\nsubject: Clusters in March\n"
        f"preheader: The month in clusters.\n{extra}sections:\n{sections}---\nThe March edition.\n",
    )
    return project


class Email(HTMLParser):
    """The email's text, its links, its images and the order of its tags' classes."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.classes: list[str] = []
        self.text = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")
        if tag == "img":
            self.images.append(found)
        self.classes.extend(f"{tag}.{name}" for name in (found.get("class") or "").split())
        if tag in ("p", "br", "td", "h1", "h2", "h3", "div", "li"):
            self.text += "\n"

    def handle_data(self, data: str) -> None:
        self.text += data


def built(project: Project) -> tuple[Email, str]:
    result = project.build()
    assert result.exit_code == 0, result.output
    folder = project.site / "newsletters/2020-03"
    return Email((folder / "email.html").read_text()), (folder / "email.txt").read_text()


def squeezed(text: str) -> str:
    return " ".join(text.split())


def test_stories_show_in_full_as_teasers_or_as_titles(tmp_path: Path):
    sections = (
        "  - heading: In full\n    collection: news\n    items: [green-deal]\n    display: full\n"
        "  - heading: Teasers\n    collection: news\n    items: [alliance]\n"
        "  - heading: Titles\n    collection: news\n    items: [winter]\n    display: title\n"
    )
    email, text = built(newsroom(tmp_path / "newsroom", sections))
    words = squeezed(email.text)
    # In full: every paragraph, its links absolute (and other sites' as written).
    assert "Clusters across Europe were asked to help the Green Deal reach its goals." in words
    assert "is open until 27 May 2020." in words
    assert "https://ec.example.eu/consultation" in email.links
    assert "open until 27 May 2020." in squeezed(text)
    assert "https://ec.example.eu/consultation" in text
    # A teaser: the summary and a button to the page.
    assert "Alliance story, in brief. Read more" in words
    assert f"{SITE}news/alliance/?{UTM}" in email.links
    # A title: the title and its date, no summary.
    assert "Winter story" in words and "Winter story, in brief." not in words
    assert "Winter story, in brief." not in text


def test_an_override_changes_what_one_edition_shows_not_the_item(tmp_path: Path):
    sections = "  - heading: Latest news\n    collection: news\n    items: [alliance, winter]\n"
    overrides = (
        "overrides:\n"
        "  news/alliance:\n"
        "    headline: A president for the alliance\n"
        "    teaser: Members chose the chair of the Spanish federation.\n"
        "    image: images/chair.png\n"
        "    image_alt: The new president at the podium\n"
        "    caption: Elected in February\n"
        "  news/winter:\n"
        "    display: full\n"
    )
    project = newsroom(tmp_path / "newsroom", sections, extra=overrides)
    picture(project.root / "content/newsletters/images/chair.png", 800, 400)
    email, text = built(project)
    words = squeezed(email.text)
    assert "A president for the alliance" in words and "Alliance story" not in words
    assert "Members chose the chair of the Spanish federation." in words
    assert "Elected in February" in words and "[Elected in February]" in text
    (image,) = [i for i in email.images if "chair" in (i["src"] or "")]
    assert image["src"] == f"{SITE}newsletters/images/chair.png"
    assert image["alt"] == "The new president at the podium"
    assert "Winter news." in words  # shown in full for this edition only
    page = project.page("news/alliance")
    assert "Alliance story" in page and "A president for the alliance" not in page


def test_free_blocks_go_anywhere_and_mark_buttons_as_links(tmp_path: Path):
    sections = (
        "  - heading: ECCP at a glance\n    placement: full\n    block: |\n"
        "      Nearly **1,000** cluster organisations are on the platform.\n\n"
        "      [Update your profile](https://www.example.org/profile){.button}\n"
        "  - heading: Latest news\n    collection: news\n    items: [alliance, winter]\n"
        "  - heading: Save the date\n    placement: sidebar\n    block: |\n"
        "      **SAVE THE DATE** for the EU-Canada matchmaking: 5-7 June 2019 in Toronto.\n"
    )
    email, text = built(newsroom(tmp_path / "newsroom", sections))
    words = squeezed(email.text)
    assert "ECCP at a glance Nearly 1,000 cluster organisations are on the platform." in words
    assert "SAVE THE DATE for the EU-Canada matchmaking" in words
    assert "td.button-cell" in email.classes and "a.button-link" in email.classes
    assert "https://www.example.org/profile" in email.links
    blocks = [squeezed(part) for part in text.split("\n\n\n")]
    assert [b.split(" ")[0] for b in blocks if b.startswith(("ECCP", "LATEST", "SAVE"))] == [
        "ECCP",
        "LATEST",
        "SAVE",
    ], "the text version keeps the editor's order"


def test_the_sidebar_sits_beside_the_sections_written_beside_it(tmp_path: Path):
    many = "\n".join(
        f"news/story-{n}.md" for n in range(8)
    )  # eight stories in the main column, two lines in the sidebar
    sections = (
        "  - heading: Upcoming events\n    collection: events\n    rule: upcoming\n"
        "    placement: sidebar\n"
        "  - heading: Latest news\n    collection: news\n    rule: since-previous\n"
        "    days: 90\n"
        "  - heading: Across\n    placement: full\n    block: The whole width again.\n"
    )
    project = newsroom(tmp_path / "newsroom", sections)
    for path in many.splitlines():
        project.write(
            path,
            STORY.format(
                title=f"Story {path[-4]}", date=f"2020-02-1{path[-4]}", extra="", body="."
            ),
        )
    built(project)
    html = (project.site / "newsletters/2020-03/email.html").read_text()
    # Written first, the sidebar comes first on phones (where the columns stack) and sits
    # on the right at full width (the row reads right to left, each column left to right).
    start = html.index('class="columns"')
    end = html.index('class="band', start)
    beside, after = html[start:end], html[end:]
    assert beside.index("column-side") < beside.index("column-main")
    assert re.search(r'<td class="columns"[^>]*dir="rtl"', html)
    # The main column goes on beside the sidebar only as long as it lasts, then across.
    assert 0 < beside.count('class="item-title"') < 11
    assert beside.count('class="item-title"') + after.count('class="item-title"') == 11
    assert after.index('class="item-title"') < after.index("The whole width again.")


def test_images_are_sized_from_their_files_and_never_stretched(tmp_path: Path):
    sections = (
        "  - heading: In full\n    collection: news\n    items: [green-deal]\n    display: full\n"
        "  - heading: Teasers\n    collection: news\n    items: [alliance]\n"
    )
    sections += "  - heading: Interviews\n    collection: interviews\n    items: [manager]\n"
    options = "        logo: newsletters/images/logo.png\n        logo_alt: Scratch newsroom\n"
    project = newsroom(tmp_path / "newsroom", sections, options=options)
    picture(project.root / "content/newsletters/images/logo.png", 320, 120)
    picture(project.root / "content/interviews/images/portrait.png", 300, 400)
    project.write(
        "interviews/manager.md",
        "---\ntitle: A cluster manager\ndate: 2020-02-10\nsummary: On growth.\n"
        "interviewee: {name: Ana Pop, role: Manager, organisation: A cluster}\n"
        "photo: images/portrait.png\nphoto_alt: Ana Pop in her office\n---\nQ and A.\n",
    )
    email, _ = built(project)
    sizes = {(i["src"] or "").rsplit("/", 1)[-1]: (i["width"], i["height"]) for i in email.images}
    # 1200 × 600 in the main column (322 px, with no sidebar across 552), at its proportions
    assert sizes["map.png"] == ("552", "276")
    assert sizes["small.png"] == ("200", "100")  # smaller than the column: as it is
    assert sizes["portrait.png"] == ("300", "400")  # an interviewee's photo, any story's
    assert "Green-tech clusters, December 2019" in squeezed(email.text)  # the caption
    assert sizes["logo.png"] == ("240", "90")  # fitted to the masthead
    logo = next(i for i in email.images if (i["src"] or "").endswith("logo.png"))
    assert logo["alt"] == "Scratch newsroom"


def test_wording_comes_from_the_locale_and_mkdocs_yml(tmp_path: Path):
    sections = (
        "  - heading: Open calls\n    collection: calls\n    rule: open\n    days: 90\n"
        "    placement: sidebar\n"
        "  - heading: Latest news\n    collection: news\n    items: [alliance]\n"
    )
    options = (
        "        labels:\n          deadline: 'Closes:'\n"
        "          follow_us: 'Find us on {network}'\n"
        "        social:\n          - {label: Mastodon, url: 'https://social.example.org/@news'}\n"
    )
    extra = "legal_notice: © European Union, 2020. The views are the authors' own.\n"
    email, text = built(newsroom(tmp_path / "newsroom", sections, extra=extra, options=options))
    words = squeezed(email.text)
    assert "Launch: 20 March 2020 Closes: 17 April 2020" in words
    assert "Find us on Mastodon" in words and "Find us on Mastodon" in text
    assert "© European Union, 2020. The views are the authors' own." in words


def test_an_edition_in_french_speaks_french(tmp_path: Path):
    sections = "  - heading: Appels\n    collection: calls\n    rule: open\n    days: 90\n"
    project = newsroom(tmp_path / "newsroom", sections)
    config = project.root / "mkdocs.yml"
    french = config.read_text().replace("      today:", "      locale: fr_FR\n      today:")
    config.write_text(french)
    email, _ = built(project)
    words = squeezed(email.text)
    assert "Date limite : 17 avril 2020" in words
    assert "Voir cet e-mail dans votre navigateur" in words


def test_mistakes_in_an_edition_s_new_fields_are_told_on_their_lines(tmp_path: Path):
    sections = (
        "  - heading: Latest news\n    collection: news\n    items: [alliance]\n"
        "  - block: Text.\n    collection: news\n"
    )
    extra = (
        "overrides:\n  news/winter:\n    headline: Not shown\n"
        "  news/alliance:\n    image: images/none.png\n"
        "masthead:\n  logo: images/none.png\n"
    )
    options = "        labels:\n          deadlne: 'Closes:'\n"
    project = newsroom(tmp_path / "newsroom", sections, extra=extra, options=options)
    result = project.build()
    assert result.exit_code == 1
    told = [line for line in result.output.splitlines() if line.startswith("mkdocs.yml")]
    assert len(told) == 1 and "newsdesk.newsletter.labels: unknown label 'deadlne'" in told[0]
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("deadlne", "deadline"))
    assert error_lines(project.build()) == [
        "content/newsletters/2020-03.md:10: overrides: news/alliance: an image needs image_alt: "
        "describe it for readers who cannot see it",
        "content/newsletters/2020-03.md:10: overrides: news/alliance: image: there is no file "
        "'images/none.png' in content/newsletters/; add it there",
        "content/newsletters/2020-03.md:11: masthead: give its alt text (alt), as the image "
        "shows it",
        "content/newsletters/2020-03.md:12: masthead: logo: there is no file 'images/none.png' "
        "in content/newsletters/; add it there",
        "content/newsletters/2020-03.md:18: sections[1].collection: a block is the editor's own "
        "text; it has no collection",
    ]
    edition = project.root / "content/newsletters/2020-03.md"
    text = edition.read_text().replace("    image: images/none.png\n", "    headline: Chosen\n")
    text = text.replace("masthead:\n  logo: images/none.png\n", "")
    text = text.replace("  - block: Text.\n    collection: news\n", "  - block: Text.\n")
    edition.write_text(text)
    assert error_lines(project.build()) == [
        "content/newsletters/2020-03.md:7: overrides: news/winter is not shown in this edition; "
        "list it in a section, or remove its override",
    ]


def test_when_an_edition_is_too_long_the_gate_says_what_takes_the_space(tmp_path: Path):
    sections = (
        "  - heading: In full\n    collection: news\n    items: [green-deal]\n    display: full\n"
        "  - heading: Teasers\n    collection: news\n    items: [alliance]\n"
    )
    project = newsroom(tmp_path / "newsroom", sections, options="        max_kb: 4\n")
    long_story = STORY.format(
        title="Green Deal story", date="2020-02-20", extra="", body=LONG_BODY * 12
    )
    project.write("news/green-deal.md", long_story)
    (line,) = error_lines(project.build())
    assert "over the 4 KB limit" in line
    names = re.findall(r"(In full|Teasers|the intro) (\d+\.\d) KB", line)
    assert [name for name, _ in names][:2] == ["In full", "Teasers"]
    assert float(names[0][1]) > float(names[1][1])


def test_the_web_version_reads_well_for_a_visitor(tmp_path: Path):
    sections = (
        "  - heading: Latest news\n    collection: news\n    items: [alliance, winter]\n"
        "  - heading: Your profile\n    block: |\n"
        "      [Update your preferences](*|UPDATE_PROFILE|*) or see\n"
        "      [the alliance's story](../news/alliance.md).\n"
    )
    project = newsroom(tmp_path / "newsroom", sections)
    config = project.root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      newsletter:\n", "      newsletter:\n        platform: mailchimp\n"
        )
    )
    edition = project.root / "content/newsletters/2020-03.md"
    edition.write_text(
        edition.read_text().replace("The March edition.", "Dear *|FNAME|*, welcome.")
    )
    email, text = built(project)
    assert "Dear *|FNAME|*, welcome." in squeezed(email.text)  # for the platform to fill in
    assert "*|UPDATE_PROFILE|*" in email.links
    page = project.page("newsletters/2020-03")
    assert "Dear reader, welcome." in page
    assert "*|" not in page and "|*" not in page
    assert "Update your preferences or see" in squeezed(page)
    assert 'href="../../news/alliance/"' in page
    assert ".eml" not in page  # the message file is for the editors' platform, not readers


def test_each_platform_gets_the_signup_form_its_endpoint_takes(tmp_path: Path):
    sections = "  - heading: Latest news\n    collection: news\n    items: [alliance, winter]\n"
    cases = {
        "mailchimp": ("EMAIL", []),
        "listmonk": ("email", [("l", "4b7d1c2e-list")]),
        "brevo": ("EMAIL", [("email_address_check", ""), ("locale", "en")]),
    }
    for platform, (field, hidden) in cases.items():
        options = (
            f"        platform: {platform}\n"
            "        subscribe_form: https://lists.example.org/subscribe\n"
            + ("        subscribe_list: 4b7d1c2e-list\n" if platform == "listmonk" else "")
        )
        project = newsroom(tmp_path / platform, sections, options=options)
        built(project)
        page = project.page("newsletters")
        start = page.index('<form class="nd-signup__form"')
        form = page[start : page.index("</form>", start)]
        assert 'action="https://lists.example.org/subscribe" method="post"' in form
        assert f'name="{field}" autocomplete="email" required' in form
        assert re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form) == hidden
    project = newsroom(
        tmp_path / "no-list",
        sections,
        options="        platform: listmonk\n        subscribe_form: https://lists.example.org/x\n",
    )
    result = project.build()
    assert result.exit_code == 1
    assert "subscribe_list: listmonk's subscription form needs the list's UUID" in result.output


def test_an_edition_can_open_with_a_banner_of_its_own(tmp_path: Path):
    sections = "  - heading: Latest news\n    collection: news\n    items: [alliance, winter]\n"
    extra = "masthead:\n  banner: images/spring.png\n  alt: Spring 2020 at the platform\n"
    project = newsroom(tmp_path / "newsroom", sections, extra=extra)
    picture(project.root / "content/newsletters/images/spring.png", 1200, 300)
    email, _ = built(project)
    (banner,) = [i for i in email.images if (i["src"] or "").endswith("spring.png")]
    assert (banner["width"], banner["height"], banner["alt"]) == (
        "600",
        "150",
        "Spring 2020 at the platform",
    )  # across the whole email, above the title
    html = (project.site / "newsletters/2020-03/email.html").read_text()
    assert html.index("spring.png") < html.index("Newsletter · March 2020")


def test_a_section_that_chooses_nothing_leaves_the_columns_as_if_it_were_not_there(
    tmp_path: Path,
):
    sections = (
        "  - heading: In full\n    collection: news\n    items: [green-deal]\n    display: full\n"
        "  - heading: Nothing this week\n    collection: events\n    rule: recent\n    days: 1\n"
        "    placement: full\n"
        "  - heading: Upcoming events\n    collection: events\n    rule: upcoming\n"
        "    placement: sidebar\n"
    )
    email, _ = built(newsroom(tmp_path / "newsroom", sections))
    (story_map,) = [i for i in email.images if (i["src"] or "").endswith("map.png")]
    assert (story_map["width"], story_map["height"]) == ("322", "161")  # in the main column
    assert "Nothing this week" not in email.text


# -- what items may not say to the mailing platform ----------------------------------------

PLATFORM_TAGS = {
    "mailchimp": {"*|": "|*"},
    "listmonk": {"{{": "}}"},
    "brevo": {"{{": "}}", "{%": "%}", "{#": "#}"},
}
"""Each platform's openers, and where what each opens ends."""
OWN_TAGS = {
    "mailchimp": ("*|FNAME|*", {"*|FNAME|*", "*|UNSUB|*", "*|ARCHIVE|*"}),
    "listmonk": (
        "{{ .Subscriber.FirstName }}",
        {"{{ .Subscriber.FirstName }}", "{{ UnsubscribeURL }}", "{{ MessageURL }}"},
    ),
    "brevo": (
        "{{ contact.FIRSTNAME }}",
        {"{{ contact.FIRSTNAME }}", "{{ unsubscribe }}", "{{ mirror }}"},
    ),
}
"""The tag each platform's edition greets with, and every tag its email may carry: that one
and those of Newsdesk's layout (unsubscribe, web version)."""
HOSTILE_TITLE = "Hi {{ .Subscriber.Email }} *|EMAIL|* {{ contact.EMAIL }} {% if x %}"
HOSTILE_SUMMARY = 'Run {{ template "content" . }} *|UNSUB|* {{ contact.SMS }} {# x #}'
HOSTILE_ALT = "Portrait of {{ .Subscriber.Name }} *|LNAME|* {{ contact.LASTNAME }}"
HOSTILE_BODY = """\
Send {{ template "content" . }} to \\*|EMAIL|\\* and {{ contact.EMAIL }} {% for x in y %}.

[Reply to {{ .Subscriber.Email }}](https://partner.example.com/{{.Subscriber.UUID}}?to=*|EMAIL|*)

![Map of {{ .Subscriber.Name }} *|FNAME|*](images/map.png "Caption *|FNAME|* {{ .Name }}")

Spelt &#123;&#123; .Name }}, or {<b></b>{ .Name }}, or {{{ UnsubscribeURL }}.
"""


def platform_tags(source: str, platform: str) -> list[str]:
    """What ``platform`` would run in ``source``: from each opener of its tags to the end
    of what it opens."""
    found = []
    for opener, closer in PLATFORM_TAGS[platform].items():
        for match in re.finditer(re.escape(opener), source):
            end = source.find(closer, match.end())
            found.append(source[match.start() : end + len(closer)] if end >= 0 else source)
    return found


def test_items_carry_no_template_code_to_any_platform_and_read_as_written(tmp_path: Path):
    sections = (
        "  - heading: In full\n    collection: news\n    items: [hostile]\n    display: full\n"
        "  - heading: Teasers\n    collection: news\n    items: [hostile-teaser]\n"
        "  - heading: Titles\n    collection: news\n    items: [winter]\n    display: title\n"
    )

    def story(day: str, body: str) -> str:
        return (
            f"---\ntitle: {json.dumps(HOSTILE_TITLE)}\ndate: 2020-02-{day}\n"
            f"summary: {json.dumps(HOSTILE_SUMMARY)}\n"
            f"image: images/small.png\nimage_alt: {json.dumps(HOSTILE_ALT)}\n---\n{body}"
        )

    for platform, (greeting, own) in OWN_TAGS.items():
        project = newsroom(tmp_path / platform, sections, options=f"        platform: {platform}\n")
        project.write("news/hostile.md", story("21", HOSTILE_BODY))
        project.write("news/hostile-teaser.md", story("22", "Its body.\n"))
        edition = project.root / "content/newsletters/2020-03.md"
        edition.write_text(
            edition.read_text().replace("The March edition.", f"Dear {greeting}, welcome.")
        )
        email, text = built(project)
        folder = project.site / "newsletters/2020-03"
        message = emails.message_from_bytes(
            (folder / "2020-03.eml").read_bytes(), _class=EmailMessage, policy=policy.default
        )
        eml_text = message.get_body(("plain",)).get_content()
        eml_html = message.get_body(("html",)).get_content()
        html = (folder / "email.html").read_text()
        for source in (html, text, eml_html, eml_text):  # as the platform reads them
            assert set(platform_tags(source, platform)) == own, platform
        # As the subscriber reads them: the item's words as written, the greeting filled in.
        words = squeezed(email.text)
        assert f"Dear {greeting}, welcome." in words
        for written in (HOSTILE_TITLE, HOSTILE_SUMMARY, "to *|EMAIL|* and {{ contact.EMAIL }}"):
            assert written in words, platform
        assert "Spelt {{ .Name }}, or {{ .Name }}, or {{{ UnsubscribeURL }}." in words
        assert "Reply to {{ .Subscriber.Email }}" in words
        assert "https://partner.example.com/{{.Subscriber.UUID}}?to=*|EMAIL|*" in email.links
        alts = {image["alt"] for image in email.images}
        assert {HOSTILE_ALT, "Map of {{ .Subscriber.Name }} *|FNAME|*"} <= alts
        assert "Caption *|FNAME|* {{ .Name }}" in words
        read = squeezed(text.replace("\u200b", ""))
        assert squeezed(HOSTILE_TITLE) in read and "or {{{ UnsubscribeURL }}." in read
        assert "to *|EMAIL|* and {{ contact.EMAIL }}" in read
        assert eml_html.replace("\r\n", "\n").rstrip() == html.rstrip()  # the same, encoded
        # The item's own page shows it as written, with nothing of the email's escaping.
        page = project.page("news/hostile")
        assert HOSTILE_TITLE in html_lib.unescape(page)
        assert not re.search("&#123;|&#124;|\u200b|[\ue000-\uf8ff]", page)


def test_an_email_that_would_load_from_another_site_is_an_error_on_its_line(tmp_path: Path):
    """The email is checked as the HTML it is sent as, whatever the Markdown of its blocks
    looked like: an attribute list that replaces an image's address, a comment a mail
    client ends early."""
    sections = (
        "  - heading: Blocks\n    placement: full\n    block: |\n"
        "      Look.\n\n"
        '      ![m](../news/images/map.png){: src="https://evil.example/block.png" }\n\n'
        '      <!--> <img src="https://evil.example/comment.png" alt="x"> -->\n'
        "  - heading: Latest news\n    collection: news\n    items: [alliance, winter]\n"
    )
    project = newsroom(tmp_path / "newsroom", sections)
    result = project.build()
    assert result.exit_code == 1, result.output
    outside = (
        "from another site; store the file in the content folder and refer to it there, so "
        "subscribers' mail clients contact no one else"
    )
    expected = [
        "content/newsletters/2020-03.md:12: the edition's email loads "
        f"'https://evil.example/block.png' (<img src>) {outside}",
        "content/newsletters/2020-03.md:14: the edition's email loads "
        f"'https://evil.example/comment.png' (<img src>) {outside}",
    ]
    assert error_lines(result) == expected
    assert error_lines(project.run("check")) == expected
    assert not project.site.exists()


def test_an_intro_with_a_comment_a_mail_client_ends_early_is_an_error(tmp_path: Path):
    sections = "  - heading: News\n    collection: news\n    items: [alliance]\n"
    project = newsroom(tmp_path / "newsroom", sections)
    edition = project.root / "content/newsletters/2020-03.md"
    intro = '<!-- a --!> <img src="https://evil.example/intro.png" alt="x"> -->'
    edition.write_text(edition.read_text().replace("The March edition.", intro))
    result = project.build()
    assert result.exit_code == 1 and not project.site.exists()
    assert error_lines(result) == [
        "content/newsletters/2020-03.md:11: image 'https://evil.example/intro.png' loads an "
        "image from another site; store the image in the content folder so readers' browsers "
        "contact no one else"
    ]
