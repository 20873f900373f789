"""Two web hosts (two apps, as two gunicorn hosts would build them) over one database, behind a load
balancer without sticky sessions: nothing one host keeps to itself may be missed by the other.
A page sign-in, an editor token and a deploy made through one host hold on the other; signing out on
one ends the sign-in on both; a version deployed through one starts the other's next case although
the other had the older version compiled in its cache; a document uploaded through one is read
through the other, and a host set up with a document folder of its own says what is wrong (503)."""
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


def two_hosts(database_url: str, documents: list[str | None]):
    apps = [create_app({"ATENSI_SETTINGS": settings_for(database_url, **({"documents_url": d} if d else {})),
                        "TESTING": True}) for d in documents]
    yield [app.test_client() for app in apps]
    for app in apps:
        app.extensions["atensi"].db.dispose()


@pytest.fixture
def hosts(database_url, staff):
    """Host A and host B: their own app, sandbox and caches, one database, one secret, one document store."""
    yield from two_hosts(database_url, [None, None])


@pytest.fixture
def hosts_with_own_folders(database_url, staff, tmp_path):
    """Set up wrongly: each host keeps documents in a folder of its own."""
    yield from two_hosts(database_url, [str(tmp_path / "host-a"), str(tmp_path / "host-b")])


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


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def upload(client, headers: dict, case_id: int) -> int:
    answer = client.post(f"/api/v1/cases/{case_id}/documents", headers=headers, content_type="multipart/form-data",
                         data={"kind": "lainnya", "file": (BytesIO(PDF), "surat.pdf")})
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def test_a_document_uploaded_through_one_host_is_read_through_the_other(hosts, staff):
    a, b = hosts
    deploy(a, bearer(a, "admin"), "Uji beberapa host")
    peksos = bearer(a, "peksos")
    case = register(a, peksos, staff.unit_id, "3171010000000003")
    document = upload(a, peksos, case["id"])
    read = b.get(f"/api/v1/cases/{case['id']}/documents/{document}", headers=peksos)
    assert read.status_code == 200 and read.data == PDF


def test_a_host_with_a_document_folder_of_its_own_says_so_instead_of_failing(hosts_with_own_folders, staff):
    a, b = hosts_with_own_folders
    deploy(a, bearer(a, "admin"), "Uji beberapa host")
    peksos = bearer(a, "peksos")
    case = register(a, peksos, staff.unit_id, "3171010000000004")
    document = upload(a, peksos, case["id"])
    assert a.get(f"/api/v1/cases/{case['id']}/documents/{document}", headers=peksos).status_code == 200
    elsewhere = b.get(f"/api/v1/cases/{case['id']}/documents/{document}", headers=peksos)
    assert elsewhere.status_code == 503, elsewhere.data
    assert "the same ATENSI_DOCUMENTS_URL" in elsewhere.json["detail"]
