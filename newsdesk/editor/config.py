"""Decap CMS's configuration (``admin/config.yml``), made from the models that check the
content and the taxonomy that gives its vocabulary: one collection per content type, each
field with the widget its type calls for, and the content contract's file names.

Nothing is listed twice: a field added to a model is in the editing screen at the next
build, with its description as the hint under it. What the form cannot say (an end before
its start, say) the preview's banner tells, as ``check`` does, once the file is saved.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal, Union

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic.functional_validators import PlainValidator

from newsdesk.content import models
from newsdesk.content.models import FILE_FIELDS, MODELS, Item
from newsdesk.content.taxonomy import Taxonomy
from newsdesk.content.vocabulary import KIND_LABELS, SECTION_TITLES, TAXONOMY_FACETS
from newsdesk.settings import EditorSettings, Settings

FIRST = ("title", "summary")
LAST = ("tags", "draft", "publish", "expires")
"""Where the fields every collection shares stand in each form: what it is first, then the
collection's own fields, then how it is filed and when it shows."""
LEFT_OUT = {"newsletters": ("overrides",)}
"""Fields a form cannot hold (a mapping keyed by items); the file keeps them, and editors
write them in the file."""
LABELS = {
    "budget_eur": "Budget (EUR)",
    "dates_note": "Note on the dates",
    "image_alt": "Image description",
    "photo_alt": "Photo description",
    "source_url": "Original story (link)",
    "url": "Web page",
    "alt": "Image description",
    "lead": "Lead story",
    **TAXONOMY_FACETS,
}
MEDIA_FOLDERS = {"file": "documents"}
"""Where files of each field are stored, in the item's collection folder (images by
default): ``images/map.png``, ``documents/report.pdf``."""


def decap_config(settings: Settings, taxonomy: Taxonomy, editor: EditorSettings) -> dict[str, Any]:
    """Decap CMS's configuration for the project's content and ``editor``'s options."""
    content = settings.display_prefix.rstrip("/")
    config: dict[str, Any] = {"backend": _backend(editor)}
    if editor.repo and editor.editorial_workflow:
        config["publish_mode"] = "editorial_workflow"
    config["local_backend"] = {"url": f"http://127.0.0.1:{editor.local_port}/api/v1"}
    config |= {
        "site_url": settings.site.url,
        "display_url": settings.site.url,
        "locale": settings.locale.split("_")[0],
        **({"logo_url": editor.logo} if editor.logo else {}),
        "media_folder": f"{content}/images",
        "public_folder": "images",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [
            _collection(model, content, taxonomy, settings) for model in MODELS.values()
        ],
    }
    return config


def config_file(settings: Settings, taxonomy: Taxonomy, editor: EditorSettings) -> bytes:
    """``admin/config.yml`` as the site holds it."""
    text = yaml.safe_dump(
        decap_config(settings, taxonomy, editor),
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return f"# Made by the build from the models and taxonomy.yml.\n{text}".encode()


def _backend(editor: EditorSettings) -> dict[str, Any]:
    if not editor.repo:  # the local backend only
        return {"name": "proxy", "proxy_url": f"http://127.0.0.1:{editor.local_port}/api/v1"}
    backend: dict[str, Any] = {"name": editor.backend, "repo": editor.repo, "branch": editor.branch}
    for key in ("base_url", "auth_endpoint", "api_root", "app_id"):
        if value := getattr(editor, key):
            backend[key] = value
    if editor.app_id:
        backend["auth_type"] = "pkce"
    return backend


def _options(terms: Mapping[str, str]) -> list[dict[str, str]]:
    """A select's options: each key, shown by its label."""
    return [{"label": label, "value": key} for key, label in terms.items()]


def _collection(
    model: type[Item], content: str, taxonomy: Taxonomy, settings: Settings
) -> dict[str, Any]:
    name = model.collection
    names = [field for field in model.model_fields if field not in FILE_FIELDS]
    names = (
        [n for n in FIRST if n in names]
        + [n for n in names if n not in FIRST and n not in LAST and n not in LEFT_OUT.get(name, ())]
        + [n for n in LAST if n in names]
    )
    choices = {
        dotted: _options(taxonomy.vocabularies.get(vocabulary, {}))
        for dotted, vocabulary in model.vocabulary_fields.items()
    }
    if name in KIND_LABELS:
        choices["kind"] = _options(KIND_LABELS[name])
    make = _FieldMaker(choices, settings)
    fields = [make(field, model.model_fields[field], field) for field in names]
    fields.append(
        {
            "name": "body",
            "label": "Text" if name != "newsletters" else "Introduction",
            "widget": "markdown",
            "required": False,
            "hint": "The page's text, in Markdown: headings (##), lists, links and images.",
        }
    )
    ordered_by = "start" if name == "events" else "date"
    collection: dict[str, Any] = {
        "name": name,
        "label": SECTION_TITLES[name],
        "label_singular": model.label if name != "knowledge" else "Knowledge document",
        "description": f"Each entry is a file in {content}/{name}/, named as its address.",
        "folder": f"{content}/{name}",
        "create": True,
        "extension": "md",
        "format": "frontmatter",
        "slug": "{{slug}}",
        "preview_path": f"{name}/{{{{slug}}}}/",  # "View live": the item's page on the site
        "identifier_field": "title",
        "summary": f"{{{{title}}}} · {{{{{ordered_by}}}}}",
        # Newest first, as the site lists them; the editor may sort by title instead.
        "sortable_fields": [{"field": ordered_by, "default_sort": "desc"}, "title"],
        "media_folder": "images",
        "public_folder": "images",
        "view_filters": [
            {"label": "Drafts", "field": "draft", "pattern": True},
        ],
        "fields": fields,
    }
    if name in LEFT_OUT:
        left = ", ".join(LEFT_OUT[name])
        collection["description"] += f" Write {left} in the file itself: the form keeps them."
    return collection


class _FieldMaker:
    """Decap fields for a model's fields, by the validator of each one's type."""

    def __init__(self, choices: dict[str, list[dict[str, str]]], settings: Settings) -> None:
        self.choices = choices
        self.zone = settings.clock.tz.key

    def __call__(self, name: str, info: FieldInfo, dotted: str) -> dict[str, Any]:
        field: dict[str, Any] = {"name": name, "label": _label(name)}
        if info.description:
            field["hint"] = " ".join(info.description.split())
        field["required"] = info.is_required()
        field |= self._widget(name, info.annotation, info.metadata, dotted)
        if isinstance(info.default, str) and "default" not in field:
            field["default"] = info.default  # a section's placement, say
        return field

    def _widget(self, name: str, annotation: Any, metadata: list[Any], dotted: str) -> dict:
        if dotted in self.choices:
            many = _is_sequence(annotation)
            return {"widget": "select", "options": self.choices[dotted], "multiple": many}
        annotation, metadata = _unwrapped(annotation, metadata)
        if typing.get_origin(annotation) is Literal:
            options = list(typing.get_args(annotation))
            return {"widget": "select", "options": options}
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return {"widget": "object", "fields": self._fields(annotation, dotted)}
        if _is_sequence(annotation):
            (entry,) = {a for a in typing.get_args(annotation) if a is not Ellipsis}
            entry, entry_metadata = _unwrapped(entry, [])
            if isinstance(entry, type) and issubclass(entry, BaseModel):
                return {
                    "widget": "list",
                    "fields": self._fields(entry, dotted),
                    "collapsed": False,
                    "summary": f"{{{{fields.{next(iter(entry.model_fields))}}}}}",
                    **({"min": 1} if any(getattr(m, "min_length", 0) for m in metadata) else {}),
                }
            return {"widget": "list"}
        if name == "lead":
            return {
                "widget": "relation",
                "collection": "news",
                "value_field": "{{slug}}",
                "search_fields": ["title"],
                "display_fields": ["title"],
            }
        validator = _validator(metadata)
        if validator is models._day:
            return {
                "widget": "datetime",
                "format": "YYYY-MM-DD",
                "date_format": "YYYY-MM-DD",
                "time_format": False,
                # An item's own date (when it is published, or announced) is today's until
                # the editor picks another, as `new` writes it.
                "default": "{{now}}" if dotted == "date" else "",
            }
        if validator is models._moment:
            return {"widget": "nd-moment", "time_zone": self.zone}
        if validator is models._web_url:
            return {
                "widget": "string",
                "pattern": [r"^https?://\S+$", "A web address starting with https://"],
            }
        if validator is models.stored_file:
            image = name in models.IMAGE_FIELDS
            field = {"widget": "image" if image else "file", "choose_url": False}
            if folder := MEDIA_FOLDERS.get(name):
                field |= {"media_folder": folder, "public_folder": folder}
            return field
        if validator is models.plain_text:
            return {"widget": "text"}
        if annotation is bool:
            return {"widget": "boolean", "default": False}
        if annotation is int:
            return {"widget": "number", "value_type": "int", "min": 1}
        if annotation is float:
            return {"widget": "number", "value_type": "float", "min": 0}
        return {"widget": "string"}

    def _fields(self, model: type[BaseModel], dotted: str) -> list[dict[str, Any]]:
        return [self(name, info, f"{dotted}.{name}") for name, info in model.model_fields.items()]


def _label(name: str) -> str:
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def _unwrapped(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    """The type a value has when given (not None), with the metadata of its Annotated."""
    if typing.get_origin(annotation) in (Union, types.UnionType):
        given = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = given[0]
    if typing.get_origin(annotation) is typing.Annotated:
        annotation, *extra = typing.get_args(annotation)
        metadata = [*metadata, *extra]
    return annotation, metadata


def _is_sequence(annotation: Any) -> bool:
    annotation, _ = _unwrapped(annotation, [])
    return typing.get_origin(annotation) in (tuple, list)


def _validator(metadata: list[Any]) -> Callable[..., Any] | None:
    found: Iterator[Callable[..., Any]] = (
        m.func for m in metadata if isinstance(m, PlainValidator)
    )
    return next(found, None)
