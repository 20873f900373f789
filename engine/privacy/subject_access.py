"""Subject access: everything the product holds about one PM, and its record of processing.

An admin produces it on demand (the law allows 3×24 hours), for every unit's cases of the PM,
unmasked: it is the PM's own data. Producing it is itself recorded in the access log.
"""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import sessionmaker
from sqlalchemy.orm.attributes import instance_state

from engine import clock
from engine.cases import state as workflow_state
from engine.definitions import versions
from engine.errors import InvalidInput, NotFound
from engine.people.access import Actor, require_role
from engine.privacy import access_log
from engine.storage.models import (
    Alert,
    Case,
    CaseDocument,
    CaseNote,
    Consent,
    HistoryEvent,
    HumanTask,
    Incident,
    Pm,
    Unit,
)
from engine.vocabulary import ADMIN

SKIPPED = {"state"}  # the workflow state is reported as its data, not as SpiffWorkflow's internals


def _columns(row, skipped=frozenset()) -> dict:
    mapper = instance_state(row).mapper
    return {attr.key: getattr(row, attr.key) for attr in mapper.column_attrs if attr.key not in skipped}


class SubjectAccess:
    def __init__(self, session_factory: sessionmaker):
        self.session_factory = session_factory

    def report(self, nik: str, actor: Actor) -> dict:
        require_role(actor, ADMIN)
        if not nik or not nik.isdigit() or len(nik) != 16:
            raise InvalidInput("a NIK is 16 digits", {"nik": ["exactly 16 digits"]})
        with self.session_factory() as session:
            records = list(session.scalars(select(Pm).where(Pm.nik == nik).order_by(Pm.id)))
            # the PM's cases, those registered before the NIK was known included (engine.pms)
            cases = list(session.scalars(select(Case).where(or_(
                Case.pm_nik == nik, Case.pm_id.in_([r.id for r in records]))).order_by(Case.id)))
            if not cases:
                raise NotFound("no case holds this NIK")
            report = {"nik": nik, "produced_at": clock.now(), "produced_by": actor.username,
                      "pm_records": [_columns(record) for record in records],
                      "cases": [_case_report(session, case) for case in cases]}
            report["access_log"] = [_columns(e) for e in access_log.for_cases(session, [c.id for c in cases])]
        for case in cases:
            access_log.note(self.session_factory, actor, "export", "subject", nik[-4:], case.id, case.unit_id,
                            "subject access report")
        return report


def _case_report(session, case: Case) -> dict:
    by_case = {"history": HistoryEvent, "tasks": HumanTask, "consents": Consent, "incidents": Incident,
               "alerts": Alert, "notes": CaseNote, "documents": CaseDocument}  # documents: metadata and hash
    report = {**_columns(case, SKIPPED), "unit": session.get(Unit, case.unit_id).name,
              "workflow_data": _workflow_data(session, case)}
    for name, model in by_case.items():
        rows = session.scalars(select(model).where(model.case_id == case.id).order_by(model.id))
        report[name] = [_columns(row) for row in rows]
    return report


def _workflow_data(session, case: Case) -> dict:
    """The data the case's process holds now (what its forms and scripts gathered)."""
    if not case.state:
        return {}
    compiled = versions.compiled(session, case.process_version_id)
    wf = workflow_state.load(case.state, compiled.specs)
    merged: dict = {}
    for task in sorted(wf.get_tasks(), key=lambda t: t.last_state_change):
        merged.update(task.data)
    return merged
