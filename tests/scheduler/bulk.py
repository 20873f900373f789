"""Many waiting cases quickly: start one real `timer_only` case, then clone its row with other due
times (the timer's due time lives in the stored state, so the clone's state says the new time).

Used by the multi-worker PostgreSQL test and by bench/timers.py.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert, select

from engine.people.access import SYSTEM_ACTOR
from engine.storage.models import Case

from .conftest import TIMER_ONLY


def deploy_timer_process(runtime) -> None:
    runtime.deploy({"timer_only.bpmn": TIMER_ONLY.read_bytes()}, SYSTEM_ACTOR, note="uji penjadwal")


def start_template(runtime, unit_id: int, due: datetime) -> int:
    return runtime.start_case("timer_only", {"jatuh_tempo": due.isoformat()}, SYSTEM_ACTOR, unit_id=unit_id)


def clone_cases(session_factory, template_id: int, dues: Iterable[datetime], chunk: int = 5000) -> int:
    """Insert one clone of the template case per due time. Returns how many were inserted."""
    with session_factory() as session:
        template = session.get(Case, template_id)
        old_due = _state_due(template)
        state_text = json.dumps(template.state)
        columns = {c: getattr(template, c) for c in (
            "process_version_id", "process_key", "unit_id", "pm_name", "profile", "stage", "status",
            "serializer_version", "completed_elements", "created_by", "created_at", "updated_at")}
    inserted = 0
    batch = []
    for due in dues:
        state = json.loads(state_text.replace(old_due, due.isoformat()))
        batch.append({**columns, "state": state, "next_timer_at": due,
                      "pm_name": f"PM uji {inserted + len(batch)}"})
        if len(batch) >= chunk:
            inserted += _insert(session_factory, batch)
            batch = []
    if batch:
        inserted += _insert(session_factory, batch)
    return inserted


def _insert(session_factory, rows: list[dict]) -> int:
    with session_factory() as session:
        session.execute(insert(Case), rows)
        session.commit()
    return len(rows)


def _state_due(case: Case) -> str:
    value = case.state["tasks"]
    for task in value.values():
        if "event_value" in task.get("internal_data", {}):
            return task["internal_data"]["event_value"]
    raise ValueError(f"case {case.id} has no waiting timer")


def case_ids(session_factory) -> list[int]:
    with session_factory() as session:
        return list(session.scalars(select(Case.id).where(Case.process_key == "timer_only").order_by(Case.id)))
