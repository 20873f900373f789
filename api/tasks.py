"""The inbox: list and read tasks, claim, unclaim, assign and complete them."""
from __future__ import annotations

from flask_smorest import Blueprint

from atensi.services import services
from engine.cases.assignment import as_dicts
from engine.read.inbox import TaskFilter
from engine.read.reading import Paging

from .auth import current_actor, require_login
from .schemas.tasks import (
    AssignSchema,
    CompleteSchema,
    InboxArgs,
    ReassignResultSchema,
    ReassignSchema,
    TaskDetailSchema,
    TaskPageSchema,
    TaskSchema,
)

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="The task inbox")
blp.before_request(require_login)

TASK_ID = "<string(maxlength=36):task_id>"


@blp.get("")
@blp.arguments(InboxArgs, location="query")
@blp.response(200, TaskPageSchema)
def inbox(args):
    """By default what the caller can act on: their tasks and unclaimed tasks of their roles in their unit."""
    wanted = TaskFilter(
        assignee=args.get("assignee"), role=args.get("role"), unassigned=args.get("unassigned"),
        status=args["status"], case_id=args.get("case"), process=args.get("process"), stage=args.get("stage"),
        due_before=args.get("due_before"), due_after=args.get("due_after"), overdue=args.get("overdue"),
        sort=args["sort"], paging=Paging(args["page"], args["per_page"]))
    return services().queries.inbox(current_actor(), wanted)


@blp.get(f"/{TASK_ID}")
@blp.response(200, TaskDetailSchema)
def get_task(task_id):
    """The task with its JSON Schema form and its current data."""
    return services().queries.task(current_actor(), task_id)


@blp.post(f"/{TASK_ID}/claim")
@blp.response(200, TaskDetailSchema)
def claim(task_id):
    """Take an unclaimed task. 409 when someone has it already."""
    actor, engine = current_actor(), services()
    engine.runtime.claim(task_id, actor)
    return engine.queries.task(actor, task_id)


@blp.post(f"/{TASK_ID}/unclaim")
@blp.response(200, TaskDetailSchema)
def unclaim(task_id):
    """Give a task back to its role's queue (its assignee, or a supervisor of the unit)."""
    actor, engine = current_actor(), services()
    engine.runtime.unclaim(task_id, actor)
    return engine.queries.task(actor, task_id)


@blp.post(f"/{TASK_ID}/assign")
@blp.arguments(AssignSchema)
@blp.response(200, TaskDetailSchema)
def assign(body, task_id):
    """Assign or reassign a task to a user of its unit (supervisor)."""
    actor, engine = current_actor(), services()
    engine.runtime.assign(task_id, body["username"], actor)
    return engine.queries.task(actor, task_id)


@blp.post(f"/{TASK_ID}/complete")
@blp.arguments(CompleteSchema)
@blp.response(200, TaskSchema)
def complete(body, task_id):
    """Complete with form data: 422 per field when it breaks the form, 409 when the task is gone
    or someone else has it, 403 when the caller may not."""
    return services().runtime.complete_task(task_id, body["data"], current_actor())


@blp.post("/reassign-from/<string(maxlength=80):username>")
@blp.arguments(ReassignSchema)
@blp.response(200, ReassignResultSchema)
def reassign_from(body, username):
    """A supervisor hands every open task of a worker who is away to others of the unit, each move in
    its case's history. `dry_run` (the default) answers the preview without changing anything."""
    actor, reassignments = current_actor(), services().reassignments
    act = reassignments.preview if body["dry_run"] else reassignments.apply
    moves = act(actor, username, body["to"])
    return {"absent": username, "applied": not body["dry_run"], "moves": as_dicts(moves)}
