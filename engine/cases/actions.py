"""What a case can receive now: the messages an outsider may send it, read from its diagram.

An action is a message the case waits for (a catching event) or can start an event sub-process
with, as long as the case is open; its label is the catching element's name and its form the
element's form, if it has one. A message the process throws itself (``terminasi_dini``, thrown by
the supervisor's approval) is the diagram's own business and never an action.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import ThrowingEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.cases import state as workflow_state


@dataclass(frozen=True)
class Action:
    message: str
    element_id: str
    label: str
    form: str | None
    schema: dict | None

    def to_dict(self) -> dict:
        return asdict(self)


def available(wf: BpmnWorkflow, version) -> list[Action]:
    """The case's actions now, in diagram order of their elements' names."""
    internal = thrown_within(wf)
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
        form = facts.get("form")
        actions.append(Action(name, spec.bpmn_id, spec.bpmn_name or name, form, version.forms.get(form or "")))
    return sorted(actions, key=lambda action: action.label)


def thrown_within(wf: BpmnWorkflow) -> set[str]:
    """Names of the messages some element of the case's own process (or its sub-processes) throws."""
    names = set()
    for spec in (wf.spec, *wf.subprocess_specs.values()):
        for task_spec in spec.task_specs.values():
            definition = getattr(task_spec, "event_definition", None)
            if isinstance(task_spec, ThrowingEvent) and isinstance(definition, MessageEventDefinition):
                names.add(definition.name)
    return names
