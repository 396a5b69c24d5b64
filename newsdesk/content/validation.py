"""Turn a parsed Document into a typed item, or into editor messages with file lines."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from newsdesk.content.errors import ContentError, did_you_mean
from newsdesk.content.frontmatter import Document, KeyPath
from newsdesk.content.models import FILE_FIELDS, Item
from newsdesk.content.taxonomy import Taxonomy


@dataclass(frozen=True, slots=True)
class Validated:
    """What a collection's file holds, checked on its own."""

    item: Item | None
    """The item; None if a field has an error."""
    errors: list[ContentError]
    stored_files: tuple[tuple[KeyPath, str], ...]
    """The files its front matter names (relative to its folder), with where: those of
    its fields without errors, so a missing image is told with the other problems."""


def validate_item(
    model: type[Item],
    document: Document,
    slug: str,
    context: dict[str, Any],
    taxonomy: Taxonomy,
) -> Validated:
    """Validate front matter into ``model``, with every problem found: in each field, in
    the vocabulary, and across the fields that have none of their own."""
    errors = [
        document.error((key,), f"'{key}' is set by the file name and location; remove it")
        for key in document.meta
        if key in FILE_FIELDS
    ]
    fields = {key: value for key, value in document.meta.items() if key not in FILE_FIELDS}
    errors.extend(_vocabulary_errors(model, document, taxonomy))
    data = {**fields, "slug": slug, "src_uri": document.src_uri, "body": document.body}
    try:
        item: Item | None = model.model_validate(data, context=context)
    except ValidationError as exc:
        item = None
        details = exc.errors()
        errors.extend(
            document.error(_path(e), _message(model, e)) for e in _without_echoes(model, details)
        )
        valid = _valid_part(model, data, {e["loc"][0] for e in details if e["loc"]}, context)
    else:
        valid = item
    errors.extend(
        document.error(path, message)
        for path, message in _as_far_as_valid(valid, item, valid.problems, valid.timing_problems)
    )
    return Validated(item, errors, tuple(_as_far_as_valid(valid, item, valid.stored_files)))


def _valid_part(
    model: type[Item], data: dict[str, Any], failed: set[str | int], context: dict[str, Any]
) -> Item:
    """The item as far as its fields are valid: each field without an error validated on
    its own, and no value at all, not even a default, for those with one, so that a check
    reading one stops rather than judges a value the editor did not write."""
    part = model.model_construct()
    for name in failed:
        part.__dict__.pop(name, None)
    for name, value in data.items():
        if name in model.model_fields and name not in failed:
            # pydantic's documented validator: one field, with the field's own checks
            model.__pydantic_validator__.validate_assignment(part, name, value, context=context)
    return part


def _as_far_as_valid(
    valid: Item, item: Item | None, *checks: Callable[[], Iterator[tuple[KeyPath, str]]]
) -> Iterator[tuple[KeyPath, str]]:
    """What ``checks`` find on ``valid``; where ``valid`` is only the valid part of an item
    with errors, a check stops at the first field it needs that has one."""
    for check in checks:
        try:
            yield from check()
        except AttributeError:
            if valid is item:  # a whole item has every field: a real fault
                raise


def validate_page(
    model: type[BaseModel], document: Document, context: dict[str, Any]
) -> list[ContentError]:
    """Problems in a plain page's front matter (its options, not an item's fields)."""
    return _validate(model, document, dict(document.meta), context)[1]


def _validate(model, document: Document, data: dict[str, Any], context: dict[str, Any]):
    try:
        return model.model_validate(data, context=context), []
    except ValidationError as exc:
        details = _without_echoes(model, exc.errors())
        return None, [document.error(_path(e), _message(model, e)) for e in details]


def _vocabulary_errors(model: type[Item], document: Document, taxonomy: Taxonomy):
    for dotted, vocabulary in model.vocabulary_fields.items():
        path: KeyPath = tuple(dotted.split("."))
        value: Any = document.meta
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            continue
        values = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        listed: set[Any] = set()
        for index, term in values:
            where = path if index is None else (*path, index)
            message = taxonomy.unknown_value_message(vocabulary, term)
            if message:
                yield document.error(where, f"{dotted}: {message}")
            elif isinstance(term, str) and term in listed:
                yield document.error(where, f"{dotted}: '{term}' is listed twice; keep one")
            listed.add(term if isinstance(term, str) else None)


def _without_echoes(model: type[BaseModel], details: list[ErrorDetails]) -> list[ErrorDetails]:
    """Drop errors that only echo another: a typo (``sumary``) also leaves its field missing,
    and a list whose entries are all wrong is also too short. Report the cause, with the fix."""
    meant = set()
    for error in details:
        if error["type"] == "extra_forbidden":
            path = _path(error)
            known = _field_names(_model_at(model, path[:-1]))
            match = difflib.get_close_matches(str(path[-1]), known, n=1, cutoff=0.6)
            if match:
                meant.add((*path[:-1], match[0]))
    faulty_lists = {
        _path(e)[:i] for e in details for i, part in enumerate(_path(e)) if isinstance(part, int)
    }
    return [
        e
        for e in details
        if not (e["type"] == "missing" and _path(e) in meant)
        and not (e["type"] == "too_short" and _path(e) in faulty_lists)
    ]


def _path(error: ErrorDetails) -> KeyPath:
    return tuple(part for part in error["loc"] if isinstance(part, (str, int)))


def _message(model: type[BaseModel], error: ErrorDetails) -> str:
    path = _path(error)
    field = _dotted(path)
    kind = error["type"]
    if kind == "missing":
        return f"missing required field '{field}'"
    if kind == "extra_forbidden":
        known = _field_names(_model_at(model, path[:-1]))
        return f"unknown field '{field}'{did_you_mean(str(path[-1]), known)}"
    if kind == "value_error":
        return f"{field}: {error['ctx']['error']}"
    if kind == "literal_error":
        expected = _choices(model, path)
        given = error["input"]
        hint = did_you_mean(given, expected) if isinstance(given, str) else ""
        return f"{field}: '{given}' is not one of {', '.join(expected)}{hint}"
    if kind in ("bool_type", "bool_parsing"):
        return f"{field}: expected true or false, got {error['input']!r}"
    if kind in ("tuple_type", "list_type"):
        return f"{field}: expected a list (e.g. [a, b]), got {error['input']!r}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{field}: expected 'key: value' lines indented below it"
    if kind == "too_short":
        return f"{field}: needs at least one entry"
    if kind in ("int_type", "int_parsing", "greater_than"):
        return f"{field}: expected a whole number above 0, got {error['input']!r}"
    return f"{field}: {error['msg']}"


def _dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _model_at(model: type[BaseModel], path: KeyPath) -> type[BaseModel]:
    """The (nested) model that holds the value at ``path``: a list's index, and a
    mapping's key (``overrides: {news/green-deal: …}``), lead to its values' model."""
    keyed = False
    for part in path:
        if isinstance(part, int) or keyed:
            keyed = False
            continue
        if part not in model.model_fields:
            break
        annotation = model.model_fields[part].annotation
        keyed = any(get_origin(arg) is dict for arg in _flatten(annotation))
        nested = [
            arg
            for arg in _flatten(annotation)
            if isinstance(arg, type) and issubclass(arg, BaseModel)
        ]
        if not nested:
            break
        model = nested[0]
    return model


def _flatten(annotation: Any) -> Iterator[Any]:
    yield annotation
    for arg in get_args(annotation):
        yield from _flatten(arg)


def _field_names(model: type[BaseModel]) -> list[str]:
    return [name for name in model.model_fields if name not in FILE_FIELDS]


def _choices(model: type[BaseModel], path: KeyPath) -> list[str]:
    while isinstance(path[-1], int):  # a value in a list: the choices are the list's
        path = path[:-1]
    holder = _model_at(model, path[:-1])
    annotation = holder.model_fields[str(path[-1])].annotation
    return [str(arg) for arg in _flatten(annotation) if isinstance(arg, str)]
