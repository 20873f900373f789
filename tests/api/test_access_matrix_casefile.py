"""The case file's endpoints in the access matrix (tests/api/test_access_matrix.py): every role, users of
another unit and nobody, each call on a fresh case with a note by peksos and a document."""
from __future__ import annotations

import io

from tests.api.test_access_matrix import USERS
from tests.api.world import World
from tests.casefile import samples


def _upload():
    return {"data": {"kind": "hasil_tes_urine", "file": (io.BytesIO(samples.PDF), "urine.pdf")},
            "content_type": "multipart/form-data"}


#  method, path, request arguments, expected statuses in the order of USERS
#  (anon, peksos, konselor, supervisor, admin, asing = peksos of another unit, asing_sup = its supervisor,
#  korwil = koordinator wilayah of the case's unit: reads, never writes)
MATRIX = [
    ("GET", "/cases/{case}/notes", {}, (401, 200, 200, 200, 200, 403, 403, 200)),
    ("POST", "/cases/{case}/notes", {"json": {"text": "Kunjungan rumah"}}, (401, 201, 201, 201, 403, 403, 403, 403)),
    ("PATCH", "/cases/{case}/notes/{note}", {"json": {"text": "diubah"}}, (401, 200, 403, 403, 403, 403, 403, 403)),
    ("GET", "/cases/{case}/documents", {}, (401, 200, 200, 200, 200, 403, 403, 200)),
    ("POST", "/cases/{case}/documents", "upload", (401, 201, 201, 201, 403, 403, 403, 403)),
    ("GET", "/cases/{case}/documents/{document}", {}, (401, 200, 200, 200, 200, 403, 403, 200)),
]


def test_the_case_files_endpoints_answer_every_role_and_other_units_as_the_access_rules_say(
        api, app, runtime, staff, deployed, other_supervisor, regional_coordinator):
    world, casefile = World(runtime, staff), app.extensions["atensi"].casefile
    wrong = []
    for method, path, arguments, expected in MATRIX:
        got = []
        for user in USERS:
            ids = world.fresh()
            ids["note"] = casefile.notes.add(ids["case"], "Catatan awal", staff.actor("peksos")).id
            ids["document"] = casefile.documents.upload(ids["case"], "surat_rujukan", "rujukan.pdf", samples.PDF,
                                                        staff.actor("peksos")).id
            caller = api.anonymous if user == "anon" else api.as_(user)
            response = caller._call(method, path.format(**ids), **(_upload() if arguments == "upload" else arguments))
            if response.status_code >= 400:
                assert response.mimetype == "application/problem+json", (user, method, path)
            got.append(response.status_code)
        if tuple(got) != expected:
            wrong.append(f"{method} {path}: expected {expected}, got {tuple(got)}")
    assert not wrong, "\n".join(["users: " + ", ".join(USERS), *wrong])
