"""One transaction per business operation. It rolls back unless ``commit()`` is called."""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload, sessionmaker

from engine.cases import sandbox_pool
from engine.definitions import versions
from engine.errors import NotFound
from engine.storage.models import Case, HumanTask, ProcessVersion


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker, write: bool = True):
        self._session_factory = session_factory
        self._write = write
        self.session: Session | None = None

    def __enter__(self) -> UnitOfWork:
        if self._write:  # a sandbox worker's start-up is waited for here, never under a case's lock
            sandbox_pool.ready()
        # The operation's scripts share one wall-clock deadline (see sandbox_pool.operation).
        self._operation = sandbox_pool.operation()
        self._operation.__enter__()
        # On SQLite the write flag makes each transaction BEGIN IMMEDIATE (see engine.storage.db).
        options = {"atensi_write": True} if self._write else {}
        self.session = self._session_factory(execution_options=options)
        return self

    def __exit__(self, *exc_info):
        try:
            self.session.rollback()
        finally:
            self.session.close()
            self._operation.__exit__(None, None, None)

    def commit(self) -> None:
        self.session.commit()
        self.session.info.clear()  # per-transaction caches (see case_sync.open_task_rows)
        sandbox_pool.restart_clock()  # the commit released the locks

    def lock_case(self, case_id: int) -> Case:
        """Take the case's row lock before reading it; concurrent writers of one case queue here."""
        case = self._lock(_LOCK_BY_ID, {"case_id": case_id})
        if case is None:
            raise NotFound(f"case {case_id} not found")
        return case

    def lock_case_of_task(self, task_id: str) -> Case:
        """lock_case for the case that holds a task, in the same single statement."""
        case = self._lock(_LOCK_BY_TASK, {"task_id": task_id})
        if case is None:
            raise NotFound(f"task {task_id} not found")
        return case

    def _lock(self, statement, params: dict) -> Case | None:
        assert self._write, "a read-only unit of work cannot lock a case"
        row = self.session.execute(statement, params, execution_options={"populate_existing": True}
                                   ).unique().one_or_none()
        if row is None:
            return None
        case, content_hash = row
        sandbox_pool.start_clock()  # the lock is held from here: the scripts' deadline counts from now
        versions.remember_hash(self.session, case.process_version_id, content_hash)
        return case


# PostgreSQL: SELECT … FOR UPDATE. SQLite has no row locks and renders no FOR UPDATE, but a
# writing unit of work began with BEGIN IMMEDIATE and so already holds the write lock.
# The case's open tasks and its version's content hash come back with the row, so that loading
# the case costs no further query (see case_sync.open_task_rows, versions.compiled).
# Built once: building the statement cost as much as running it.
_LOCK = (
    select(Case, select(ProcessVersion.content_hash)
           .where(ProcessVersion.id == Case.process_version_id).scalar_subquery())
    .options(joinedload(Case.open_tasks))
    .with_for_update(of=Case)
)
_LOCK_BY_ID = _LOCK.where(Case.id == bindparam("case_id"))
_LOCK_BY_TASK = _LOCK.where(
    Case.id == select(HumanTask.case_id).where(HumanTask.id == bindparam("task_id")).scalar_subquery())
