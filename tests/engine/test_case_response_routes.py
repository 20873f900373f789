"""The case response follows what triage finds, and its recommendation acts (issue 13)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.cases import registration as registration_rules
from engine.cases import runtime as runtime_module
from engine.errors import InvalidInput
from engine.storage.models import Case, HistoryEvent
from tests.case_driver import CaseDriver, registration

pytestmark = pytest.mark.database

REPORT = "PM overdosis di rumah, keluarga menelepon"


def emergency(runtime, staff, **pm) -> CaseDriver:
    known = {"nama": "Tono", **pm}
    case_id = registration_rules.refer_emergency(runtime, known, REPORT, staff.actor("peksos"))
    return CaseDriver(runtime, staff, case_id)


def through_triage(response: CaseDriver, tingkat: str) -> None:
    response.complete("Kedaruratan (triase)", tingkat_kedaruratan=tingkat)


def resolved_and_recommended(response: CaseDriver, **recommendation) -> None:
    response.complete("Pendampingan penyelesaian kasus", kasus_terselesaikan=True)
    response.complete("Rehabilitasi sosial", **recommendation)
    response.complete("Layanan penguatan PM dan keluarga")


def cases_of(runtime, process_key: str) -> list[Case]:
    with runtime.session_factory() as session:
        return list(session.scalars(select(Case).where(Case.process_key == process_key).order_by(Case.id)))


def history_kinds(runtime, case_id: int) -> list[tuple[str, str]]:
    with runtime.session_factory() as session:
        return [(e.kind, e.message) for e in session.scalars(
            select(HistoryEvent).where(HistoryEvent.case_id == case_id).order_by(HistoryEvent.id))]


def test_a_low_urgency_triage_goes_straight_to_pendampingan(runtime, staff, deployed, clock):
    response = emergency(runtime, staff)
    through_triage(response, "rendah")
    assert response.open_names() == ["Pendampingan penyelesaian kasus"]
    assert response.case().stage == "pendampingan"


def test_a_higher_urgency_triage_goes_through_crisis_intervention(runtime, staff, deployed, clock):
    response = emergency(runtime, staff)
    through_triage(response, "mengancam_jiwa")
    assert response.open_names() == ["Intervensi krisis"]


def test_pendampingan_repeats_until_the_case_is_resolved(runtime, staff, deployed, clock):
    response = emergency(runtime, staff)
    through_triage(response, "rendah")
    for _ in range(2):
        response.complete("Pendampingan penyelesaian kasus", kasus_terselesaikan=False)
        assert response.open_names() == ["Pendampingan penyelesaian kasus"]
    response.complete("Pendampingan penyelesaian kasus", kasus_terselesaikan=True)
    assert response.open_names() == ["Rehabilitasi sosial"]


def test_rujuk_needs_the_institution_and_records_the_referral(runtime, staff, deployed, clock):
    response = emergency(runtime, staff)
    through_triage(response, "rendah")
    response.complete("Pendampingan penyelesaian kasus", kasus_terselesaikan=True)
    with pytest.raises(InvalidInput) as refused:
        response.complete("Rehabilitasi sosial", rekomendasi="rujuk")
    assert "institusi_rujukan" in str(refused.value.fields)
    response.complete("Rehabilitasi sosial", rekomendasi="rujuk", institusi_rujukan="RSKO Jakarta")
    response.complete("Layanan penguatan PM dan keluarga")
    assert response.case().status == "completed"
    assert len(cases_of(runtime, "atensi_intake")) == 0  # a referral out starts no intake
    with runtime.session_factory() as session:
        wf, _ = runtime_module._load(session, session.get(Case, response.case_id))
    assert wf.data["rujukan"] == {"institusi": "RSKO Jakarta", "tanggal": wf.data["rujukan"]["tanggal"]}


def test_lanjut_atensi_for_a_new_emergency_referral_starts_an_intake_for_the_same_pm(
        runtime, staff, deployed, clock):
    response = emergency(runtime, staff, jenis_kelamin="L")  # no NIK, no date of birth yet
    through_triage(response, "tinggi")
    response.complete("Intervensi krisis")
    resolved_and_recommended(response, rekomendasi="lanjut_atensi")
    assert response.case().status == "completed"
    (intake,) = cases_of(runtime, "atensi_intake")
    assert (intake.pm_name, intake.parent_case_id, intake.unit_id) == ("Tono", response.case_id,
                                                                       response.case().unit_id)
    started = CaseDriver(runtime, staff, intake.id)
    assert started.open_names() == ["Identifikasi & orientasi"]  # started once, at the message's start
    assert ("case_spawned", f"atensi_intake #{intake.id}") in history_kinds(runtime, response.case_id)


def test_lanjut_atensi_from_a_crisis_hands_back_to_the_running_intake(runtime, staff, deployed, clock):
    intake_id = runtime.start_case("atensi_intake", registration(nama="Sari Dewi"), staff.actor("peksos"))
    intake = CaseDriver(runtime, staff, intake_id)
    intake.into_intervensi(score=30, setting="rawat_inap")
    runtime.send_message(intake_id, "krisis", {"uraian": REPORT}, staff.actor("peksos"))
    (child,) = [c for c in cases_of(runtime, "case_response") if c.parent_case_id == intake_id]
    response = CaseDriver(runtime, staff, child.id)
    through_triage(response, "sedang")
    response.complete("Intervensi krisis")
    resolved_and_recommended(response, rekomendasi="lanjut_atensi")
    assert [c.id for c in cases_of(runtime, "atensi_intake")] == [intake_id]  # no second intake
    assert ("message_received", "lanjut_atensi") in history_kinds(runtime, intake_id)
    assert "Pelaksanaan intervensi" in intake.open_names()  # the intake goes on where it was


def test_the_triage_shows_the_report_and_the_parent_cases_risk(runtime, staff, deployed, clock):
    intake_id = runtime.start_case("atensi_intake", registration(), staff.actor("peksos"))
    intake = CaseDriver(runtime, staff, intake_id)
    intake.into_intervensi(score=30, setting="rawat_inap")
    runtime.send_message(intake_id, "krisis", {"uraian": REPORT}, staff.actor("peksos"))
    (child,) = cases_of(runtime, "case_response")
    with runtime.session_factory() as session:
        wf, _ = runtime_module._load(session, session.get(Case, child.id))
        (triage,) = [t for t in wf.get_tasks() if t.task_spec.bpmn_id == "Task_kedaruratan" and t.state == 16]
        assert triage.data["laporan_krisis"]["uraian"] == REPORT
        assert triage.data["kasus_induk"]["risk_level"] == intake.case().risk_level == "tinggi"


def test_the_triage_is_urgent_first_in_the_inbox_and_alerts_the_supervisors_at_once(
        runtime, staff, deployed, clock, database_url):
    from engine.alerts.overdue import raise_due_alerts
    from engine.config import Settings
    from engine.vocabulary import URGENT_PRIORITY

    intake = CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(), staff.actor("peksos")))
    response = emergency(runtime, staff)
    triage = response.task("Kedaruratan (triase)")
    assert triage.priority == URGENT_PRIORITY < intake.task("Identifikasi & orientasi").priority
    alerts = raise_due_alerts(runtime.session_factory, Settings(database_url=database_url))
    assert [(a.kind, a.recipient_role, a.task_id) for a in alerts] == [("urgent", "supervisor", triage.id)]
    assert raise_due_alerts(runtime.session_factory, Settings(database_url=database_url)) == []  # once
    through_triage(response, "rendah")
    assert response.task("Pendampingan penyelesaian kasus").priority != URGENT_PRIORITY
