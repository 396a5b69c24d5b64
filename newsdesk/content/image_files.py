"""Images stored in the content folder, as a build needs to know them: their format, their
size in pixels as they are shown (after the camera's rotation), whether they move, and a
hash of their bytes, which names the copies the site makes of them and keys the cache.

Only the file's header is read here (Pillow decodes the pixels when a copy is made), so
loading the content stays quick however many images it has.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, UnidentifiedImageError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".svg")
"""Files the content may show as images."""
RASTER_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
"""What Pillow reads for the site (and browsers show)."""
SHOWN = "PNG, JPEG, WebP, GIF or SVG"
MAX_PIXELS = 40_000_000
"""The most pixels an image of the content may have: 40 megapixels (8000 × 5000), more
than any camera's photo needs for a page twice as wide as a screen, and what a phone's
browser can still decode. Past it, every reader's browser would decode it whole."""
MAX_BYTES = 20_000_000
"""The largest file an image of the content may be: 20 MB."""
_TURNED = frozenset({5, 6, 7, 8})
"""EXIF orientations that turn the picture a quarter: width and height change places."""
_SVG_TAG = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE)
_SVG_ATTRIBUTE = re.compile(rb"""\b(width|height|viewBox)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_SVG_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$")


@dataclass(frozen=True, slots=True)
class ImageFile:
    format: str
    """JPEG, PNG, WEBP, GIF or SVG."""
    width: int
    height: int
    """As shown: a photo the camera held upright is taller than wide."""
    digest: str
    """SHA-256 of the file's bytes."""
    animated: bool = False

    @property
    def resizable(self) -> bool:
        """Whether the site makes copies of it at the sizes pages show it at: not a
        drawing (SVG, sharp at any size) nor an animation (a copy would keep one frame)."""
        return self.format in RASTER_FORMATS and not self.animated


class NotAnImage(ValueError):
    """Why a file cannot be shown as an image, in the words of an error message."""


class TooLarge(NotAnImage):
    """An image past ``MAX_PIXELS`` or ``MAX_BYTES``: too large to show, wherever it is."""


_MEGAPIXELS = MAX_PIXELS // 1_000_000
_SAVE_SMALLER = "save it smaller (2400 pixels wide is plenty for any page)"


def read_image(data: bytes, name: str) -> ImageFile:
    """What the image in ``data`` (a file called ``name``) is; raises NotAnImage saying
    why it is not one."""
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > MAX_BYTES:
        raise TooLarge(
            f"is {len(data) / 1_000_000:.0f} MB, more than the {MAX_BYTES // 1_000_000} MB an "
            f"image may be; {_SAVE_SMALLER}"
        )
    if name.lower().endswith(".svg"):
        width, height = _svg_size(data)
        return ImageFile("SVG", width, height, digest)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as image:
                kind, (width, height) = image.format, image.size
                turned = animated = False
                if width * height <= MAX_PIXELS:  # else it is told so, however it is made
                    turned = image.getexif().get(0x0112) in _TURNED
                    animated = getattr(image, "n_frames", 1) > 1
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        # Pillow refuses past its own limit, far above ours, before it tells the size.
        raise TooLarge(f"has more than {_MEGAPIXELS} megapixels; {_SAVE_SMALLER}") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise NotAnImage(f"is not an image that can be read; save it as {SHOWN}") from None
    if kind not in RASTER_FORMATS:
        raise NotAnImage(f"is a {kind} image; save it as {SHOWN} for the web")
    if width * height > MAX_PIXELS:
        raise TooLarge(
            f"is {width} × {height} pixels ({width * height / 1_000_000:.0f} megapixels), more "
            f"than the {_MEGAPIXELS} megapixels an image may have; {_SAVE_SMALLER}"
        )
    if turned:
        width, height = height, width
    return ImageFile(kind, width, height, digest, animated)


def _svg_size(data: bytes) -> tuple[int, int]:
    """The size an SVG drawing says it has: its width and height in pixels, else those of
    its viewBox."""
    tag = _SVG_TAG.search(data)
    if tag is None:
        raise NotAnImage("is not an SVG drawing: it has no <svg> element")
    found = {
        name.decode("ascii").lower(): value.decode("utf-8", "replace")
        for name, value in _SVG_ATTRIBUTE.findall(tag.group(0))
    }
    lengths = [_SVG_LENGTH.match(found.get(name, "")) for name in ("width", "height")]
    if lengths[0] and lengths[1]:
        width, height = (float(length.group(1)) for length in lengths if length)
    else:
        box = found.get("viewbox", "").replace(",", " ").split()
        try:
            width, height = float(box[2]), float(box[3])
        except (IndexError, ValueError):
            raise NotAnImage(
                "is an SVG drawing that does not say its size; give its <svg> element a "
                "width and a height, or a viewBox"
            ) from None
    if not (width >= 1 and height >= 1):
        raise NotAnImage("is an SVG drawing less than a pixel wide or high; give it a size")
    return round(width), round(height)
