"""Moving running cases between versions: dry run, migrate, undo."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.cases.migration import CaseMigrations
from engine.errors import Conflict, Forbidden
from engine.people.access import SYSTEM_ACTOR
from engine.storage.models import Case, HistoryEvent, HumanTask
from tests.case_driver import registration
from tests.redesign import bpmn_edit
from tests.redesign.conftest import INTAKE

BEFORE_KOORDINASI = Path(__file__).parents[1] / "data" / "atensi_intake_koordinasi_in_intervensi.bpmn"


@pytest.fixture
def migrations(session_factory):
    return CaseMigrations(session_factory)


def with_verification_step(files: dict[str, bytes]) -> dict[str, bytes]:
    edited = bpmn_edit.insert_user_task_after(files[INTAKE], "Task_identifikasi", "Task_verifikasi_dokumen",
                                              "Verifikasi dokumen", "Lane_pekerja_sosial", stage="identifikasi")
    return {**files, INTAKE: edited}


def without_identification(files: dict[str, bytes]) -> dict[str, bytes]:
    return {**files, INTAKE: bpmn_edit.remove_user_task(files[INTAKE], "Task_identifikasi")}


def _version(case) -> int:
    with case.runtime.session_factory() as session:
        row = session.get(Case, case.case_id)
        return row.version.version


def history_kinds(case) -> list[str]:
    with case.runtime.session_factory() as session:
        return list(session.scalars(select(HistoryEvent.kind).where(HistoryEvent.case_id == case.case_id)
                                    .order_by(HistoryEvent.id)))


def test_a_migrated_case_takes_the_task_inserted_after_its_open_task(
        staff, intake_files, deploy, start_intake, migrations, clock):
    deploy(intake_files, "v1")
    case = start_intake()
    deploy(with_verification_step(intake_files), "v2: verifikasi dokumen")
    assert _version(case) == 1  # running cases stay on their version

    report = migrations.dry_run("atensi_intake", staff.actor("supervisor"))
    assert [(c.case_id, c.status, c.open_tasks) for c in report.cases] == [
        (case.case_id, "movable", ["Identifikasi & orientasi"])]
    assert _version(case) == 1  # a dry run changes nothing

    result = migrations.migrate("atensi_intake", staff.actor("supervisor"))
    assert result.count("migrated") == 1 and _version(case) == 2
    case.complete("Identifikasi & orientasi")
    assert case.open_names() == ["Verifikasi dokumen"]
    assert case.task("Verifikasi dokumen").role == "pekerja_sosial"
    assert "case_migrated" in history_kinds(case)


def test_a_case_whose_open_task_was_removed_stays_with_the_reason(
        staff, intake_files, deploy, start_intake, migrations, clock):
    deploy(intake_files, "v1")
    waiting_at_identification = start_intake(nama="Ani")
    further_on = start_intake(nama="Budi")
    further_on.complete("Identifikasi & orientasi")
    deploy(without_identification(intake_files), "v2: tanpa identifikasi")

    result = migrations.migrate("atensi_intake", staff.actor("supervisor"))
    by_case = {c.case_id: c for c in result.cases}
    blocked = by_case[waiting_at_identification.case_id]
    assert blocked.status == "blocked"
    assert blocked.blockers[0].element_id == "Task_identifikasi"
    assert "open task Identifikasi & orientasi (Task_identifikasi) does not exist" in blocked.blockers[0].message
    assert by_case[further_on.case_id].status == "migrated"
    assert (_version(waiting_at_identification), _version(further_on)) == (1, 2)
    waiting_at_identification.complete("Identifikasi & orientasi")  # the blocked case runs on, on version 1
    assert waiting_at_identification.open_names() == ["Skrining ASSIST"]


def test_undo_moves_the_cases_of_a_migration_back_and_records_it(
        staff, intake_files, deploy, start_intake, migrations, clock):
    deploy(intake_files, "v1")
    case = start_intake()
    deploy(with_verification_step(intake_files), "v2")
    migration = migrations.migrate("atensi_intake", staff.actor("supervisor"))

    undone = migrations.undo(migration.migration_id, staff.actor("supervisor"))
    assert [c.status for c in undone.cases] == ["undone"] and _version(case) == 1
    assert history_kinds(case)[-1] == "case_migration_undone"
    case.complete("Identifikasi & orientasi")
    assert case.open_names() == ["Skrining ASSIST"]  # version 1 again: no verification step
    again = migrations.undo(migration.migration_id, staff.actor("supervisor"))
    assert again.cases[0].status == "blocked"
    assert "no migration to undo" in again.cases[0].blockers[0].message


def test_undo_of_a_case_that_moved_on_to_a_new_task_is_refused(
        staff, intake_files, deploy, start_intake, migrations, clock):
    deploy(intake_files, "v1")
    case = start_intake()
    deploy(with_verification_step(intake_files), "v2")
    migrations.migrate("atensi_intake", staff.actor("supervisor"))
    case.complete("Identifikasi & orientasi")  # now at the task version 1 does not have

    move = migrations.undo_case(case.case_id, staff.actor("supervisor"))
    assert move.status == "blocked" and move.blockers[0].element_id == "Task_verifikasi_dokumen"
    assert _version(case) == 2


def test_a_changed_due_time_applies_to_the_open_task_from_when_it_opened(
        staff, intake_files, deploy, start_intake, migrations, clock):
    deploy(intake_files, "v1")
    case = start_intake()
    opened = case.task("Identifikasi & orientasi").created_at
    clock.shift(timedelta(days=1))
    deploy({**intake_files, INTAKE: bpmn_edit.set_property(intake_files[INTAKE], "Task_identifikasi",
                                                            "dueIn", "P5D")}, "v2: 5 hari")
    migrations.migrate("atensi_intake", staff.actor("supervisor"))
    assert case.task("Identifikasi & orientasi").due_at == opened + timedelta(days=5)


def test_a_waiting_timer_keeps_its_due_time_and_the_case_runs_to_the_end(
        staff, intake_files, deploy, start_intake, migrations, clock):
    deploy(intake_files, "v1")
    case = start_intake()
    case.into_intervensi()
    due = case.case().next_timer_at
    clock.shift(timedelta(days=10))
    edited = bpmn_edit.set_property(intake_files[INTAKE], "Task_laporan_terminasi", "dueIn", "P10D")
    deploy({**intake_files, INTAKE: edited}, "v2")
    result = migrations.migrate("atensi_intake", staff.actor("supervisor"))
    assert result.count("migrated") == 1
    assert case.case().next_timer_at == due
    assert case.open_names() == ["Pelaksanaan intervensi"]

    clock.shift(timedelta(days=25))  # a month of intervensi: the monitoring cycle still runs
    assert case.runtime.fire_timers(case.case_id)
    assert case.open_names() == ["Monitoring bulanan", "Pelaksanaan intervensi"]
    case.complete("Pelaksanaan intervensi", rencana_selesai=True)
    clock.shift(timedelta(days=70))
    case.runtime.fire_timers(case.case_id)
    case.complete("Laporan terminasi", alasan_terminasi="selesai")
    with case.runtime.session_factory() as session:
        done = session.scalars(select(HumanTask).where(HumanTask.case_id == case.case_id,
                                                       HumanTask.name == "Persetujuan terminasi")).one()
    assert done.due_at is not None


def test_only_supervisors_and_admins_migrate(staff, intake_files, deploy, migrations, clock):
    deploy(intake_files, "v1")
    with pytest.raises(Forbidden):
        migrations.dry_run("atensi_intake", staff.actor("peksos"))


def test_a_supervisor_sees_only_the_cases_of_their_unit(
        staff, intake_files, deploy, start_intake, migrations, runtime, clock):
    deploy(intake_files, "v1", actor=SYSTEM_ACTOR)  # national: both units start on it
    start_intake()
    runtime.start_case("atensi_intake", registration(), SYSTEM_ACTOR, unit_id=staff.other_unit_id)
    deploy(with_verification_step(intake_files), "v2")  # the supervisor's unit's own version
    assert len(migrations.dry_run("atensi_intake", staff.actor("supervisor")).cases) == 1
    assert len(migrations.dry_run("atensi_intake", SYSTEM_ACTOR, to_version=2).cases) == 2


def test_a_case_migrated_back_and_forth_at_every_step_runs_like_one_that_never_moved(
        staff, intake_files, deploy, start_intake, migrations, clock):
    deploy(intake_files, "v1")
    edited = bpmn_edit.set_property(intake_files[INTAKE], "Task_kunjungan_rumah", "dueIn", "P9D")
    deploy({**intake_files, INTAKE: edited}, "v2")
    moving, still = start_intake(nama="Pindah"), start_intake(nama="Tetap")
    supervisor = staff.actor("supervisor")
    steps = [
        ("Identifikasi & orientasi", {}), ("Skrining ASSIST", {"zat_utama": "ganja", "skor_ganja": 30}),
        ("Asesmen lanjut", {"setting": "rawat_inap"}), ("Rujukan rehabilitasi medis", {}),
        ("Susun rencana intervensi", {"komponen_atensi": ["terapi"]}),
        ("Persetujuan rencana intervensi", {"rencana_disetujui": True}), (timedelta(days=40), None),
        ("Monitoring bulanan", {}), ("Pelaksanaan intervensi", {"rencana_selesai": True}),
        (timedelta(days=90), None), ("Tes minat dan bakat", {}), ("Persiapan keluarga", {}),
        ("Kunjungan rumah", {}), (timedelta(days=32), None), ("Laporan terminasi", {"alasan_terminasi": "selesai"}),
        ("Persetujuan terminasi", {"terminasi_disetujui": True}),
        ("Rencana bimbingan lanjut", {"bentuk_bimbingan": ["kursus"]}), ("Kunjungan tindak lanjut", {}),
        ("Kunjungan tindak lanjut", {}), ("Kunjungan tindak lanjut", {}), ("Penutupan kasus", {}),
    ]
    for number, (step, data) in enumerate(steps):
        target = 2 if number % 2 == 0 else 1
        moved = migrations.migrate("atensi_intake", supervisor, to_version=target, case_ids=[moving.case_id])
        assert [c.status for c in moved.cases] in (["migrated"], []), moved.to_dict()
        if isinstance(step, timedelta):
            clock.shift(step)
        for case in (moving, still):
            if isinstance(step, timedelta):
                case.runtime.fire_timers(case.case_id)
            else:
                case.complete(step, **data)
        assert moving.open_names() == still.open_names(), step
        assert moving.case().stage == still.case().stage
    assert moving.case().status == still.case().status == "completed"


def test_a_task_inserted_further_ahead_is_reached_by_a_case_migrated_before_it(
        staff, intake_files, deploy, start_intake, migrations, clock):
    deploy(intake_files, "v1")
    case = start_intake()
    case.complete("Identifikasi & orientasi")
    case.complete("Skrining ASSIST", zat_utama="ganja", skor_ganja=2)  # low risk: straight to the plan
    edited = bpmn_edit.insert_user_task_after(intake_files[INTAKE], "Task_laporan_terminasi", "Task_cek_laporan",
                                              "Periksa laporan terminasi", "Lane_supervisor", stage="terminasi")
    deploy({**intake_files, INTAKE: edited}, "v2")
    assert migrations.migrate("atensi_intake", staff.actor("supervisor")).count("migrated") == 1
    case.complete("Rujukan rehabilitasi medis")
    case.complete("Susun rencana intervensi", komponen_atensi=["terapi"])
    case.complete("Persetujuan rencana intervensi", rencana_disetujui=True)
    case.complete("Pelaksanaan intervensi", rencana_selesai=True)
    clock.shift(timedelta(days=95))
    case.runtime.fire_timers(case.case_id)
    case.complete("Laporan terminasi", alasan_terminasi="selesai")
    assert case.open_names() == ["Periksa laporan terminasi"]
    assert case.task("Periksa laporan terminasi").role == "supervisor"


def test_a_case_inside_a_sub_process_takes_a_task_inserted_in_that_sub_process(
        staff, intake_files, deploy, start_intake, migrations, clock):
    deploy(intake_files, "v1")
    case = start_intake()
    case.into_intervensi()
    edited = bpmn_edit.insert_user_task_after(intake_files[INTAKE], "Task_pelaksanaan_intervensi",
                                              "Task_evaluasi", "Evaluasi intervensi", None, stage="intervensi")
    deploy({**intake_files, INTAKE: edited}, "v2")
    assert migrations.migrate("atensi_intake", staff.actor("supervisor")).count("migrated") == 1
    case.complete("Pelaksanaan intervensi", rencana_selesai=True)
    assert case.open_names() == ["Evaluasi intervensi"]
    assert case.task("Evaluasi intervensi").role == "pekerja_sosial"  # the sub-process's lane
    case.complete("Evaluasi intervensi")
    assert case.open_names() == [] and case.case().next_timer_at is not None  # waits for the period's end


def test_a_case_moves_to_a_version_without_the_crisis_event_subprocess_and_stops_taking_crises(
        staff, intake_files, deploy, start_intake, migrations, clock):
    deploy(intake_files, "v1")
    case = start_intake()
    case.into_intervensi()
    edited = bpmn_edit.remove_elements(intake_files[INTAKE], "Sub_krisis")
    deploy({**intake_files, INTAKE: edited}, "v2: tanpa krisis")
    (move,) = migrations.dry_run("atensi_intake", staff.actor("supervisor")).cases
    assert move.status == "movable" and move.blockers == []  # no crisis was in flight
    migrations.migrate("atensi_intake", staff.actor("supervisor"))
    assert _version(case) == 2
    with pytest.raises(Conflict):
        case.runtime.send_message(case.case_id, "krisis", {"uraian": "x"}, staff.actor("peksos"))


def test_a_case_whose_stored_state_no_longer_restores_is_blocked_and_the_others_still_move(
        staff, intake_files, deploy, start_intake, migrations, clock):
    deploy(intake_files, "v1")
    healthy, broken = start_intake(), start_intake()
    with broken.runtime.session_factory() as session:
        session.get(Case, broken.case_id).state = {"not": "a workflow"}
        session.commit()
    deploy(with_verification_step(intake_files), "v2: verifikasi dokumen")
    report = migrations.dry_run("atensi_intake", staff.actor("supervisor"))
    statuses = {c.case_id: (c.status, [b.message for b in c.blockers]) for c in report.cases}
    assert statuses[healthy.case_id] == ("movable", [])
    assert statuses[broken.case_id][0] == "blocked"
    assert "stored state cannot be read" in statuses[broken.case_id][1][0]
    result = migrations.migrate("atensi_intake", staff.actor("supervisor"))
    assert result.count("migrated") == 1 and _version(healthy) == 2 and _version(broken) == 1


def test_cases_of_the_version_with_koordinasi_inside_intervensi_move_unless_they_stand_at_it(
        staff, intake_files, deploy, start_intake, migrations, clock):
    # the shipped intake before koordinasi became an event sub-process (issue 14), with its form
    form = json.loads(intake_files["pelaksanaan_intervensi.json"])
    form["properties"]["kegiatan_berikutnya"]["enum"].append("koordinasi")
    old = {**intake_files, INTAKE: BEFORE_KOORDINASI.read_bytes(),
           "pelaksanaan_intervensi.json": json.dumps(form).encode()}
    deploy(old, "v1")
    at_koordinasi, in_intervensi = start_intake(), start_intake(nik="3171011501900088")
    for case in (at_koordinasi, in_intervensi):
        case.into_intervensi()
    at_koordinasi.complete("Pelaksanaan intervensi", rencana_selesai=False, kegiatan_berikutnya="koordinasi")
    deploy(intake_files, "v2: koordinasi kapan saja")

    moves = {move.case_id: move for move in migrations.dry_run("atensi_intake", staff.actor("supervisor")).cases}
    assert moves[in_intervensi.case_id].status == "movable"
    assert moves[at_koordinasi.case_id].status == "blocked"
    assert [b.element_id for b in moves[at_koordinasi.case_id].blockers] == ["Task_koordinasi"]
    migrations.migrate("atensi_intake", staff.actor("supervisor"))
    assert (_version(in_intervensi), _version(at_koordinasi)) == (2, 1)

    in_intervensi.runtime.send_message(in_intervensi.case_id, "koordinasi", {}, staff.actor("peksos"))
    in_intervensi.complete("Koordinasi dengan lembaga lain")
    in_intervensi.complete("Pelaksanaan intervensi", rencana_selesai=True)
    clock.shift(timedelta(days=100))
    in_intervensi.runtime.fire_timers(in_intervensi.case_id)
    in_intervensi.complete("Laporan terminasi", alasan_terminasi="selesai")
    in_intervensi.complete("Persetujuan terminasi", terminasi_disetujui=True)
    in_intervensi.complete("Rencana bimbingan lanjut")  # the visit count now comes from bimbingan_lanjut.dmn
    assert in_intervensi.open_names() == ["Kunjungan tindak lanjut"]
    at_koordinasi.complete("Koordinasi dengan lembaga lain")  # the one left behind goes on in its version
    assert "Pelaksanaan intervensi" in at_koordinasi.open_names()
