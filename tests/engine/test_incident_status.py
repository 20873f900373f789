"""A case stays marked as having an incident until every open incident of it is resolved."""
from __future__ import annotations

from engine.storage.models import Case, Incident
from tests.case_driver import CaseDriver, registration


def test_a_case_is_active_again_only_when_its_last_open_incident_is_retried(runtime, staff, deployed,
                                                                              session_factory):
    case = CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(), staff.actor("peksos")))
    with session_factory() as session:
        incidents = [Incident(case_id=case.case_id, task_id="", element_id="Task_x", message=f"gagal {n}")
                     for n in (1, 2)]
        session.add_all(incidents)
        session.get(Case, case.case_id).status = "incident"
        session.commit()
        first, second = (incident.id for incident in incidents)
    supervisor = staff.actor("supervisor")
    runtime.retry_incident(first, supervisor)
    with session_factory() as session:
        assert session.get(Case, case.case_id).status == "incident"
    runtime.retry_incident(second, supervisor)
    with session_factory() as session:
        assert session.get(Case, case.case_id).status == "active"
