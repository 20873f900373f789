"""The inbox, the case list and the alerts: defaults, filters, sorts and paging."""
from __future__ import annotations

import uuid
from datetime import timedelta

from engine.storage.models import Alert
from tests.api.http_case import HttpCase, pm


def register(api, staff, user="peksos", **pm_fields) -> HttpCase:
    response = api.as_(user).post("/cases", json={"unit_id": staff.unit_id, "pm": pm(**pm_fields)})
    assert response.status_code == 201, response.json
    return HttpCase(api, response.json["id"])


def names(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [t["name"] for t in response.json["items"]]


def test_the_default_inbox_holds_my_tasks_and_unclaimed_tasks_of_my_roles(api, staff, deployed):
    first, second = register(api, staff), register(api, staff, nik="3171011501900002")
    first.complete("Identifikasi & orientasi")  # opens Skrining for konselor
    mine = api.as_("peksos").get("/tasks").json
    assert [t["case_id"] for t in mine["items"]] == [second.case_id] and mine["total"] == 1
    assert names(api.as_("konselor").get("/tasks")) == ["Skrining ASSIST"]
    assert names(api.as_("supervisor").get("/tasks")) == []
    assert api.as_("asing").get("/tasks").json["total"] == 0  # another unit's pekerja sosial


def test_a_claimed_task_leaves_the_others_inboxes_and_stays_in_its_assignees(api, staff, deployed):
    task = register(api, staff, user="supervisor").task("Identifikasi & orientasi")  # left in the queue
    assert api.as_("peksos2").post(f"/tasks/{task['id']}/claim").json["assignee"] == "peksos2"
    assert api.as_("peksos").get("/tasks").json["total"] == 0
    assert names(api.as_("peksos2").get("/tasks?assignee=me")) == ["Identifikasi & orientasi"]
    assert names(api.as_("supervisor").get("/tasks?assignee=peksos2")) == ["Identifikasi & orientasi"]
    assert api.as_("peksos").post(f"/tasks/{task['id']}/claim").status_code == 409


def test_a_supervisor_reassigns_only_to_a_holder_of_the_role_in_the_unit(api, staff, deployed):
    task = register(api, staff).task("Identifikasi & orientasi")
    supervisor = api.as_("supervisor")
    assert supervisor.post(f"/tasks/{task['id']}/assign", json={"username": "peksos"}).json["assignee"] == "peksos"
    moved = supervisor.post(f"/tasks/{task['id']}/assign", json={"username": "peksos2"})
    assert moved.json["assignee"] == "peksos2"
    for username in ("konselor", "asing", "tidak_ada"):
        refused = supervisor.post(f"/tasks/{task['id']}/assign", json={"username": username})
        assert refused.status_code == 422 and "username" in refused.json["fields"]
    history = api.as_("peksos").get(f"/cases/{task['case_id']}/history").json
    assigned = [e for e in history if e["kind"] == "task_assigned"]
    assert [(e["actor"], e["data"]["assignee"]) for e in assigned] == [("supervisor", "peksos"),
                                                                        ("supervisor", "peksos2")]


def test_unclaiming_puts_a_task_back_in_the_role_queue(api, staff, deployed):
    task = register(api, staff).task("Identifikasi & orientasi")
    api.as_("peksos").post(f"/tasks/{task['id']}/claim")
    assert api.as_("peksos").post(f"/tasks/{task['id']}/unclaim").json["assignee"] is None
    assert names(api.as_("peksos2").get("/tasks?unassigned=true")) == ["Identifikasi & orientasi"]


def test_a_task_comes_with_its_json_schema_form_and_current_data(api, staff, deployed):
    task = register(api, staff, nama="Wati").task("Identifikasi & orientasi")
    detail = api.as_("peksos").get(f"/tasks/{task['id']}").json
    assert detail["form_schema"]["required"] == ["persetujuan_layanan", "kondisi_awal"]
    assert detail["data"]["pm"]["nama"] == "Wati" and detail["data"]["kategori_usia"] == "dewasa"
    assert detail["pm_name"] == "Wati" and detail["stage"] == "identifikasi"


def test_a_completed_task_shows_the_data_it_was_completed_with(api, staff, deployed):
    case = register(api, staff)
    done = case.complete("Identifikasi & orientasi", kondisi_awal="Tenang")
    detail = api.as_("peksos").get(f"/tasks/{done['id']}").json
    assert (detail["status"], detail["data"]["kondisi_awal"]) == ("completed", "Tenang")
    assert names(api.as_("peksos").get(f"/tasks?status=completed&case={case.case_id}")) == [
        "Identifikasi & orientasi"]


def test_overdue_and_due_filters_follow_the_clock(api, staff, deployed, clock):
    register(api, staff)
    assert api.as_("peksos").get("/tasks?overdue=true").json["total"] == 0
    clock.shift(timedelta(days=4))  # identifikasi is due in 3 days
    api.forget_tokens()
    late = api.as_("peksos").get("/tasks?overdue=true").json["items"]
    assert len(late) == 1 and late[0]["overdue"] is True
    due = late[0]["due_at"]
    assert api.as_("peksos").get("/tasks", query_string={"due_before": due}).json["total"] == 0
    assert api.as_("peksos").get("/tasks", query_string={"due_after": due}).json["total"] == 1
    assert api.as_("peksos").get("/cases?overdue=true").json["total"] == 1


def test_metrics_count_a_task_overdue_when_the_lists_do_by_the_apps_clock_not_the_databases(api, staff, deployed,
                                                                                            clock):
    """The frozen clock (January 2026) is before the database server's real time: a metric read with
    the database's now() would call the task late before the lists do."""
    def late_in_metrics() -> str:
        text = api.anonymous.get("/metrics").get_data(as_text=True)
        return next(line for line in text.splitlines() if line.startswith('atensi_open_tasks{overdue="true"}'))

    register(api, staff)
    assert api.as_("peksos").get("/tasks?overdue=true").json["total"] == 0
    assert late_in_metrics().endswith(" 0.0")
    clock.shift(timedelta(days=4))  # identifikasi is due in 3 days
    api.forget_tokens()
    assert api.as_("peksos").get("/tasks?overdue=true").json["total"] == 1
    assert late_in_metrics().endswith(" 1.0")


def test_the_inbox_sorts_by_priority_and_pages_with_a_total(api, staff, deployed):
    cases = [register(api, staff, nik=f"31710115019000{i:02d}") for i in range(3)]
    for case, score in zip(cases, (2, 30, 12), strict=True):
        case.complete("Identifikasi & orientasi")
        case.complete("Skrining ASSIST", zat_utama="ganja", skor_ganja=score)
    page = api.as_("peksos").get("/tasks?sort=priority&per_page=2").json
    assert (page["total"], page["per_page"], len(page["items"])) == (3, 2, 2)
    assert [t["risk_level"] for t in page["items"]] == ["tinggi", "sedang"]
    assert [t["priority"] for t in page["items"]] == [1, 2]
    rest = api.as_("peksos").get("/tasks?sort=priority&per_page=2&page=2").json["items"]
    assert [t["risk_level"] for t in rest] == ["rendah"]
    newest_first = api.as_("peksos").get("/tasks?sort=-created").json["items"]
    assert newest_first[0]["case_id"] == cases[-1].case_id


def test_cases_are_listed_by_text_risk_and_stage_within_the_unit_only(api, staff, deployed):
    budi = register(api, staff, nama="Budi Santoso", nik="3171011501900011")
    register(api, staff, nama="Siti Aminah", nik="3171011501900022")
    budi.complete("Identifikasi & orientasi")
    budi.complete("Skrining ASSIST", zat_utama="ganja", skor_ganja=30)
    peksos = api.as_("peksos")
    assert [c["pm_name"] for c in peksos.get("/cases?q=budi").json["items"]] == ["Budi Santoso"]
    assert [c["pm_name"] for c in peksos.get("/cases?q=317101150190002").json["items"]] == ["Siti Aminah"]
    assert [c["id"] for c in peksos.get("/cases?risk=tinggi").json["items"]] == [budi.case_id]
    assert peksos.get("/cases?stage=identifikasi").json["total"] == 1
    assert peksos.get("/cases?per_page=1").json["total"] == 2
    assert api.as_("asing").get("/cases").json["total"] == 0
    assert api.as_("asing").get(f"/cases?unit_id={staff.unit_id}").status_code == 403


def test_alerts_reach_their_user_and_role_and_are_acknowledged_once(api, staff, deployed, session_factory):
    case = register(api, staff)
    with session_factory() as session:
        for recipient, role in (("peksos", None), (None, "pekerja_sosial"), (None, "supervisor")):
            session.add(Alert(dedup_key=uuid.uuid4().hex, kind="overdue", case_id=case.case_id,
                              unit_id=staff.unit_id, recipient=recipient, recipient_role=role, message="terlambat"))
        session.commit()
    assert api.as_("peksos").get("/alerts").json["total"] == 2
    assert api.as_("peksos2").get("/alerts").json["total"] == 1
    assert api.as_("supervisor").get("/alerts").json["total"] == 1
    assert api.as_("asing").get("/alerts").json["total"] == 0
    alert_id = api.as_("peksos2").get("/alerts").json["items"][0]["id"]
    acked = api.as_("peksos2").post(f"/alerts/{alert_id}/ack").json
    assert acked["acked_by"] == "peksos2" and acked["acked_at"].endswith("+00:00")
    assert api.as_("peksos").post(f"/alerts/{alert_id}/ack").status_code == 409
    assert api.as_("peksos").get("/alerts").json["total"] == 1
    assert api.as_("peksos").get("/alerts?state=all").json["total"] == 2
    assert any(e["kind"] == "alert_acknowledged" for e in api.as_("peksos").get(
        f"/cases/{case.case_id}/history").json)


def test_times_are_iso_8601_with_an_offset(api, staff, deployed):
    case = register(api, staff).detail()
    task = case["open_tasks"][0]
    for value in (case["created_at"], task["due_at"], task["created_at"]):
        assert value[-6:] == "+00:00"


def test_paging_the_default_inbox_merges_my_tasks_and_my_roles_tasks_in_due_order(api, staff, deployed, clock):
    created = []
    for i in range(5):
        created.append(register(api, staff, user="supervisor", nik=f"31710115019001{i:02d}")  # queued
                       .task("Identifikasi & orientasi"))
        clock.shift(timedelta(hours=1))
    api.forget_tokens()
    for task in created[1::2]:  # claimed ones come from the assignee index, the rest from the role queue
        assert api.as_("peksos").post(f"/tasks/{task['id']}/claim").status_code == 200
    seen = []
    for page in (1, 2, 3):
        body = api.as_("peksos").get(f"/tasks?per_page=2&page={page}").json
        assert body["total"] == 5
        seen += [t["id"] for t in body["items"]]
    assert seen == [t["id"] for t in created]
    newest_first = api.as_("peksos").get("/tasks?sort=-due&per_page=3").json["items"]
    assert [t["id"] for t in newest_first] == [t["id"] for t in created[::-1][:3]]


def test_an_urgent_crisis_triage_heads_the_inbox_whatever_the_sort_and_page(api, staff, deployed, clock):
    intakes = []
    for i in range(2):
        intakes.append(register(api, staff, nik=f"31710115019002{i:02d}"))
        clock.shift(timedelta(hours=1))
    referred = api.as_("peksos").post("/case-responses", json={
        "unit_id": staff.unit_id, "pm": {"nama": "Tono"}, "uraian": "PM overdosis di rumah"})
    assert referred.status_code == 201, referred.json
    triage = HttpCase(api, referred.json["id"]).task("Kedaruratan (triase)")
    clock.shift(timedelta(hours=1))
    later = register(api, staff, nik="3171011501900299")
    for sort in ("due", "-due", "priority", "-priority", "created", "-created"):
        items = api.as_("peksos").get(f"/tasks?sort={sort}").json["items"]
        assert [t["id"] for t in items][0] == triage["id"], sort
        assert {t["case_id"] for t in items[1:]} == {c.case_id for c in (*intakes, later)}, sort
    newest_first = [api.as_("peksos").get(f"/tasks?sort=-created&per_page=1&page={page}").json for page in (1, 2, 3)]
    assert [p["items"][0]["case_id"] for p in newest_first] == [referred.json["id"], later.case_id,
                                                                 intakes[1].case_id]
    assert {p["total"] for p in newest_first} == {4}
