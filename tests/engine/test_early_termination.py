"""Early termination from any stage (issue 13): proposed with a reason, approved or returned by the
supervisor; on approval the case leaves what it was doing and writes the terminasi report."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.alerts import overdue
from engine.config import Settings
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.storage.models import Alert, Case, HumanTask
from tests.case_driver import CaseDriver, registration


def start(runtime, staff) -> CaseDriver:
    return CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(), staff.actor("peksos")))


def propose(runtime, staff, case, alasan, **extra):
    runtime.send_message(case.case_id, "usulan_terminasi",
                         {"alasan_terminasi": alasan, "keterangan": "usulan", **extra}, staff.actor("peksos"))


def test_death_on_day_ten_of_rawat_inap_ends_the_programme_the_same_day_without_reintegrasi(
        runtime, staff, deployed, clock):
    case = start(runtime, staff)
    case.into_intervensi(score=30, setting="rawat_inap")
    clock.shift(timedelta(days=10))
    assert case.case().next_timer_at is not None
    propose(runtime, staff, case, "meninggal")
    assert sorted(case.open_names()) == ["Pelaksanaan intervensi", "Persetujuan usulan terminasi"]
    case.complete("Persetujuan usulan terminasi", usulan_disetujui=True)
    assert case.open_names() == ["Laporan terminasi"]
    assert case.case().stage == "terminasi" and case.case().next_timer_at is None
    case.complete("Laporan terminasi", alasan_terminasi="meninggal")
    done = case.case()
    assert done.status == "completed"
    assert "Task_tes_minat_bakat" not in done.completed_elements
    assert "Task_rencana_bimbingan_lanjut_dini" not in done.completed_elements
    clock.shift(timedelta(days=200))
    assert not runtime.fire_timers(case.case_id)  # the cancelled timers never fire later


def test_withdrawn_tasks_leave_the_inbox_and_their_alerts_close(runtime, session_factory, database_url, staff,
                                                                 deployed, clock):
    case = start(runtime, staff)
    case.into_intervensi(setting="rawat_jalan")
    withdrawn = case.task("Pelaksanaan intervensi")
    clock.move_to(withdrawn.due_at + timedelta(hours=1))
    overdue.raise_due_alerts(session_factory, Settings(database_url=database_url, base_url="https://atensi.example.id"))
    with session_factory() as session:
        assert session.scalars(select(Alert).where(Alert.task_id == withdrawn.id)).all()
    withdrawn = withdrawn.id
    propose(runtime, staff, case, "putus_layanan")
    case.complete("Persetujuan usulan terminasi", usulan_disetujui=True)
    with session_factory() as session:
        row = session.get(HumanTask, withdrawn)
        assert row.status == "cancelled" and row.next_alert_at is None
        assert not session.scalars(select(Alert).where(Alert.task_id == withdrawn,
                                                       Alert.acked_at.is_(None))).all()


def test_a_drop_out_during_rawat_jalan_goes_on_to_bimbingan_lanjut(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    case.into_intervensi(setting="rawat_jalan")
    propose(runtime, staff, case, "putus_layanan")
    case.complete("Persetujuan usulan terminasi", usulan_disetujui=True)
    case.complete("Laporan terminasi", alasan_terminasi="putus_layanan")
    assert case.open_names() == ["Rencana bimbingan lanjut"] and case.case().stage == "aftercare"
    case.complete("Rencana bimbingan lanjut")
    for _ in range(3):
        case.complete("Kunjungan tindak lanjut")
    case.complete("Penutupan kasus")
    assert case.case().status == "completed"


def test_a_referral_out_during_asesmen_needs_the_institution_and_closes_without_aftercare(
        runtime, staff, deployed, clock):
    case = start(runtime, staff)
    case.complete("Identifikasi & orientasi")
    case.complete("Skrining ASSIST", zat_utama="ganja", skor_ganja=15)
    assert case.open_names() == ["Asesmen lanjut"]
    with pytest.raises(InvalidInput) as refused:
        propose(runtime, staff, case, "dirujuk")
    assert "dirujuk_ke" in refused.value.fields
    propose(runtime, staff, case, "dirujuk", dirujuk_ke="RSKO Jakarta")
    case.complete("Persetujuan usulan terminasi", usulan_disetujui=True)
    assert case.open_names() == ["Laporan terminasi"]
    case.complete("Laporan terminasi", alasan_terminasi="dirujuk", dirujuk_ke="RSKO Jakarta")
    assert case.case().status == "completed"


def test_a_returned_proposal_leaves_the_case_where_it_was(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    case.into_intervensi(setting="rawat_jalan")
    timer_before = case.case().next_timer_at
    propose(runtime, staff, case, "selesai")
    case.complete("Persetujuan usulan terminasi", usulan_disetujui=False)
    assert case.open_names() == ["Pelaksanaan intervensi"]
    assert case.case().stage == "intervensi" and case.case().next_timer_at == timer_before
    case.complete("Pelaksanaan intervensi", rencana_selesai=True)
    assert case.case().status == "active"


def test_a_closed_case_takes_no_termination_proposal(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    propose(runtime, staff, case, "meninggal")
    case.complete("Persetujuan usulan terminasi", usulan_disetujui=True)
    case.complete("Laporan terminasi", alasan_terminasi="meninggal")
    with pytest.raises(Conflict):
        propose(runtime, staff, case, "meninggal")


def test_the_case_lists_the_actions_its_diagram_offers_now_with_labels_and_forms(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    peksos = staff.actor("peksos")
    actions = {a.message: a for a in runtime.actions(case.case_id, peksos)}
    # terminasi_dini is thrown by the process itself: never an action
    assert sorted(actions) == ["koordinasi", "krisis", "usulan_terminasi"]
    assert actions["usulan_terminasi"].label == "Usulkan terminasi"
    assert actions["usulan_terminasi"].schema["properties"]["alasan_terminasi"]["enum"][0] == "meninggal"
    assert actions["krisis"].label == "Laporkan krisis" and actions["krisis"].schema is None
    with pytest.raises(Conflict):
        runtime.send_message(case.case_id, "terminasi_dini", {"usulan": {}}, peksos)
    propose(runtime, staff, case, "meninggal")
    case.complete("Persetujuan usulan terminasi", usulan_disetujui=True)
    case.complete("Laporan terminasi", alasan_terminasi="meninggal")
    assert runtime.actions(case.case_id, peksos) == []


def test_only_the_pekerja_sosial_and_supervisors_may_propose_termination(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    for username in ("konselor", "admin"):
        assert "usulan_terminasi" not in {a.message for a in runtime.actions(case.case_id, staff.actor(username))}
        with pytest.raises(Forbidden):
            runtime.send_message(case.case_id, "usulan_terminasi", {"alasan_terminasi": "selesai"},
                                 staff.actor(username))
    # a crisis is still anyone's to report
    assert "krisis" in {a.message for a in runtime.actions(case.case_id, staff.actor("konselor"))}
    proposal = {"alasan_terminasi": "selesai", "keterangan": "tujuan tercapai"}
    runtime.send_message(case.case_id, "usulan_terminasi", proposal, staff.actor("supervisor"))
    assert "Persetujuan usulan terminasi" in case.open_names()


def test_the_approval_task_belongs_to_the_stage_the_case_is_in(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    case.complete("Identifikasi & orientasi")
    case.complete("Skrining ASSIST", zat_utama="ganja", skor_ganja=15)
    propose(runtime, staff, case, "selesai")
    assert case.task("Persetujuan usulan terminasi").stage == case.case().stage == "asesmen"


def test_a_second_proposal_is_refused_while_the_case_is_already_terminating(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    case.into_intervensi(setting="rawat_jalan")
    propose(runtime, staff, case, "selesai")
    propose(runtime, staff, case, "putus_layanan")
    assert case.open_names().count("Persetujuan usulan terminasi") == 2
    case.complete("Persetujuan usulan terminasi", usulan_disetujui=True)
    # the other pending proposal was withdrawn with the rest of what the case was doing
    assert case.open_names() == ["Laporan terminasi"]
    assert "usulan_terminasi" not in {a.message for a in runtime.actions(case.case_id, staff.actor("peksos"))}
    with pytest.raises(Conflict, match="already terminating"):
        propose(runtime, staff, case, "meninggal")
    assert case.open_names() == ["Laporan terminasi"]
    case.complete("Laporan terminasi", alasan_terminasi="selesai")
    assert case.open_names() == ["Rencana bimbingan lanjut"]


def test_a_relapse_in_aftercare_after_a_drop_out_starts_a_new_linked_intake_for_the_same_pm(
        runtime, session_factory, staff, deployed, clock):
    case = start(runtime, staff)
    case.into_intervensi(setting="rawat_jalan")
    propose(runtime, staff, case, "putus_layanan")
    case.complete("Persetujuan usulan terminasi", usulan_disetujui=True)
    case.complete("Laporan terminasi", alasan_terminasi="putus_layanan")
    case.complete("Rencana bimbingan lanjut")
    case.complete("Kunjungan tindak lanjut", kondisi_pm_saat_kunjungan="kambuh")
    done = case.case()
    assert done.status == "completed" and "End_kambuh_dini" in done.completed_elements
    assert "Task_penutupan_kasus_dini" not in done.completed_elements  # not the next visit, not closure
    with session_factory() as session:
        (again,) = session.scalars(select(Case).where(Case.parent_case_id == case.case_id)).all()
        assert again.process_key == "atensi_intake" and again.pm_id == done.pm_id
    assert CaseDriver(runtime, staff, again.id).open_names() == ["Identifikasi & orientasi"]
