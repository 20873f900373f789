"""Case notes (catatan kasus): written at any time by the workers of the case's unit and its
supervisors, shown in the case timeline with author and time.

A note's author may correct its text within a short window (``note_correction_minutes``, product
default 15); after that the note is immutable and a correction is a new note naming the old one.
Each note and each correction is a history event (so also a 'change' row of the access log);
reading the notes is a 'read' row like reading the case.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from engine import clock
from engine.casefile.access import read_rows, require_writable
from engine.cases import history
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.people.access import Actor
from engine.storage.models import CaseNote
from engine.storage.unit_of_work import UnitOfWork

MAX_TEXT = 5000


def check_text(text) -> str:
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        raise InvalidInput("a note needs text", {"text": [f"1 to {MAX_TEXT} characters"]})
    return text.strip()


class Notes:
    def __init__(self, session_factory: sessionmaker, correction_minutes: float = 15.0):
        self.session_factory = session_factory
        self.window = timedelta(minutes=correction_minutes)

    def add(self, case_id: int, text, actor: Actor, corrects: int | None = None) -> CaseNote:
        """A new note; ``corrects`` names an earlier note of the case it corrects."""
        text = check_text(text)
        with UnitOfWork(self.session_factory) as uow:
            case = uow.lock_case(case_id)
            require_writable(case, actor)
            if corrects is not None:
                _note_of(uow.session, case.id, corrects)
            note = CaseNote(case_id=case.id, author=actor.username, written_at=clock.now(), text=text,
                            corrects_id=corrects)
            uow.session.add(note)
            uow.session.flush()
            history.record(uow.session, case.id, actor.username, "note_added",
                           data={"note_id": note.id, "corrects": corrects})
            uow.commit()
            uow.session.expunge(note)
            return note

    def correct(self, case_id: int, note_id: int, text, actor: Actor) -> CaseNote:
        """Change a note's text: only its author, only within the window."""
        text = check_text(text)
        with UnitOfWork(self.session_factory) as uow:
            case = uow.lock_case(case_id)
            require_writable(case, actor)
            note = _note_of(uow.session, case.id, note_id)
            if note.author != actor.username:
                raise Forbidden("only the author of a note may correct it; add a new note instead")
            if not self.correctable(note):
                raise Conflict(f"note {note_id} can no longer be changed (only within {self.minutes:g} minutes "
                               "of writing it): add a new note that corrects it")
            note.text, note.corrected_at = text, clock.now()
            history.record(uow.session, case.id, actor.username, "note_corrected", data={"note_id": note.id})
            uow.commit()
            uow.session.expunge(note)
            return note

    @property
    def minutes(self) -> float:
        return self.window.total_seconds() / 60

    def correctable(self, note: CaseNote) -> bool:
        return clock.now() - clock.as_utc(note.written_at) <= self.window

    def listed(self, case_id: int, actor: Actor) -> list[CaseNote]:
        """The case's notes, oldest first; the read is in the access log."""
        return read_rows(self.session_factory, actor, case_id, "notes", CaseNote)[1]


def _note_of(session: Session, case_id: int, note_id) -> CaseNote:
    note = session.get(CaseNote, note_id) if isinstance(note_id, int) else None
    if note is None or note.case_id != case_id:
        raise NotFound(f"case {case_id} has no note {note_id}")
    return note
