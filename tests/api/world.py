"""Fresh things to act on, one set per request: a case with its first task, an alert, an incident."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from engine.cases.handover import Handovers
from engine.config import Settings
from engine.people.access import SYSTEM_ACTOR
from engine.storage.models import Alert, Case, HumanTask, Incident
from tests.case_driver import registration


class World:
    def __init__(self, runtime, staff):
        self.runtime, self.staff = runtime, staff

    def fresh(self, claimed_by: str | None = None) -> dict:
        case_id = self.runtime.start_case("atensi_intake", registration(), self.staff.actor("peksos"))
        with self.runtime.session_factory() as session:
            task_id = session.scalars(select(HumanTask.id).where(HumanTask.case_id == case_id)).one()
            alert = Alert(dedup_key=uuid.uuid4().hex, kind="overdue", case_id=case_id, task_id=task_id,
                          unit_id=self.staff.unit_id, recipient_role="pekerja_sosial", message="terlambat")
            incident = Incident(case_id=case_id, task_id="", element_id="Task_identifikasi", message="boom")
            session.add_all([alert, incident])
            session.commit()
            other_case = self.runtime.start_case("atensi_intake", registration(), self.staff.actor("peksos"))
            pm_of = dict(session.execute(select(Case.id, Case.pm_id).where(Case.id.in_([case_id, other_case]))).all())
            ids = {"case": case_id, "task": task_id, "alert": alert.id, "incident": incident.id,
                   "pm": pm_of[case_id], "other_pm": pm_of[other_case], "other_unit": self.staff.other_unit_id}
        if claimed_by:
            self.runtime.claim(task_id, self.staff.actor(claimed_by))
        return {**ids, **self._handovers(case_id)}

    def _handovers(self, case_id: int) -> dict:
        """A transfer to the other unit and a referral there, both pending; and a case the first unit
        transferred to the other unit (accepted), whose history the first unit may still read."""
        with self.runtime.session_factory() as session:
            settings = Settings(database_url=str(session.get_bind().url.render_as_string(hide_password=False)))
        handovers = Handovers(self.runtime.session_factory, settings)
        peksos, other = self.staff.actor("peksos"), self.staff.other_unit_id
        transfer = handovers.propose_transfer(case_id, other, "pindah domisili", "Andi", "2026-01-02", peksos)
        referral = handovers.refer(case_id, "shelter", "butuh tempat tinggal", peksos, to_unit_id=other)
        moved = self.runtime.start_case("atensi_intake", registration(), peksos)
        gone = handovers.propose_transfer(moved, other, "pindah domisili", "Andi", "2026-01-02", peksos)
        handovers.answer(gone["id"], "accepted", None, SYSTEM_ACTOR)
        return {"transfer": transfer["id"], "referral": referral["id"], "transferred": moved}
