"""What a task shows of its case beside its form, and case data as people read it.

A task declares it in the diagram, so a redesigned process declares it too:
``shows`` lists data paths (``tujuan, rencana_kegiatan, asesmen.ringkasan=Ringkasan``; a label after
``=`` overrides the form's title) shown read-only and in full; ``banner`` names one data path shown
at the top of the task when it holds something (e.g. the supervisor's note on a returned plan).
Labels come from the titles in the process's forms and enum values read as their ``x-enumTitles``.
"""
from __future__ import annotations

from typing import Any

_MISSING = object()


def parse_paths(text: str | None) -> list[dict]:
    """'a, b.c=Label' -> [{"path": "a", "label": None}, {"path": "b.c", "label": "Label"}]."""
    result = []
    for part in (text or "").replace("\n", ",").split(","):
        path, _, label = part.partition("=")
        if path.strip():
            result.append({"path": path.strip(), "label": label.strip() or None})
    return result


def form_fields(forms: dict[str, dict]) -> dict[str, dict]:
    """Every top-level field the forms write -> its JSON Schema (the first form that has it wins)."""
    fields: dict[str, dict] = {}
    for name in sorted(forms or {}):
        schema = forms[name] if isinstance(forms[name], dict) else {}
        properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        for key, prop in properties.items():
            if isinstance(prop, dict):
                fields.setdefault(key, prop)
    return fields


def lookup(data: dict, path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def schema_of(fields: dict[str, dict], path: str) -> dict:
    head, *rest = path.split(".")
    prop = fields.get(head) or {}
    for part in rest:
        prop = ((prop.get("properties") or {}).get(part) or {}) if isinstance(prop, dict) else {}
    return prop if isinstance(prop, dict) else {}


def enum_text(prop: dict, value: Any) -> Any:
    """An enum value as its title (lists item by item); other values unchanged."""
    if isinstance(value, list):
        items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
        return [enum_text(items, v) for v in value]
    titles = prop.get("x-enumTitles") or {}
    if isinstance(titles, dict) and isinstance(value, str | int) and str(value) in titles:
        return titles[str(value)]
    if isinstance(value, str) and value in (prop.get("enum") or []):  # no title: 'rawat_inap' -> 'Rawat inap'
        text = value.replace("_", " ").strip()
        return text[:1].upper() + text[1:]
    return value


def describe(fields: dict[str, dict], path: str, value: Any, label: str | None = None) -> dict:
    """{path, label, value, text}: text is the value with enum titles (None for a blank label)."""
    prop = schema_of(fields, path)
    return {"path": path, "label": label or prop.get("title"), "value": value, "text": enum_text(prop, value)}


def shown(facts: dict, data: dict, forms: dict[str, dict]) -> tuple[list[dict], dict | None]:
    """The task's declared facts with their values (missing ones left out), and its banner or None."""
    fields = form_fields(forms)
    items = []
    for entry in facts.get("shows") or []:
        value = lookup(data, entry["path"])
        if value is not _MISSING and value not in (None, "", [], {}):
            items.append(describe(fields, entry["path"], value, entry.get("label")))
    banner, entry = None, facts.get("banner")
    if entry:
        value = lookup(data, entry["path"])
        if value is not _MISSING and value not in (None, "", [], {}):
            banner = describe(fields, entry["path"], value, entry.get("label"))
    return items, banner
