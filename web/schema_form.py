"""A task's JSON Schema form as HTML form fields, the posted form back as typed data, and the
validation errors in the reader's language, one list per field.

Widgets: text, textarea (``"x-widget": "textarea"``), integer, number, date (``"format": "date"``),
select (an ``enum``), checkboxes (an array of an enum, e.g. the seven ATENSI components), checkbox
(an optional boolean) and yes/no (a required boolean: a decision is never taken by default).
``readOnly`` properties are shown, never posted. ``x-enumTitles`` (value → label) names the options;
a blank field with a ``default`` takes it (the engine fills it in the same way).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from flask_babel import gettext
from jsonschema import Draft202012Validator, FormatChecker
from werkzeug.datastructures import MultiDict

from engine.cases import forms
from engine.storage.db import storable_number

from .i18n import humanise

TRUE_VALUES = ("1", "true", "on", "ya", "yes")


@dataclass
class FormField:
    name: str
    title: str
    widget: str
    required: bool = False
    description: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    value: Any = None
    errors: list[str] = field(default_factory=list)
    minimum: float | None = None
    maximum: float | None = None

    @property
    def selected(self) -> set[str]:
        values = self.value if isinstance(self.value, list | tuple) else [self.value]
        return {str(v) for v in values if v is not None}


def widget_for(prop: dict, required: bool) -> str:
    kind = prop.get("type")
    if prop.get("readOnly"):
        return "readonly"
    if kind == "array":
        return "checkboxes" if "enum" in (prop.get("items") or {}) else "text"
    if "enum" in prop:
        return "select"
    if kind == "boolean":
        return "yesno" if required else "checkbox"
    if kind in ("integer", "number"):
        return kind
    if prop.get("format") == "date":
        return "date"
    return "textarea" if prop.get("x-widget") == "textarea" else "text"


def fields_of(schema: dict | None, values: dict, errors: dict[str, list[str]] | None = None) -> list[FormField]:
    schema, errors = schema or {}, errors or {}
    required = set(schema.get("required", []))
    result = []
    for name, prop in (schema.get("properties") or {}).items():
        widget = widget_for(prop, name in required)
        enum = prop.get("enum") or (prop.get("items") or {}).get("enum") or []
        titles = prop.get("x-enumTitles") or (prop.get("items") or {}).get("x-enumTitles") or {}
        result.append(FormField(
            name=name, title=prop.get("title") or humanise(name), widget=widget,
            required=name in required and widget != "readonly", description=prop.get("description", ""),
            options=[(str(v), titles.get(v) or humanise(v)) for v in enum], value=values.get(name),
            errors=errors.get(name, []), minimum=prop.get("minimum"), maximum=prop.get("maximum")))
    return result


def parse(schema: dict | None, form: MultiDict) -> dict:
    """Typed data from the posted form. A blank field is left out (so `required` can say so); a
    number that does not parse stays a string (so the type check can say so)."""
    schema = schema or {}
    required = set(schema.get("required", []))
    data: dict[str, Any] = {}
    for name, prop in (schema.get("properties") or {}).items():
        widget = widget_for(prop, name in required)
        if widget == "readonly":
            continue
        if widget == "checkboxes":
            data[name] = [v for v in form.getlist(name) if v != ""]
            continue
        if widget == "checkbox":
            data[name] = form.get(name, "").lower() in TRUE_VALUES
            continue
        raw = form.get(name, "").strip()
        if raw != "":
            data[name] = _typed(widget, raw)
    return data


def _typed(widget: str, raw: str):
    try:
        if widget == "integer":
            number = int(raw)
        elif widget == "number":
            number = float(raw.replace(",", "."))
        else:
            number = None
    except ValueError:
        return raw
    if number is not None:  # one too large to store stays text: the form then says it is not a number
        return number if storable_number(number) else raw
    if widget == "yesno":
        return raw.lower() in TRUE_VALUES
    return raw


@lru_cache(maxsize=128)
def _validator(schema_json: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_json), format_checker=FormatChecker())


def errors_of(schema: dict | None, data: dict, facts: dict | None = None) -> dict[str, list[str]]:
    """Every problem with ``data``, keyed by the form's field name, in the reader's language; ``facts``
    are the case's derived facts that the form's rules read (a child needs the guardian's consent)."""
    if not schema:
        return {}
    data = forms.with_facts(forms.with_defaults(schema, data), facts)  # as the engine checks it
    found: dict[str, list[str]] = {}
    for error in _validator(json.dumps(schema, sort_keys=True)).iter_errors(data):
        name = _field_of(error)
        message = _message(error)
        if message not in found.setdefault(name, []):
            found[name].append(message)
    return found


def _field_of(error) -> str:
    if error.validator == "required":
        return error.message.split("'")[1] if "'" in error.message else "data"
    path = list(error.absolute_path)
    return str(path[0]) if path else "data"


def _message(error) -> str:
    kind, expected = error.validator, error.validator_value
    if kind == "required":
        return gettext("This field is required.")
    if kind == "type":
        return {"integer": gettext("Enter a whole number."), "number": gettext("Enter a number.")}.get(
            expected, gettext("This value is not valid."))
    if kind in ("minimum", "exclusiveMinimum"):
        return gettext("Enter %(value)s or more.", value=expected)
    if kind in ("maximum", "exclusiveMaximum"):
        return gettext("Enter %(value)s or less.", value=expected)
    if kind == "enum":
        return gettext("Choose one of the options.")
    if kind == "minItems":
        return gettext("Choose at least %(num)s.", num=expected)
    if kind == "format" and expected == "date":
        return gettext("Enter a date (year-month-day).")
    if kind in ("maxLength", "maxItems"):
        return gettext("Too long: at most %(num)s.", num=expected)
    if kind == "minLength":
        return gettext("This field is required.") if expected == 1 else gettext("Too short.")
    return gettext("This value is not valid.")


def merge_errors(ours: dict[str, list[str]], engines: dict[str, list[str]], names: set[str]) -> dict:
    """Our translated messages, and the engine's for any field we did not explain. Messages about
    no known field go under ``data`` (shown above the form)."""
    merged = {name: list(messages) for name, messages in ours.items()}
    for name, messages in (engines or {}).items():
        key = name.split(".")[0] if name.split(".")[0] in names else "data"
        if key not in merged:
            merged[key] = list(messages)
    return merged
