"""Images as pages show them: a story's image or an interviewee's photo on cards, the home
page's lead story, an item's page and an edition's, and the picture a sharing preview
shows.

Each such image is published in a few widths, made at build time with Pillow: a card's
and a page's width, each at twice the pixels for sharp screens (``WIDTHS``), never wider
than the file itself. A copy keeps its file's format (a GIF becomes a PNG), the camera's
rotation applied and its colour profile kept, but none of the file's other metadata
(camera, place, date, comments). Copies are named by a hash of their file, so a page's
HTML says which bytes it shows; the build keeps them in its cache by that hash, and an
image that has not changed is not resized again. SVG drawings and animations are shown
as they are: they need no copies (a copy of an animation would keep one frame).
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps

from newsdesk.content.catalog import Catalog, stored_file_uri
from newsdesk.content.image_files import ImageFile
from newsdesk.settings import Settings

WIDTHS = (400, 800, 1600)
"""A card's width and a page's, in CSS pixels, each at 1x and 2x."""
PAGE_WIDTH = 800
"""The width browsers that choose no size from ``srcset`` are given."""
RECIPE = "1 lanczos jpeg-82-progressive png-optimized webp-80 no-metadata"
"""How copies are made: part of their names and cache keys, so a change makes them again."""
SHOWN_FIELDS = frozenset({"image", "photo", "banner"})
"""Fields of front matter whose images the site's pages show (a masthead's logo is the
email's)."""
_SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


@dataclass(frozen=True, slots=True)
class Rendition:
    """One file of a picture: where it is (site-relative) and its size in pixels."""

    url: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Picture:
    """An image as a page shows it, with its alt text."""

    alt: str
    src: Rendition
    """The file for browsers that do not choose one (``src``, with its width and height)."""
    srcset: tuple[Rendition, ...]
    """Every width it comes in, narrowest first (none for an image shown as it is)."""
    shared: Rendition | None
    """The file a sharing preview shows (the widest; none for an SVG drawing, which
    sharing previews do not show)."""


@dataclass(frozen=True, slots=True)
class Resized:
    """A copy of an image of the content that the site publishes."""

    src_uri: str
    image: ImageFile
    width: int
    height: int

    @property
    def format(self) -> str:
        return "PNG" if self.image.format == "GIF" else self.image.format

    @property
    def key(self) -> str:
        """Its entry in the build cache: the file's bytes, the size and how it is made."""
        made = f"{RECIPE} {Image.__version__} {self.image.digest} {self.width}x{self.height}"
        return hashlib.sha256(made.encode("utf-8")).hexdigest()


def copies(src_uri: str, image: ImageFile) -> dict[str, Resized]:
    """The copies of the image at ``src_uri`` that the site publishes, by ``dest_uri``,
    narrowest first: one for each of ``WIDTHS`` narrower than the image, and one as wide
    as it is, up to the widest of ``WIDTHS``."""
    if not image.resizable:
        return {}
    widths = [width for width in WIDTHS if width < image.width]
    widths.append(min(image.width, WIDTHS[-1]))
    stem, _ = posixpath.splitext(src_uri)
    name = hashlib.sha256(f"{RECIPE} {image.digest}".encode()).hexdigest()[:10]
    found = {}
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        suffix = _SUFFIXES["PNG" if image.format == "GIF" else image.format]
        found[f"{stem}-{width}w-{name}{suffix}"] = Resized(src_uri, image, width, height)
    return found


def picture(src_uri: str, image: ImageFile, alt: str) -> Picture:
    """The image at ``src_uri`` as pages show it, in the widths ``copies`` makes."""
    made = [Rendition(url, copy.width, copy.height) for url, copy in copies(src_uri, image).items()]
    if not made:  # shown as it is
        whole = Rendition(src_uri, image.width, image.height)
        return Picture(alt, whole, (), None if image.format == "SVG" else whole)
    src = max((r for r in made if r.width <= PAGE_WIDTH), key=lambda r: r.width, default=made[0])
    return Picture(alt, src, tuple(made), made[-1])


def wanted(catalog: Catalog, settings: Settings) -> dict[str, Resized]:
    """Every copy the site's pages can show, by ``dest_uri``: those of each image a
    published item's front matter shows, and of the default image pages are shared with."""
    shown = {
        stored_file_uri(item, value)
        for item in catalog.items()
        for where, value in item.stored_files()
        if where[-1] in SHOWN_FIELDS
    }
    if settings.default_image:
        shown.add(settings.default_image)
    found: dict[str, Resized] = {}
    for src_uri in sorted(shown):
        if (image := catalog.images.get(src_uri)) is not None:
            found.update(copies(src_uri, image))
    return found


def resized(data: bytes, copy: Resized) -> bytes:
    """The bytes of ``copy``, made from ``data`` (its image's file). Raises OSError (or
    ValueError) where the file's pixels cannot be read."""
    with Image.open(BytesIO(data)) as image:
        profile = image.info.get("icc_profile")
        source_mode = image.mode
        if image.format == "JPEG":  # decoded at a fraction of its size where that is enough
            turned = (copy.image.width, copy.image.height) != image.size
            image.draft(None, (copy.height, copy.width) if turned else (copy.width, copy.height))
        frame = ImageOps.exif_transpose(image)
        frame = frame.convert(_working_mode(frame, copy.format))
        few_colours = frame.getcolors(256) is not None  # a drawing, a chart, a logo
        if frame.size != (copy.width, copy.height):
            size = (copy.width, copy.height)
            frame = frame.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        if few_colours and copy.format == "PNG" and frame.mode in ("RGB", "RGBA"):
            # A few colours before, a few after: the edges' blends of them, in a palette.
            method, flat = Image.Quantize.FASTOCTREE, Image.Dither.NONE
            frame = frame.quantize(256, method=method, dither=flat)
        frame.info = {}  # nothing of the file's own comes along but its colours
        options = _encoding(copy.format)
        if isinstance(profile, bytes) and profile and _family(source_mode) == _family(frame.mode):
            options["icc_profile"] = profile
        out = BytesIO()
        frame.save(out, copy.format, **options)
        return out.getvalue()


def _working_mode(image: Image.Image, kind: str) -> str:
    """The mode ``image`` is resized in, for saving as ``kind``."""
    if image.mode in ("L", "1") and kind in ("JPEG", "PNG"):
        return "L"
    if image.mode == "LA" and kind == "PNG":
        return "LA"
    if kind == "JPEG":
        return "RGB"
    clear = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info
    return "RGBA" if clear else "RGB"


def _family(mode: str) -> str:
    """The colour space of a mode, which a colour profile describes."""
    if mode in ("1", "L", "LA", "La", "I", "I;16", "F"):
        return "grey"
    return "cmyk" if mode == "CMYK" else "rgb"


def _encoding(kind: str) -> dict[str, object]:
    if kind == "JPEG":
        return {"quality": 82, "optimize": True, "progressive": True}
    if kind == "WEBP":
        return {"quality": 80, "method": 4}
    return {"optimize": True}
