"""The case file around the tasks: notes (catatan kasus) and documents."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import sessionmaker

from engine.casefile.access import read_rows, writable
from engine.casefile.blobs import BlobStore, store_for
from engine.casefile.documents import Documents
from engine.casefile.notes import Notes
from engine.config import Settings
from engine.people.access import Actor
from engine.storage.models import CaseDocument, CaseNote


@dataclass
class CaseFile:
    notes: Notes
    documents: Documents

    @classmethod
    def build(cls, session_factory: sessionmaker, settings: Settings, store: BlobStore | None = None) -> CaseFile:
        store = store or store_for(settings.documents_url, settings.s3_endpoint_url)
        return cls(Notes(session_factory, settings.note_correction_minutes),
                   Documents(session_factory, store, settings.document_max_bytes))

    def for_page(self, case_id: int, actor: Actor) -> dict:
        """Notes and documents of a case for its page, read together (one row in the access log),
        with the ids of the caller's notes still open to correction."""
        case, notes, documents = read_rows(self.notes.session_factory, actor, case_id, "casefile",
                                           CaseNote, CaseDocument)
        correctable = {n.id for n in notes if n.author == actor.username and self.notes.correctable(n)}
        return {"notes": {n.id: n for n in notes}, "documents": documents, "correctable": correctable,
                "correction_minutes": self.notes.minutes, "writable": writable(case, actor)}
