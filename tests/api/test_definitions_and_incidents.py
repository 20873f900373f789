"""Deploying process files over HTTP, reading versions back, and retrying a failed script."""
from __future__ import annotations

import io
from pathlib import Path

from engine.config import BPMN_DIR
from tests.api.http_case import pm

FILES = Path(__file__).parent / "files"


def upload(api, user: str, files: dict[str, bytes], note: str = "uji", **form):
    data = {"note": note, "files": [(io.BytesIO(content), name) for name, content in files.items()], **form}
    return api.as_(user).post("/process-definitions", data=data, content_type="multipart/form-data")


def test_a_supervisor_deploys_a_new_version_and_gets_its_key_and_number(api, staff, deployed):
    bpmn = (BPMN_DIR / "case_response.bpmn").read_bytes()
    forms = {p.name: p.read_bytes() for p in (BPMN_DIR / "forms").glob("*.json")}
    changed = bpmn.replace(b'name="Respon Kasus', b'name="Respon Kasus (revisi)', 1)
    assert changed != bpmn
    response = upload(api, "supervisor", {"case_response.bpmn": changed, **forms}, note="judul baru")
    assert response.status_code == 201, response.json
    assert (response.json["key"], response.json["version"], response.json["created"]) == ("case_response", 2, True)
    listed = {d["key"]: d for d in api.as_("peksos").get("/process-definitions").json}
    versions = listed["case_response"]["versions"]
    assert [(v["version"], v["deployed_by"], v["note"]) for v in versions] == [
        (1, "system", "ATENSI"), (2, "supervisor", "judul baru")]
    assert listed["case_response"]["latest_version"] == 2
    xml = api.as_("peksos").get("/process-definitions/case_response/versions/2/bpmn")
    assert xml.mimetype == "application/xml" and b"(revisi)" in xml.data


def test_the_definition_list_counts_the_cases_running_on_each_version(api, staff, deployed):
    for _ in range(2):
        api.as_("peksos").post("/cases", json={"unit_id": staff.unit_id, "pm": pm(), "confirm_new_case": True})
    listed = {d["key"]: d for d in api.as_("supervisor").get("/process-definitions").json}
    assert listed["atensi_intake"]["versions"][0]["running_cases"] == 2
    assert listed["atensi_intake"]["versions"][0]["deployed_at"].endswith("+00:00")


def test_broken_files_are_a_400_listing_file_element_line_and_message(api, staff, deployed):
    broken = (FILES / "skrip_gagal.bpmn").read_bytes().replace(b'targetRef="End_skrip"', b'targetRef="Tidak_ada"')
    response = upload(api, "admin", {"rusak.bpmn": broken})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    problems = response.json["problems"]
    assert problems and all(set(p) == {"file", "element_id", "line", "message"} for p in problems)
    assert any(p["file"] == "rusak.bpmn" and p["message"] for p in problems)


def test_a_bundle_that_is_not_xml_is_a_400_not_a_500(api, staff):
    response = upload(api, "admin", {"sampah.bpmn": b"\x00\xffbukan xml"})
    assert response.status_code == 400 and response.json["problems"][0]["file"] == "sampah.bpmn"


def test_a_deploy_without_files_is_refused(api, staff):
    response = api.as_("admin").post("/process-definitions", data={"note": "kosong"},
                                     content_type="multipart/form-data")
    assert response.status_code == 422 and "files" in response.json["fields"]


def test_a_failed_script_is_an_incident_a_supervisor_retries_with_corrected_data(api, staff, deployed):
    assert upload(api, "supervisor", {"skrip_gagal.bpmn": (FILES / "skrip_gagal.bpmn").read_bytes()}).status_code == 201
    case = api.as_("peksos").post("/cases", json={"unit_id": staff.unit_id, "process": "skrip_gagal",
                                                  "pm": pm()}).json
    assert case["status"] == "incident" and case["incidents"][0]["element_id"] == "Script_hitung"
    listed = api.as_("supervisor").get("/incidents").json
    assert [i["case_id"] for i in listed["items"]] == [case["id"]]
    incident_id = listed["items"][0]["id"]
    retried = api.as_("supervisor").post(f"/incidents/{incident_id}/retry", json={"data": {"nilai_dasar": 4}})
    assert retried.status_code == 200, retried.json
    assert (retried.json["status"], retried.json["resolved_by"]) == ("resolved", "supervisor")
    assert api.as_("peksos").get(f"/cases/{case['id']}").json["status"] == "completed"
    assert api.as_("supervisor").post(f"/incidents/{incident_id}/retry").status_code == 409
    assert api.as_("supervisor").get("/incidents?status=all").json["total"] == 1
