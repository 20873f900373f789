"""Documents of a case: consent forms, urine-test results, referral letters, photos of a home visit.

PDF, JPEG and PNG only, told from the content's own signature (the ``filetype`` library), never
from the file name or the client's content type; at most ``document_max_bytes`` (product default
10 MiB). The content is kept outside the database (engine.casefile.blobs) under a key of its own,
with its SHA-256; the row holds case, uploader, time, kind, name, size, hash and key.

Nothing is lost half way: the blob is written first, inside the case's transaction, and removed
again when the row is not committed; a blob left by a crash between the two is listed by
``orphans`` (its key names the case). Every upload is a history event and an 'upload' row of
the access log (in the same transaction), and every download a 'read' row.
"""
from __future__ import annotations

import hashlib
import unicodedata
import uuid
from dataclasses import dataclass

import filetype
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from engine import clock
from engine.casefile.access import read_rows, require_writable, visible_case
from engine.casefile.blobs import BlobStore
from engine.cases import history
from engine.errors import InvalidInput, NotFound, TooLarge, UnsupportedType
from engine.people.access import Actor
from engine.privacy import access_log
from engine.storage.models import CaseDocument
from engine.storage.unit_of_work import UnitOfWork
from engine.vocabulary import DOCUMENT_KINDS

MEDIA_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
MAX_NAME = 200
KEY_PREFIX = "cases/"


@dataclass(frozen=True)
class Download:
    document: CaseDocument
    content: bytes


def media_type_of(content: bytes) -> str:
    """The type the content's signature says, if it is one we accept."""
    kind = filetype.guess(content[:8192])
    if kind is None or kind.mime not in MEDIA_TYPES:
        found = f" (it looks like {kind.mime})" if kind is not None else ""
        raise UnsupportedType("only PDF, JPEG and PNG files are accepted",
                              {"file": [f"the content is not a PDF, JPEG or PNG file{found}"]})
    return kind.mime


def clean_name(name: str | None, media_type: str) -> str:
    """The file name shown and offered on download: its last path part, printable, at most 200
    characters, ending in the extension of the type the content really is."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C").strip()
    stem = base.rsplit(".", 1)[0].strip(" .") if "." in base else base
    extension = MEDIA_TYPES[media_type]
    stem = (stem or "dokumen")[: MAX_NAME - len(extension) - 1]
    return f"{stem}.{extension}"


def size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.3g} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


class Documents:
    def __init__(self, session_factory: sessionmaker, store: BlobStore, max_bytes: int):
        self.session_factory, self.store, self.max_bytes = session_factory, store, max_bytes

    def check(self, kind: str, content: bytes) -> str:
        """The content's media type, or the 4xx that names what is wrong with the upload."""
        if kind not in DOCUMENT_KINDS:
            raise InvalidInput("unknown document kind", {"kind": [f"one of {', '.join(DOCUMENT_KINDS)}"]})
        if len(content) > self.max_bytes:
            raise TooLarge("the file is too large", {"file": [f"at most {size_text(self.max_bytes)}"]})
        if not content:
            raise InvalidInput("the file is empty", {"file": ["choose a PDF, JPEG or PNG file"]})
        return media_type_of(content)

    def upload(self, case_id: int, kind: str, name: str | None, content: bytes, actor: Actor) -> CaseDocument:
        media_type = self.check(kind, content)
        with UnitOfWork(self.session_factory) as uow:
            case = uow.lock_case(case_id)
            require_writable(case, actor)
            key = f"{KEY_PREFIX}{case.id}/{uuid.uuid4().hex}"
            document = CaseDocument(case_id=case.id, uploaded_by=actor.username, uploaded_at=clock.now(), kind=kind,
                                    name=clean_name(name, media_type), media_type=media_type, size=len(content),
                                    sha256=hashlib.sha256(content).hexdigest(), storage_key=key)
            self.store.put(key, content)
            try:
                uow.session.add(document)
                uow.session.flush()
                history.record(uow.session, case.id, actor.username, "document_added", document.name,
                               data={"document_id": document.id, "kind": kind, "sha256": document.sha256})
                access_log.write(uow.session, [access_log.entry(actor.username, "upload", "document", document.id,
                                                                case.id, case.unit_id, document.name)])
                uow.commit()
            except BaseException:
                self.store.delete(key)  # no blob without its row
                raise
            uow.session.expunge(document)
            return document

    def listed(self, case_id: int, actor: Actor) -> list[CaseDocument]:
        """The case's documents, oldest first; the read is in the access log."""
        return read_rows(self.session_factory, actor, case_id, "documents", CaseDocument)[1]

    def download(self, case_id: int, document_id: int, actor: Actor) -> Download:
        """The document and its content, for someone who may see the case; in the access log."""
        with self.session_factory() as session:
            case = visible_case(session, actor, case_id)
            document = session.get(CaseDocument, document_id)
            if document is None or document.case_id != case_id:
                raise NotFound(f"case {case_id} has no document {document_id}")
            session.expunge(document)
        content = self.store.get(document.storage_key)
        access_log.note(self.session_factory, actor, "read", "document", document_id, case_id, case.unit_id,
                        document.name)
        return Download(document, content)

    def orphans(self) -> list[str]:
        """Keys of blobs that no document row names (left by a crash between blob and row)."""
        with self.session_factory() as session:
            known = set(session.scalars(select(CaseDocument.storage_key)))
        return [key for key in self.store.keys(KEY_PREFIX) if key not in known]


def remove_rows(session: Session, case_id: int) -> list[str]:
    """Delete a case's document rows (retention); their blobs' keys, to delete once this commits."""
    keys = list(session.scalars(select(CaseDocument.storage_key).where(CaseDocument.case_id == case_id)))
    session.execute(delete(CaseDocument).where(CaseDocument.case_id == case_id))
    return keys
