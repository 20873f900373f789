"""History events are written in one batch: visible to the same transaction's queries, kept on
commit, dropped on rollback, and kept when only a savepoint inside the transaction rolls back."""
from __future__ import annotations

from sqlalchemy import select

from engine.cases import history
from engine.storage.models import HistoryEvent
from tests.case_driver import registration


def kinds(session, case_id) -> list[str]:
    return [e.kind for e in history.for_case(session, case_id)]


def test_events_are_seen_by_the_next_query_kept_on_commit_and_dropped_on_rollback(runtime, staff, deployed):
    case_id = runtime.start_case("atensi_intake", registration(), staff.actor("peksos"))
    with runtime.session_factory() as session:
        before = len(kinds(session, case_id))
    with runtime.uow() as uow:
        history.record(uow.session, case_id, "peksos", "catatan", "dibatalkan")
        assert kinds(uow.session, case_id)[-1] == "catatan"  # same transaction: already written
    with runtime.uow() as uow:
        history.record(uow.session, case_id, "peksos", "catatan", "disimpan")
        history.record(uow.session, case_id, "peksos", "catatan", "disimpan juga")
        uow.commit()
    with runtime.session_factory() as session:
        messages = list(session.scalars(select(HistoryEvent.message).where(HistoryEvent.case_id == case_id)
                                        .order_by(HistoryEvent.id)))
    assert len(messages) == before + 2 and messages[-2:] == ["disimpan", "disimpan juga"]


def test_a_savepoint_rolling_back_keeps_the_events_recorded_before_it(runtime, staff, deployed):
    case_id = runtime.start_case("atensi_intake", registration(), staff.actor("peksos"))
    with runtime.uow() as uow:
        history.record(uow.session, case_id, "peksos", "catatan", "sebelum savepoint")
        savepoint = uow.session.begin_nested()
        savepoint.rollback()
        uow.commit()
    with runtime.session_factory() as session:
        assert kinds(session, case_id)[-1] == "catatan"
