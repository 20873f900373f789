"""Notes and documents on a case in each state the engine and the scheduler produce (tests/every_state.py):
every role of the unit reads them, the case's workers add to them, another unit gets 403. A suspended
case (consent withdrawn) takes nothing new, and only supervisors read it."""
from __future__ import annotations

import io

from tests.casefile import samples

ROLES = ("peksos", "konselor", "supervisor", "admin")


def test_notes_and_documents_work_on_a_case_in_each_state(api, every_state):
    for state, case_id in every_state.cases.items():
        if state == "suspended":
            continue
        note = api.as_("konselor").post(f"/cases/{case_id}/notes", json={"text": f"Catatan pada kasus {state}"})
        assert note.status_code == 201, (state, note.json)
        document = api.as_("peksos").post(f"/cases/{case_id}/documents", content_type="multipart/form-data",
                                          data={"kind": "lainnya", "file": (io.BytesIO(samples.png()), "f.png")})
        assert document.status_code == 201, (state, document.json)
        for username in ROLES:
            user = api.as_(username)
            assert [n["text"] for n in user.get(f"/cases/{case_id}/notes").json] == [f"Catatan pada kasus {state}"]
            assert user.get(f"/cases/{case_id}/documents/{document.json['id']}").data == samples.png()
        assert api.as_("asing").get(f"/cases/{case_id}/notes").status_code == 403
        assert api.as_("asing").get(f"/cases/{case_id}/documents").status_code == 403
        kinds = [e["kind"] for e in api.as_("peksos").get(f"/cases/{case_id}/history").json]
        assert kinds[-2:] == ["note_added", "document_added"], state


def test_a_suspended_case_takes_no_new_note_or_document_and_only_supervisors_read_its_file(api, every_state):
    case_id = every_state["suspended"]
    assert api.as_("konselor").post(f"/cases/{case_id}/notes", json={"text": "Catatan"}).status_code == 409
    document = api.as_("peksos").post(f"/cases/{case_id}/documents", content_type="multipart/form-data",
                                      data={"kind": "lainnya", "file": (io.BytesIO(samples.png()), "f.png")})
    assert document.status_code == 409
    for username, status in (("peksos", 403), ("konselor", 403), ("supervisor", 200), ("asing", 403)):
        assert api.as_(username).get(f"/cases/{case_id}/notes").status_code == status, username
