"""Turning SpiffWorkflow objects into stored state and back.

Two things keep per-case state small and loading fast however old a case is:
- the spec is stored once per process version and never copied into a case;
- finished history above the point where every live branch meets is pruned before saving
  (the case's own history table keeps the record of what happened).
"""
from __future__ import annotations

from copy import deepcopy
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from engine.cases.sandbox import script_engine

SERIALIZER_VERSION = f"spiff-{VERSION}+atensi-1"


class SpecFreeWorkflowConverter(BpmnWorkflowConverter):
    """The stock converter without the spec: the caller supplies it on restore."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dict(dct["subprocesses"]), workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _registry():
    config = deepcopy(SPIFF_CONFIG)
    config[BpmnWorkflow] = SpecFreeWorkflowConverter
    return BpmnWorkflowSerializer.configure(config)


_REGISTRY = _registry()
_SERIALIZER = BpmnWorkflowSerializer(_REGISTRY)


def spec_to_dict(spec, subprocess_specs: dict) -> dict:
    return {
        "spec": _REGISTRY.convert(spec),
        "subprocess_specs": {name: _REGISTRY.convert(s) for name, s in subprocess_specs.items()},
    }


def restore_specs(spec_dict: dict) -> tuple:
    spec = _REGISTRY.restore(deepcopy(spec_dict["spec"]))
    subprocess_specs = {name: _REGISTRY.restore(deepcopy(s)) for name, s in spec_dict["subprocess_specs"].items()}
    guard_event_subprocesses((spec, subprocess_specs))
    return spec, subprocess_specs


def guard_event_subprocesses(specs) -> None:
    """Give each message-started event sub-process its process's start as input. SpiffWorkflow 3.2,
    catching a message its own case threw (an approval throwing ``terminasi_dini``), would otherwise
    connect the sub-process into the shared, cached spec, and every later case would wait on it."""
    spec, subprocess_specs = specs
    for process in (spec, *subprocess_specs.values()):
        for name in process.start.trigger_specs:
            task_spec = process.task_specs.get(name)
            if task_spec is not None and not task_spec.inputs:
                task_spec.inputs = [process.start]


def new_workflow(specs) -> BpmnWorkflow:
    guard_event_subprocesses(specs)
    spec, subprocess_specs = specs
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine())
    workflow.loaded_message_waits = set()  # a new case has no rows in case_message_waits
    return workflow


def dump(workflow: BpmnWorkflow) -> dict:
    prune(workflow)
    _REGISTRY._encoder_mode = True
    try:
        return _REGISTRY.convert(workflow)
    finally:
        _REGISTRY._encoder_mode = False


def load(state: dict, specs, consume: bool = False) -> BpmnWorkflow:
    """Restore a workflow. The restore takes ``state`` apart, so it works on a copy unless the
    caller says nobody will read ``state`` again (the copy costs a tenth of a case operation)."""
    spec, subprocess_specs = specs
    workflow = _REGISTRY.restore(state if consume else deepcopy(state), spec=spec, subprocess_specs=subprocess_specs)
    workflow.script_engine = script_engine()
    # What the case waited for when loaded: saving can skip rewriting unchanged waits.
    workflow.loaded_message_waits = message_waits(workflow)
    return workflow


def message_waits(workflow: BpmnWorkflow) -> set[str]:
    waiting = {
        task.task_spec.event_definition.name
        for task in workflow.event_manager.tasks.values()
        if isinstance(task.task_spec.event_definition, MessageEventDefinition) and task.task_spec.event_definition.name
    }
    return waiting | set(event_subprocess_starts(workflow))


def event_subprocess_starts(workflow: BpmnWorkflow) -> dict[str, object]:
    """Message name → start event spec of each event sub-process of the process, while the case is
    open. SpiffWorkflow 3.2 creates such a sub-process only when its message arrives, so no task
    waits for it."""
    if workflow.completed:  # not is_completed(): that marks a stuck workflow completed as it asks
        return {}
    starts = {}
    for name in workflow.spec.start.trigger_specs:
        sp_spec = workflow.subprocess_specs.get(name)
        for start in sp_spec.bpmn_start_events if sp_spec is not None else []:
            definition = start.event_definition
            if isinstance(definition, MessageEventDefinition) and definition.name:
                starts.setdefault(definition.name, start)
    return starts


def open_event_subprocess(workflow: BpmnWorkflow, start) -> None:
    """Open the event sub-process whose start event is `start`, waiting for its message. Left to
    itself SpiffWorkflow 3.2 would do this on catching the message, but by connecting the sub-process
    into the shared, cached process spec, which then makes every later case wait on it for ever."""
    task_spec = workflow.spec.task_specs[start._wf_spec.name]
    if not task_spec.inputs:  # SpiffWorkflow refuses a task with no input; the start gets no new output
        task_spec.inputs = [workflow.spec.start]
    child = workflow.task_tree._add_child(task_spec, TaskState.FUTURE)
    child.triggered = True
    child.task_spec._update(child)


def interrupt(workflow: BpmnWorkflow, is_interrupting) -> bool:
    """BPMN: an interrupting event sub-process, once its start event has fired, ends everything else
    its process was doing: open tasks are withdrawn, waiting timers and other event sub-processes
    cancelled (history stays). SpiffWorkflow 3.2 parses isInterrupting and ignores it.
    ``is_interrupting(element_id)`` reads the diagram. Returns whether it cancelled anything."""
    cancelled = False
    for started in list(workflow.task_tree.children):
        if started.task_spec.name not in workflow.spec.start.trigger_specs or started.internal_data.get("interrupted"):
            continue
        sub = workflow.subprocesses.get(started.id)
        fired = [t for t in sub.get_tasks(state=TaskState.COMPLETED)
                 if t.task_spec in sub.spec.bpmn_start_events] if sub is not None else []
        if not any(is_interrupting(t.task_spec.bpmn_id) for t in fired):
            continue
        started.internal_data["interrupted"] = True
        for other in list(workflow.task_tree.children):
            if other is not started:
                other.cancel()
        cancelled = True
    return cancelled


def end_after_interruption(workflow: BpmnWorkflow) -> None:
    """The process ends with the interrupting event sub-process that replaced it (its own end event was
    cancelled with the rest), once nothing else in it is live."""
    if workflow.completed:
        return
    for started in workflow.task_tree.children:
        if started.internal_data.get("interrupted") and started.state == TaskState.COMPLETED:
            live = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
            if not workflow.get_tasks(state=live):
                workflow._mark_complete(started)
            return


# --- pruning -----------------------------------------------------------------------------------


def prune(workflow: BpmnWorkflow) -> None:
    """Drop finished tasks above the lowest common ancestor of the live tasks, in each workflow."""
    for wf in [workflow, *workflow.subprocesses.values()]:
        _prune_one(workflow, wf)


def _prune_one(top: BpmnWorkflow, wf) -> None:
    # ERROR counts as live: a failed task must survive for its incident to be retried.
    live = [t for t in wf.tasks.values() if not t.has_state(TaskState.COMPLETED | TaskState.CANCELLED)]
    if not live:
        return
    anchor = _common_ancestor(live)
    root = wf.task_tree
    if anchor is root or anchor.parent is root:
        return
    keep = {root.id}
    keep.update(t.id for t in descendants(anchor))
    dropped = [task_id for task_id in wf.tasks if task_id not in keep]
    for task_id in dropped:
        if task_id in top.subprocesses:
            top.delete_subprocess(wf.tasks[task_id])
        del wf.tasks[task_id]
    root._children = [anchor.id]
    anchor._parent = root.id
    if wf.last_task is not None and wf.last_task.id not in keep:
        wf.last_task = None


def _common_ancestor(tasks):
    paths = [_path_from_root(t) for t in tasks]
    anchor = None
    for level in zip(*paths, strict=False):
        if all(t is level[0] for t in level):
            anchor = level[0]
        else:
            break
    return anchor


def _path_from_root(task):
    path = []
    while task is not None:
        path.append(task)
        task = task.parent
    return list(reversed(path))


def descendants(task):
    """The task and every task below it."""
    stack = [task]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)
