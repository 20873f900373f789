"""Form data checked against the task's JSON Schema, with one message per field."""
from __future__ import annotations

import json
from functools import lru_cache

from jsonschema import Draft202012Validator, FormatChecker

from engine.errors import InvalidInput
from engine.storage.db import storable_number


@lru_cache(maxsize=256)
def _validator(schema_json: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_json), format_checker=FormatChecker())


def with_defaults(schema: dict | None, data: dict) -> dict:
    """``data`` with each top-level field it leaves out set to the form's ``default``: a blank ASSIST
    score means the substance is not used (0), and a decision table reads every score it names."""
    if not isinstance(data, dict):
        return data
    filled = {name: prop["default"] for name, prop in ((schema or {}).get("properties") or {}).items()
              if isinstance(prop, dict) and "default" in prop and name not in data}
    return {**filled, **data} if filled else data


def with_facts(data: dict, facts: dict | None) -> dict:
    """What a form's rules see: the submitted data and the case's derived facts (e.g. ``kategori_usia``,
    so that a form can require a guardian's consent for a child with ``if``/``then``). The facts win:
    a submission cannot make a child an adult."""
    return {**data, **{k: v for k, v in (facts or {}).items() if v is not None}} if facts else data


def validate(schema: dict | None, data: dict, facts: dict | None = None) -> None:
    if not isinstance(data, dict):
        raise InvalidInput("form data must be an object", {"data": ["must be an object"]})
    require_storable(data)
    if not schema:
        return
    fields: dict[str, list[str]] = {name: ["derived by the engine; do not send it"] for name in (facts or {})
                                    if name in data and name not in (schema.get("properties") or {})}
    for error in _validator(json.dumps(schema, sort_keys=True)).iter_errors(with_facts(data, facts)):
        fields.setdefault(_field_of(error), []).append(error.message)
    if fields:
        raise InvalidInput("form data does not match the task's form", fields)


def require_storable(data) -> None:
    """Numbers the case's stored JSON cannot hold (integers beyond 64 bits, NaN, infinities) are the
    sender's to fix, each named by its path (e.g. ``skor.alkohol``)."""
    bad = [path for path, value in _leaves(data)
           if isinstance(value, int | float) and not isinstance(value, bool) and not storable_number(value)]
    if bad:
        raise InvalidInput("a number is too large to store", {path: ["a number too large to store"] for path in bad})


def _leaves(data):
    """(path, value) of every value inside ``data``, without recursion: JSON may nest deeper than Python."""
    stack = [("", data)]
    while stack:
        path, value = stack.pop()
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else None
        if items is None:
            yield path or "data", value
            continue
        stack.extend((f"{path}.{key}" if path else str(key), item) for key, item in items)


def _field_of(error) -> str:
    if error.validator == "required":
        # "'skor_assist' is a required property" belongs to the missing field itself
        return error.message.split("'")[1] if "'" in error.message else "data"
    path = [str(p) for p in error.absolute_path]
    return ".".join(path) if path else "data"


def known_fields(schema: dict | None) -> list[str]:
    return list((schema or {}).get("properties", {}))
