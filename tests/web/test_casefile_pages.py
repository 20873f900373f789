"""The case file on the case page: a note lands in the timeline with author and time, its author may
change it for a while, documents upload and download, and a refused upload says why beside its field."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest

from tests.case_driver import registration
from tests.casefile import samples
from tests.web.test_every_state_pages import text_of


@pytest.fixture
def case_id(runtime, staff, deployed):
    return runtime.start_case("atensi_intake", registration(), staff.actor("peksos"))


def test_a_note_shows_in_the_timeline_and_its_author_changes_it_until_the_window_closes(
        case_id, client, pages, clock):
    pages.login("peksos")
    added = pages.post(f"/cases/{case_id}/notes", {"text": "Ibu PM datang ke balai"}, token_from=f"/cases/{case_id}")
    assert added.status_code == 302
    page = client.get(f"/cases/{case_id}")
    timeline = text_of(page).split("Riwayat", 1)[1]
    assert "Catatan kasus" in timeline and "Ibu PM datang ke balai" in timeline and "peksos" in timeline
    note_id = int(re.search(r'id="note-(\d+)"', page.get_data(as_text=True)).group(1))
    assert "Ubah" in text_of(page)
    changed = pages.post(f"/cases/{case_id}/notes/{note_id}", {"text": "Ayah PM datang ke balai"},
                         token_from=f"/cases/{case_id}")
    assert changed.status_code == 302
    assert "Ayah PM datang ke balai" in text_of(client.get(f"/cases/{case_id}"))
    clock.shift(timedelta(minutes=20))
    pages.login("peksos")  # the sign-in is checked against the clock too
    page = text_of(client.get(f"/cases/{case_id}"))
    assert "Tulis koreksi" in page and "Simpan perubahan" not in page
    late = pages.post(f"/cases/{case_id}/notes/{note_id}", {"text": "lagi"}, token_from=f"/cases/{case_id}",
                      follow_redirects=True)
    assert "tidak dapat diubah lagi" in text_of(late)


def test_an_empty_note_is_refused_beside_its_field(case_id, pages):
    pages.login("konselor")
    refused = pages.post(f"/cases/{case_id}/notes", {"text": "  "}, token_from=f"/cases/{case_id}")
    assert refused.status_code == 422
    assert 'id="note-text-error"' in refused.get_data(as_text=True)


def test_a_document_uploads_lists_and_downloads_as_an_attachment(case_id, client, pages):
    pages.login("peksos")
    uploaded = pages.post(f"/cases/{case_id}/documents", {"kind": "surat_rujukan",
                                                         "file": (io.BytesIO(samples.PDF), "rujukan.pdf")},
                          token_from=f"/cases/{case_id}", content_type="multipart/form-data")
    assert uploaded.status_code == 302
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Surat rujukan" in page and "rujukan.pdf" in page and "Dokumen diunggah" in page
    link = re.search(rf'href="(/cases/{case_id}/documents/\d+)"', page).group(1)
    download = client.get(link)
    assert (download.status_code, download.data, download.mimetype) == (200, samples.PDF, "application/pdf")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("content", "kind", "status", "field", "says"), [
    (samples.HTML, "surat_rujukan", 415, "document-file-error", "isi berkas ini berjenis lain"),
    (samples.PDF + b"0" * 2048, "surat_rujukan", 413, "document-file-error", "Berkas terlalu besar: paling besar 1 KB"),
    (samples.PDF, "", 422, "document-kind-error", "Pilih jenis dokumen ini"),
])
def test_a_refused_upload_says_why_beside_its_field_and_keeps_nothing(
        case_id, app, client, pages, content, kind, status, field, says):
    app.extensions["atensi"].casefile.documents.max_bytes = 1024
    pages.login("peksos")
    refused = pages.post(f"/cases/{case_id}/documents", {"kind": kind, "file": (io.BytesIO(content), "x.pdf")},
                         token_from=f"/cases/{case_id}", content_type="multipart/form-data")
    assert refused.status_code == status
    html = refused.get_data(as_text=True)
    assert f'id="{field}"' in html and says in text_of(refused)
    assert "Belum ada dokumen" in text_of(client.get(f"/cases/{case_id}"))


def test_another_units_worker_neither_reads_nor_adds(case_id, client, pages, app, staff):
    document = app.extensions["atensi"].casefile.documents.upload(case_id, "lainnya", "a.pdf", samples.PDF,
                                                                  staff.actor("peksos"))
    pages.login("asing")
    assert client.get(f"/cases/{case_id}/documents/{document.id}").status_code == 403
    assert pages.post(f"/cases/{case_id}/notes", {"text": "x"}, token_from="/inbox").status_code == 403


def test_the_subject_access_report_lists_the_notes_and_documents(case_id, client, pages, app, staff):
    casefile = app.extensions["atensi"].casefile
    casefile.notes.add(case_id, "Keluarga mendukung", staff.actor("peksos"))
    document = casefile.documents.upload(case_id, "formulir_persetujuan", "setuju.pdf", samples.PDF,
                                         staff.actor("peksos"))
    pages.login("admin")
    page = text_of(client.get("/privacy/subject-access?nik=3171011501900001"))
    assert "peksos: Keluarga mendukung" in page
    assert "setuju.pdf (Formulir persetujuan, 1 KB)" in page and document.sha256 in page
    held = client.get("/privacy/subject-access.json?nik=3171011501900001").json["cases"][0]
    assert [d["sha256"] for d in held["documents"]] == [document.sha256]
    assert [n["text"] for n in held["notes"]] == ["Keluarga mendukung"]
