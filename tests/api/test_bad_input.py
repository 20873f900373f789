"""Bad input is a 4xx problem document, never a 500: deep JSON, lone surrogates, integers beyond 64
bits (ids on SQLite too), and an unchanged draft posted as a new version."""
from __future__ import annotations

import pytest

NIK_PM = '"nik": "3171011501900001", "tanggal_lahir": "1990-01-15", "jenis_kelamin": "L"'


def posted(api, user, path, raw: str):
    return api.as_(user)._call("POST", path, data=raw, headers={"Content-Type": "application/json"})


def assert_problem(response, status: int):
    assert response.status_code == status and response.mimetype == "application/problem+json"
    assert response.json["status"] == status


@pytest.mark.parametrize("path", ["/cases", "/tasks/x/complete", "/auth/login"])
def test_json_nested_deeper_than_the_parser_goes_is_a_400(api, staff, path):
    assert_problem(posted(api, "peksos", path, "[" * 100_000 + "]" * 100_000), 400)


def test_a_lone_surrogate_in_a_json_string_is_a_400_not_a_database_error(api, staff, deployed):
    body = '{"unit_id": ' + str(staff.unit_id) + ', "pm": {"nama": "\\ud800", ' + NIK_PM + '}}'
    assert_problem(posted(api, "peksos", "/cases", body), 400)


@pytest.mark.parametrize("path", ["/cases/9223372036854775808", "/cases/99999999999999999999999/history",
                                  "/alerts/9223372036854775808/ack", "/incidents/18446744073709551616/retry",
                                  "/process-definitions/atensi_intake/versions/1977993454403299216891838464/files",
                                  "/process-definitions/x/versions/9223372036854775808/files/a.json",
                                  "/migrations/cases/9223372036854775808/undo"])
def test_ids_beyond_64_bits_are_not_found(api, staff, path):
    method = "POST" if path.endswith(("ack", "retry", "undo")) else "GET"
    assert_problem(api.as_("supervisor")._call(method, path), 404)


def test_an_integer_beyond_64_bits_in_a_body_is_a_422_naming_the_field(api, staff, deployed):
    body = '{"unit_id": 99999999999999999999999, "pm": {"nama": "Andi", ' + NIK_PM + '}}'
    response = posted(api, "peksos", "/cases", body)
    assert_problem(response, 422)
    assert "unit_id" in response.json["fields"]


def test_an_unchanged_draft_posted_as_a_new_version_gives_the_existing_version_back(api, staff, deployed):
    for _ in range(2):
        response = api.as_("supervisor").post("/process-definitions/atensi_intake/versions",
                                              json={"files": {}, "note": "sama"})
        assert response.status_code == 200 and response.json["created"] is False
        assert response.json["version"] == deployed["atensi_intake"].version


@pytest.mark.parametrize("number", ["100000000000000000000000000000", "-9223372036854775809", "1e400"])
def test_a_number_too_large_to_store_in_form_data_is_a_422_naming_its_path(api, staff, deployed, number):
    created = api.as_("peksos").post("/cases", json={"unit_id": staff.unit_id, "pm": {
        "nama": "Andi", "nik": "3171011501900001", "tanggal_lahir": "1990-01-15", "jenis_kelamin": "L"}})
    task = api.as_("peksos").get(f"/tasks?case={created.json['id']}").json["items"][0]
    body = '{"data": {"persetujuan_layanan": true, "kondisi_awal": "Tenang", "catatan": {"skor": [1, ' + number + ']}}}'
    response = posted(api, "peksos", f"/tasks/{task['id']}/complete", body)
    assert_problem(response, 422)
    assert list(response.json["fields"]) == ["catatan.skor.1"]
    assert api.as_("peksos").get(f"/tasks/{task['id']}").json["status"] == "open"  # nothing changed


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json_a_400(api, staff, constant):
    assert_problem(posted(api, "peksos", "/tasks/x/complete", '{"data": {"skor": ' + constant + '}}'), 400)
