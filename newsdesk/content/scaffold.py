"""``new``: a ready-to-edit file for each kind of item, valid as written."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import jinja2
from slugify import slugify

from newsdesk.content.catalog import RESERVED_SLUGS
from newsdesk.content.models import MODELS
from newsdesk.content.schema import schema_path
from newsdesk.settings import Settings

SCAFFOLDS = "templates/new"


class ScaffoldError(Exception):
    pass


def write_scaffold(settings: Settings, collection: str, title: str) -> Path:
    """Write ``<docs_dir>/<collection>/<slug>.md`` from its scaffold; never overwrite."""
    if collection not in MODELS:
        known = ", ".join(MODELS)
        raise ScaffoldError(f"unknown collection '{collection}'; choose one of: {known}")
    slug = slugify(title, max_length=70, word_boundary=True)
    if not slug:
        raise ScaffoldError(f"cannot make a file name from the title {title!r}; use some letters")
    if slug in RESERVED_SLUGS:
        slug = f"{slug}-{settings.clock.today.year}"
    target = settings.docs_dir / collection / f"{slug}.md"
    if target.exists():
        raise ScaffoldError(f"{_shown(target, settings)} already exists; choose another title")
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(settings.project_dir / SCAFFOLDS),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters["quoted"] = _quoted
    today = settings.clock.today
    text = environment.get_template(f"{collection}.md").render(
        title=title,
        today=today,
        in_a_month=today + timedelta(days=30),
        schema=_schema_address(settings, collection, target),
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return Path(_shown(target, settings))


def _schema_address(settings: Settings, collection: str, target: Path) -> str:
    """Where the YAML language server finds the collection's schema, from ``target``: a
    relative path, or a file URI where there is none (another drive, on Windows)."""
    schema = settings.project_dir.resolve() / schema_path(collection)
    try:
        return Path(os.path.relpath(schema, target.parent.resolve())).as_posix()
    except ValueError:
        return schema.as_uri()


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML), readable as typed."""
    return json.dumps(text, ensure_ascii=False)


def _shown(target: Path, settings: Settings) -> str:
    try:
        return target.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(target)
