"""Two web hosts (two apps, as two gunicorn hosts would build them) over one database, behind a load
balancer without sticky sessions: nothing one host keeps in its memory may be missed by the other.
A page sign-in, an editor token and a deploy made through one host hold on the other; signing out on
one ends the sign-in on both; a version deployed through one starts the other's next case although
the other had the older version compiled in its cache."""
from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest

from atensi import create_app
from tests.conftest import PASSWORD, settings_for
from tests.web.conftest import Pages

HERE = Path(__file__).resolve().parent
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
PM = {"nama": "Uji Host", "tanggal_lahir": "1990-01-15", "jenis_kelamin": "L", "sumber_rujukan": "keluarga"}


@pytest.fixture
def hosts(database_url, staff):
    """Host A and host B: their own app, sandbox and caches, one database and one secret."""
    apps = [create_app({"ATENSI_SETTINGS": settings_for(database_url), "TESTING": True}) for _ in range(2)]
    yield [app.test_client() for app in apps]
    for app in apps:
        app.extensions["atensi"].db.dispose()


def carry_cookie(source, target) -> None:
    """What the browser sends to whichever host the load balancer picks."""
    name = source.application.config["SESSION_COOKIE_NAME"]
    target.set_cookie(name, source.get_cookie(name).value)


def bearer(client, username: str) -> dict:
    answer = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.json
    return {"Authorization": f"Bearer {answer.json['access_token']}"}


def deploy(client, headers: dict, name: str) -> int:
    bpmn = (HERE / "uji_host.bpmn").read_text().replace('name="Uji beberapa host', f'name="{name}')
    answer = client.post("/api/v1/process-definitions", headers=headers, content_type="multipart/form-data",
                         data={"note": name, "files": [(BytesIO(bpmn.encode()), "uji_host.bpmn"),
                                                       (BytesIO((HERE / "catatan.json").read_bytes()),
                                                        "catatan.json")]})
    assert answer.status_code == 201, answer.json
    return answer.json["version"]


def register(client, headers: dict, unit_id: int, nik: str) -> dict:
    answer = client.post("/api/v1/cases", headers=headers,
                         json={"process": "uji_host", "unit_id": unit_id, "pm": {**PM, "nik": nik}})
    assert answer.status_code == 201, answer.json
    return answer.json


def test_a_page_sign_in_on_one_host_holds_on_the_other_and_signing_out_there_ends_it_on_both(hosts):
    a, b = hosts
    assert Pages(a).login("supervisor").status_code == 302
    carry_cookie(a, b)
    assert b.get("/inbox").status_code == 200
    # the editor's token, issued by host B from the sign-in host A made, works on host A's API
    csrf = CSRF_META.search(b.get("/editor/").get_data(as_text=True)).group(1)
    issued = b.post("/editor/session-token", headers={"X-CSRFToken": csrf})
    assert issued.status_code == 200, issued.json
    editor = {"Authorization": f"Bearer {issued.json['access_token']}"}
    assert a.get("/api/v1/me", headers=editor).status_code == 200
    assert Pages(b).post("/logout", token_from="/inbox").status_code == 302
    assert a.get("/inbox").status_code == 302  # the copy host A still holds is refused there too
    assert b.get("/inbox").status_code == 302
    assert a.get("/api/v1/me", headers=editor).status_code == 401


def test_a_version_deployed_through_one_host_starts_the_next_case_on_the_other(hosts, staff):
    a, b = hosts
    admin, peksos = bearer(a, "admin"), bearer(b, "peksos")
    assert deploy(a, admin, "Uji beberapa host") == 1
    first = register(b, peksos, staff.unit_id, "3171010000000001")  # host B compiles and caches version 1
    assert first["version"] == 1
    assert deploy(a, admin, "Uji beberapa host, versi kedua") == 2
    second = register(b, peksos, staff.unit_id, "3171010000000002")
    assert second["version"] == 2
    # the case on version 1 goes on, on either host
    task = next(t for t in first["open_tasks"] if t["element_id"] == "Task_catat")
    done = a.post(f"/api/v1/tasks/{task['id']}/complete", headers=peksos, json={"data": {"catatan": "ok"}})
    assert done.status_code == 200, done.json
