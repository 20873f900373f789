"""What a case can receive now: the messages an outsider may send it, read from its diagram.

An action is a message the case waits for (a catching event) or can start an event sub-process
with, as long as the case is open; its label is the catching element's name and its form the
element's form, if it has one. A message the process throws itself (``terminasi_dini``, thrown by
the supervisor's approval) is the diagram's own business and never an action.

Who may send it: the catching element's own ``role`` property (as a user task's role), supervisors
too, as they oversee the unit's cases; without the property, anyone who works on the case.
Once an interrupting event sub-process runs (the case is terminating), a message that would start
another path to it (a second termination proposal) is refused: the case already ends that way.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import ThrowingEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.cases import state as workflow_state
from engine.errors import Conflict, Forbidden
from engine.people.access import Actor
from engine.vocabulary import ROLE_LABELS, SUPERVISOR


@dataclass(frozen=True)
class Action:
    message: str
    element_id: str
    label: str
    form: str | None
    schema: dict | None
    role: str | None = None  # who may send it (and supervisors); None: anyone who works on the case

    def to_dict(self) -> dict:
        return asdict(self)


def available(wf: BpmnWorkflow, version, actor: Actor | None = None) -> list[Action]:
    """The case's actions now that ``actor`` (None: anyone) may take, in order of their labels."""
    internal = thrown_within(wf) | leads_to_running_interruption(wf, version)
    catchers = dict(workflow_state.event_subprocess_starts(wf))
    for task in wf.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, MessageEventDefinition) and definition.name:
            catchers.setdefault(definition.name, task.task_spec)
    actions = []
    for name, spec in catchers.items():
        if name in internal:
            continue
        facts = version.element(spec.bpmn_id)
        if actor is not None and not may_send(actor, facts):
            continue
        form = facts.get("form")
        actions.append(Action(name, spec.bpmn_id, spec.bpmn_name or name, form, version.forms.get(form or ""),
                              facts.get("sender_role")))
    return sorted(actions, key=lambda action: action.label)


def may_send(actor: Actor, facts: dict) -> bool:
    role = facts.get("sender_role")
    return actor.is_system or not role or actor.has(role, SUPERVISOR)


def require_may_send(wf: BpmnWorkflow, version, name: str, catcher, actor: Actor) -> None:
    """Forbidden when the catching element names another role; Conflict while the case is already
    terminating and the message would lead there again."""
    facts = version.element(catcher.bpmn_id)
    if not may_send(actor, facts):
        label = ROLE_LABELS.get(facts["sender_role"], facts["sender_role"])
        raise Forbidden(f"only {label} or a supervisor may send {name!r} ({catcher.bpmn_id})")
    if name in leads_to_running_interruption(wf, version):
        raise Conflict(f"the case is already terminating: {name!r} ({catcher.bpmn_id}) is not taken now")


def leads_to_running_interruption(wf: BpmnWorkflow, version) -> set[str]:
    """While an interrupting event sub-process runs: the messages that start an event sub-process
    throwing that sub-process's message (or that message itself)."""
    running = set()
    for started in wf.task_tree.children:
        if started.internal_data.get("interrupted") and not started.state & TaskState.CANCELLED:
            sub_spec = wf.subprocess_specs.get(started.task_spec.name)
            running |= {start.event_definition.name for start in (sub_spec.bpmn_start_events if sub_spec else [])
                        if isinstance(start.event_definition, MessageEventDefinition)}
    if not running:
        return set()
    leading = set(running)
    for name, start in workflow_state.event_subprocess_starts(wf).items():
        if _thrown_in(wf.subprocess_specs.get(start._wf_spec.name)) & running:
            leading.add(name)
    return leading


def thrown_within(wf: BpmnWorkflow) -> set[str]:
    """Names of the messages some element of the case's own process (or its sub-processes) throws."""
    names = set()
    for spec in (wf.spec, *wf.subprocess_specs.values()):
        names |= _thrown_in(spec)
    return names


def _thrown_in(spec) -> set[str]:
    if spec is None:
        return set()
    return {task_spec.event_definition.name for task_spec in spec.task_specs.values()
            if isinstance(task_spec, ThrowingEvent)
            and isinstance(getattr(task_spec, "event_definition", None), MessageEventDefinition)}
