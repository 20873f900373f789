"""Fixtures for the scheduler tests: settings, one scheduler pass, and the tiny timer process."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine import clock as engine_clock
from engine.config import Settings
from engine.people.access import SYSTEM_ACTOR
from engine.storage.models import HistoryEvent, User
from workers.scheduler import DueWork

HERE = Path(__file__).resolve().parent
TIMER_ONLY = HERE / "timer_only.bpmn"


@pytest.fixture
def settings(database_url) -> Settings:
    return Settings(database_url=database_url, base_url="https://atensi.example.id", overdue_reminder_hours=24,
                    escalation_grace_hours=48, delivery_retry_base_seconds=30, delivery_retry_max_seconds=3600)


@pytest.fixture
def work(session_factory, settings) -> DueWork:
    """One scheduler pass at a time, without APScheduler and without channels."""
    return DueWork(session_factory, settings, senders={})


@pytest.fixture
def timer_process(runtime):
    version, _ = runtime.deploy({"timer_only.bpmn": TIMER_ONLY.read_bytes()}, SYSTEM_ACTOR, note="uji penjadwal")
    return version


def start_timer_case(runtime, unit_id: int, due: datetime) -> int:
    return runtime.start_case("timer_only", {"jatuh_tempo": due.isoformat()}, SYSTEM_ACTOR, unit_id=unit_id)


def timer_fired_counts(session_factory, element_id: str | None = None) -> dict[int, int]:
    query = select(HistoryEvent.case_id, func.count()).where(HistoryEvent.kind == "timer_fired")
    if element_id:
        query = query.where(HistoryEvent.element_id == element_id)
    with session_factory() as session:
        return dict(session.execute(query.group_by(HistoryEvent.case_id)).all())


def give_emails(session_factory, **emails: str) -> None:
    with session_factory() as session:
        for username, email in emails.items():
            session.scalars(select(User).where(User.username == username)).one().email = email
        session.commit()


def now() -> datetime:
    return engine_clock.now()


def later(**kwargs) -> datetime:
    return now() + timedelta(**kwargs)
