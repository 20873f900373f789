from tests.api.http_case import pm


def test_a_peksos_registers_a_pm_and_sees_the_first_task(api, staff, deployed):
    response = api.as_("peksos").post("/cases", json={"unit_id": staff.unit_id, "pm": pm()})
    assert response.status_code == 201, response.json
    assert response.json["stage"] == "identifikasi"
    inbox = api.as_("peksos").get("/tasks").json
    assert inbox["total"] == 1 and inbox["items"][0]["name"] == "Identifikasi & orientasi"
