"""The diff between two versions of a process: added, removed and changed elements."""
from __future__ import annotations

import pytest

from engine.definitions.diff import diff_files, diff_versions
from engine.errors import NotFound
from tests.redesign import bpmn_edit
from tests.redesign.conftest import INTAKE


def changes_of(diff, element_id: str) -> dict:
    change = next(c for c in diff.changed if c.element_id == element_id)
    return {k: v for k, v in change.changes.items()}


def test_identical_files_have_an_empty_diff(intake_files):
    assert diff_files(intake_files, dict(intake_files)).is_empty


def test_a_changed_due_name_timer_condition_and_lane_are_each_reported(intake_files):
    raw = intake_files[INTAKE]
    raw = bpmn_edit.set_property(raw, "Task_identifikasi", "dueIn", "P5D")
    raw = bpmn_edit.set_attribute(raw, "Task_skrining", "name", "Skrining")
    raw = bpmn_edit.set_timer(raw, "Timer_monitoring_bulanan", '"R4/P2W"')
    raw = bpmn_edit.set_property(raw, "Task_asesmen_lanjut", "role", "supervisor")
    raw = raw.replace(b'risk_level == "rendah"', b'risk_level in ("rendah",)')
    diff = diff_files(intake_files, {**intake_files, INTAKE: raw})
    assert changes_of(diff, "Task_identifikasi") == {"due": ("P3D", "P5D")}
    assert changes_of(diff, "Task_skrining") == {"name": ("Skrining ASSIST", "Skrining")}
    assert changes_of(diff, "Timer_monitoring_bulanan") == {"timer": ("timeCycle: siklus_monitoring",
                                                                            'timeCycle: "R4/P2W"')}
    assert changes_of(diff, "Task_asesmen_lanjut")["role"] == ("pekerja_sosial", "supervisor")
    assert changes_of(diff, "Flow_risiko_rendah") == {
        "condition": ('risk_level == "rendah"', 'risk_level in ("rendah",)')}
    assert not diff.added and not diff.removed


def test_an_inserted_task_is_added_and_its_rewired_flows_changed(intake_files):
    raw = bpmn_edit.insert_user_task_after(intake_files[INTAKE], "Task_identifikasi", "Task_baru", "Tugas baru",
                                           "Lane_pekerja_sosial")
    diff = diff_files(intake_files, {**intake_files, INTAKE: raw})
    added = {c.element_id: c for c in diff.added}
    assert added["Task_baru"].type == "userTask" and added["Task_baru"].name == "Tugas baru"
    assert "Flow_Task_baru_out" in added
    assert changes_of(diff, "Flow_identifikasi_ke_persetujuan") == {
        "target": ("Gateway_persetujuan_layanan", "Task_baru")}
    assert diff.removed == []


def test_a_removed_task_is_listed_with_its_name(intake_files):
    raw = bpmn_edit.remove_user_task(intake_files[INTAKE], "Task_identifikasi")
    diff = diff_files(intake_files, {**intake_files, INTAKE: raw})
    assert [(c.element_id, c.name) for c in diff.removed if c.type == "userTask"] == [
        ("Task_identifikasi", "Identifikasi & orientasi")]


def test_an_edited_form_marks_the_tasks_that_use_it(intake_files):
    edited = intake_files["skrining.json"].replace(b'"title"', b'"description": "baru", "title"', 1)
    diff = diff_files(intake_files, {**intake_files, "skrining.json": edited})
    assert diff.files["changed"] == ["skrining.json"]
    assert changes_of(diff, "Task_skrining") == {"form_schema": ("skrining.json", "skrining.json")}


def test_two_deployed_versions_are_compared_by_number(intake_files, deploy, session_factory):
    deploy(intake_files)
    deploy({**intake_files, INTAKE: bpmn_edit.set_property(intake_files[INTAKE], "Task_identifikasi",
                                                            "dueIn", "P4D")})
    with session_factory() as session:
        diff = diff_versions(session, "atensi_intake", 1, 2)
        with pytest.raises(NotFound):
            diff_versions(session, "atensi_intake", 1, 9)
    assert [c.element_id for c in diff.changed] == ["Task_identifikasi"]
