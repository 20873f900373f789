"""The scenario file a process version carries: reading it, checking it, and filling form data.

The format is documented in docs/scenarios.md. A file is JSON; its schema is `SCENARIO_SCHEMA`
below, and a file that does not match is reported as problems naming the file and the path in it,
the same way deploy problems are.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from jsonschema import Draft202012Validator

from engine.durations import is_duration
from engine.errors import Problem
from engine.vocabulary import CASE_ACTIVE, CASE_COMPLETED, CASE_INCIDENT

SUFFIXES = (".scenario.json", ".scenarios.json")
DEFAULT_START = "2026-01-05T09:00:00+07:00"  # a Monday morning in Jakarta
# The PM of a scenario that names none: an adult, so that no guardian's consent is asked for.
DEFAULT_PM = {"nama": "PM Skenario", "nik": "3171010101900001", "tanggal_lahir": "1990-01-01",
              "jenis_kelamin": "L", "alamat": "Jl. Contoh 1, Jakarta", "sumber_rujukan": "keluarga",
              "kontak_keluarga": "081200000000"}

_EXPECT = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "stage": {"type": ["string", "null"]},
        "open_tasks": {"type": "array", "items": {"type": "string"}},
        "status": {"enum": [CASE_ACTIVE, CASE_COMPLETED, CASE_INCIDENT]},
        "reached": {"type": "array", "items": {"type": "string"}},
        "not_reached": {"type": "array", "items": {"type": "string"}},
        "data": {"type": "object"},
        "overdue": {"type": "array", "items": {"type": "string"}},
        "alerts": {"type": "array", "items": {
            "type": "object", "required": ["task"], "additionalProperties": False,
            "properties": {"task": {"type": "string"}, "kind": {"enum": ["overdue", "reminder", "escalation"]}}}},
        "messages_thrown": {"type": "array", "items": {"type": "string"}},
        "children": {"type": "integer", "minimum": 0},  # how many cases this case spawned (linked to it)
    },
}
_STEP = {
    "type": "object",
    "properties": {
        "complete": {"type": "string"},
        "data": {"type": "object"},
        "message": {"type": "string"},
        "wait": {"type": "string"},
        "expect": _EXPECT,
        "note": {"type": "string"},
        # act on and check the n-th case the scenario's case spawned (a crisis's case response), from 1
        "in_child": {"type": "integer", "minimum": 1},
        # with "complete": the form must be refused, naming at least these fields; the task stays open
        "refused": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    },
    "additionalProperties": False,
    "oneOf": [{"required": ["complete"]}, {"required": ["message"]}, {"required": ["wait"]},
              {"required": ["expect"], "not": {"anyOf": [{"required": ["complete"]}, {"required": ["message"]},
                                                          {"required": ["wait"]}]}}],
}
SCENARIO_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["process", "scenarios"],
    "additionalProperties": False,
    "properties": {
        "$schema": {"type": "string"},
        "process": {"type": "string"},
        "description": {"type": "string"},
        "scenarios": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["name", "steps"], "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "description": {"type": "string"},
                "start": {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}},
                "steps": {"type": "array", "minItems": 1, "items": _STEP},
            }}},
    },
}
_VALIDATOR = Draft202012Validator(SCENARIO_SCHEMA)


@dataclass(frozen=True)
class Scenario:
    file: str
    process: str
    name: str
    start: dict
    steps: list[dict]


def is_scenario_file(name: str) -> bool:
    return name.lower().endswith(SUFFIXES)


def read_scenarios(files: dict[str, bytes], process_key: str) -> tuple[list[Scenario], list[Problem]]:
    """The scenarios for `process_key` among the bundle's scenario files, and what is wrong with them."""
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    for name, raw in sorted(files.items()):
        if not is_scenario_file(name):
            continue
        document = _read(name, raw, problems)
        if document is not None and document["process"] == process_key:
            scenarios.extend(Scenario(name, process_key, s["name"], dict(s.get("start") or {}), list(s["steps"]))
                             for s in document["scenarios"])
    return scenarios, problems


def _read(name: str, raw: bytes, problems: list[Problem]) -> dict | None:
    try:
        document = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(f"scenario file is not valid JSON: {exc}", name, None, getattr(exc, "lineno", None)))
        return None
    errors = sorted(_VALIDATOR.iter_errors(document), key=lambda e: list(e.absolute_path))
    for error in errors[:20]:
        where = "/".join(str(p) for p in error.absolute_path) or "the top level"
        problems.append(Problem(f"scenario file: {error.message} (at {where})", name))
    for where, wait in _waits(document) if not errors else []:
        if not is_duration(wait):
            problems.append(Problem(f"scenario file: wait {wait!r} is not an ISO-8601 duration such as P1M "
                                    f"(at {where})", name))
    return None if errors else document


def _waits(document: dict):
    for i, scenario in enumerate(document["scenarios"]):
        for j, step in enumerate(scenario["steps"]):
            if "wait" in step:
                yield f"scenarios/{i}/steps/{j}/wait", step["wait"]


# --- form data ----------------------------------------------------------------------------------


def fill_form(schema: dict | None, data: dict, today: date) -> dict:
    """`data` plus a plain sample value for each required field it leaves out."""
    filled = {}
    for name in (schema or {}).get("required", []):
        prop = (schema.get("properties") or {}).get(name)
        if name not in data and isinstance(prop, dict):
            filled[name] = sample_value(prop, today)
    return {**filled, **data}


def sample_value(prop: dict, today: date):
    if "const" in prop:
        return prop["const"]
    if prop.get("enum"):
        return prop["enum"][0]
    kind = prop.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return prop.get("minimum", 0)
    if kind == "array":
        items = prop.get("items") or {}
        return [sample_value(items, today) for _ in range(max(1, prop.get("minItems", 1)))]
    if kind == "object":
        return fill_form(prop, {}, today)
    return _sample_string(prop, today)


def _sample_string(prop: dict, today: date) -> str:
    fmt = prop.get("format")
    if fmt == "date":
        return today.isoformat()
    if fmt == "date-time":
        return f"{today.isoformat()}T09:00:00+07:00"
    if fmt == "email":
        return "contoh@example.org"
    return "contoh".ljust(prop.get("minLength", 0), "x")
