"""Every read endpoint, for a case in each state the engine and the scheduler produce
(tests/every_state.py), for every role: 200 or the right 403, and the state in the answer."""
from __future__ import annotations

ROLES = ("peksos", "konselor", "supervisor", "admin")
SUPERVISING = ("supervisor", "admin")
OTHER_UNIT = "asing"  # a pekerja sosial of another unit


def case_paths(world) -> list[str]:
    return [f"/cases/{case_id}{tail}" for case_id in world.cases.values() for tail in ("", "/history", "/diagram")]


def task_paths(world) -> list[str]:
    return [f"/tasks/{task_id}" for task_id in world.tasks.values()]


def test_every_read_endpoint_answers_each_role_for_a_case_in_each_state(api, every_state):
    for username in (*ROLES, OTHER_UNIT):
        user = api.as_(username)
        for path in ("/cases", "/tasks", "/alerts", "/incidents", *case_paths(every_state), *task_paths(every_state)):
            mine = path in ("/cases", "/tasks", "/alerts") or (username != OTHER_UNIT and path != "/incidents")
            # a suspended case (consent withdrawn) is read only by those who can close it
            mine = mine and not (path.startswith(f"/cases/{every_state['suspended']}") and username not in SUPERVISING)
            # the unit that transferred a case away still reads its history until the transfer
            former = username == OTHER_UNIT and path == f"/cases/{every_state['transferred']}/history"
            expected = 200 if mine or former or (path == "/incidents" and username in SUPERVISING) else 403
            assert user.get(path).status_code == expected, (username, path)
        if username != OTHER_UNIT:
            listed = {c["id"] for c in user.get("/cases?per_page=200").json["items"]}
            assert listed == set(every_state.cases.values()), username
    assert api.as_(OTHER_UNIT).get("/cases").json["total"] == 0


def kinds(api, case_id: int) -> set[str]:
    return {event["kind"] for event in api.as_("peksos").get(f"/cases/{case_id}/history").json}


def test_each_states_case_reads_as_that_state(api, every_state):
    read = {state: api.as_("konselor" if state != "suspended" else "supervisor").get(f"/cases/{case_id}").json
            for state, case_id in every_state.cases.items()}
    assert {state: case["status"] for state, case in read.items()} == {
        **{state: "active" for state in read}, "incident": "incident", "finished": "completed",
        "suspended": "suspended", "closed": "completed"}
    assert [t["name"] for t in read["terminating"]["open_tasks"]] == ["Laporan terminasi"]
    assert read["suspended"]["open_tasks"] == read["closed"]["open_tasks"] == []
    assert read["finished"]["completed_at"] and read["finished"]["open_tasks"] == []
    assert (read["migrated"]["version"], read["incident"]["version"], read["parent"]["version"]) == (2, 2, 1)
    assert (read["child"]["process_key"], read["child"]["parent_case_id"]) == ("case_response", every_state["parent"])
    assert [i["element_id"] for i in read["incident"]["incidents"]] == ["Script_hitung_monitoring"]
    assert [t["name"] for t in read["incident"]["open_tasks"]] == ["Pelaksanaan intervensi"]
    for state in ("overdue", "alerted", "reminded", "escalated", "incident", "migrated", "child"):
        assert all(t["overdue"] for t in read[state]["open_tasks"]), state
    assert {"case_migrated", "incident", "timer_fired"} <= kinds(api, every_state["incident"])
    assert "case_migrated" in kinds(api, every_state["migrated"])
    assert "case_spawned" in kinds(api, every_state["parent"])
    assert "case_completed" in kinds(api, every_state["finished"])
    assert {"transfer_proposed", "transfer_accepted"} <= kinds(api, every_state["transferred"])
    assert read["transferred"]["unit_id"] == read["overdue"]["unit_id"]
    diagram = api.as_("peksos").get(f"/cases/{every_state['migrated']}/diagram").json
    assert diagram["version"] == 2 and "Script_hitung_monitoring" in diagram["xml"]


def alert_kinds(api, username: str) -> dict[int, set[str]]:
    items = api.as_(username).get("/alerts?state=all&per_page=200").json["items"]
    found: dict[int, set[str]] = {}
    for alert in items:
        found.setdefault(alert["case_id"], set()).add(alert["kind"])
    return found


def test_alerts_and_incidents_say_which_case_is_at_which_alert_level(api, every_state):
    workers, supervisors = alert_kinds(api, "peksos"), alert_kinds(api, "supervisor")
    assert every_state["overdue"] not in workers and every_state["overdue"] not in supervisors
    assert workers[every_state["alerted"]] == {"overdue"}
    assert workers[every_state["reminded"]] == {"overdue", "reminder"}
    assert workers[every_state["escalated"]] == {"overdue", "reminder"}
    assert supervisors[every_state["escalated"]] == {"escalation"}
    assert every_state["reminded"] not in supervisors and every_state["finished"] not in workers
    assert "escalation" in supervisors[every_state["incident"]]
    incidents = api.as_("supervisor").get("/incidents").json["items"]
    assert [(i["case_id"], i["element_id"], i["status"]) for i in incidents] == [
        (every_state["incident"], "Script_hitung_monitoring", "open")]
    overdue = {t["case_id"] for t in api.as_("peksos").get("/tasks?overdue=true&per_page=200").json["items"]}
    assert overdue == set(every_state.cases.values()) - {every_state[s] for s in ("finished", "suspended", "closed")}
