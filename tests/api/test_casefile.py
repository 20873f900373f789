"""The case file over HTTP: notes and documents, their refusals as problem documents naming the field,
and downloads that are always attachments."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest

from tests.case_driver import registration
from tests.casefile import samples


@pytest.fixture
def case_ids(runtime, staff, deployed):
    """Starts a fresh case of the first unit, registered by peksos."""
    return lambda: runtime.start_case("atensi_intake", registration(), staff.actor("peksos"))


def upload(api, user, case_id, content, name="dokumen.pdf", kind="surat_rujukan"):
    return api.as_(user).post(f"/cases/{case_id}/documents", content_type="multipart/form-data",
                              data={"kind": kind, "file": (io.BytesIO(content), name)})


def test_a_note_is_added_corrected_within_the_window_and_then_only_by_a_new_note(api, case_ids, clock):
    case_id = case_ids()
    added = api.as_("peksos").post(f"/cases/{case_id}/notes", json={"text": "PM hadir bersama ibunya"})
    assert added.status_code == 201 and added.json["author"] == "peksos"
    note_id = added.json["id"]
    changed = api.as_("peksos").patch(f"/cases/{case_id}/notes/{note_id}", json={"text": "PM hadir bersama ayahnya"})
    assert (changed.status_code, changed.json["text"]) == (200, "PM hadir bersama ayahnya")
    assert api.as_("konselor").patch(f"/cases/{case_id}/notes/{note_id}", json={"text": "x"}).status_code == 403
    clock.shift(timedelta(minutes=16))
    api.forget_tokens()
    late = api.as_("peksos").patch(f"/cases/{case_id}/notes/{note_id}", json={"text": "lagi"})
    assert late.status_code == 409 and "new note" in late.json["detail"]
    correction = api.as_("peksos").post(f"/cases/{case_id}/notes", json={"text": "Koreksi: ayah dan ibu",
                                                                          "corrects": note_id})
    assert correction.status_code == 201 and correction.json["corrects_id"] == note_id
    listed = api.as_("supervisor").get(f"/cases/{case_id}/notes").json
    assert [(n["text"], n["corrects_id"]) for n in listed] == [("PM hadir bersama ayahnya", None),
                                                               ("Koreksi: ayah dan ibu", note_id)]
    kinds = [e["kind"] for e in api.as_("peksos").get(f"/cases/{case_id}/history").json]
    assert kinds.count("note_added") == 2 and kinds.count("note_corrected") == 1
    empty = api.as_("peksos").post(f"/cases/{case_id}/notes", json={"text": ""})
    assert empty.status_code == 422 and "text" in empty.json["fields"]


def test_an_uploaded_document_is_listed_and_downloads_as_an_attachment_of_its_real_type(api, case_ids):
    case_id = case_ids()
    created = upload(api, "peksos", case_id, samples.png(), name="<script>.html", kind="foto_kunjungan_rumah")
    assert created.status_code == 201, created.json
    assert (created.json["media_type"], created.json["name"]) == ("image/png", "<script>.png")
    listed = api.as_("konselor").get(f"/cases/{case_id}/documents").json
    assert [d["id"] for d in listed] == [created.json["id"]]
    download = api.as_("supervisor").get(f"/cases/{case_id}/documents/{created.json['id']}")
    assert download.status_code == 200 and download.data == samples.png()
    assert download.mimetype == "image/png"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download.headers["Cache-Control"]


def test_a_refused_upload_is_a_problem_naming_the_file_or_the_kind(api, case_ids, app):
    case_id = case_ids()
    html = upload(api, "peksos", case_id, samples.HTML, name="rujukan.pdf")
    assert (html.status_code, html.mimetype, list(html.json["fields"])) == (415, "application/problem+json", ["file"])
    app.extensions["atensi"].casefile.documents.max_bytes = 1024
    big = upload(api, "peksos", case_id, samples.PDF + b"0" * 2048)
    assert (big.status_code, big.json["fields"]) == (413, {"file": ["at most 1 KB"]})
    unknown = upload(api, "peksos", case_id, samples.PDF, kind="ktp")
    assert unknown.status_code == 422 and list(unknown.json["fields"]) == ["kind"]
    no_file = api.as_("peksos").post(f"/cases/{case_id}/documents", data={"kind": "lainnya"},
                                     content_type="multipart/form-data")
    assert no_file.status_code == 422 and "file" in no_file.json["fields"]
    assert api.as_("peksos").get(f"/cases/{case_id}/documents").json == []


def test_the_openapi_document_describes_the_case_file(api):
    paths = api.anonymous.get("/api/v1/openapi.json").json["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/cases/{case_id}/notes"])
    assert "multipart/form-data" in paths["/api/v1/cases/{case_id}/documents"]["post"]["requestBody"]["content"]
    assert "patch" in paths["/api/v1/cases/{case_id}/notes/{note_id}"]
