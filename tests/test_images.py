"""Images as pages show them: copies in the few widths the layout needs (never wider than
the file, in its format, without its metadata), made once and then kept in the cache;
the `srcset`, width and height pages give them; the picture sharing previews show of
every page; and images that cannot be shown, told on their lines."""

from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from newsdesk.content.image_files import NotAnImage, read_image
from newsdesk.site.images import WIDTHS, copies, resized
from tests.conftest import Project, debug_told, error_lines, make_project, told_after

SITE = "https://news.example.org/"


def image_bytes(size: tuple[int, int], kind: str = "PNG", **options) -> bytes:
    """An image of ``size`` with a gradient (so that resizing has something to do)."""
    mode = "RGBA" if kind in ("PNG", "WEBP") and options.pop("clear", False) else "RGB"
    image = Image.linear_gradient("L").resize(size).convert(mode)
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def news(slug: str, extra: str = "", date: str = "2020-02-20") -> str:
    return f"---\ntitle: Story {slug}\ndate: {date}\nsummary: In brief.\n{extra}---\nThe story.\n"


def write_image(project: Project, src_uri: str, data: bytes) -> None:
    target = project.root / "content" / src_uri
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def images_in(html: str) -> list[dict[str, str]]:
    return [
        dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        for tag in re.findall(r'<img class="nd-picture"[^>]*>', html)
    ]


def meta(html: str, name: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">', html)
    return found.group(1) if found else None


# -- copies --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "expected"),
    [(300, [300]), (400, [400]), (1120, [400, 800, 1120]), (5000, [400, 800, 1600])],
)
def test_copies_come_in_the_layout_s_widths_and_never_wider_than_the_file(width, expected):
    image = read_image(image_bytes((width, width // 2)), "map.png")
    made = copies("news/images/map.png", image)
    assert [copy.width for copy in made.values()] == expected
    assert all(copy.height == max(1, round(copy.width / 2)) for copy in made.values())
    assert len(made) <= len(WIDTHS)
    assert all(name.startswith("news/images/map-") and name.endswith(".png") for name in made)


def test_a_copy_keeps_its_format_and_colours_but_no_metadata():
    photo = Image.linear_gradient("L").resize((1200, 900)).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x0132] = "2020:02:20 10:00:00"  # DateTime
    exif[0x8825] = {2: (50.0, 50.0, 0.0)}  # GPS latitude
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    photo.save(out, "JPEG", exif=exif, comment=b"taken at home", icc_profile=srgb)
    data = out.getvalue()
    copy = next(iter(copies("news/images/p.jpg", read_image(data, "p.jpg")).values()))
    made = Image.open(io.BytesIO(resized(data, copy)))
    assert made.format == "JPEG" and made.size == (400, 300)
    assert "exif" not in made.info and "comment" not in made.info
    assert not made.getexif()
    assert made.info.get("icc_profile") == srgb


def test_a_photo_turned_by_the_camera_is_shown_upright():
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # turned a quarter: stored 800 wide, shown 600 wide
    Image.new("RGB", (800, 600), (11, 61, 122)).save(out, "JPEG", exif=exif)
    image = read_image(out.getvalue(), "portrait.jpg")
    assert (image.width, image.height) == (600, 800)
    copy = next(iter(copies("interviews/portrait.jpg", image).values()))
    made = Image.open(io.BytesIO(resized(out.getvalue(), copy)))
    assert made.size == (400, 533) and not made.getexif()


@pytest.mark.parametrize(
    ("kind", "name", "made_as"),
    [("PNG", "a.png", "PNG"), ("WEBP", "a.webp", "WEBP"), ("GIF", "a.gif", "PNG")],
)
def test_png_webp_and_gif_copies_keep_their_kind_and_what_shows_through(kind, name, made_as):
    drawing = Image.new("RGBA", (900, 300), (11, 61, 122, 255))
    drawing.paste((0, 0, 0, 0), (0, 0, 300, 300))  # the left third shows what is behind
    out = io.BytesIO()
    drawing.save(out, kind, **({"lossless": True} if kind == "WEBP" else {}))
    data = out.getvalue()
    copy = next(iter(copies(f"news/{name}", read_image(data, name)).values()))
    made = Image.open(io.BytesIO(resized(data, copy))).convert("RGBA")
    assert Image.open(io.BytesIO(resized(data, copy))).format == made_as
    assert made.size == (400, 133)
    assert made.getpixel((10, 60))[3] == 0
    shown = made.getpixel((390, 60))  # the drawing's blue, within what a palette keeps
    assert all(abs(a - b) <= 2 for a, b in zip(shown, (11, 61, 122, 255), strict=True))


def test_drawings_and_animations_are_shown_as_they_are():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 300"><rect/></svg>'
    assert copies("news/chart.svg", read_image(svg, "chart.svg")) == {}
    frames = [Image.new("RGB", (500, 200), colour) for colour in ((255, 214, 23), (11, 61, 122))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    moving = read_image(out.getvalue(), "moving.gif")
    assert moving.animated and copies("news/moving.gif", moving) == {}


# -- what pages show -----------------------------------------------------------------------


def illustrated(tmp_path: Path, options: str = "") -> Project:
    project = make_project(tmp_path / "newsroom")
    if options:
        config = project.root / "mkdocs.yml"
        config.write_text(
            config.read_text().replace("      page_size:", f"{options}      page_size:")
        )
    write_image(project, "news/images/chart.png", image_bytes((1200, 600)))
    write_image(project, "interviews/images/portrait.jpg", image_bytes((600, 800), "JPEG"))
    project.write(
        "news/chart.md",
        news("chart", "image: images/chart.png\nimage_alt: A chart of cluster jobs\n"),
    )
    project.write("news/plain.md", news("plain", date="2020-02-19"))
    project.write(
        "interviews/ana-pop.md",
        "---\ntitle: Ana Pop on clusters\ndate: 2020-02-18\nsummary: A talk.\n"
        "interviewee: {name: Ana Pop, role: Manager, organisation: A cluster}\n"
        "photo: images/portrait.jpg\nphoto_alt: Ana Pop at her desk\n---\nQ and A.\n",
    )
    return project


def test_cards_and_pages_show_an_item_s_image_in_every_width_with_its_alt_text(
    tmp_path: Path,
):
    project = illustrated(tmp_path)
    assert project.build().exit_code == 0, project.build().output
    listing = project.page("news")
    (card,) = images_in(listing)  # the story without an image has none
    assert card["alt"] == "A chart of cluster jobs"
    assert "loading" not in card  # the first cards are on the first screen: not lazy
    candidates = [entry.split() for entry in card["srcset"].split(", ")]
    assert [width for _, width in candidates] == ["400w", "800w", "1200w"]
    assert card["src"] == candidates[1][0] and card["sizes"]
    for url, width in candidates:
        file = project.site / "news" / url
        assert Image.open(file).size == (int(width[:-1]), int(width[:-1]) // 2)
    assert (card["width"], card["height"]) == ("800", "400")
    (figure,) = images_in(project.page("news/chart"))
    assert figure["fetchpriority"] == "high" and "loading" not in figure
    (photo,) = images_in(project.page("interviews"))
    assert photo["alt"] == "Ana Pop at her desk" and (photo["width"], photo["height"]) == (
        "600",
        "800",
    )


def test_every_page_is_shared_with_its_image_or_the_default(tmp_path: Path):
    options = "      default_image: images/share.png\n      default_image_alt: Our name\n"
    project = illustrated(tmp_path, options)
    write_image(project, "images/share.png", image_bytes((1200, 630)))
    assert project.build().exit_code == 0
    story = project.page("news/chart")
    assert re.fullmatch(rf"{SITE}news/images/chart-1200w-\w+\.png", meta(story, "og:image"))
    assert (meta(story, "og:image:width"), meta(story, "og:image:height")) == ("1200", "600")
    assert meta(story, "og:image:alt") == "A chart of cluster jobs"
    assert meta(story, "twitter:card") == "summary_large_image"
    for url in ("", "news", "news/plain", "tags", "search"):
        page = project.page(url)
        assert re.fullmatch(rf"{SITE}images/share-1200w-\w+\.png", meta(page, "og:image")), url
        assert meta(page, "og:image:alt") == "Our name", url
        shared = project.site / meta(page, "og:image").removeprefix(SITE)
        assert Image.open(shared).size == (1200, 630)


def test_without_a_default_image_pages_without_their_own_have_none(tmp_path: Path):
    project = illustrated(tmp_path)
    assert project.build().exit_code == 0
    assert meta(project.page("news/plain"), "og:image") is None
    assert meta(project.page("news/plain"), "twitter:card") == "summary"
    assert meta(project.page("news/chart"), "og:image") is not None


def test_an_edition_is_shown_by_its_banner_else_by_its_lead_story_s_image(tmp_path: Path):
    project = illustrated(tmp_path)
    edition = (
        "---\ntitle: March\ndate: 2020-03-01\nsubject: March\npreheader: The news.\n"
        "lead: chart\n{extra}sections:\n  - heading: News\n    collection: news\n"
        "    rule: since-previous\n---\nHello.\n"
    )
    project.write("newsletters/2020-03.md", edition.format(extra=""))
    assert project.build().exit_code == 0
    (card,) = images_in(project.page("newsletters"))
    assert card["alt"] == "A chart of cluster jobs"
    page = project.page("newsletters/2020-03")
    assert meta(page, "og:image:alt") == "A chart of cluster jobs"
    assert [image["alt"] for image in images_in(page)] == ["A chart of cluster jobs"]
    write_image(project, "newsletters/images/spring.png", image_bytes((1200, 300)))
    banner = "masthead: {banner: images/spring.png, alt: Spring at the platform}\n"
    project.write("newsletters/2020-03.md", edition.format(extra=banner))
    assert project.build().exit_code == 0
    (card,) = images_in(project.page("newsletters"))
    assert card["alt"] == "Spring at the platform"
    page = project.page("newsletters/2020-03")
    assert [image["alt"] for image in images_in(page)] == [  # the banner on top, then the lead
        "Spring at the platform",
        "A chart of cluster jobs",
    ]
    assert meta(page, "og:image:alt") == "Spring at the platform"


def test_an_svg_drawing_is_shown_as_it_is_and_pages_share_the_default_instead(tmp_path: Path):
    options = "      default_image: images/share.png\n      default_image_alt: Our name\n"
    project = illustrated(tmp_path, options)
    write_image(project, "images/share.png", image_bytes((1200, 630)))
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="300"><rect/></svg>'
    project.write("news/images/drawing.svg", svg)
    project.write("news/drawn.md", news("drawn", "image: images/drawing.svg\nimage_alt: Drawn\n"))
    assert project.build().exit_code == 0
    (figure,) = images_in(project.page("news/drawn"))
    assert figure["src"] == "../images/drawing.svg" and "srcset" not in figure
    assert (figure["width"], figure["height"]) == ("600", "300")
    assert meta(project.page("news/drawn"), "og:image:alt") == "Our name"


def test_an_image_is_resized_once_then_reused(tmp_path: Path):
    project = illustrated(tmp_path)

    def built(site: Path) -> str:
        """What the build says of the copies of images (it tells it with --debug)."""
        with debug_told() as told:
            assert project.run("build", "--site-dir", str(site)).exit_code == 0
        return told_after(told, "copies of images: ")

    assert built(project.site) == "5 made, 0 from the cache, 0 in the site already"
    made = {path: path.read_bytes() for path in project.site.rglob("*-*w-*.*")}
    assert len(made) == 5
    project.write("news/plain.md", news("plain", date="2020-02-19") + "More.\n")
    assert built(project.site) == "0 made, 0 from the cache, 5 in the site already"
    elsewhere = tmp_path / "elsewhere"
    assert built(elsewhere) == "0 made, 5 from the cache, 0 in the site already"
    for path, data in made.items():
        assert (elsewhere / path.relative_to(project.site)).read_bytes() == data


# -- images that cannot be shown -----------------------------------------------------------


def test_an_image_that_is_not_one_is_told_on_its_line(project: Project):
    project.write("news/images/map.png", "a map")
    write_image(project, "news/images/old.bmp", _bitmap())
    project.write("news/map.md", news("map", "image: images/map.png\nimage_alt: A map\n"))
    project.write("news/old.md", news("old", "image: images/old.bmp\nimage_alt: An old map\n"))
    assert error_lines(project.build()) == [
        "content/news/map.md:5: image: 'images/map.png' is not an image that can be read; "
        "save it as PNG, JPEG, WebP, GIF or SVG",
        "content/news/old.md:5: image: 'images/old.bmp' is a BMP image; save it as PNG, "
        "JPEG, WebP, GIF or SVG for the web",
    ]


def _bitmap() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "BMP")
    return out.getvalue()


def test_an_image_cut_short_stops_the_build_naming_it(project: Project):
    whole = image_bytes((1000, 800), "JPEG")
    write_image(project, "news/images/cut.jpg", whole[: len(whole) // 2])
    project.write("news/cut.md", news("cut", "image: images/cut.jpg\nimage_alt: Cut\n"))
    result = project.build()
    assert result.exit_code == 1
    assert "content/news/images/cut.jpg:1: its pixels cannot be read (" in result.output
    assert "save the image again" in result.output and "Traceback" not in result.output


def test_the_default_image_must_be_an_image_in_the_content_with_its_alt_text(
    project: Project,
):
    config = project.root / "mkdocs.yml"
    text = config.read_text()
    line = text.splitlines().index("      page_size: 20") + 1
    cases = {
        "      default_image: images/none.png\n      default_image_alt: Ours\n": (
            "newsdesk.default_image: there is no file 'images/none.png' in content/; add it there"
        ),
        "      default_image: images/share.txt\n      default_image_alt: Ours\n": (
            "newsdesk.default_image: 'images/share.txt' is not an image that can be read; "
            "save it as PNG, JPEG, WebP, GIF or SVG"
        ),
        "      default_image: images/share.png\n": (
            "newsdesk.default_image: give its alt text too (newsdesk.default_image_alt), "
            "describing the image for readers who cannot see it"
        ),
        "      default_image: https://cdn.example/share.png\n      default_image_alt: O\n": (
            "newsdesk.default_image: expected a file stored next to the item, like "
            "'images/map.png', got 'https://cdn.example/share.png'; copy the file into the "
            "content folder"
        ),
    }
    project.write("images/share.txt", "not an image")
    write_image(project, "images/share.png", image_bytes((1200, 630)))
    for options, message in cases.items():
        config.write_text(text.replace("      page_size: 20\n", options + "      page_size: 20\n"))
        result = project.run("check")
        assert result.exit_code == 1
        told = [row for row in result.output.splitlines() if row.startswith("mkdocs.yml")]
        assert told == [f"mkdocs.yml:{line}: {message}"], options


def test_read_image_says_why_a_file_is_no_image():
    with pytest.raises(NotAnImage, match="does not say its size"):
        read_image(b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', "a.svg")
    with pytest.raises(NotAnImage, match="not an image that can be read"):
        read_image(b"\x89PNG\r\n\x1a\n", "a.png")


def test_the_newsletter_s_logo_must_be_an_image_in_the_content_too(project: Project):
    config = project.root / "mkdocs.yml"
    text = config.read_text()
    logo = "        logo: newsletters/images/logo.png\n        logo_alt: Our name\n"
    config.write_text(text.replace("      newsletter:\n", "      newsletter:\n" + logo))
    line = config.read_text().splitlines().index("        logo: newsletters/images/logo.png") + 1
    told = [row for row in project.run("check").output.splitlines() if row.startswith("mkdocs")]
    assert told == [
        f"mkdocs.yml:{line}: newsdesk.newsletter.logo: there is no file "
        "'newsletters/images/logo.png' in content/; add it there"
    ]
    write_image(project, "newsletters/images/logo.png", image_bytes((320, 120)))
    assert project.run("check").exit_code == 0


def png_header(width: int, height: int) -> bytes:
    """A PNG that says it is ``width`` × ``height`` pixels: its header, all a reader needs
    to be told its size (and all a check reads), with no pixels to speak of."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"")
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


BOMB = "has more than 40 megapixels; save it smaller (2400 pixels wide is plenty for any page)"
LARGE = (
    "is 9000 × 5000 pixels (45 megapixels), more than the 40 megapixels an image may have; "
    "save it smaller (2400 pixels wide is plenty for any page)"
)


def test_an_image_past_the_limit_is_told_on_its_line_wherever_it_is_shown(project: Project):
    write_image(project, "news/images/huge.png", png_header(20000, 20000))
    write_image(project, "news/images/large.png", png_header(9000, 5000))
    write_image(project, "newsletters/images/huge.png", png_header(20000, 20000))
    project.write("news/front.md", news("front", "image: images/huge.png\nimage_alt: Huge\n"))
    project.write(
        "news/body.md",
        "---\ntitle: Body\ndate: 2020-02-20\nsummary: S.\n---\nA map:\n\n"
        '![Map](images/large.png)\n\n<img alt="Map"\n  src="images/huge.png">\n',
    )
    project.write(
        "newsletters/2020-03.md",
        "---\ntitle: March\ndate: 2020-03-01\nsubject: March\npreheader: News\n"
        "sections:\n  - heading: News\n    collection: news\n    items: [front]\n"
        "overrides:\n  news/front:\n    image: images/huge.png\n    image_alt: Huge\n"
        "---\nThis month:\n\n![Map](../news/images/huge.png)\n",
    )
    told = [
        f"content/news/body.md:8: image 'images/large.png' {LARGE}",
        f"content/news/body.md:10: image 'images/huge.png' {BOMB}",
        f"content/news/front.md:5: image: 'images/huge.png' {BOMB}",
        f"content/newsletters/2020-03.md:12: overrides: news/front: image: 'images/huge.png' "
        f"{BOMB}",
        f"content/newsletters/2020-03.md:17: image '../news/images/huge.png' {BOMB}",
    ]
    for command in ("check", "build"):
        result = project.run(command) if command == "check" else project.build()
        assert result.exit_code == 1, result.output
        assert error_lines(result) == told
    assert not project.site.exists()


def test_an_image_file_past_20_mb_is_too_large_however_few_its_pixels():
    with pytest.raises(NotAnImage, match="is 21 MB, more than the 20 MB an image may be"):
        read_image(png_header(100, 100) + bytes(21_000_000), "a.png")
