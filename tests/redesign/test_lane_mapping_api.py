"""Lanes that are not roles (Process Initiator, Finance Team): the API says which need a role, and
deploy/validate take a mapping, remembered in the stored diagram."""
from __future__ import annotations

import json
from io import BytesIO

from tests.interop import interop_bytes

LANES = "spiffarena__lanes.bpmn"
MAPPING = {"Process Initiator": "pekerja_sosial", "finance_team": "supervisor"}


def upload(extra: dict | None = None) -> dict:
    return {"files": [(BytesIO(interop_bytes(LANES)), LANES)], **(extra or {})}


def test_validate_lists_the_lanes_that_need_a_role(api):
    response = api.as_("supervisor").post("/process-definitions/validate/upload", data=upload(),
                                          content_type="multipart/form-data")
    assert response.status_code == 200, response.json
    assert response.json["unmapped_lanes"] == [
        {"file": LANES, "element_id": "process_initiator", "name": "Process Initiator"},
        {"file": LANES, "element_id": "finance_team", "name": "Finance Team"}]


def test_validate_with_a_mapping_of_every_lane_is_valid(api):
    response = api.as_("supervisor").post("/process-definitions/validate/upload", data=upload(
        {"lane_roles": json.dumps(MAPPING)}), content_type="multipart/form-data")
    assert response.status_code == 200, response.json
    assert response.json["valid"] is True and response.json["unmapped_lanes"] == []


def test_a_refused_deploy_names_the_lanes_that_need_a_role(api):
    response = api.as_("supervisor").post("/process-definitions", data=upload(), content_type="multipart/form-data")
    assert response.status_code == 400
    assert [lane["name"] for lane in response.json["unmapped_lanes"]] == ["Process Initiator", "Finance Team"]


def test_a_deploy_with_a_mapping_stores_each_lanes_role_in_the_diagram(api):
    response = api.as_("supervisor").post("/process-definitions", data=upload(
        {"lane_roles": json.dumps(MAPPING)}), content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    stored = api.as_("supervisor").get(f"/process-definitions/{response.json['key']}/versions/1/bpmn").data
    assert b'<spiffworkflow:property name="role" value="supervisor"/>' in stored


def test_a_mapping_to_something_that_is_not_a_role_is_a_422_naming_the_field(api):
    response = api.as_("supervisor").post("/process-definitions", data=upload(
        {"lane_roles": json.dumps({"Finance Team": "bendahara"})}), content_type="multipart/form-data")
    assert response.status_code == 422
    assert "lane_roles" in json.dumps(response.json["fields"])


def test_a_mapping_that_is_not_json_is_a_422(api):
    response = api.as_("supervisor").post("/process-definitions", data=upload({"lane_roles": "Sales=admin"}),
                                          content_type="multipart/form-data")
    assert response.status_code == 422
    assert "JSON object" in json.dumps(response.json["fields"])


def test_a_mapping_of_a_lane_the_diagram_does_not_have_is_refused(api):
    response = api.as_("supervisor").post("/process-definitions/validate", json={
        "files": {LANES: interop_bytes(LANES).decode()}, "lane_roles": {**MAPPING, "Sales": "admin"}})
    assert response.status_code == 200
    assert any("'Sales' of the lane mapping is not in the diagram" in p["message"]
               for p in response.json["problems"])
