"""Bad input gets a problem+json answer with a message per field, and never a 500."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from tests.api.http_case import HttpCase, pm


def problem_of(response, status: int) -> dict:
    assert response.status_code == status, response.data[:300]
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def register(api, staff, **changes):
    body = {"unit_id": staff.unit_id, "pm": pm()}
    body.update(changes)
    return api.as_("peksos").post("/cases", json=body)


@pytest.mark.parametrize("nik", ["317101150190000", "31710115019000011", "3171O11501900001", ""])
def test_a_nik_that_is_not_sixteen_digits_is_refused_with_a_message_on_the_nik(api, staff, deployed, nik):
    fields = problem_of(register(api, staff, pm=pm(nik=nik)), 422)["fields"]
    assert list(fields) == ["pm.nik"]


def test_a_birth_date_in_the_future_is_refused(api, staff, deployed):
    tomorrow = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    fields = problem_of(register(api, staff, pm=pm(tanggal_lahir=tomorrow)), 422)["fields"]
    assert "future" in fields["pm.tanggal_lahir"][0]


def test_a_birth_date_that_is_not_a_date_is_refused(api, staff, deployed):
    assert "pm.tanggal_lahir" in problem_of(register(api, staff, pm=pm(tanggal_lahir="2001-02-30")), 422)["fields"]


def test_a_case_needs_a_unit(api, staff, deployed):
    assert problem_of(api.as_("peksos").post("/cases", json={"pm": pm()}), 422)["fields"]["unit_id"]


def test_a_child_is_derived_from_the_birth_date_and_flagged(api, staff, deployed):
    created = register(api, staff, pm=pm(tanggal_lahir="2012-06-01")).json
    assert (created["kategori_usia"], created["anak"]) == ("anak", True)
    listed = api.as_("peksos").get("/tasks").json["items"][0]
    assert listed["anak"] is True


def test_an_unknown_process_is_not_found(api, staff, deployed):
    assert "tidak_ada" in problem_of(register(api, staff, process="tidak_ada"), 404)["detail"]


def test_unknown_fields_are_refused_by_name(api, staff, deployed):
    assert "pm.hobi" in problem_of(register(api, staff, pm=pm(hobi="catur")), 422)["fields"]


@pytest.mark.parametrize("raw", [b"{", b"{\"unit_id\": 1,", b"\xff\xfe", b"null garbage"])
def test_a_body_that_is_not_json_is_a_400(api, staff, deployed, raw):
    response = api.as_("peksos").post("/cases", data=raw, content_type="application/json")
    assert "JSON" in problem_of(response, 400)["detail"]


@pytest.mark.parametrize("body", [[1, 2], "teks", 42])
def test_a_json_body_that_is_not_an_object_is_a_422(api, staff, deployed, body):
    problem_of(api.as_("peksos").post("/cases", json=body), 422)


def test_form_data_that_breaks_the_json_schema_gets_a_message_per_field(api, staff, deployed):
    case = HttpCase(api, register(api, staff).json["id"])
    case.complete("Identifikasi & orientasi")
    task = case.task("Skrining ASSIST")
    response = api.as_("konselor").post(f"/tasks/{task['id']}/complete", json={"data": {"skor_ganja": 50}})
    fields = problem_of(response, 422)["fields"]
    assert set(fields) == {"skor_ganja", "zat_utama"}
    assert "39" in fields["skor_ganja"][0]


def test_form_data_that_is_not_an_object_is_refused(api, staff, deployed):
    task = HttpCase(api, register(api, staff).json["id"]).task("Identifikasi & orientasi")
    assert problem_of(api.as_("peksos").post(f"/tasks/{task['id']}/complete", json={"data": [1]}), 422)["fields"]


def test_completing_a_task_twice_is_a_409_the_second_time(api, staff, deployed):
    case = HttpCase(api, register(api, staff).json["id"])
    task = case.task("Identifikasi & orientasi")
    case.complete("Identifikasi & orientasi")
    again = api.as_("peksos").post(f"/tasks/{task['id']}/complete",
                                   json={"data": {"persetujuan_layanan": True, "kondisi_awal": "x"}})
    assert problem_of(again, 409)["detail"] == "task is no longer available"


def test_completing_a_task_claimed_by_someone_else_is_a_409(api, staff, deployed):
    task = HttpCase(api, register(api, staff).json["id"]).task("Identifikasi & orientasi")
    api.as_("peksos").post(f"/tasks/{task['id']}/unclaim")  # the registering worker took it: back to the queue
    assert api.as_("peksos2").post(f"/tasks/{task['id']}/claim").status_code == 200
    response = api.as_("peksos").post(f"/tasks/{task['id']}/complete",
                                      json={"data": {"persetujuan_layanan": True, "kondisi_awal": "x"}})
    assert "peksos2" in problem_of(response, 409)["detail"]


@pytest.mark.parametrize("query", ["per_page=1000", "page=0", "sort=nama", "due_before=kemarin", "status=x",
                                   "role=kepala", "overdue=mungkin", "case=abc", "case=99999999999"])
def test_bad_inbox_filters_are_refused_by_name(api, staff, deployed, query):
    fields = problem_of(api.as_("peksos").get(f"/tasks?{query}"), 422)["fields"]
    assert query.split("=")[0] in fields


@pytest.mark.parametrize("path", ["/tasks/tidak-ada", "/tasks/" + "x" * 300, "/cases/999999", "/cases/abc",
                                  "/cases/999999/history", "/cases/999999/diagram", "/alerts/999999/ack",
                                  "/process-definitions/atensi_intake/versions/99/bpmn", "/cases/99999999999",
                                  "/incidents/99999999999/retry", "/alerts/0/ack"])
def test_things_that_do_not_exist_are_a_404(api, staff, deployed, path):
    method = "post" if path.endswith(("/ack", "/retry")) else "get"
    problem_of(getattr(api.as_("supervisor"), method)(path), 404)


def test_a_wrong_method_is_a_405_problem(api, staff):
    problem_of(api.as_("peksos").delete("/cases"), 405)


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nonsense", "Basic cGVrc29zOng=", "Token abc"])
def test_a_missing_or_malformed_token_is_a_401(api, staff, header):
    headers = {"Authorization": header} if header else {}
    response = api.client.get("/api/v1/me", headers=headers)
    assert problem_of(response, 401)["detail"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_signed_with_another_key_is_a_401(api, staff):
    forged = jwt.encode({"sub": "admin", "iss": "atensi", "exp": datetime.now(UTC) + timedelta(hours=1)},
                        "x" * 32, algorithm="HS256")
    problem_of(api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"}), 401)


def test_an_expired_token_is_a_401(api, staff, clock):
    token = api.token("peksos")
    # used once first: its checked signature is remembered, its time limit must still be checked
    assert api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    clock.shift(timedelta(hours=13))
    response = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert "expired" in problem_of(response, 401)["detail"]


def test_a_deactivated_user_is_locked_out_at_once(api, staff):
    token = api.token("peksos2")
    assert api.as_("admin").patch("/users/peksos2", json={"active": False}).status_code == 200
    problem_of(api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401)
    problem_of(api.login("peksos2"), 401)


def test_a_wrong_password_is_a_401_and_repeated_failures_are_limited(api, staff):
    for _ in range(10):
        problem_of(api.login("peksos", "salah-salah"), 401)
    limited = api.login("peksos", "salah-salah")
    assert problem_of(limited, 429)["detail"]
    assert int(limited.headers["Retry-After"]) > 0
    problem_of(api.login("peksos"), 429)  # even the right password waits
    assert api.login("konselor").status_code == 200  # another user from the same address does not


def test_many_failed_logins_from_one_address_are_limited_whatever_the_username(api, staff):
    for i in range(60):
        assert api.login(f"tebakan{i}", "salah-salah").status_code == 401
    problem_of(api.login("tebakan-lagi", "salah-salah"), 429)


def test_login_answers_with_a_token_that_expires(api, staff):
    body = api.login("supervisor").json
    assert body["token_type"] == "Bearer" and body["user"]["roles"] == ["supervisor"]
    assert datetime.fromisoformat(body["expires_at"]).utcoffset() is not None


def test_registration_data_cannot_set_what_the_engine_derives(api, staff, deployed):
    response = register(api, staff, pm=pm(tanggal_lahir="2016-03-01"), data={"kategori_usia": "dewasa"})
    assert "data.kategori_usia" in problem_of(response, 422)["fields"]
