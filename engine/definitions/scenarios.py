"""Running a bundle's scenario tests with simulated time, before anything is deployed for real.

The bundle is deployed into a throwaway in-memory SQLite database and each scenario drives one
case through the real engine (start, complete, message, timers, alerts), so a scenario sees
exactly what a case would: form validation, stages, due times, alerts. Time is simulated with
time-machine: a `wait` jumps the clock from one due timer or alert to the next, the way a
scheduler that never sleeps late would, so months pass in milliseconds.

A case may spawn cases of other processes (a crisis starts a case response): the bundles of those
processes come as ``companions``, deployed beside it, and a step with ``"in_child": n`` acts on and
checks the n-th case the scenario's case spawned (1 = the first).

time-machine moves the clock of the whole process. `run_isolated` therefore runs the scenarios in
a child process, which is what a multi-threaded server must use; `run_scenarios` runs them here.
"""
from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

import time_machine
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import create_engine, func, select, update
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

from engine import clock, durations
from engine.alerts import overdue as alerts
from engine.cases import runtime
from engine.cases import state as workflow_state
from engine.cases.runtime import Runtime
from engine.config import Settings
from engine.definitions import versions
from engine.definitions.scenario_files import DEFAULT_PM, DEFAULT_START, Scenario, fill_form, read_scenarios
from engine.errors import DeployError, EngineError, InvalidInput, Problem
from engine.people.access import SYSTEM_ACTOR
from engine.storage.db import JSON_OPTIONS
from engine.storage.models import Alert, Base, Case, HistoryEvent, HumanTask, Incident, Unit
from engine.vocabulary import CASE_INCIDENT, INCIDENT_OPEN, TASK_OPEN

MAX_EVENTS_PER_WAIT = 5000
_NOT_DEPLOYED = " (is the process it starts, e.g. case_response, deployed?)"
_EPSILON = timedelta(seconds=1)  # SpiffWorkflow fires a timer strictly after its due time


@dataclass
class ScenarioResult:
    file: str
    name: str
    passed: bool
    steps_run: int
    simulated_days: float
    elapsed_ms: float
    failure: dict | None = None  # {step, message}


@dataclass
class ScenarioRun:
    process_key: str | None
    results: list[ScenarioResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # the bundle or a scenario file is invalid
    elapsed_ms: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.problems and all(r.passed for r in self.results)

    def to_dict(self) -> dict:
        return {"process_key": self.process_key, "passed": self.passed, "elapsed_ms": round(self.elapsed_ms, 1),
                "results": [asdict(r) for r in self.results], "problems": [p.to_dict() for p in self.problems]}


class StepFailed(Exception):
    pass


def run_scenarios(files: dict[str, bytes], process_key: str | None = None,
                  companions: tuple[dict[str, bytes], ...] = ()) -> ScenarioRun:
    """Deploy `files` (and the `companions`' processes its cases may start) into a throwaway database
    and run the scenarios `files` carry for their process."""
    started = time.perf_counter()
    run = ScenarioRun(process_key)
    db = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False},
                       **JSON_OPTIONS)
    try:
        Base.metadata.create_all(db)
        sandbox = Runtime(_session_factory(db))
        with time_machine.travel(_parse_time(DEFAULT_START), tick=False):
            try:
                for companion in companions:
                    sandbox.deploy(companion, SYSTEM_ACTOR, "scenario run: companion")
                version, _ = sandbox.deploy(files, SYSTEM_ACTOR, "scenario run", process_key)
            except DeployError as exc:
                run.problems.extend(exc.problems)
                return run
        run.process_key = version.process_key
        scenarios, run.problems = read_scenarios(files, version.process_key)
        unit_id = _unit(sandbox)
        run.results = [_run_one(sandbox, scenario, unit_id) for scenario in scenarios]
    finally:
        db.dispose()
        run.elapsed_ms = (time.perf_counter() - started) * 1000
    return run


def run_isolated(files: dict[str, bytes], process_key: str | None = None,
                 companions: tuple[dict[str, bytes], ...] = (), timeout: float = 120.0) -> ScenarioRun:
    """`run_scenarios` in a child process, so the simulated clock never reaches this one."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        future = pool.submit(_run_as_dict, files, process_key, companions)
        try:
            return _from_dict(future.result(timeout=timeout))
        except FutureTimeout:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            run = ScenarioRun(process_key)
            run.problems.append(Problem(f"the scenarios did not finish within {timeout:g} s"))
            return run


def _run_as_dict(files: dict[str, bytes], process_key: str | None, companions: tuple = ()) -> dict:
    return run_scenarios(files, process_key, companions).to_dict()


def _from_dict(data: dict) -> ScenarioRun:
    run = ScenarioRun(data["process_key"], [ScenarioResult(**r) for r in data["results"]],
                      [Problem(**p) for p in data["problems"]], data["elapsed_ms"])
    return run


# --- one scenario ------------------------------------------------------------------------------


def _run_one(sandbox: Runtime, scenario: Scenario, unit_id: int) -> ScenarioResult:
    started, start_at = time.perf_counter(), _parse_time(scenario.start.get("at", DEFAULT_START))
    registration = {"pm": DEFAULT_PM, **{k: v for k, v in scenario.start.items() if k != "at"}}
    steps_run, failure = 0, None
    with time_machine.travel(start_at, tick=False) as traveller:
        try:
            case_id = sandbox.start_case(scenario.process, registration, SYSTEM_ACTOR, unit_id)
            for step in scenario.steps:
                steps_run += 1
                _step(sandbox, case_id, step, traveller)
        except (StepFailed, EngineError) as exc:
            failure = {"step": steps_run, "message": _failure_text(exc)}
        simulated = (clock.now() - start_at).total_seconds() / 86400
    _freeze(sandbox)
    return ScenarioResult(scenario.file, scenario.name, failure is None, steps_run, round(simulated, 2),
                          round((time.perf_counter() - started) * 1000, 1), failure)


def _step(sandbox: Runtime, parent_id: int, step: dict, traveller) -> None:
    case_id = _child(sandbox, parent_id, step["in_child"]) if "in_child" in step else parent_id
    if "complete" in step:
        _complete(sandbox, case_id, step["complete"], step.get("data") or {}, step.get("refused"))
    elif "message" in step:
        sandbox.send_message(case_id, step["message"], step.get("data") or {}, SYSTEM_ACTOR)
    elif "wait" in step:
        _wait(sandbox, durations.add_duration(clock.now(), step["wait"]), traveller)
    expect = step.get("expect") or {}
    if expect.get("status") != CASE_INCIDENT:
        _no_incident(sandbox, case_id)
        _no_incident(sandbox, parent_id)  # a child's step may move its parent (lanjut_atensi)
    if expect:
        _check(sandbox, case_id, expect)


def _child(sandbox: Runtime, parent_id: int, number) -> int:
    """The ``number``-th case (from 1) the scenario's case spawned."""
    children = _children(sandbox, parent_id)
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= len(children):
        raise StepFailed(f"in_child {number!r}: the case spawned {len(children)} case(s)"
                         + _NOT_DEPLOYED * (not children))
    return children[number - 1]


def _children(sandbox: Runtime, parent_id: int) -> list[int]:
    with sandbox.session_factory() as session:
        return list(session.scalars(select(Case.id).where(Case.parent_case_id == parent_id).order_by(Case.id)))


def _no_incident(sandbox: Runtime, case_id: int) -> None:
    with sandbox.session_factory() as session:
        incident = session.scalars(select(Incident).where(Incident.case_id == case_id, Incident.status == INCIDENT_OPEN)
                                   .order_by(Incident.id.desc())).first()
        if incident is not None:
            raise StepFailed(f"the case stopped with an incident at {incident.element_id}: {incident.message}")


def _freeze(sandbox: Runtime) -> None:
    """A finished scenario's case raises no more timers or alerts while the next scenarios run."""
    with sandbox.session_factory() as session:
        session.execute(update(Case).values(next_timer_at=None))
        session.execute(update(HumanTask).values(next_alert_at=None))
        session.commit()


def _complete(sandbox: Runtime, case_id: int, name: str, data: dict, refused: list[str] | None = None) -> None:
    with sandbox.session_factory() as session:
        rows = list(session.scalars(select(HumanTask).where(
            HumanTask.case_id == case_id, HumanTask.status == TASK_OPEN).order_by(HumanTask.created_at)))
        task = next((t for t in rows if t.name == name), None)
        if task is None:
            raise StepFailed(f"task {name!r} is not open; open tasks: {_names(rows)}")
        schema = runtime.form_schema(session, session.get(Case, case_id).process_version_id, task.form)
    try:
        sandbox.complete_task(task.id, fill_form(schema, data, clock.now().date()), SYSTEM_ACTOR)
    except InvalidInput as exc:
        missing = [f for f in refused or () if f not in exc.fields]
        if refused and not missing:
            return
        fields = "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.fields.items())
        raise StepFailed(f"form data for {name!r} was refused: {fields or exc}"
                         + (f" (expected a refusal naming {', '.join(missing)})" if missing else "")) from exc
    if refused:
        raise StepFailed(f"form data for {name!r} was accepted; expected a refusal naming {', '.join(refused)}")


def _wait(sandbox: Runtime, until: datetime, traveller) -> None:
    """Move the clock to `until`, stopping at every due timer and alert on the way."""
    settings = Settings.from_env(smtp_host=None, webhook_url=None)
    for _ in range(MAX_EVENTS_PER_WAIT):
        upcoming = _next_event(sandbox)
        if upcoming is None or upcoming > until:
            traveller.move_to(until)
            alerts.raise_due_alerts(sandbox.session_factory, settings, clock.now())
            return
        traveller.move_to(max(upcoming + _EPSILON, clock.now()))
        for case_id in _due_cases(sandbox):
            sandbox.fire_timers(case_id)
        alerts.raise_due_alerts(sandbox.session_factory, settings, clock.now())
    raise StepFailed(f"more than {MAX_EVENTS_PER_WAIT} timers and alerts fell due in one wait")


def _next_event(sandbox: Runtime) -> datetime | None:
    with sandbox.session_factory() as session:
        times = [session.scalar(select(func.min(Case.next_timer_at))),
                 session.scalar(select(func.min(HumanTask.next_alert_at)))]
    times = [clock.as_utc(t) for t in times if t is not None]
    return min(times) if times else None


def _due_cases(sandbox: Runtime) -> list[int]:
    with sandbox.session_factory() as session:
        return list(session.scalars(select(Case.id).where(Case.next_timer_at <= clock.now())))


# --- expectations ------------------------------------------------------------------------------


def _check(sandbox: Runtime, case_id: int, expect: dict) -> None:
    with sandbox.session_factory() as session:
        case = session.get(Case, case_id)
        open_rows = list(session.scalars(select(HumanTask).where(
            HumanTask.case_id == case_id, HumanTask.status == TASK_OPEN)))
        problems = _check_case(case, open_rows, expect)
        problems += _check_history(session, case, expect)
        problems += _check_alerts(session, case_id, expect)
        if "data" in expect:
            problems += _check_data(session, case, expect["data"])
    if "children" in expect and len(_children(sandbox, case_id)) != expect["children"]:
        spawned = len(_children(sandbox, case_id))
        problems.append(f"the case spawned {spawned} case(s), expected {expect['children']}"
                        + _NOT_DEPLOYED * (not spawned))
    if problems:
        raise StepFailed("; ".join(problems))


def _check_case(case: Case, open_rows: list[HumanTask], expect: dict) -> list[str]:
    problems = []
    if "stage" in expect and case.stage != expect["stage"]:
        problems.append(f"stage is {case.stage!r}, expected {expect['stage']!r}")
    if "status" in expect and case.status != expect["status"]:
        problems.append(f"status is {case.status!r}, expected {expect['status']!r}")
    if "open_tasks" in expect and _names(open_rows) != sorted(expect["open_tasks"]):
        problems.append(f"open tasks are {_names(open_rows)}, expected {sorted(expect['open_tasks'])}")
    if "overdue" in expect:
        late = _names([t for t in open_rows if clock.is_overdue(t.status, t.due_at)])
        if late != sorted(expect["overdue"]):
            problems.append(f"overdue tasks are {late}, expected {sorted(expect['overdue'])}")
    return problems


def _check_history(session, case: Case, expect: dict) -> list[str]:
    problems = []
    reached = set(case.completed_elements or [])
    names = {e.element_id: e.message for e in session.scalars(select(HistoryEvent).where(
        HistoryEvent.case_id == case.id, HistoryEvent.element_id.is_not(None)))}
    seen = reached | {names.get(element_id) for element_id in reached}
    for element in expect.get("reached", []):
        if element not in seen:
            problems.append(f"{element} was not reached")
    for element in expect.get("not_reached", []):
        if element in seen:
            problems.append(f"{element} was reached")
    if "messages_thrown" in expect:
        thrown = sorted(e.data.get("message") or e.message for e in session.scalars(select(HistoryEvent).where(
            HistoryEvent.case_id == case.id, HistoryEvent.kind.in_(("case_spawned", "message_unrouted")))))
        if thrown != sorted(expect["messages_thrown"]):
            problems.append(f"messages thrown are {thrown}, expected {sorted(expect['messages_thrown'])}")
    return problems


def _check_alerts(session, case_id: int, expect: dict) -> list[str]:
    if "alerts" not in expect:
        return []
    raised = [(a.kind, name) for a, name in session.execute(
        select(Alert, HumanTask.name).join(HumanTask, HumanTask.id == Alert.task_id).where(Alert.case_id == case_id))]
    missing = [f"{e.get('kind', 'any')} alert for {e['task']!r}" for e in expect["alerts"]
               if not any(name == e["task"] and kind == e.get("kind", kind) for kind, name in raised)]
    if missing:
        have = sorted({f"{kind}: {name}" for kind, name in raised}) or "none"
        return [f"missing {', '.join(missing)} (raised: {have})"]
    return []


def _check_data(session, case: Case, expected: dict) -> list[str]:
    wf = workflow_state.load(case.state, versions.compiled(session, case.process_version_id).specs)
    live = sorted(wf.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED),
                  key=lambda t: t.last_state_change)
    data = (live[-1].data if live else (wf.last_task.data if wf.last_task is not None else wf.data))
    return [f"data {key} is {data.get(key)!r}, expected {value!r}" for key, value in expected.items()
            if data.get(key) != value]


# --- plumbing ----------------------------------------------------------------------------------


def _session_factory(db) -> sessionmaker:
    return sessionmaker(bind=db, expire_on_commit=False)


def _unit(sandbox: Runtime) -> int:
    with sandbox.session_factory() as session:
        unit = Unit(code="SKENARIO", name="Unit skenario", kind="balai")
        session.add(unit)
        session.commit()
        return unit.id


def _names(rows) -> list[str]:
    return sorted(r.name for r in rows)


def _parse_time(text: str) -> datetime:
    return durations.parse_datetime(text)


def _failure_text(exc: Exception) -> str:
    return str(exc) if isinstance(exc, StepFailed) else f"{type(exc).__name__}: {exc}"
