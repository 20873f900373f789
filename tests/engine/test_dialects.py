"""Diagrams in other tools' dialects (tests/data/dialects, written for these tests) read into the
engine's own terms at deploy: no database needed."""
from __future__ import annotations

from pathlib import Path

from engine.parsing import parse_bundle

DIALECTS = Path(__file__).resolve().parent.parent / "data" / "dialects"


def dialect_files(*names: str) -> dict[str, bytes]:
    return {name: (DIALECTS / name).read_bytes() for name in names}


def warnings_on(parsed, element_id: str) -> str:
    return " | ".join(w.message for w in parsed.warnings if w.element_id == element_id)


# --- Flowable -----------------------------------------------------------------------------------


def test_a_flowable_candidate_group_and_iso_due_date_give_the_task_its_role_and_due_time():
    parsed = parse_bundle(dialect_files("flowable_cuti.bpmn20.xml"))
    task = parsed.elements["tinjauCuti"]
    assert (task["role"], task["due_in"]) == ("supervisor", "P2D")


def test_a_flowable_assignee_and_juel_due_date_are_read():
    parsed = parse_bundle(dialect_files("flowable_cuti.bpmn20.xml"))
    task = parsed.elements["catatCuti"]
    assert (task["assignee"], task["due_in"]) == ("peksos", "PT8H")


def test_a_flowable_bare_iso_timer_is_quoted_in_the_stored_file_with_a_warning():
    parsed = parse_bundle(dialect_files("flowable_cuti.bpmn20.xml"))
    assert b'>"PT4H"</timeDuration>' in parsed.files["flowable_cuti.bpmn20.xml"]
    assert parsed.spec.task_specs["batasWaktu"].event_definition.expression == '"PT4H"'
    assert "quoted" in warnings_on(parsed, "batasWaktu")


def test_a_flowable_form_key_is_reported_as_unsupported():
    parsed = parse_bundle(dialect_files("flowable_cuti.bpmn20.xml"))
    assert "forms are not supported" in warnings_on(parsed, "tinjauCuti")
