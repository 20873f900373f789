"""Lint rules for what a task needs to be worked: its role and lane, its form and due time, its decision."""
from __future__ import annotations

from engine.definitions.documents import (
    ACTIVITI_NS,
    BPMN_NS,
    CAMUNDA_NS,
    FLOWABLE_NS,
    HUMAN_TASKS,
    Document,
    Findings,
    LintContext,
    lane_role,
    local,
    normalise_role,
    properties,
)
from engine.definitions.lint_expressions import check_python
from engine.durations import MAX_YEARS, from_words, is_duration, too_long
from engine.vocabulary import ROLES


def task_properties(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    props = properties(el)
    due_in = props.get("dueIn")
    if due_in is not None and not is_duration(due_in):
        hint = ": write it without quotes" if due_in.strip()[:1] in "\"'" else ""
        hint = f": {due_in.strip()} is written {from_words(due_in)}" if from_words(due_in) else hint
        findings.error(doc, el, f"dueIn {due_in!r} is not an ISO-8601 duration such as P3D or PT24H{hint}")
    elif due_in is not None and too_long(due_in):
        findings.error(doc, el, f"dueIn {due_in.strip()} is longer than {MAX_YEARS} years")
    if props.get("dueDate") is not None:
        check_python(doc, el, props["dueDate"], "eval", "dueDate expression", findings)
    if props.get("role") is not None and props["role"] not in ROLES:
        findings.error(doc, el, f"role {props['role']!r} is not a known role ({', '.join(ROLES)})")
    form = props.get("formJsonSchemaFilename")
    if form is not None and ctx.resolve_file(form) is None:
        findings.error(doc, el, f"form {form} (formJsonSchemaFilename) is not among the uploaded files")
    ui_form = props.get("formUiSchemaFilename")
    if ui_form is not None and ctx.resolve_file(ui_form) is None:
        findings.warn(doc, el, f"UI schema {ui_form} (formUiSchemaFilename) is not among the uploaded files")


def user_task(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    facts = ctx.facts.get(el.get("id"), {})
    if facts.get("role_defaulted"):
        findings.warn(doc, el, f"user task has no lane or role: it goes to {facts['role']}; "
                               "put it in a lane named after a role to choose")
    elif not facts.get("role"):
        findings.error(doc, el, "user task has no role: put it in a lane named after a role "
                                f"({', '.join(ROLES)}) or set a role property")
    has_form_key = any(el.get(f"{{{ns}}}formKey") for ns in (CAMUNDA_NS, ACTIVITI_NS, FLOWABLE_NS))
    if not facts.get("form") and not has_form_key:
        findings.warn(doc, el, "user task has no form: set formJsonSchemaFilename to a JSON Schema file")
    if not facts.get("due_in") and not facts.get("due_date"):
        findings.warn(doc, el, "user task has no dueIn or dueDate: the engine's default due time applies")
    _shown_paths(doc, el, ctx, facts, findings)


def _shown_paths(doc: Document, el, ctx: LintContext, facts: dict, findings: Findings) -> None:
    """A path in `shows` or `banner` that no form writes shows nothing: most often a typo."""
    entries = [("shows", e) for e in facts.get("shows") or []]
    entries += [("banner", facts["banner"])] if facts.get("banner") else []
    for prop, entry in entries:
        if entry["path"].split(".")[0] not in ctx.form_fields:
            findings.warn(doc, el, f"{prop}: no form of the process writes {entry['path']}, so it shows nothing")


def manual_task(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    if not ctx.facts.get(el.get("id"), {}).get("role"):
        findings.warn(doc, el, "manual task has no role: anyone in the case's unit may complete it")


def business_rule_task(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    decision = ctx.facts.get(el.get("id"), {}).get("decision")
    if not decision:
        findings.error(doc, el, "business rule task names no decision: set spiffworkflow:calledDecisionId")
    elif decision not in ctx.decisions:
        known = ", ".join(sorted(ctx.decisions)) or "none"
        findings.error(doc, el, f"decision {decision} is not defined by any DMN file in the bundle "
                                f"(defined: {known})")


def lane(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    if el.find(f"{{{BPMN_NS}}}childLaneSet/{{{BPMN_NS}}}lane") is not None:
        return  # only the innermost lanes stand for roles
    mapped = lane_role(el)
    if mapped is not None:
        if mapped not in ROLES:
            findings.error(doc, el, f"lane role {mapped!r} is not a known role ({', '.join(ROLES)})")
        return
    role = normalise_role(el.get("name"))
    if role in ROLES:
        return
    nodes = [doc.by_id.get((ref.text or "").strip()) for ref in el.findall(f"{{{BPMN_NS}}}flowNodeRef")]
    human = [n for n in nodes if n is not None and local(n) in HUMAN_TASKS]
    if human and all(_explicit_role(ctx, n, role) for n in human):
        return
    findings.unmapped_lanes.append({"file": doc.name, "element_id": el.get("id"), "name": el.get("name")})
    if role is None:
        findings.error(doc, el, f"lane has no name: map it to a role ({', '.join(ROLES)}) or name it after one")
    else:
        findings.error(doc, el, f"lane {el.get('name')!r} is not a known role ({role}): map it to one of "
                                f"{', '.join(ROLES)} (lane_roles), name it after one, or give each of its "
                                "tasks a role")


def _explicit_role(ctx: LintContext, node, lane_role: str | None) -> bool:
    role = ctx.facts.get(node.get("id"), {}).get("role")
    return role in ROLES and role != lane_role
