"""Documents: PDF, JPEG, PNG told from the content; a size limit; stored outside the database with their
SHA-256; downloads in the access log; nothing half written when something fails."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from engine import clock as engine_clock
from engine.casefile.documents import clean_name
from engine.errors import Forbidden, InvalidInput, NotFound, TooLarge, UnsupportedType
from engine.privacy import retention
from engine.privacy.consent import Consents
from engine.privacy.subject_access import SubjectAccess
from engine.storage.models import AccessLogEntry, CaseDocument, CaseNote, HistoryEvent
from tests.casefile import samples

NIK = "3171011501900001"


def rows(session_factory) -> list[CaseDocument]:
    with session_factory() as session:
        return list(session.scalars(select(CaseDocument)))


def test_a_pdf_a_jpeg_and_a_png_are_kept_outside_the_database_with_their_hash(
        casefile, case_id, staff, store, session_factory):
    uploads = [("formulir_persetujuan", "persetujuan.pdf", samples.PDF),
               ("hasil_tes_urine", "urine.JPG", samples.JPEG),
               ("foto_kunjungan_rumah", "C:\\foto\\rumah.png", samples.png())]
    for kind, name, content in uploads:
        casefile.documents.upload(case_id, kind, name, content, staff.actor("peksos"))
    listed = casefile.documents.listed(case_id, staff.actor("konselor"))
    assert [(d.kind, d.name, d.media_type) for d in listed] == [
        ("formulir_persetujuan", "persetujuan.pdf", "application/pdf"),
        ("hasil_tes_urine", "urine.jpg", "image/jpeg"), ("foto_kunjungan_rumah", "rumah.png", "image/png")]
    for document, (_, _, content) in zip(listed, uploads, strict=True):
        assert (document.size, document.sha256) == (len(content), hashlib.sha256(content).hexdigest())
        assert store.get(document.storage_key) == content
        assert document.storage_key.startswith(f"cases/{case_id}/")
    with session_factory() as session:
        history = session.scalars(select(HistoryEvent).where(HistoryEvent.kind == "document_added")).all()
    assert [event.message for event in history] == ["persetujuan.pdf", "urine.jpg", "rumah.png"]


def test_the_type_comes_from_the_content_not_the_name(casefile, case_id, staff, store, session_factory):
    for name, content in (("surat.pdf", samples.HTML), ("foto.png", samples.GIF), ("kosong.pdf", b"%PD")):
        with pytest.raises(UnsupportedType) as refused:
            casefile.documents.upload(case_id, "surat_rujukan", name, content, staff.actor("peksos"))
        assert list(refused.value.fields) == ["file"]
    photo = casefile.documents.upload(case_id, "foto_kunjungan_rumah", "rumah.pdf", samples.png(),
                                      staff.actor("peksos"))
    assert (photo.media_type, photo.name) == ("image/png", "rumah.png")  # the name follows the content
    assert len(rows(session_factory)) == 1 and len(list(store.keys())) == 1


def test_too_large_an_empty_file_and_an_unknown_kind_name_their_field(casefile, case_id, staff, store):
    with pytest.raises(TooLarge) as too_large:
        casefile.documents.upload(case_id, "lainnya", "besar.pdf", samples.PDF + b"0" * 64 * 1024,
                                  staff.actor("peksos"))
    assert too_large.value.fields == {"file": ["at most 64 KB"]}
    with pytest.raises(InvalidInput) as empty:
        casefile.documents.upload(case_id, "lainnya", "kosong.pdf", b"", staff.actor("peksos"))
    with pytest.raises(InvalidInput) as unknown:
        casefile.documents.upload(case_id, "ktp", "ktp.pdf", samples.PDF, staff.actor("peksos"))
    assert (list(empty.value.fields), list(unknown.value.fields)) == (["file"], ["kind"])
    assert list(store.keys()) == []


def test_a_download_is_for_those_who_may_see_the_case_and_is_in_the_access_log(
        casefile, case_id, staff, session_factory):
    document = casefile.documents.upload(case_id, "surat_rujukan", "rujukan.pdf", samples.PDF, staff.actor("peksos"))
    found = casefile.documents.download(case_id, document.id, staff.actor("supervisor"))
    assert (found.content, found.document.name) == (samples.PDF, "rujukan.pdf")
    with pytest.raises(Forbidden):
        casefile.documents.download(case_id, document.id, staff.actor("asing"))
    with pytest.raises(NotFound):
        casefile.documents.download(case_id + 1, document.id, staff.actor("peksos"))
    with pytest.raises(Forbidden):
        casefile.documents.upload(case_id, "lainnya", "x.pdf", samples.PDF, staff.actor("asing"))
    with session_factory() as session:
        log = [(e.actor, e.action, e.object_type, e.object_id, e.detail) for e in session.scalars(
            select(AccessLogEntry).where(AccessLogEntry.case_id == case_id).order_by(AccessLogEntry.id))]
    assert ("supervisor", "read", "document", str(document.id), "rujukan.pdf") in log
    assert ("peksos", "change", "case", str(case_id), "document_added") in log
    assert ("peksos", "upload", "document", str(document.id), "rujukan.pdf") in log


def test_a_blob_that_cannot_be_written_leaves_no_row(casefile, case_id, staff, store, session_factory):
    (store.root / "cases").mkdir(parents=True)
    (store.root / "cases" / str(case_id)).write_bytes(b"a file where the case's folder belongs")
    with pytest.raises(OSError):
        casefile.documents.upload(case_id, "lainnya", "x.pdf", samples.PDF, staff.actor("peksos"))
    assert rows(session_factory) == []


def test_a_row_the_database_refuses_leaves_no_blob(casefile, case_id, staff, store, session_factory, db_engine):
    """The database refuses the row (a trigger, as a full disk or a broken connection would): the blob goes too."""
    refuse = {"sqlite": ["CREATE TRIGGER refuse BEFORE INSERT ON case_documents "
                         "BEGIN SELECT RAISE(ABORT, 'full'); END"],
              "postgresql": ["CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'full'; END $$ "
                             "LANGUAGE plpgsql",
                             "CREATE TRIGGER refuse BEFORE INSERT ON case_documents "
                             "FOR EACH ROW EXECUTE FUNCTION refuse()"]}
    refuse_pg = db_engine.dialect.name == "postgresql"
    with db_engine.begin() as connection:
        for statement in refuse[db_engine.dialect.name]:
            connection.execute(sa.text(statement))
    try:
        with pytest.raises(sa.exc.DatabaseError):
            casefile.documents.upload(case_id, "lainnya", "x.pdf", samples.PDF, staff.actor("peksos"))
    finally:  # a PostgreSQL run keeps its schema across tests
        with db_engine.begin() as connection:
            connection.execute(sa.text("DROP TRIGGER refuse" + (" ON case_documents" if refuse_pg else "")))
            if refuse_pg:
                connection.execute(sa.text("DROP FUNCTION refuse()"))
    assert rows(session_factory) == [] and list(store.keys()) == []


def test_a_blob_without_a_row_is_found_as_an_orphan(casefile, case_id, staff, store):
    kept = casefile.documents.upload(case_id, "lainnya", "x.pdf", samples.PDF, staff.actor("peksos"))
    store.put(f"cases/{case_id}/left-by-a-crash", samples.PDF)
    assert casefile.documents.orphans() == [f"cases/{case_id}/left-by-a-crash"]
    assert kept.storage_key in list(store.keys())


def test_subject_access_lists_the_documents_and_notes_and_retention_removes_them(
        casefile, case_id, staff, store, session_factory, clock):
    document = casefile.documents.upload(case_id, "formulir_persetujuan", "persetujuan.pdf", samples.PDF,
                                         staff.actor("peksos"))
    casefile.notes.add(case_id, "Keluarga Budi mendukung", staff.actor("peksos"))
    report = SubjectAccess(session_factory).report(NIK, staff.actor("admin"))
    assert [(d["name"], d["sha256"]) for d in report["cases"][0]["documents"]] == [("persetujuan.pdf", document.sha256)]
    assert [n["text"] for n in report["cases"][0]["notes"]] == ["Keluarga Budi mendukung"]
    consents = Consents(session_factory)
    consents.withdraw(case_id, "pindah kota", staff.actor("peksos"))
    consents.close_suspended(case_id, "PM tidak melanjutkan", staff.actor("supervisor"))
    later = engine_clock.now() + timedelta(days=365 * 6)
    with pytest.raises(RuntimeError, match="document store"):  # never rows gone and blobs kept
        retention.Retention(session_factory, years=5).apply(now=later)
    assert len(rows(session_factory)) == 1
    done = retention.Retention(session_factory, years=5, blobs=store).apply(now=later)
    assert [due.case_id for due in done] == [case_id]
    assert rows(session_factory) == [] and list(store.keys()) == []
    with session_factory() as session:
        assert list(session.scalars(select(CaseNote.text))) == [retention.ANONYMISED]
        names = session.scalars(select(HistoryEvent.message).where(HistoryEvent.kind == "document_added")).all()
    assert names == [""]


@pytest.mark.unit
def test_a_file_name_keeps_its_last_part_printable_with_the_contents_extension():
    assert clean_name("../../etc/passwd", "application/pdf") == "passwd.pdf"
    assert clean_name("laporan\x00\n.html", "image/png") == "laporan.png"
    assert clean_name("", "image/jpeg") == "dokumen.jpg"
    assert len(clean_name("a" * 500 + ".pdf", "application/pdf")) == 200
