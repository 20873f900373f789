"""Alerts (the caller's, and when their work is due) and incidents."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, false, func, or_, select
from sqlalchemy.orm import Session

from engine.alerts import overdue
from engine.errors import NotFound
from engine.people.access import Actor, require_role
from engine.read.reading import Page, Paging, Reader
from engine.read.visibility import _visible_case
from engine.storage.models import (
    Alert,
    Case,
    CaseHandover,
    HumanTask,
    Incident,
)
from engine.vocabulary import (
    CASE_SUSPENDED,
    EDITORS,
    HANDOVER_PENDING,
    INCIDENT_OPEN,
    TASK_CANCELLED,
    TASK_COMPLETED,
)

# An alert about a task closes with the task: once it is completed or cancelled the alert is no work.
ALERT_OF_OPEN_WORK = ~exists().where(HumanTask.id == Alert.task_id,
                                     HumanTask.status.in_((TASK_COMPLETED, TASK_CANCELLED)))


class AlertQueries(Reader):
    def alerts(self, actor: Actor, acked: bool | None = False, paging: Paging | None = None) -> Page:
        paging = paging or Paging()
        # a suspended case's work has stopped (consent withdrawn): its alerts leave the inbox too
        conditions = [_alert_recipient(actor), ~exists().where(Case.id == Alert.case_id, Case.status == CASE_SUSPENDED),
                      ALERT_OF_OPEN_WORK]
        if acked is not None:
            conditions.append(Alert.acked_at.is_not(None) if acked else Alert.acked_at.is_(None))
        with self._read() as uow:
            total = uow.session.scalar(select(func.count()).select_from(Alert).where(*conditions))
            rows = uow.session.scalars(select(Alert).where(*conditions).order_by(Alert.id.desc())
                                       .offset(paging.offset).limit(paging.per_page)).all()
            return Page(list(rows), total or 0, paging.page, paging.per_page)

    def due_times(self, actor: Actor, alerts: list) -> dict[int, datetime]:
        """alert id -> when the work of each of these alerts of the actor's unit is due (alert_due_times)."""
        seen = [(a.id, a.task_id, a.dedup_key) for a in alerts]
        with self._read() as uow:
            return alert_due_times(uow.session, seen, actor.unit_id)

    def incidents(self, actor: Actor, status: str | None = INCIDENT_OPEN, paging: Paging | None = None) -> Page:
        require_role(actor, *EDITORS)
        paging = paging or Paging()
        conditions = [Case.unit_id == actor.unit_id] if not actor.is_system else []
        if status:
            conditions.append(Incident.status == status)
        with self._read() as uow:
            query = select(Incident).join(Case, Case.id == Incident.case_id).where(*conditions)
            total = uow.session.scalar(select(func.count()).select_from(query.subquery()))
            rows = uow.session.scalars(query.order_by(Incident.id.desc())
                                       .offset(paging.offset).limit(paging.per_page)).all()
            return Page(list(rows), total or 0, paging.page, paging.per_page)

    def incident(self, actor: Actor, incident_id: int) -> Incident:
        with self._read() as uow:
            incident = uow.session.get(Incident, incident_id)
            if incident is None:
                raise NotFound(f"incident {incident_id} not found")
            require_role(actor, *EDITORS)
            _visible_case(uow.session, actor, incident.case_id)
            return incident

def alert_due_times(session: Session, alerts: list[tuple], unit_id: int | None = None) -> dict[int, datetime]:
    """alert id -> when its open task or pending transfer or referral is due, for (alert id, task id,
    dedup key) triples: the pages say how late the work is now, not what the alert said when raised.
    ``unit_id`` keeps to the work of one unit (the inbox's)."""
    tasks = {task_id: alert_id for alert_id, task_id, _ in alerts if task_id}
    handovers = {overdue.handover_of(key): alert_id for alert_id, task_id, key in alerts if not task_id}
    handovers.pop(None, None)
    due = {}
    if tasks:
        query = select(HumanTask.id, HumanTask.due_at).where(HumanTask.id.in_(tasks))
        if unit_id is not None:
            query = query.where(HumanTask.unit_id == unit_id)
        due.update({tasks[task_id]: due_at for task_id, due_at in session.execute(query)})
    if handovers:
        query = select(CaseHandover.id, CaseHandover.due_at).where(
            CaseHandover.id.in_(handovers), CaseHandover.status == HANDOVER_PENDING)
        if unit_id is not None:
            query = query.where(CaseHandover.to_unit_id == unit_id)
        due.update({handovers[handover_id]: due_at for handover_id, due_at in session.execute(query)})
    return {alert_id: due_at for alert_id, due_at in due.items() if due_at is not None}


def _alert_recipient(actor: Actor):
    if actor.is_system:
        return Alert.id.is_not(None)
    for_role = and_(Alert.recipient.is_(None), Alert.unit_id == actor.unit_id,
                    Alert.recipient_role.in_(actor.roles)) if actor.roles else false()
    return or_(and_(Alert.recipient == actor.username, Alert.unit_id == actor.unit_id), for_role)
