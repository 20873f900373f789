"""PM records over HTTP: a duplicate NIK is a 409 naming the PM and their cases, pm_id or
confirm_new_case goes on, the case resource lists the PM's other cases, lists show case numbers,
and a supervisor merges two records."""
from __future__ import annotations

from tests.api.http_case import pm


def register(api, staff, user="peksos", unit_id=None, **extra):
    return api.as_(user).post("/cases", json={"unit_id": unit_id or staff.unit_id, "pm": pm(), **extra})


def test_a_duplicate_nik_is_a_409_with_who_and_where_and_pm_id_starts_a_new_case_of_that_pm(api, staff, deployed):
    first = register(api, staff).json
    refused = register(api, staff, user="asing", unit_id=staff.other_unit_id)
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    [match] = refused.json["matches"]
    assert (match["pm_id"], match["matched_by"], match["nik_last4"]) == (first["pm_id"], "nik", "0001")
    assert [(c["number"], c["visible"], c["stage"]) for c in match["cases"]] == [
        (first["number"], False, "identifikasi")]
    assert "profile" not in match["cases"][0]  # none of the other unit's case content
    theirs = register(api, staff, user="asing", unit_id=staff.other_unit_id, pm_id=first["pm_id"])
    assert theirs.status_code == 201 and theirs.json["pm_id"] == first["pm_id"]
    again = api.as_("peksos").get(f"/cases/{first['id']}").json
    assert [(c["number"], c["visible"], c["unit_id"]) for c in again["pm_cases"]] == [
        (theirs.json["number"], False, staff.other_unit_id)]
    assert register(api, staff, confirm_new_case=True).json["pm_id"] != first["pm_id"]


def test_lists_and_inbox_rows_carry_the_case_number(api, staff, deployed):
    case = register(api, staff).json
    assert case["number"] == f"K-{case['id']:06d}"
    assert api.as_("peksos").get("/cases").json["items"][0]["number"] == case["number"]
    assert api.as_("peksos").get(f"/cases?q={case['number']}").json["total"] == 1
    assert api.as_("peksos").get("/tasks").json["items"][0]["case_number"] == case["number"]


def test_a_supervisor_merges_two_records_and_the_pm_resource_shows_every_case(api, staff, deployed):
    kept = register(api, staff).json
    gone = register(api, staff, confirm_new_case=True).json
    merged = api.as_("supervisor").post(f"/pms/{gone['pm_id']}/merge", json={"into": kept["pm_id"], "reason": "dobel"})
    assert merged.status_code == 200 and merged.json["moved_case_ids"] == [gone["id"]]
    record = api.as_("peksos").get(f"/pms/{kept['pm_id']}").json
    assert sorted(c["case_id"] for c in record["cases"]) == [kept["id"], gone["id"]]
    assert api.as_("peksos").get(f"/pms/{gone['pm_id']}").json["id"] == kept["pm_id"]  # follows the merge
    again = api.as_("supervisor").post(f"/pms/{gone['pm_id']}/merge", json={"into": kept["pm_id"], "reason": "x"})
    assert again.status_code == 409
    history = api.as_("supervisor").get(f"/cases/{gone['id']}/history").json
    assert any(event["kind"] == "pm_merged" for event in history)
