"""Re-binding a running workflow's task tree to another version of its spec.

A case's stored state names each task's spec by its BPMN id, so a workflow restored with one
version's specs can be moved to another's by id. Three rules keep the move safe:
- every live task (open, waiting, running, failed) and every finished task still kept in the tree
  must find a spec of the same id and type in the target, and every sub-process its target spec;
- predicted tasks (what would come next) that the target would not predict there are dropped and
  predicted again from the target, so a task inserted after an open one is where the case goes
  next, while a move to an unchanged structure leaves the tree exactly as it was;
- a waiting timer keeps the due time it computed: the target's timer applies from the next start.
Nothing here touches the database; `engine.cases.migration` wraps it in units of work.
"""
from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.util.task import TaskState

from engine.cases import state as workflow_state

LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
PREDICTED = TaskState.PREDICTED_MASK | TaskState.FUTURE


@dataclass(frozen=True)
class Blocker:
    """Why a case cannot move: an element of the case and what is wrong with it in the target."""

    element_id: str | None
    message: str

    def to_dict(self) -> dict:
        return {"element_id": self.element_id, "message": self.message}


def blockers(wf, target_specs) -> list[Blocker]:
    """Everything that stops `wf` from moving to `target_specs` (spec, subprocess specs)."""
    found: list[Blocker] = []
    for workflow, target in _pairs(wf, target_specs):
        if target is None:
            name = workflow.spec.name
            found.append(Blocker(name, f"sub-process {name} is running but does not exist in the target version"))
            continue
        for task in _kept(workflow):
            found.extend(_task_blockers(task, target))
        if not found:
            found.extend(_repredict_blockers(workflow, target))
    return _unique(found)


def rebind(wf, target_specs) -> None:
    """Move `wf` onto `target_specs` in place. Call only when `blockers` found nothing."""
    for workflow, target in _pairs(wf, target_specs):
        stale = _stale_predictions(workflow, target)
        parents = list(dict.fromkeys(task.parent for task in stale if task.parent is not None))
        for task in stale:
            _drop(workflow, task)
        workflow.spec = target
        for task in workflow.tasks.values():
            task.task_spec = target.task_specs[task.task_spec.name]
        for parent in parents:
            parent.task_spec._predict(parent, mask=TaskState.NOT_FINISHED_MASK)
    wf.subprocess_specs = target_specs[1]


def _stale_predictions(workflow, target) -> list:
    """The outermost predicted tasks the target would not have predicted there."""
    stale, stack = [], [workflow.task_tree]
    while stack:
        task = stack.pop()
        if task.has_state(PREDICTED) and not _holds_kept(task) and not _fits(task, target):
            stale.append(task)
            continue
        stack.extend(task.children)
    return stale


def _fits(task, target) -> bool:
    spec = target.task_specs.get(task.task_spec.name)
    if spec is None or task.parent is None:
        return spec is not None
    parent = target.task_specs.get(task.parent.task_spec.name)
    return parent is not None and spec.name in {o.name for o in parent.outputs}


def _repredict_blockers(workflow, target) -> list[Blocker]:
    """A waiting element whose next elements changed while it holds open work cannot be predicted again."""
    found = []
    for parent in {id(t.parent): t.parent for t in _stale_predictions(workflow, target) if t.parent}.values():
        busy = [c for c in parent.children if c.has_state(LIVE)]
        if busy:
            found.append(Blocker(parent.task_spec.bpmn_id, f"{_describe(parent)} has open work and what "
                                                           "follows it changed in the target version"))
    return found


def _pairs(wf, target_specs) -> list[tuple]:
    """(workflow, its spec in the target) for the top workflow and every running sub-process."""
    spec, subprocess_specs = target_specs
    pairs = [(wf, spec)]
    pairs += [(sub, subprocess_specs.get(sub.spec.name)) for sub in wf.subprocesses.values()]
    return pairs


def _kept(workflow) -> list:
    """The tasks a move keeps: all but the predicted ones (those are predicted again)."""
    return [t for t in workflow.tasks.values() if not t.has_state(PREDICTED) or _holds_kept(t)]


def _holds_kept(task) -> bool:
    return any(not d.has_state(PREDICTED) for d in workflow_state.descendants(task) if d is not task)


def _task_blockers(task, target) -> list[Blocker]:
    spec = task.task_spec
    if spec.bpmn_id is None and spec.name in target.task_specs:
        return []  # the engine's own specs (Start, End, boundary splits) follow their element
    candidate = target.task_specs.get(spec.name)
    what = _describe(task)
    if candidate is None:
        return [Blocker(spec.bpmn_id or spec.name, f"{what} does not exist in the target version")]
    if type(candidate) is not type(spec):
        return [Blocker(spec.bpmn_id, f"{what} is a {_kind(candidate)} in the target version, "
                                      f"not a {_kind(spec)}")]
    if task.has_state(TaskState.WAITING) and _event_kind(spec) != _event_kind(candidate):
        return [Blocker(spec.bpmn_id, f"{what} waits for a {_event_kind(spec)} but the target waits for a "
                                      f"{_event_kind(candidate)}")]
    return []


def _describe(task) -> str:
    spec = task.task_spec
    label = f"{spec.bpmn_name} ({spec.bpmn_id})" if spec.bpmn_name else (spec.bpmn_id or spec.name)
    if task.has_state(TaskState.READY | TaskState.STARTED):
        return f"open task {label}"
    if task.has_state(TaskState.WAITING):
        return f"waiting {_event_kind(spec) or 'element'} {label}"
    if task.has_state(TaskState.ERROR):
        return f"failed task {label}"
    return f"completed element {label}, still part of the running branch,"


def _event_kind(spec) -> str | None:
    definition = getattr(spec, "event_definition", None)
    if definition is None:
        return None
    name = type(definition).__name__
    for kind in ("Timer", "Message", "Signal", "Error", "Escalation", "Conditional", "Link", "Cancel"):
        if kind in name:
            return kind.lower()
    return name


def _kind(spec) -> str:
    return type(spec).__name__


def _drop(workflow, task) -> None:
    for descendant in list(workflow_state.descendants(task)):
        workflow.tasks.pop(descendant.id, None)
    parent = task.parent
    if parent is not None and task.id in parent._children:
        parent._children.remove(task.id)


def _unique(found: list[Blocker]) -> list[Blocker]:
    return list(dict.fromkeys(found))
