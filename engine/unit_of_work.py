"""One transaction per business operation. It rolls back unless ``commit()`` is called."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from .errors import NotFound
from .models import Case


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker, write: bool = True):
        self._session_factory = session_factory
        self._write = write
        self.session: Session | None = None

    def __enter__(self) -> UnitOfWork:
        # On SQLite the write flag makes each transaction BEGIN IMMEDIATE (see engine.db).
        options = {"atensi_write": True} if self._write else {}
        self.session = self._session_factory(execution_options=options)
        return self

    def __exit__(self, *exc_info):
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()
        self.session.info.clear()  # per-transaction caches (see case_sync.open_task_rows)

    def lock_case(self, case_id: int) -> Case:
        """Take the case's row lock before reading it; concurrent writers of one case queue here."""
        case = self.session.scalars(
            update(Case).where(Case.id == case_id).values(lock_version=Case.lock_version + 1).returning(Case),
            execution_options={"populate_existing": True},
        ).first()
        if case is None:
            raise NotFound(f"case {case_id} not found")
        return case
