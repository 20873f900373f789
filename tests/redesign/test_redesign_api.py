"""The redesign API over HTTP: validate, files, diff, scenarios, deploy from the editor, migrations."""
from __future__ import annotations

import json
from io import BytesIO

import pytest

from engine.config import BPMN_DIR
from tests.api.http_case import pm
from tests.interop import interop_bytes
from tests.redesign import bpmn_edit
from tests.redesign.conftest import INTAKE

KEY = "atensi_intake"


def text(files: dict[str, bytes], *names: str) -> dict[str, str]:
    return {name: files[name].decode("utf-8") for name in names}


@pytest.fixture
def v1(api, intake_files):
    response = api.as_("supervisor").post(f"/process-definitions/{KEY}/versions", json={
        "files": {n: c.decode("utf-8") for n, c in intake_files.items()}, "note": "versi awal"})
    assert response.status_code == 201, response.json
    return response.json


def test_validate_names_the_element_and_why_without_deploying(api, v1, intake_files):
    broken = bpmn_edit.set_property(intake_files[INTAKE], "Task_skrining", "dueIn", "3 hari")
    response = api.as_("supervisor").post("/process-definitions/validate", json={
        "process_key": KEY, "files": {INTAKE: broken.decode()}})
    assert response.status_code == 200
    body = response.json
    assert body["valid"] is False
    assert [(p["element_id"], p["file"]) for p in body["problems"]] == [("Task_skrining", INTAKE)]
    assert "not an ISO-8601 duration" in body["problems"][0]["message"]
    versions = api.as_("supervisor").get("/process-definitions").json[0]["versions"]
    assert [v["version"] for v in versions] == [1]


def test_validate_accepts_files_uploaded_from_another_tool_and_names_their_lanes(api, staff):
    response = api.as_("supervisor").post("/process-definitions/validate/upload", data={
        "files": [(BytesIO(interop_bytes("spiffarena__lanes.bpmn")), "spiffarena__lanes.bpmn")]},
        content_type="multipart/form-data")
    assert response.status_code == 200, response.json
    assert response.json["valid"] is False
    assert {p["element_id"] for p in response.json["problems"]} == {"process_initiator", "finance_team"}
    assert all("is not a known role" in p["message"] for p in response.json["problems"])


def test_a_version_lists_its_files_and_serves_a_form(api, v1):
    files = api.as_("supervisor").get(f"/process-definitions/{KEY}/versions/1/files").json
    kinds = {f["name"]: f["kind"] for f in files}
    assert kinds[INTAKE] == "bpmn" and kinds["skrining.json"] == "form"
    assert kinds["atensi_intake.scenario.json"] == "scenario"
    form = api.as_("peksos").get(f"/process-definitions/{KEY}/versions/1/files/skrining.json")
    assert form.status_code == 200 and form.mimetype == "application/json"
    assert json.loads(form.data)["title"] == "Skrining ASSIST"
    missing = api.as_("peksos").get(f"/process-definitions/{KEY}/versions/1/files/nope.json")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_deploy_from_the_editor_keeps_the_other_files_and_diff_shows_the_change(api, v1, intake_files):
    edited = bpmn_edit.set_property(intake_files[INTAKE], "Task_identifikasi", "dueIn", "P5D")
    response = api.as_("supervisor").post(f"/process-definitions/{KEY}/versions", json={
        "files": {INTAKE: edited.decode()}, "note": "identifikasi 5 hari"})
    assert response.status_code == 201, response.json
    assert response.json["version"] == 2 and response.json["scenarios"]["passed"] is True
    files = {f["name"] for f in api.as_("supervisor").get(f"/process-definitions/{KEY}/versions/2/files").json}
    assert files == set(intake_files)
    diff = api.as_("supervisor").get(f"/process-definitions/{KEY}/diff?from=1&to=2").json
    assert diff["changed"] == [{"element_id": "Task_identifikasi", "type": "userTask",
                                "name": "Identifikasi & orientasi",
                                "changes": [{"field": "due", "old": "P3D", "new": "P5D"}]}]
    history = api.as_("supervisor").get("/process-definitions").json[0]["versions"]
    assert [(v["version"], v["deployed_by"], v["note"]) for v in history] == [
        (1, "supervisor", "versi awal"), (2, "supervisor", "identifikasi 5 hari")]


def test_failing_scenarios_refuse_the_deploy_unless_overridden(api, v1, intake_files):
    broken = intake_files[INTAKE].replace(b'risk_level == "rendah"', b'risk_level == "tidak ada"')
    body = {"files": {INTAKE: broken.decode()}, "note": "coba"}
    refused = api.as_("supervisor").post(f"/process-definitions/{KEY}/versions", json=body)
    assert refused.status_code == 422
    assert refused.json["scenarios"]["passed"] is False
    assert any(not r["passed"] for r in refused.json["scenarios"]["results"])
    assert len(api.as_("supervisor").get("/process-definitions").json[0]["versions"]) == 1  # nothing changed

    forced = api.as_("supervisor").post(f"/process-definitions/{KEY}/versions",
                                        json={**body, "override_scenarios": True})
    assert forced.status_code == 201
    assert forced.json["scenarios_overridden"] is True and "skenario gagal" in forced.json["note"]


def test_an_invalid_draft_is_refused_with_its_problems_and_deploys_nothing(api, v1, intake_files):
    broken = bpmn_edit.set_attribute(intake_files[INTAKE], "Flow_risiko_rendah", "targetRef", "Tidak_ada")
    response = api.as_("supervisor").post(f"/process-definitions/{KEY}/versions", json={
        "files": {INTAKE: broken.decode()}})
    assert response.status_code == 400 and response.json["problems"]
    assert len(api.as_("supervisor").get("/process-definitions").json[0]["versions"]) == 1


def test_a_peksos_cannot_deploy_from_the_editor(api, v1, intake_files):
    response = api.as_("peksos").post(f"/process-definitions/{KEY}/versions", json={
        "files": text(intake_files, INTAKE), "note": "x"})
    assert response.status_code == 403


def test_scenarios_run_on_a_draft_over_http_for_supervisors_only(api, v1):
    response = api.as_("supervisor").post(f"/process-definitions/{KEY}/scenarios/run", json={})
    assert response.status_code == 200
    shipped = json.loads((BPMN_DIR / "scenarios" / f"{KEY}.scenario.json").read_text())["scenarios"]
    assert response.json["passed"] is True and len(response.json["results"]) == len(shipped) > 1
    assert api.as_("peksos").post(f"/process-definitions/{KEY}/scenarios/run", json={}).status_code == 403
    assert api.as_("peksos").post("/process-definitions/validate", json={"files": {}}).status_code == 403


def test_migration_dry_run_migrate_and_undo_over_http(api, staff, v1, intake_files):
    case = api.as_("peksos").post("/cases", json={"unit_id": staff.unit_id, "pm": pm()}).json
    edited = bpmn_edit.insert_user_task_after(intake_files[INTAKE], "Task_identifikasi", "Task_verifikasi",
                                              "Verifikasi dokumen", "Lane_pekerja_sosial")
    deployed = api.as_("supervisor").post(f"/process-definitions/{KEY}/versions", json={
        "files": {INTAKE: edited.decode()}, "note": "verifikasi", "override_scenarios": True})
    assert deployed.status_code == 201, deployed.json  # the scenarios do not know the new step yet

    assert api.as_("peksos").post("/migrations/dry-run", json={"process_key": KEY}).status_code == 403
    dry = api.as_("supervisor").post("/migrations/dry-run", json={"process_key": KEY}).json
    assert dry["dry_run"] is True and dry["counts"]["movable"] == 1
    assert dry["cases"][0]["case_id"] == case["id"] and dry["cases"][0]["reasons"] == []
    done = api.as_("supervisor").post("/migrations", json={"process_key": KEY}).json
    assert done["counts"]["migrated"] == 1 and done["to_version"] == 2

    undone = api.as_("supervisor").post(f"/migrations/{done['migration_id']}/undo").json
    assert [c["status"] for c in undone["cases"]] == ["undone"]
    again = api.as_("supervisor").post(f"/migrations/cases/{case['id']}/undo").json
    assert again["status"] == "blocked" and again["reasons"][0]["message"] == "the case has no migration to undo"
    assert api.as_("supervisor").post("/migrations/nope/undo").status_code == 404
