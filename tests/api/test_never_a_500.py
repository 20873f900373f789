"""Over HTTP, what used to be a 500 on diagrams from other tools is a 4xx problem naming the element."""
from __future__ import annotations

from pathlib import Path

from tests.api.http_case import pm
from tests.api.test_definitions_and_incidents import FILES, upload

ROBUST = Path(__file__).parent.parent / "data" / "robust"


def start(api, staff, process: str) -> dict:
    response = api.as_("peksos").post("/cases", json={"unit_id": staff.unit_id, "process": process, "pm": pm()})
    assert response.status_code == 201, response.json
    return response.json


def test_completing_a_multi_instance_task_with_no_data_is_a_422_naming_the_field(api, staff):
    assert upload(api, "supervisor", {"mi.bpmn": (ROBUST / "multi_instance.bpmn").read_bytes()}).status_code == 201
    case = start(api, staff, "multi_instance")
    task = api.as_("peksos").get(f"/tasks?case={case['id']}").json["items"][0]
    response = api.as_("peksos").post(f"/tasks/{task['id']}/complete", json={"data": {}})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "skor" in response.json["fields"] and "nilai" in response.json["detail"]


def test_retrying_an_incident_whose_cause_is_unchanged_is_a_409_and_it_stays_open(api, staff):
    assert upload(api, "supervisor", {"skrip_gagal.bpmn": (FILES / "skrip_gagal.bpmn").read_bytes()}).status_code == 201
    case = start(api, staff, "skrip_gagal")
    incident_id = api.as_("supervisor").get("/incidents").json["items"][0]["id"]
    for _ in range(2):
        response = api.as_("supervisor").post(f"/incidents/{incident_id}/retry")
        assert response.status_code == 409 and "stays open" in response.json["detail"]
    listed = api.as_("supervisor").get("/incidents").json["items"]
    assert [(i["id"], i["status"]) for i in listed] == [(incident_id, "open")]
    assert api.as_("peksos").get(f"/cases/{case['id']}").json["status"] == "incident"


def test_a_diagram_with_a_flow_node_named_start_is_a_400_naming_it(api, staff):
    response = upload(api, "supervisor", {"s.bpmn": (ROBUST / "start_event_named_start.bpmn").read_bytes()})
    assert response.status_code == 400
    assert any(p["element_id"] == "Start" and "reserved" in p["message"] for p in response.json["problems"])
