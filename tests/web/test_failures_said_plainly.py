"""A step that fails again, seen from the pages: the supervisor reads why, in Bahasa Indonesia."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from engine.people.access import SYSTEM_ACTOR
from engine.storage.models import Incident
from tests.case_driver import CaseDriver, registration

SCRIPT = Path(__file__).parent.parent / "data" / "robust" / "script_needs_data.bpmn"


def test_a_retry_that_fails_again_says_so_on_the_case_page_and_the_incident_stays_open(
        client, staff, pages, runtime, session_factory):
    runtime.deploy({SCRIPT.name: SCRIPT.read_bytes()}, SYSTEM_ACTOR)
    case = CaseDriver(runtime, staff, runtime.start_case("script_needs_data", registration(), staff.actor("peksos")))
    case.complete("Isi catatan")
    with session_factory() as session:
        incident_id = session.scalars(select(Incident.id).where(Incident.case_id == case.case_id)).one()
    pages.login("supervisor")
    response = pages.post(f"/incidents/{incident_id}/retry", token_from=f"/cases/{case.case_id}")
    assert response.headers["Location"] == f"/cases/{case.case_id}#incidents"
    page = client.get(f"/cases/{case.case_id}").get_data(as_text=True)
    assert "Percobaan ulang gagal" in page and "nilai_dasar" in page
    with session_factory() as session:
        assert session.get(Incident, incident_id).status == "open"
