"""Case notes: any worker of the unit writes them; the author corrects within the window; immutable after."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import clock as engine_clock
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.privacy.consent import Consents
from engine.storage.models import AccessLogEntry, HistoryEvent


def kinds(session_factory, case_id) -> list[str]:
    with session_factory() as session:
        return list(session.scalars(select(HistoryEvent.kind).where(HistoryEvent.case_id == case_id)
                                    .order_by(HistoryEvent.id)))


def log_rows(session_factory, case_id) -> list[tuple[str, str, str]]:
    with session_factory() as session:
        return [(e.actor, e.action, e.object_type) for e in session.scalars(
            select(AccessLogEntry).where(AccessLogEntry.case_id == case_id).order_by(AccessLogEntry.id))]


def test_each_worker_of_the_unit_and_its_supervisor_add_notes_that_list_with_author_and_time(
        casefile, case_id, staff, clock, session_factory):
    for user in ("peksos", "konselor", "supervisor"):
        casefile.notes.add(case_id, f"Catatan dari {user}", staff.actor(user))
    notes = casefile.notes.listed(case_id, staff.actor("peksos2"))
    assert [(n.author, n.text) for n in notes] == [
        ("peksos", "Catatan dari peksos"), ("konselor", "Catatan dari konselor"),
        ("supervisor", "Catatan dari supervisor")]
    assert {n.written_at for n in notes} == {engine_clock.now()}
    assert kinds(session_factory, case_id).count("note_added") == 3
    assert ("peksos2", "read", "notes") in log_rows(session_factory, case_id)
    assert ("konselor", "change", "case") in log_rows(session_factory, case_id)


def test_another_unit_an_admin_and_an_empty_text_are_refused(casefile, case_id, staff):
    with pytest.raises(Forbidden):
        casefile.notes.add(case_id, "bukan unit saya", staff.actor("asing"))
    with pytest.raises(Forbidden):
        casefile.notes.listed(case_id, staff.actor("asing"))
    with pytest.raises(Forbidden):
        casefile.notes.add(case_id, "admin bukan petugas kasus", staff.actor("admin"))
    with pytest.raises(InvalidInput) as refused:
        casefile.notes.add(case_id, "   ", staff.actor("peksos"))
    assert refused.value.fields == {"text": ["1 to 5000 characters"]}
    with pytest.raises(NotFound):
        casefile.notes.add(999999, "tidak ada", staff.actor("peksos"))


def test_the_author_corrects_a_note_within_fifteen_minutes_and_not_after(casefile, case_id, staff, clock):
    note = casefile.notes.add(case_id, "PM datang terlambat", staff.actor("peksos"))
    clock.shift(timedelta(minutes=14))
    corrected = casefile.notes.correct(case_id, note.id, "PM datang tepat waktu", staff.actor("peksos"))
    assert (corrected.text, corrected.corrected_at is not None) == ("PM datang tepat waktu", True)
    with pytest.raises(Forbidden):  # only its author
        casefile.notes.correct(case_id, note.id, "versi supervisor", staff.actor("supervisor"))
    clock.shift(timedelta(minutes=2))
    with pytest.raises(Conflict, match="add a new note"):
        casefile.notes.correct(case_id, note.id, "terlambat lagi", staff.actor("peksos"))
    correction = casefile.notes.add(case_id, "Koreksi: PM datang 10 menit terlambat", staff.actor("peksos"),
                                    corrects=note.id)
    notes = casefile.notes.listed(case_id, staff.actor("peksos"))
    assert [(n.id, n.text, n.corrects_id) for n in notes] == [
        (note.id, "PM datang tepat waktu", None), (correction.id, "Koreksi: PM datang 10 menit terlambat", note.id)]


def test_a_correction_names_a_note_of_the_same_case(casefile, case_id, runtime, staff):
    from tests.case_driver import registration
    other = runtime.start_case("atensi_intake", registration(nik="3171011501900002"), staff.actor("peksos"))
    theirs = casefile.notes.add(other, "di kasus lain", staff.actor("peksos"))
    with pytest.raises(NotFound):
        casefile.notes.add(case_id, "koreksi", staff.actor("peksos"), corrects=theirs.id)
    with pytest.raises(NotFound):
        casefile.notes.correct(case_id, theirs.id, "koreksi", staff.actor("peksos"))


def test_a_suspended_case_takes_no_note_and_a_closed_one_does(casefile, case_id, staff, session_factory):
    consents = Consents(session_factory)
    consents.withdraw(case_id, "PM menolak", staff.actor("peksos"))
    with pytest.raises(Conflict, match="suspended"):
        casefile.notes.add(case_id, "setelah penarikan", staff.actor("supervisor"))
    consents.close_suspended(case_id, "PM tidak melanjutkan", staff.actor("supervisor"))
    assert casefile.notes.add(case_id, "Kasus ditutup; keluarga dihubungi.", staff.actor("supervisor")).id
