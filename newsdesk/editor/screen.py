"""The editing screen's files, at ``admin/`` in the site: its page, the configuration made
from the models, the screen's own script and Decap CMS's bundle, vendored from its npm
package (``scripts/vendor-decap-cms``), so that the screen loads nothing from elsewhere.

The page is not indexed for search (it has no ``data-pagefind-body``), is not in the
sitemap (which lists pages only) and asks robots to stay away.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from newsdesk.content.models import MODELS
from newsdesk.content.taxonomy import Taxonomy
from newsdesk.editor.config import config_file
from newsdesk.settings import EditorSettings, Settings

FOLDER = "admin"
"""Where the screen is in the site: ``/admin/``."""
SCREEN_TEMPLATES = "templates/admin"
"""The screen's page, script and stylesheet, in the project."""
OWN_FILES = ("index.html", "editor.js", "editor.css")
"""The screen's own files there: the page, a template, then those served as they are."""
DECAP = Path(__file__).parent / "decap"


def screen_files(
    settings: Settings, taxonomy: Taxonomy, editor: EditorSettings
) -> dict[str, bytes]:
    """Every file of the editing screen, by path in the site. The preview asks again for
    each edit of front matter: they are made again only when what they are made of (the
    taxonomy, the options, the templates) changed."""
    templates = settings.project_dir / SCREEN_TEMPLATES
    key = (
        settings.site,
        settings.display_prefix,
        settings.clock.tz.key,
        settings.locale,
        editor,
        tuple((name, tuple(terms.items())) for name, terms in taxonomy.vocabularies.items()),
        tuple(_state(templates / name) for name in OWN_FILES),
    )
    if _made and _made[0] == key:
        return _made[1]
    files = _screen_files(settings, taxonomy, editor)
    _made[:] = [key, files]
    return files


_made: list = []
"""The key and files ``screen_files`` made last."""


def _state(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns


def _screen_files(
    settings: Settings, taxonomy: Taxonomy, editor: EditorSettings
) -> dict[str, bytes]:
    templates = settings.project_dir / SCREEN_TEMPLATES
    environment = _environment(templates)
    page = environment.get_template("index.html").render(
        site_name=settings.site.name,
        language=settings.site.language,
        favicon=editor.logo,
        styles=editor.preview_styles,
        collections=list(MODELS),
    )
    return {
        f"{FOLDER}/index.html": page.encode(),
        f"{FOLDER}/config.yml": config_file(settings, taxonomy, editor),
        **{f"{FOLDER}/{name}": (templates / name).read_bytes() for name in OWN_FILES[1:]},
        **{f"{FOLDER}/decap/{name}": data for name, data in decap_bundle().items()},
    }


@functools.cache
def _environment(templates: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates), autoescape=True, undefined=jinja2.StrictUndefined
    )


@functools.cache
def decap_bundle() -> dict[str, bytes]:
    """Decap CMS's application, its chunks and WebAssembly, as vendored, by file name."""
    return {
        path.name: path.read_bytes()
        for path in sorted(DECAP.iterdir())
        if path.suffix in (".js", ".wasm") or path.name.endswith(".txt")
    }
