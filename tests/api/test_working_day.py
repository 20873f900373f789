"""The inbox for a working day: the worker who registers a case takes its first task (a setting, on
by default), and a supervisor hands all open tasks of an absent worker to others at once, with a
preview first, each move in its case's history."""
from __future__ import annotations

import pytest

from atensi import create_app
from tests.api.conftest import Api
from tests.api.http_case import pm
from tests.conftest import settings_for


def register(api, staff, user="peksos", n=1, **extra):
    person = pm(nama=f"Budi Santoso {n}", nik=f"320101010190000{n}")
    response = api.as_(user).post("/cases", json={"unit_id": staff.unit_id, "pm": person, **extra})
    assert response.status_code == 201, response.json
    return response.json


def open_tasks(api, user, case_id):
    return api.as_(user).get(f"/tasks?case={case_id}").json["items"]


def test_the_worker_who_registers_a_case_holds_its_first_task_and_the_history_says_so(api, staff, deployed):
    case = register(api, staff)
    [task] = open_tasks(api, "peksos", case["id"])
    assert task["assignee"] == "peksos"
    history = api.as_("peksos").get(f"/cases/{case['id']}/history").json
    assert any(e["kind"] == "task_claimed" and e["data"].get("reason") == "registered_the_case" for e in history)


def test_a_supervisor_who_registers_leaves_the_workers_first_task_in_the_queue(api, staff, deployed):
    case = register(api, staff, user="supervisor")
    [task] = open_tasks(api, "peksos", case["id"])
    assert (task["assignee"], task["role"]) == (None, "pekerja_sosial")


def test_with_the_setting_off_the_first_task_stays_in_the_roles_queue(database_url, staff, deployed):
    app = create_app({"ATENSI_SETTINGS": settings_for(database_url, assign_first_task=False), "TESTING": True})
    try:
        api = Api(app.test_client())
        case = register(api, staff)
        assert [t["assignee"] for t in open_tasks(api, "peksos", case["id"])] == [None]
    finally:
        app.extensions["atensi"].db.dispose()


@pytest.fixture
def absent_peksos_cases(api, staff, deployed):
    """Three cases whose first task peksos holds (peksos registered them)."""
    return [register(api, staff, n=n)["id"] for n in (1, 2, 3)]


def test_the_preview_changes_nothing_and_round_robin_spreads_over_the_named_workers(api, absent_peksos_cases):
    preview = api.as_("supervisor").post("/tasks/reassign-from/peksos", json={"to": ["peksos2", "supervisor"]})
    assert preview.status_code == 200 and preview.json["applied"] is False
    assert [m["to"] for m in preview.json["moves"]] == ["peksos2", "supervisor", "peksos2"]
    assert sorted(m["case_id"] for m in preview.json["moves"]) == sorted(absent_peksos_cases)
    assert all(m["case_number"].startswith("K-") for m in preview.json["moves"])
    mine = api.as_("peksos").get("/tasks?assignee=peksos").json
    assert mine["total"] == 3  # nothing moved yet


def test_handing_over_to_one_chosen_person_moves_every_open_task_and_records_it_in_each_case(
        api, absent_peksos_cases):
    done = api.as_("supervisor").post("/tasks/reassign-from/peksos", json={"to": ["peksos2"], "dry_run": False})
    assert done.status_code == 200 and done.json["applied"] is True and done.json["from"] == "peksos"
    assert {m["to"] for m in done.json["moves"]} == {"peksos2"} and len(done.json["moves"]) == 3
    assert api.as_("peksos").get("/tasks?assignee=peksos").json["total"] == 0
    assert api.as_("peksos2").get("/tasks?assignee=peksos2").json["total"] == 3
    for case_id in absent_peksos_cases:
        history = api.as_("supervisor").get(f"/cases/{case_id}/history").json
        [moved] = [e for e in history if e["kind"] == "task_assigned"]
        assert moved["data"] == {"assignee": "peksos2", "from": "peksos", "reason": "absent"}


def test_without_names_the_tasks_go_round_robin_to_those_of_the_unit_who_may_hold_them(api, absent_peksos_cases):
    preview = api.as_("supervisor").post("/tasks/reassign-from/peksos", json={}).json
    # pekerja_sosial tasks: peksos2 and the supervisor may hold them; the konselor and the admin may not
    assert sorted(m["to"] for m in preview["moves"]) == ["peksos2", "peksos2", "supervisor"]


def test_only_a_supervisor_of_the_unit_hands_over_and_bad_names_are_a_422_naming_the_field(
        api, absent_peksos_cases, other_supervisor):
    assert api.as_("peksos2").post("/tasks/reassign-from/peksos", json={}).status_code == 403
    assert api.as_(other_supervisor).post("/tasks/reassign-from/peksos", json={}).status_code == 403
    unknown = api.as_("supervisor").post("/tasks/reassign-from/peksos", json={"to": ["asing"]})
    assert unknown.status_code == 422 and "to" in str(unknown.json)
    itself = api.as_("supervisor").post("/tasks/reassign-from/peksos", json={"to": ["peksos"]})
    assert itself.status_code == 422
    assert api.as_("supervisor").post("/tasks/reassign-from/nobody", json={}).status_code == 422


def test_saved_filters_are_kept_per_user_replaced_by_name_checked_and_deleted(api, staff):
    saved = api.as_("peksos").post("/me/filters", json={"name": "Asesmen", "filters": {"stage": "asesmen",
                                                                                        "overdue": True}})
    assert saved.status_code == 201 and saved.json["filters"] == {"stage": "asesmen", "overdue": True}
    again = api.as_("peksos").post("/me/filters", json={"name": "Asesmen", "filters": {"sort": "priority"}})
    assert again.json["id"] == saved.json["id"] and again.json["filters"]["sort"] == "priority"
    assert [f["name"] for f in api.as_("peksos").get("/me/filters").json] == ["Asesmen"]
    assert api.as_("peksos2").get("/me/filters").json == []
    bad = api.as_("peksos").post("/me/filters", json={"name": "x", "filters": {"stage": "tidak_ada"}})
    assert bad.status_code == 422 and "filters.stage" in str(bad.json)
    assert api.as_("peksos2").delete(f"/me/filters/{saved.json['id']}").status_code == 404
    assert api.as_("peksos").delete(f"/me/filters/{saved.json['id']}").status_code == 204
    assert api.as_("peksos").get("/me/filters").json == []
