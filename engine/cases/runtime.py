"""The engine's operations on cases and tasks. Each one is a single unit of work.

Adapters (the HTTP API, the scheduler, the CLI) call these and nothing below them.
"""
from __future__ import annotations

from contextlib import contextmanager
from copy import deepcopy

from SpiffWorkflow.bpmn.exceptions import WorkflowDataException
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from engine import clock
from engine.cases import actions as case_actions
from engine.cases import assignment, derived, forms, history
from engine.cases import state as workflow_state
from engine.cases import sync as case_sync
from engine.definitions import deployments, versions
from engine.errors import Conflict, EngineError, InvalidInput, NotFound, ProcessFailure, StillFailing, plain_message
from engine.people.access import (
    SYSTEM_ACTOR,
    Actor,
    require_can_claim,
    require_can_complete,
    require_can_unclaim,
    require_case_actor,
    require_role,
    require_unit,
)
from engine.pms import duplicates, records
from engine.privacy import consent, need_to_know
from engine.storage.models import Case, CaseMessageWait, HumanTask, Incident, ProcessVersion, User
from engine.storage.unit_of_work import UnitOfWork
from engine.vocabulary import (
    CASE_COMPLETED,
    CASE_INCIDENT,
    CASE_SUSPENDED,
    EDITORS,
    INCIDENT_OPEN,
    INCIDENT_RESOLVED,
    SUPERVISOR,
    TASK_COMPLETED,
    TASK_OPEN,
)

NO_LONGER_AVAILABLE = "task is no longer available"


class Runtime:
    def __init__(self, session_factory: sessionmaker):
        self.session_factory = session_factory

    def uow(self, write: bool = True) -> UnitOfWork:
        return UnitOfWork(self.session_factory, write=write)

    # --- cases ---------------------------------------------------------------------------------

    def start_case(self, process_key: str, registration: dict, actor: Actor, unit_id: int | None = None,
                   parent_case_id: int | None = None, pm_id: int | None = None,
                   refuse_duplicates: bool = False, first_tasks_to_actor: bool = False) -> int:
        """Start a case. ``pm_id``: a new case of that PM; ``refuse_duplicates``: a DuplicatePm
        error instead, when the registration looks like a PM registered before;
        ``first_tasks_to_actor``: the registering worker takes the open tasks of their role."""
        with spiff_failures("the case could not start"), self.uow() as uow:
            case = start_case_in(uow.session, process_key, registration, actor, unit_id, parent_case_id, pm_id,
                                 refuse_duplicates)
            if first_tasks_to_actor:
                assignment.give_first_tasks(uow.session, case, actor)
            uow.commit()
            return case.id

    def send_message(self, case_id: int, name: str, payload: dict | None, actor: Actor) -> None:
        with spiff_failures("the message could not be delivered"), self.uow() as uow:
            case = uow.lock_case(case_id)
            require_case_actor(actor, case.unit_id)
            _require_receiving(case)
            wf, version = _load(uow.session, case)
            catcher = None if name in case_actions.thrown_within(wf) else case_sync.message_catcher(wf, name)
            if catcher is None:  # a message the process throws itself is its own business
                raise Conflict(f"case {case_id} is not waiting for the message {name!r}")
            case_actions.require_may_send(wf, version, name, catcher, actor)
            payload = _checked_payload(version, catcher, payload)
            wf.send_event(BpmnEvent(catcher.event_definition, payload or {}))
            history.record(uow.session, case.id, actor.username, "message_received", name,
                           catcher.bpmn_id, data=payload or {})
            _advance(uow.session, case, wf, version, actor)
            uow.commit()

    def actions(self, case_id: int, actor: Actor) -> list[case_actions.Action]:
        """What the case can receive now (engine.cases.actions): the buttons of its page."""
        with self.uow(write=False) as uow:
            case = uow.session.get(Case, case_id)
            if case is None:
                raise NotFound(f"case {case_id} not found")
            require_unit(actor, case.unit_id)
            try:
                _require_receiving(case)
            except Conflict:  # nothing could be taken now: no buttons
                return []
            version = versions.compiled(uow.session, case.process_version_id)
            return case_actions.available(workflow_state.load(case.state, version.specs), version, actor)

    def deploy(self, files: dict[str, bytes], actor: Actor, note: str = "", process_key: str | None = None,
               lane_roles: dict[str, str] | None = None, unit_id: int | None = None) -> tuple[ProcessVersion, bool]:
        with self.uow() as uow:
            version, created = deployments.deploy(uow.session, files, actor, note, process_key, lane_roles, unit_id)
            uow.commit()
            return version, created

    # --- tasks ---------------------------------------------------------------------------------

    def complete_task(self, task_id: str, data: dict, actor: Actor) -> HumanTask:
        with spiff_failures("the task could not be completed"), self.uow() as uow:
            session = uow.session
            case = uow.lock_case_of_task(task_id)
            row = case_sync.open_task_rows(session, case).get(task_id)  # read with the lock: current
            if row is None:
                raise Conflict(NO_LONGER_AVAILABLE)
            require_can_complete(actor, row)
            wf, version = _load(session, case)
            data = forms.with_defaults(version.forms.get(row.form or ""), data)
            forms.validate(version.forms.get(row.form or ""), data, {"kategori_usia": case.kategori_usia})
            need_to_know.refuse_masked(
                data, lambda: need_to_know.case_sensitive_fields(session, case.id, case.process_version_id))
            task = case_sync.task_by_id(wf, task_id)
            if task is None or task.state != TaskState.READY:
                raise Conflict(NO_LONGER_AVAILABLE)
            task.data.update(deepcopy(data))
            consent.record_from_form(session, case, version.forms.get(row.form or ""), data, actor)
            _run_completed(session, case, task, actor)
            row.status, row.completed_at, row.completed_by, row.next_alert_at = (
                TASK_COMPLETED, clock.now(), actor.username, None)
            case.completed_elements = sorted({*case.completed_elements, row.element_id})
            history.record(session, case.id, actor.username, "task_completed", row.name, row.element_id,
                           row.id, data)
            _advance(session, case, wf, version, actor)
            uow.commit()
            return row

    def claim(self, task_id: str, actor: Actor) -> None:
        """Take an unclaimed task of one's role and unit."""
        with self.uow() as uow:
            row = _task_row(uow.session, task_id)
            require_can_claim(actor, row)
            _set_assignee(uow, row, actor.username, actor, expect_unclaimed=True)

    def unclaim(self, task_id: str, actor: Actor) -> None:
        """Give a task back to its role's queue: its assignee, or a supervisor of its unit."""
        with self.uow() as uow:
            row = _task_row(uow.session, task_id)
            require_can_unclaim(actor, row)
            _set_assignee(uow, row, None, actor, expect_unclaimed=False)

    def assign(self, task_id: str, username: str, actor: Actor) -> None:
        """A supervisor of the task's unit hands it to an active user of that unit who holds the
        task's role (or is a supervisor)."""
        with self.uow() as uow:
            row = _task_row(uow.session, task_id)
            require_role(actor, SUPERVISOR)
            require_unit(actor, row.unit_id)
            _require_can_hold(uow.session, username, row)
            _set_assignee(uow, row, username, actor, expect_unclaimed=False)

    # --- timers and incidents ------------------------------------------------------------------

    def fire_timers(self, case_id: int) -> bool:
        """Fire whatever is due on one case. False when nothing was due (someone else fired it)."""
        with spiff_failures("the timers could not fire"), self.uow() as uow:
            fired = fire_timers_in(uow, case_id)
            uow.commit()
            return fired

    def retry_incident(self, incident_id: int, actor: Actor, data: dict | None = None) -> None:
        """Run the failed element again (with corrected data). When it fails again, or the case still
        cannot go on, nothing changes but the incident's reason, and the retry is a Conflict."""
        try:
            with spiff_failures("the retry failed"), self.uow() as uow:
                _retry_in(uow, incident_id, actor, data)
                uow.commit()
        except _RetryFailed as failed:
            self._keep_incident_open(incident_id, actor, failed.reason)
            raise StillFailing(f"the retry failed, the incident stays open: {failed.reason}") from failed

    def _keep_incident_open(self, incident_id: int, actor: Actor, reason: str) -> None:
        with self.uow() as uow:
            incident = uow.session.get(Incident, incident_id)
            incident.message = reason
            history.record(uow.session, incident.case_id, actor.username, "incident_retry_failed", reason,
                           incident.element_id, incident.task_id or None)
            uow.commit()


# --- building blocks shared by the operations above and by the scheduler and migrations --------


@contextmanager
def spiff_failures(what: str):
    """Whatever SpiffWorkflow raises that no incident took in is a Conflict, said in plain words."""
    try:
        yield
    except EngineError:
        raise
    except Exception as exc:
        if not case_sync.raised_in_spiffworkflow(exc):
            raise
        raise ProcessFailure(f"{what}: {case_sync.incident_message(exc)}") from exc


class _RetryFailed(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _retry_in(uow: UnitOfWork, incident_id: int, actor: Actor, data: dict | None) -> None:
    session = uow.session
    forms.require_storable(data or {})
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"incident {incident_id} not found")
    case = uow.lock_case(incident.case_id)
    require_role(actor, *EDITORS)
    require_unit(actor, case.unit_id)
    _require_receiving(case)
    if incident.status != INCIDENT_OPEN:
        raise Conflict("incident is already resolved")
    wf, version = _load(session, case)
    task = case_sync.task_by_id(wf, incident.task_id)
    incident.status, incident.resolved_at, incident.resolved_by = INCIDENT_RESOLVED, clock.now(), actor.username
    session.flush()
    case.status = case_sync.running_status(session, case)  # well again only when every incident is resolved
    history.record(session, case.id, actor.username, "incident_retried", incident.message,
                   incident.element_id, incident.task_id, data or {})
    if task is not None and task.state == TaskState.ERROR:
        task.data.update(data or {})
        try:
            task.run()
        except Exception as exc:
            if not case_sync.raised_in_spiffworkflow(exc):
                raise
            raise _RetryFailed(case_sync.incident_message(exc)) from exc
    stuck = _advance(session, case, wf, version, actor)
    if stuck:
        raise _RetryFailed(stuck)


def _require_receiving(case: Case) -> None:
    """A suspended case (consent withdrawn) takes no message or retry, and a closed one nothing more:
    one closed by hand (without consent) still holds its workflow where it stopped, and running it on
    would bring back the tasks that closing cancelled."""
    consent.require_processing_allowed(case)
    if case.status == CASE_COMPLETED:
        raise Conflict(f"case {case.id} is closed")


def _run_completed(session, case: Case, task, actor: Actor) -> None:
    """Run a human task its worker completed. Data the task must produce and lacks is the worker's
    to fix (InvalidInput); any other failure is the diagram's (an incident)."""
    try:
        task.run()
    except WorkflowDataException as exc:
        raise _missing_data(exc, task) from exc
    except Exception as exc:
        if not case_sync.raised_in_spiffworkflow(exc):
            raise
        case_sync.open_incident_for(session, case, exc, actor.username)


def _missing_data(exc: WorkflowDataException, task) -> InvalidInput:
    parent = task.parent.task_spec if task.parent is not None else None
    item = getattr(parent, "output_item", None) or exc.data_output or exc.data_input
    name = getattr(item, "bpmn_id", None) or getattr(item, "name", None) or "data"
    where = task.task_spec.bpmn_name or task.task_spec.bpmn_id
    return InvalidInput(f"{where} ({task.task_spec.bpmn_id}): {plain_message(str(exc.args[0]))}",
                        {name: [f"required: {where} gives its result in {name}"]})


def start_case_in(session, process_key, registration, actor, unit_id=None, parent_case_id=None,
                  pm_id=None, refuse_duplicates=False, started_by: str | None = None) -> Case:
    """started_by: the message that starts the case (only its start event is triggered); None for a
    start by hand, which triggers the process's message start events when it has no other start."""
    unit_id = unit_id or actor.unit_id
    if unit_id is None:
        raise InvalidInput("unit is required", {"unit": ["required"]})
    require_case_actor(actor, unit_id)
    forms.require_storable(registration)
    if refuse_duplicates and pm_id is None and parent_case_id is None:
        duplicates.refuse_duplicates(session, registration.get("pm") or {}, actor)
    version_id = latest_version_id(session, process_key, unit_id)
    data = _initial_data(registration, unit_id)
    pm = data.get("pm", {})
    case = Case(
        process_version_id=version_id, process_key=process_key, parent_case_id=parent_case_id,
        unit_id=unit_id, pm_name=pm.get("nama", ""), pm_nik=pm.get("nik"), pm_birth_date=pm.get("tanggal_lahir"),
        kategori_usia=data.get("kategori_usia"), profile=pm, state={}, serializer_version="",
        created_by=actor.username, created_at=clock.now(), updated_at=clock.now(),
    )
    records.show_on_case(case, records.pm_for_new_case(session, pm, actor.username, pm_id, parent_case_id))
    session.add(case)
    session.flush()
    case_sync.open_task_rows(session, case, new_case=True)
    version = versions.compiled(session, version_id)
    wf = workflow_state.new_workflow(version.specs)
    _choose_start(wf, started_by)
    for task in wf.get_tasks(state=TaskState.READY):
        task.data.update(deepcopy(data))
    history.record(session, case.id, actor.username, "case_started", process_key,
                   data={"process": process_key, "version": version.version, **data})
    case_sync.run_engine(session, case, wf, actor.username)
    for name in [started_by] if started_by else version.start_messages:
        waiting = case_sync.waiting_message_task(wf, name)
        if waiting is not None:
            wf.send_event(BpmnEvent(waiting.task_spec.event_definition, deepcopy(data)))
    _advance(session, case, wf, version, actor)
    return case


def _choose_start(wf, started_by: str | None) -> None:
    """BPMN starts a process at the one start event that was triggered (SpiffWorkflow arms them all):
    the one catching ``started_by``, or by hand the start events without a trigger, when there are any."""
    starts = [t for t in wf.get_tasks() if isinstance(t.task_spec, StartEvent) and t.workflow is wf
              and not t.has_state(TaskState.FINISHED_MASK)]

    def message(task):
        definition = getattr(task.task_spec, "event_definition", None)
        return definition.name if isinstance(definition, MessageEventDefinition) else None

    if started_by:
        keep = [t for t in starts if message(t) == started_by]
    else:
        keep = [t for t in starts if isinstance(getattr(t.task_spec, "event_definition", None), NoneEventDefinition)]
    if keep:
        for task in starts:
            if task not in keep:
                task.cancel()


def fire_timers_in(uow: UnitOfWork, case_id: int) -> bool:
    case = uow.lock_case(case_id)
    # SpiffWorkflow fires a timer only once its time has strictly passed.
    if case.next_timer_at is None or case.next_timer_at >= clock.now() or case.status == consent.SUSPENDED:
        return False
    wf, version = _load(uow.session, case)
    before = case_sync.timer_snapshot(wf)
    try:
        wf.refresh_timers()
    except Exception as exc:
        if not case_sync.raised_in_spiffworkflow(exc):
            raise
        # A timer expression that fails is the diagram's problem: an incident, not a retry every 30 s.
        case_sync.open_incident_for(uow.session, case, exc, SYSTEM_ACTOR.username)
        case.next_timer_at = None
        return True
    case_sync.record_fired_timers(uow.session, case, wf, before, SYSTEM_ACTOR.username)
    _advance(uow.session, case, wf, version, SYSTEM_ACTOR)
    return True


def latest_version(session, process_key: str, unit_id: int | None = None) -> ProcessVersion:
    """The version new cases of the unit start on (deployments.newest); national without a unit."""
    return session.get(ProcessVersion, latest_version_id(session, process_key, unit_id))


def latest_version_id(session, process_key: str, unit_id: int | None = None) -> int:
    """latest_version's id, its content hash remembered so that compiling it costs no query."""
    found = deployments.newest_row(session, process_key, unit_id)
    if found is None:
        raise NotFound(f"no process {process_key!r} is deployed")
    versions.remember_hash(session, found.id, found.content_hash)
    return found.id


def form_schema(session, version_id: int, form_name: str | None) -> dict | None:
    return versions.compiled(session, version_id).forms.get(form_name or "")


def _advance(session, case: Case, wf, version, actor: Actor) -> str | None:
    """Run the engine, route what the case threw outward, check that the case can still go on, and
    save. Returns why it cannot go on (then it holds an incident saying so), or None."""
    case_sync.finish_exhausted_cycles(wf)
    case_sync.run_engine(session, case, wf, actor.username)
    if workflow_state.interrupt(wf, lambda element_id: version.element(element_id).get("interrupting")):
        case_sync.run_engine(session, case, wf, actor.username)
    workflow_state.end_after_interruption(wf)
    for event in wf.get_events():
        _route_thrown(session, case, event, actor)
    stuck = case_sync.stuck_reason(wf) if case.status != CASE_INCIDENT else None
    if stuck:
        case_sync.open_incident(session, case, stuck[0], stuck[1], actor.username)
    case_sync.save(session, case, wf, version, actor.username)
    return stuck[1] if stuck else None


def _checked_payload(version, catcher, payload: dict | None) -> dict:
    """A message whose catching event has a form (an action with a form, e.g. usulan_terminasi) is
    refused as the form would refuse it."""
    schema = version.forms.get(version.element(catcher.bpmn_id).get("form") or "")
    if not schema:
        forms.require_storable(payload or {})
        return payload or {}
    payload = forms.with_defaults(schema, payload or {})
    forms.validate(schema, payload)
    return payload


def _route_thrown(session, case: Case, event, actor: Actor) -> None:
    """A message nothing in the case caught goes to the case it was spawned from while that case is
    open (delivered when it waits for it, else recorded in its history); otherwise it starts the
    process whose start event catches it, for the same PM."""
    name = getattr(event.event_definition, "name", None)
    parent = session.get(Case, case.parent_case_id) if case.parent_case_id else None
    if parent is not None and parent.status != CASE_COMPLETED:
        _deliver_to_parent(session, case, parent, name, event.payload or {}, actor)
        return
    target = next((v for v in latest_versions(session, case.unit_id)
                   if name in versions.compiled(session, v.id).start_messages), None)
    if target is None:
        history.record(session, case.id, actor.username, "message_unrouted", name or "?")
        return
    registration = {"pm": case.profile, "kategori_usia": case.kategori_usia, **(event.payload or {}),
                    "kasus_induk": {"id": case.id, "process": case.process_key, "stage": case.stage,
                                    "risk_level": case.risk_level}}
    child = start_case_in(session, target.process_key, registration, SYSTEM_ACTOR, case.unit_id, case.id,
                          started_by=name)
    history.record(session, case.id, actor.username, "case_spawned", f"{target.process_key} #{child.id}",
                   data={"case_id": child.id, "message": name})


def _deliver_to_parent(session, case: Case, parent: Case, name, payload: dict, actor: Actor) -> None:
    # Lock the parent and re-read it under the lock: its row was read unlocked, and another request
    # may have moved it on since.
    session.execute(select(Case).where(Case.id == parent.id).with_for_update(),
                    execution_options={"populate_existing": True})
    waits = session.scalars(select(CaseMessageWait.case_id).where(
        CaseMessageWait.case_id == parent.id, CaseMessageWait.message_name == name)).first()
    note = {"case_id": case.id, "message": name, **payload}
    if waits is None or parent.status == CASE_SUSPENDED:  # the parent runs on: the outcome is on its record
        history.record(session, parent.id, actor.username, "message_received", name or "?", data=note)
        return
    wf, version = _load(session, parent)
    waiting = case_sync.waiting_message_task(wf, name)
    wf.send_event(BpmnEvent(waiting.task_spec.event_definition, deepcopy(payload)))
    history.record(session, parent.id, actor.username, "message_received", name, waiting.task_spec.bpmn_id,
                   data=note)
    _advance(session, parent, wf, version, actor)


def latest_versions(session, unit_id: int | None) -> list[ProcessVersion]:
    """Per process key, the version the unit's new cases start on."""
    keys = session.scalars(select(ProcessVersion.process_key).distinct().order_by(ProcessVersion.process_key))
    return [deployments.newest(session, key, unit_id) for key in list(keys)]


def _initial_data(registration: dict, unit_id: int) -> dict:
    data = deepcopy(registration)
    category = derived.age_category_of((data.get("pm") or {}).get("tanggal_lahir"))
    if category is not None:  # the date of birth decides, whatever was passed
        data["kategori_usia"] = category
    data["unit"] = unit_id
    return data


def _load(session, case: Case):
    version = versions.compiled(session, case.process_version_id)
    # The case row was just read under its lock and is rewritten on save: nobody reads this dict again.
    wf = workflow_state.load(case.state, version.specs, consume=True)
    if derived.refresh_age(case, wf):
        history.record(session, case.id, SYSTEM_ACTOR.username, "age_category_changed",
                       f"kategori usia: {case.kategori_usia}", data={"kategori_usia": case.kategori_usia})
    return wf, version


def _set_assignee(uow: UnitOfWork, row: HumanTask, username: str | None, actor: Actor,
                  expect_unclaimed: bool) -> None:
    query = update(HumanTask).where(HumanTask.id == row.id, HumanTask.status == TASK_OPEN)
    if expect_unclaimed:
        query = query.where(HumanTask.assignee.is_(None))
    if uow.session.execute(query.values(assignee=username)).rowcount == 0:
        raise Conflict("task is already claimed" if expect_unclaimed else NO_LONGER_AVAILABLE)
    kind = "task_claimed" if username == actor.username else ("task_unclaimed" if username is None
                                                              else "task_assigned")
    history.record(uow.session, row.case_id, actor.username, kind, row.name, row.element_id, row.id,
                   {"assignee": username})
    uow.commit()


def _require_can_hold(session, username: str, task: HumanTask) -> None:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        raise InvalidInput("no such active user", {"username": [f"no active user {username!r}"]})
    if user.unit_id != task.unit_id:
        raise InvalidInput("the user works in another unit", {"username": ["must work in the task's unit"]})
    if task.role and task.role not in user.roles and SUPERVISOR not in user.roles:
        raise InvalidInput("the user lacks the task's role", {"username": [f"must hold the role {task.role}"]})


def _task_row(session, task_id: str) -> HumanTask:
    row = session.get(HumanTask, task_id)
    if row is None:
        raise NotFound(f"task {task_id} not found")
    return row


def waiting_cases(session, message_name: str) -> list[int]:
    return list(session.scalars(select(CaseMessageWait.case_id).where(CaseMessageWait.message_name == message_name)))
