"""What a user does to an alert: acknowledge it. The scheduler raises alerts; this only reads and acks."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from engine import clock
from engine.cases import history
from engine.errors import Conflict, Forbidden, NotFound
from engine.people.access import Actor
from engine.storage.models import Alert
from engine.storage.unit_of_work import UnitOfWork


def is_recipient(actor: Actor, alert: Alert) -> bool:
    """The alert's user, or while it is addressed to a role, a holder of that role in its unit."""
    if actor.is_system:
        return True
    if alert.unit_id != actor.unit_id:
        return False
    if alert.recipient is not None:
        return alert.recipient == actor.username
    return alert.recipient_role is not None and actor.has(alert.recipient_role)


def _acknowledge_earlier(session: Session, alert: Alert) -> list[int]:
    """Acknowledging a task's newest reminder means the earlier alerts of that task to the same
    recipient have been seen too: a task a month late would otherwise leave thirty to click away."""
    if alert.task_id is None:
        return []
    earlier = select(Alert.id).where(
        Alert.task_id == alert.task_id, Alert.id < alert.id, Alert.acked_at.is_(None),
        Alert.unit_id == alert.unit_id,
        Alert.recipient.is_(None) if alert.recipient is None else Alert.recipient == alert.recipient,
        Alert.recipient_role.is_(None) if alert.recipient_role is None
        else Alert.recipient_role == alert.recipient_role)
    ids = list(session.scalars(earlier))
    if ids:
        session.execute(update(Alert).where(Alert.id.in_(ids)).values(acked_at=alert.acked_at,
                                                                      acked_by=alert.acked_by))
    return ids


class AlertActions:
    def __init__(self, session_factory: sessionmaker):
        self.session_factory = session_factory

    def acknowledge(self, alert_id: int, actor: Actor) -> Alert:
        with UnitOfWork(self.session_factory) as uow:
            alert = uow.session.get(Alert, alert_id, with_for_update=True)
            if alert is None:
                raise NotFound(f"alert {alert_id} not found")
            if not is_recipient(actor, alert):
                raise Forbidden("this alert is not addressed to you")
            if alert.acked_at is not None:
                raise Conflict(f"alert {alert_id} was already acknowledged by {alert.acked_by}")
            alert.acked_at, alert.acked_by = clock.now(), actor.username
            earlier = _acknowledge_earlier(uow.session, alert)
            if alert.case_id is not None:
                history.record(uow.session, alert.case_id, actor.username, "alert_acknowledged", alert.message,
                               task_id=alert.task_id,
                               data={"alert_id": alert.id, "kind": alert.kind, "earlier_alert_ids": earlier})
            uow.commit()
            return alert
