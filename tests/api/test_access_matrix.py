"""Every endpoint, called by every role, by users of another unit, and by nobody: the status each gets.

Each call that may change something acts on its own fresh case, task, alert and incident, so one
user's success never changes what the next user finds; the reads of one row share one such world.
"""
from __future__ import annotations

import io
import uuid

from engine.config import BPMN_DIR
from engine.definitions.deployments import folder_bundles
from tests.api.world import World

USERS = ("anon", "peksos", "konselor", "supervisor", "admin", "asing", "asing_sup", "korwil")
IDENTIFIKASI = {"persetujuan_layanan": True, "kondisi_awal": "Tenang"}
CONSENT = {"party": "pm", "given_by": "Andi", "given_on": "2026-01-05", "scope": ["asesmen"]}

#  method, path, body, expected statuses in the order of USERS
#  (anon, peksos, konselor, supervisor, admin, asing = peksos of another unit, asing_sup = its supervisor,
#   korwil = koordinator wilayah of the first unit, a Balai over the other unit: it reads its own unit as a
#   colleague does, and the dashboards and reports of its region; it registers, reports and answers nothing)
MATRIX = [
    ("GET", "/me", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/users", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/users", "new_user", (401, 403, 403, 403, 201, 403, 403, 403)),
    ("GET", "/users/peksos", None, (401, 200, 200, 200, 200, 404, 404, 200)),
    ("PATCH", "/users/peksos2", {"full_name": "Peksos Dua"}, (401, 403, 403, 403, 200, 403, 403, 403)),
    ("GET", "/roles", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/units", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/units", "new_unit", (401, 403, 403, 403, 201, 403, 403, 403)),
    ("POST", "/cases", "new_case", (401, 201, 201, 201, 201, 403, 403, 403)),
    ("POST", "/cases", "same_nik", (401, 409, 409, 409, 409, 403, 403, 403)),  # the NIK is registered: who and where
    ("GET", "/pms/{pm}", None, (401, 200, 200, 200, 200, 403, 403, 200)),
    ("POST", "/pms/{pm}/merge", {"into": "{other_pm}", "reason": "sama orang"},
     (401, 403, 403, 200, 403, 403, 403, 403)),
    ("POST", "/case-responses", "new_response", (401, 201, 201, 201, 201, 403, 403, 403)),
    ("GET", "/cases", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/cases/{case}", None, (401, 200, 200, 200, 200, 403, 403, 200)),
    ("GET", "/cases/{case}/history", None, (401, 200, 200, 200, 200, 403, 403, 200)),
    ("GET", "/cases/{case}/diagram", None, (401, 200, 200, 200, 200, 403, 403, 200)),
    ("POST", "/cases/{case}/messages", {"name": "krisis"}, (401, 200, 200, 200, 200, 403, 403, 403)),  # at any stage
    ("GET", "/cases/{case}/actions", None, (401, 200, 200, 200, 200, 403, 403, 200)),
    # the pekerja sosial proposes termination, supervisors too (the start event's role property)
    ("POST", "/cases/{case}/actions/usulan_terminasi", {"alasan_terminasi": "selesai", "keterangan": "tujuan tercapai"},
     (401, 200, 403, 200, 403, 403, 403, 403)),
    ("POST", "/cases/{case}/actions/terminasi_dini", {"usulan": {}},  # thrown by the process itself
     (401, 409, 409, 409, 409, 403, 403, 403)),
    ("GET", "/tasks", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/tasks/{task}", None, (401, 200, 200, 200, 200, 403, 403, 200)),
    ("POST", "/tasks/{task}/claim", None, (401, 200, 403, 200, 403, 403, 403, 403)),
    ("POST", "/tasks/{task}/unclaim", "claimed", (401, 200, 403, 200, 403, 403, 403, 403)),
    ("POST", "/tasks/{task}/assign", {"username": "peksos2"}, (401, 403, 403, 200, 403, 403, 403, 403)),
    ("POST", "/tasks/{task}/complete", {"data": IDENTIFIKASI}, (401, 200, 403, 403, 403, 403, 403, 403)),
    ("GET", "/process-definitions", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/process-definitions", "deploy", (401, 403, 403, 200, 200, 403, 200, 403)),
    # a version of the other unit's own: an admin deploys it (201); its supervisor then deploys the same (200)
    ("POST", "/process-definitions", "deploy_for_other_unit", (401, 403, 403, 403, 201, 403, 200, 403)),
    ("GET", "/process-definitions/atensi_intake/versions/1/bpmn", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/alerts", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/alerts/{alert}/ack", None, (401, 200, 403, 403, 403, 403, 403, 403)),
    ("GET", "/incidents", None, (401, 403, 403, 200, 200, 403, 200, 403)),
    ("POST", "/incidents/{incident}/retry", None, (401, 403, 403, 200, 200, 403, 403, 403)),
    ("GET", "/cases/{case}/consents", None, (401, 200, 200, 200, 200, 403, 403, 200)),
    ("POST", "/cases/{case}/consents", CONSENT, (401, 201, 201, 201, 403, 403, 403, 403)),
    ("POST", "/cases/{case}/consent-withdrawal", {"reason": "PM menolak"}, (401, 200, 200, 200, 403, 403, 403, 403)),
    ("POST", "/cases/{case}/closure", {"reason": "x"}, (401, 403, 403, 409, 403, 403, 403, 403)),  # not suspended
    ("GET", "/access-log", None, (401, 403, 403, 200, 200, 403, 200, 403)),
    ("GET", "/subject-access?nik=3171011501900001", None, (401, 403, 403, 403, 200, 403, 403, 403)),
    # transfers and referrals (engine.cases.handover): asked by the case's unit, answered by the other unit
    # (409: allowed, but the fresh case already has a pending transfer; tests/api/test_handovers.py makes one)
    ("POST", "/cases/{case}/transfers", "transfer", (401, 409, 403, 409, 403, 403, 403, 403)),
    ("POST", "/cases/{case}/referrals", "referral", (401, 201, 403, 201, 403, 403, 403, 403)),
    ("GET", "/cases/{case}/handovers", None, (401, 200, 200, 200, 200, 403, 403, 200)),
    ("GET", "/handovers", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/handovers/{transfer}", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/handovers/{transfer}/answer", {"answer": "accepted"}, (401, 403, 403, 403, 403, 403, 200, 403)),
    ("POST", "/handovers/{referral}/answer", {"answer": "accepted"}, (401, 403, 403, 403, 403, 200, 200, 403)),
    # a sending unit after the transfer: the history until then, not the case as it is now
    ("GET", "/cases/{transferred}", None, (401, 403, 403, 403, 403, 200, 200, 403)),
    ("GET", "/cases/{transferred}/history", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    # a receiving unit of a referral: the referral, not the case
    ("GET", "/handovers/{referral}", None, (401, 200, 200, 200, 200, 200, 200, 200)),
    # the monthly report: a unit's supervisors and admin; a koordinator wilayah for its region's units too
    ("GET", "/reports/monthly?month=2026-01", None, (401, 403, 403, 200, 200, 403, 200, 200)),
    ("GET", "/reports/monthly?month=2026-01&unit_id={other_unit}", None, (401, 403, 403, 403, 403, 403, 200, 200)),
    ("GET", "/reports/monthly?month=2026-01&format=xlsx", None, (401, 403, 403, 200, 200, 403, 200, 200)),
    ("GET", "/dashboard", None, (401, 403, 403, 200, 200, 403, 200, 200)),
    ("GET", "/dashboard?unit_id={other_unit}", None, (401, 403, 403, 403, 403, 403, 200, 200)),
    ("GET", "/healthz", None, (200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/metrics", None, (200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/openapi.json", None, (200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/docs", None, (200, 200, 200, 200, 200, 200, 200, 200)),
]


def _body(kind, staff):
    """Request arguments for a body kind; fresh names so each user's create is new."""
    uniq = uuid.uuid4().hex[:8]
    pm = {"nama": "Andi", "nik": "3171011501900001", "tanggal_lahir": "1990-01-15", "jenis_kelamin": "L"}
    bodies = {
        "new_user": {"username": f"u{uniq}", "password": "rahasia-123", "roles": ["pekerja_sosial"],
                     "unit_id": staff.unit_id},
        "new_unit": {"code": f"LKS-{uniq}", "name": "LKS Baru", "kind": "lks"},
        "new_case": {"unit_id": staff.unit_id, "pm": pm, "confirm_new_case": True},
        "same_nik": {"unit_id": staff.unit_id, "pm": pm},
        "new_response": {"unit_id": staff.unit_id, "pm": {"nama": "Andi"}, "uraian": "overdosis"},
        "transfer": {"to_unit_id": staff.other_unit_id, "reason": "pindah", "consent_given_by": "Andi",
                     "consent_given_on": "2026-01-02"},
        "referral": {"to_unit_id": staff.other_unit_id, "service": "rehabilitasi_medis", "reason": "detoks"},
    }
    if kind == "deploy":  # the intake exactly as deployed already: 200, no new version
        bundle = next(b for b in folder_bundles(BPMN_DIR) if "atensi_intake.bpmn" in b)
        files = [(io.BytesIO(content), name) for name, content in bundle.items()]
        return {"data": {"note": "sama", "files": files}, "content_type": "multipart/form-data"}
    if kind == "deploy_for_other_unit":
        changed = _changed_intake("<!-- untuk LKS -->")
        changed["data"]["unit_id"] = str(staff.other_unit_id)
        return changed
    if isinstance(kind, dict):
        return {"json": kind}
    return {"json": bodies[kind]} if kind in bodies else {}


def test_every_endpoint_answers_every_role_and_other_units_as_the_access_rules_say(
        api, runtime, staff, deployed, other_supervisor, regional_coordinator):
    world = World(runtime, staff)
    wrong = []
    for method, path, body, expected in MATRIX:
        shared = world.fresh() if method == "GET" else None  # a read changes nothing the next user finds
        got = tuple(_call(api, world, staff, user, method, path, body, shared) for user in USERS)
        if got != expected:
            wrong.append(f"{method} {path}: expected {expected}, got {got}")
    assert not wrong, "\n".join(["users: " + ", ".join(USERS), *wrong])


def _call(api, world, staff, user, method, path, body, shared: dict | None = None) -> int:
    ids = shared or world.fresh(claimed_by="peksos" if body == "claimed" else None)
    caller = api.anonymous if user == "anon" else api.as_(user)
    if isinstance(body, dict):  # "{other_pm}": an id of this call's fresh world
        body = {key: ids[value[1:-1]] if isinstance(value, str) and value[1:-1] in ids else value
                for key, value in body.items()}
    response = caller._call(method, path.format(**ids), **_body(body, staff))
    if response.status_code >= 400:  # every refusal is problem+json with its status
        assert response.mimetype == "application/problem+json", (user, method, path, response.data[:200])
        assert response.json["status"] == response.status_code
    return response.status_code


def test_another_units_supervisor_deploys_their_units_own_version_which_only_they_and_admins_can_see(
        api, staff, deployed, other_supervisor, regional_coordinator):
    """Process ownership: the second unit's redesign neither reaches the first unit's cases nor its lists."""
    changed = _changed_intake()
    deployed_by_them = api.as_("asing_sup").post("/process-definitions", **changed)
    assert deployed_by_them.status_code == 201
    theirs = deployed_by_them.json["version"]
    path = f"/process-definitions/atensi_intake/versions/{theirs}/bpmn"
    assert tuple(_status(api, user, "GET", path) for user in USERS) == (401, 404, 404, 404, 200, 200, 200, 404)
    new_case = api.as_("peksos").post("/cases", json=_body("new_case", staff)["json"]).json
    assert api.as_("peksos").get(f"/cases/{new_case['id']}").json["version"] == deployed["atensi_intake"].version
    their_case = api.as_("asing").post("/cases", json={**_body("new_case", staff)["json"],
                                                        "unit_id": staff.other_unit_id}).json
    assert api.as_("asing").get(f"/cases/{their_case['id']}").json["version"] == theirs


def test_an_admin_deploys_a_version_for_one_chosen_unit_which_only_that_units_new_cases_start_on(
        api, staff, deployed):
    changed = _changed_intake("<!-- admin untuk LKS -->")
    response = api.as_("admin").post("/process-definitions", data={**changed["data"], "unit_id": staff.other_unit_id},
                                     content_type="multipart/form-data")
    assert response.status_code == 201
    theirs = response.json["version"]
    new_case = api.as_("peksos").post("/cases", json=_body("new_case", staff)["json"]).json
    assert api.as_("peksos").get(f"/cases/{new_case['id']}").json["version"] == deployed["atensi_intake"].version
    their_case = api.as_("asing").post("/cases", json={**_body("new_case", staff)["json"],
                                                        "unit_id": staff.other_unit_id}).json
    assert api.as_("asing").get(f"/cases/{their_case['id']}").json["version"] == theirs
    missing = api.as_("admin").post("/process-definitions", data={**_changed_intake("<!-- x -->")["data"],
                                                                   "unit_id": 999_999},
                                    content_type="multipart/form-data")
    assert missing.status_code == 404 and "unit 999999" in missing.json["detail"]


def _changed_intake(marker: str = "<!-- LKS -->") -> dict:
    bundle = next(b for b in folder_bundles(BPMN_DIR) if "atensi_intake.bpmn" in b)
    bundle["atensi_intake.bpmn"] = bundle["atensi_intake.bpmn"].replace(
        b"</bpmn:definitions>", marker.encode() + b"\n</bpmn:definitions>")
    files = [(io.BytesIO(content), name) for name, content in bundle.items()]
    return {"data": {"note": "LKS", "files": files}, "content_type": "multipart/form-data"}


def _status(api, user, method, path) -> int:
    caller = api.anonymous if user == "anon" else api.as_(user)
    return caller._call(method, path).status_code


def test_a_regional_coordinator_reads_the_dashboards_of_its_region_and_acts_on_no_case(
        api, runtime, staff, deployed, other_supervisor, session_factory):
    """The Balai (staff.unit) is over the LKS (staff.other_unit); its koordinator wilayah reads the LKS's
    dashboard but neither its cases nor its tasks; the LKS's supervisor does not read the Balai's."""
    from engine.people import accounts
    from engine.storage.models import Unit
    from tests.conftest import PASSWORD, QUICK_PASSWORDS

    with session_factory() as session:
        session.get(Unit, staff.other_unit_id).parent_unit_id = staff.unit_id
        accounts.create_user(session, "korwil", PASSWORD, ["koordinator_wilayah"], staff.unit_id,
                             passwords=QUICK_PASSWORDS)
        session.commit()
    theirs = api.as_("asing").post("/cases", json={**_body("new_case", staff)["json"], "unit_id": staff.other_unit_id})
    task = api.as_("asing").get(f"/tasks?case_id={theirs.json['id']}").json["items"][0]["id"]
    api.as_("asing").post(f"/tasks/{task}/unclaim")  # the registering worker took it: back to the queue
    other = f"/dashboard?unit_id={staff.other_unit_id}"
    own = f"/dashboard?unit_id={staff.unit_id}"
    calls = [("GET", "/dashboard"), ("GET", own), ("GET", other), ("GET", "/dashboard/units"),
             ("GET", f"/cases/{theirs.json['id']}"), ("POST", f"/tasks/{task}/claim"),
             ("GET", "/dashboard?unit_id=999999")]
    expected = {
        "korwil": (200, 200, 200, 200, 403, 403, 404),
        "supervisor": (200, 200, 403, 200, 403, 403, 404),
        "peksos": (403, 403, 403, 200, 403, 403, 404),
        "asing_sup": (200, 403, 200, 200, 200, 200, 404),
    }
    got = {user: tuple(api.as_(user)._call(method, path).status_code for method, path in calls) for user in expected}
    assert got == expected
    region = api.as_("korwil").get("/dashboard/units").json
    assert [u["id"] for u in region] == [staff.unit_id, staff.other_unit_id]
    assert all(d["pm_name"] == "" for d in api.as_("korwil").get(other).json["deadlines"])
