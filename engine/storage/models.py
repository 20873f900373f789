"""The tables. One class per table; behaviour lives in the service modules, not here."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from engine import clock
from engine.vocabulary import CASE_ACTIVE, DELIVERY_PENDING, HANDOVER_PENDING, INCIDENT_OPEN, TASK_OPEN

JSONType = JSON().with_variant(JSONB(), "postgresql")
# Ids, version numbers and counts are INTEGER: 32 bits on PostgreSQL. A larger number names nothing.
MAX_INTEGER = 2_147_483_647


class UTCDateTime(TypeDecorator):
    """Stores offset-aware UTC; gives back aware datetimes on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        return None if value is None else clock.as_utc(value)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict: JSONType, list: JSONType}


# --- people ------------------------------------------------------------------------------------


class Unit(Base):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # balai | ipwl | lks
    # The region's Balai over this unit (seed 003): its koordinator wilayah reads this unit's dashboard.
    parent_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Every token and cookie carries the version it was issued under; raising it ends them all.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    unit: Mapped[Unit] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> list[str]:
        return sorted(r.role for r in self.role_rows)


class SavedFilter(Base):
    """A user's named inbox filter (stage, sort, overdue only), to apply again with one click."""

    __tablename__ = "saved_filters"
    __table_args__ = (UniqueConstraint("user_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    filters: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class UserRole(Base):
    __tablename__ = "user_roles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(40), primary_key=True)


# --- process definitions -----------------------------------------------------------------------


class ProcessVersion(Base):
    __tablename__ = "process_versions"
    __table_args__ = (
        UniqueConstraint("process_key", "version"),
        UniqueConstraint("process_key", "unit_id", "content_hash"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(120), index=True)
    version: Mapped[int] = mapped_column(Integer)  # numbered across units, so a number names one version
    # None: the national version (deployed by an admin); else only this unit's new cases start on it.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    name: Mapped[str] = mapped_column(String(300), default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    # The serialized SpiffWorkflow spec, stored once per version; engine.definitions.versions caches it restored.
    # Plain JSON, not JSONB: SpiffWorkflow restores tasks in key order (parents before children).
    spec: Mapped[dict] = mapped_column(JSON, deferred=True)
    meta: Mapped[dict] = mapped_column(deferred=True)  # per-element facts the engine reads: roles, forms, due, stages
    note: Mapped[str] = mapped_column(Text, default="")
    deployed_by: Mapped[str | None] = mapped_column(String(80))
    deployed_at: Mapped[datetime] = mapped_column(default=clock.now)
    files: Mapped[list[ProcessFile]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ProcessFile.name"
    )


class ProcessFile(Base):
    __tablename__ = "process_files"
    version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # bpmn | dmn | form | scenario
    content: Mapped[bytes] = mapped_column(LargeBinary)


# --- cases -------------------------------------------------------------------------------------


class Pm(Base):
    """A PM (penerima manfaat) as a person: one record across their cases (a re-admission, a case
    response). Lookups by NIK and by normalised name + date of birth find duplicates (engine.pms)."""

    __tablename__ = "pms"
    __table_args__ = (Index("ix_pms_name_birth", "name_key", "birth_date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    name_key: Mapped[str] = mapped_column(String(200), default="")  # the name normalised for matching
    nik: Mapped[str | None] = mapped_column(String(16), index=True)
    birth_date: Mapped[str | None] = mapped_column(String(10))  # ISO date
    sex: Mapped[str | None] = mapped_column(String(1))  # L | P
    address: Mapped[str] = mapped_column(Text, default="")
    family_contact: Mapped[str] = mapped_column(String(200), default="")
    guardian: Mapped[dict] = mapped_column(default=dict)  # a child's wali: name, relation, contact
    # Set when a supervisor merged this record into another; its cases moved there.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("pms.id"))
    created_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    anonymised_at: Mapped[datetime | None] = mapped_column()


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_unit_status_stage", "unit_id", "status", "stage"),
        # Search (migrations 0008, 0013): a NIK prefix through a pattern index; a name anywhere in it
        # through trigrams of the lower-cased name (PostgreSQL only; fastupdate off: no pending list
        # for some writer to flush in the foreground), and, for a common name, newest first from
        # the (unit_id, id) or (id) index alone, the lower-cased name carried in it.
        Index("ix_cases_pm_nik", "pm_nik", postgresql_ops={"pm_nik": "varchar_pattern_ops"}),
        Index("ix_cases_pm_name_folded_trgm", "pm_name_folded", postgresql_using="gin",
              postgresql_ops={"pm_name_folded": "gin_trgm_ops"}, postgresql_with={"fastupdate": "off"},
              info={"dialects": ("postgresql",)}),
        Index("ix_cases_unit_newest", "unit_id", "id", postgresql_include=["pm_name_folded"]),
        Index("ix_cases_newest", "id", postgresql_include=["pm_name_folded"], info={"dialects": ("postgresql",)}),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(120))
    parent_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    pm_id: Mapped[int | None] = mapped_column(ForeignKey("pms.id"), index=True)
    # The PM's identity as this case shows it in lists (kept equal to the PM record by engine.pms).
    pm_name: Mapped[str] = mapped_column(String(200), default="")
    # What a search by name reads (LIKE on it is ILIKE on pm_name without lower-casing every row it
    # passes); computed by the database, so no writer can forget it.
    pm_name_folded: Mapped[str | None] = mapped_column(String(200), Computed("lower(pm_name)", persisted=True))
    pm_nik: Mapped[str | None] = mapped_column(String(16))
    pm_birth_date: Mapped[str | None] = mapped_column(String(10))
    kategori_usia: Mapped[str | None] = mapped_column(String(10))  # anak | dewasa
    profile: Mapped[dict] = mapped_column(default=dict)
    risk_level: Mapped[str | None] = mapped_column(String(20))
    stage: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default=CASE_ACTIVE)  # active | completed | incident | suspended
    # Workflow state without the spec (the spec is stored once, on the version).
    state: Mapped[dict] = mapped_column(JSON)  # plain JSON keeps key order, which the restore relies on
    serializer_version: Mapped[str] = mapped_column(String(20))
    next_timer_at: Mapped[datetime | None] = mapped_column(index=True)
    completed_elements: Mapped[list] = mapped_column(default=list)
    created_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
    completed_at: Mapped[datetime | None] = mapped_column()
    anonymised_at: Mapped[datetime | None] = mapped_column()  # personal data removed (engine.privacy.retention)
    version: Mapped[ProcessVersion] = relationship()
    unit: Mapped[Unit] = relationship()
    # Read with the case's lock in one statement (UnitOfWork.lock_case); written as HumanTask rows.
    open_tasks: Mapped[list[HumanTask]] = relationship(
        primaryjoin=f"and_(HumanTask.case_id == Case.id, HumanTask.status == '{TASK_OPEN}')", viewonly=True)


class CaseMessageWait(Base):
    """A message a case is waiting for: routing a message never needs to load every case."""

    __tablename__ = "case_message_waits"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    message_name: Mapped[str] = mapped_column(String(200), primary_key=True, index=True)


class HumanTask(Base):
    __tablename__ = "human_tasks"
    __table_args__ = (
        Index("ix_tasks_queue", "status", "unit_id", "role", "due_at"),
        Index("ix_tasks_assignee", "assignee", "status", "due_at"),
        # Open tasks only, carrying what the inbox filters on besides the keys, and the id: an inbox's
        # count and its page's ids come from these alone (PostgreSQL: migration 0014; the queries
        # write 'open' into the statement, so that a prepared statement's plan may use them too).
        Index("ix_tasks_open_queue", "unit_id", "role", "due_at", postgresql_include=["assignee", "priority", "id"],
              postgresql_where=text(f"status = '{TASK_OPEN}'"), info={"dialects": ("postgresql",)}),
        Index("ix_tasks_open_assignee", "assignee", "due_at", postgresql_include=["unit_id", "priority", "id"],
              postgresql_where=text(f"status = '{TASK_OPEN}'"), info={"dialects": ("postgresql",)}),
        Index("ix_tasks_case", "case_id", "status"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # SpiffWorkflow task UUID
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    process_key: Mapped[str] = mapped_column(String(120))
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300), default="")
    stage: Mapped[str | None] = mapped_column(String(60))
    role: Mapped[str | None] = mapped_column(String(40))
    assignee: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20), default=TASK_OPEN)  # open | completed | cancelled | suspended
    priority: Mapped[int] = mapped_column(Integer, default=3)  # 1 = most urgent
    form: Mapped[str | None] = mapped_column(String(200))
    due_at: Mapped[datetime | None] = mapped_column()
    # When the scheduler next has to look at this task (overdue, reminder, escalation).
    next_alert_at: Mapped[datetime | None] = mapped_column(index=True)
    alerts_sent: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    completed_at: Mapped[datetime | None] = mapped_column()
    completed_by: Mapped[str | None] = mapped_column(String(80))
    case: Mapped[Case] = relationship()


class HistoryEvent(Base):
    """Append-only: rows are only ever inserted."""

    __tablename__ = "history_events"
    # a month's completed tasks and stage changes, for the monthly report (migration 0011)
    __table_args__ = (Index("ix_history_kind_at", "kind", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=clock.now)
    actor: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(40))
    element_id: Mapped[str | None] = mapped_column(String(200))
    task_id: Mapped[str | None] = mapped_column(String(36))
    message: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(default=dict)


class Incident(Base):
    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(200))
    line: Mapped[int | None] = mapped_column(Integer)
    error_line: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=INCIDENT_OPEN)  # open | resolved
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    resolved_at: Mapped[datetime | None] = mapped_column()
    resolved_by: Mapped[str | None] = mapped_column(String(80))


# --- personal data (UU 27/2022 Pelindungan Data Pribadi) ---------------------------------------


class AccessLogEntry(Base):
    """The record of processing. Append-only: rows are only ever inserted.

    No foreign key to the case: the record outlives the case's personal data (see engine.privacy)."""

    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_case", "case_id", "at"),
        Index("ix_access_log_actor", "actor", "at"),
        Index("ix_access_log_unit_at", "unit_id", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=clock.now)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(20))  # read | change | export | anonymise | upload
    object_type: Mapped[str] = mapped_column(String(20))  # case | task | history | export | subject
    object_id: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(Integer)
    unit_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")


class Consent(Base):
    """A PM's (or a child's guardian's) consent to the processing of the case's data."""

    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    party: Mapped[str] = mapped_column(String(10))  # pm | wali
    given_by: Mapped[str] = mapped_column(String(200))  # the name of whoever consented
    scope: Mapped[list] = mapped_column(default=list)
    given_on: Mapped[str] = mapped_column(String(10))  # ISO date the consent was given
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime] = mapped_column(default=clock.now)
    withdrawn_at: Mapped[datetime | None] = mapped_column()
    withdrawn_by: Mapped[str | None] = mapped_column(String(80))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)


# --- the case file: notes and documents --------------------------------------------------------


class CaseNote(Base):
    """A note on a case (catatan kasus). Its author may correct its text for a short while
    (engine.config note_correction_minutes); after that it is immutable and a correction is a new
    note that names it in ``corrects_id``."""

    __tablename__ = "case_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(80))
    written_at: Mapped[datetime] = mapped_column(default=clock.now)
    text: Mapped[str] = mapped_column(Text)
    corrected_at: Mapped[datetime | None] = mapped_column()  # last changed within the window
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("case_notes.id"))


class CaseDocument(Base):
    """An uploaded document's metadata; the content is a blob outside the database under storage_key."""

    __tablename__ = "case_documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[datetime] = mapped_column(default=clock.now)
    kind: Mapped[str] = mapped_column(String(40))  # engine.vocabulary.DOCUMENT_KINDS
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(60))  # found from the content, never from the client
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(300), unique=True)


# --- alerts ------------------------------------------------------------------------------------


class Alert(Base):
    __tablename__ = "alerts"
    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(300), unique=True)  # task, kind and occurrence
    kind: Mapped[str] = mapped_column(String(30))  # overdue | reminder | escalation | timer
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    recipient: Mapped[str | None] = mapped_column(String(80), index=True)  # a username, or None for a role
    recipient_role: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    acked_at: Mapped[datetime | None] = mapped_column()
    acked_by: Mapped[str | None] = mapped_column(String(80))


class Delivery(Base):
    """The outbox: one row per alert and channel, delivered with retry and backoff."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("alert_id", "channel", "target"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))  # email | webhook
    target: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default=DELIVERY_PENDING)  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column()


# --- handovers between units -------------------------------------------------------------------


class CaseHandover(Base):
    """A transfer of a case to another unit, or a referral asking another unit (or an outside
    institution, by name) for a service. Answered once by the receiving unit (a referral may go
    from accepted to done); ``next_alert_at`` brings a pending one to the scheduler's overdue alerts."""

    __tablename__ = "case_handovers"
    __table_args__ = (Index("ix_handovers_to_unit_status", "to_unit_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # transfer | referral
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    to_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # None: an outside institution
    to_institution: Mapped[str | None] = mapped_column(String(200))
    service: Mapped[str | None] = mapped_column(String(40))  # referrals
    reason: Mapped[str] = mapped_column(Text)
    consent_given_by: Mapped[str | None] = mapped_column(String(200))  # transfers: who consented (PM or wali)
    consent_given_on: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default=HANDOVER_PENDING)
    requested_by: Mapped[str] = mapped_column(String(80))
    requested_at: Mapped[datetime] = mapped_column(default=clock.now)
    due_at: Mapped[datetime | None] = mapped_column()
    next_alert_at: Mapped[datetime | None] = mapped_column(index=True)
    answered_by: Mapped[str | None] = mapped_column(String(80))
    answered_at: Mapped[datetime | None] = mapped_column()
    answer_note: Mapped[str | None] = mapped_column(Text)
