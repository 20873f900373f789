"""What other modelers write, read into the engine's own terms.

SpiffArena's `spiffworkflow:` extensions are native. Camunda 7 (`camunda:`, and `activiti:` which
Camunda still reads), Flowable (`flowable:`, the same attributes) and Camunda 8 (`zeebe:`) keep
roles, assignees, due dates, forms and decisions in attributes SpiffWorkflow ignores; here they
become element facts, Spiff extensions, or warnings saying plainly what is not supported. These
tools also write timers as bare ISO literals (`PT2M`), which Spiff evaluates as Python and fails on
at runtime, so they are quoted in the stored file.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from engine.cases import shown
from engine.definitions import juel_feel
from engine.definitions.documents import (
    ACTIVITI_NS,
    BPMN_NS,
    CAMUNDA_NS,
    CONTAINERS,
    FLOW_NODES,
    FLOWABLE_NS,
    SPIFF_NS,
    TIMER_KINDS,
    ZEEBE_NS,
    Document,
    Findings,
    lane_role,
    local,
    normalise_role,
    properties,
    spiff_extension,
)
from engine.durations import is_duration, is_iso_literal
from engine.vocabulary import PEKERJA_SOSIAL, ROLES

MODELER_NS = "http://camunda.org/schema/modeler/1.0"
CAMUNDA_FAMILY = (CAMUNDA_NS, ACTIVITI_NS, FLOWABLE_NS, ZEEBE_NS)
_DUE_DATE = re.compile(r"^\$\{\s*dateTime\(\)\s*\.\s*plus(Minutes|Hours|Days|Weeks|Months|Years)"
                       r"\(\s*(\d+)\s*\)\s*\.\s*toDate\(\)\s*\}$")
_DUE_UNITS = {"Minutes": "PT{}M", "Hours": "PT{}H", "Days": "P{}D", "Weeks": "P{}W", "Months": "P{}M",
              "Years": "P{}Y"}


def is_camunda_dialect(root) -> bool:
    """True when timers in this file follow Camunda semantics (a bare `P3D` is a literal)."""
    declared = {ns for _, ns in root.xpath("//namespace::*")}
    if declared & set(CAMUNDA_FAMILY):
        return True
    if SPIFF_NS in declared:
        return False
    # Camunda Modeler leaves out the camunda: namespace when a diagram uses none of its attributes.
    exporter = root.get("exporter") or ""
    return exporter.startswith("Camunda") or root.get(f"{{{MODELER_NS}}}executionPlatform") is not None


def is_expression(value: str | None) -> bool:
    text = (value or "").strip()
    return text.startswith(("${", "#{", "="))


def camunda_attr(el, name: str) -> str | None:
    for ns in (CAMUNDA_NS, ACTIVITI_NS, FLOWABLE_NS):
        if el.get(f"{{{ns}}}{name}") is not None:
            return el.get(f"{{{ns}}}{name}")
    return None


def _zeebe(el, tag: str, attr: str) -> str | None:
    found = el.xpath(f"./bpmn:extensionElements/z:{tag}/@{attr}", namespaces={"bpmn": BPMN_NS, "z": ZEEBE_NS})
    return str(found[0]) if found else None


def translate_due_date(text: str | None) -> str | None:
    """`${dateTime().plusDays(2).toDate()}` or a bare `P2D` (as Flowable writes it) -> `P2D`; else None."""
    text = (text or "").strip()
    if is_duration(text):
        return text.upper()
    match = _DUE_DATE.match(text)
    return _DUE_UNITS[match.group(1)].format(int(match.group(2))) if match else None


def _candidate_groups(el) -> str | None:
    return camunda_attr(el, "candidateGroups") or _zeebe(el, "assignmentDefinition", "candidateGroups")


def _assignee(el) -> str | None:
    return camunda_attr(el, "assignee") or _zeebe(el, "assignmentDefinition", "assignee")


def _first_group(groups: str | None) -> str | None:
    first = (groups or "").split(",")[0].strip()
    return first or None


# --- auto-fixes applied to the stored file ------------------------------------------------------


def apply_fixes(doc: Document, findings: Findings) -> None:
    if doc.camunda:
        _quote_timers(doc, findings)
    _translate_expressions(doc, findings)
    _map_multi_instance(doc, findings)
    _map_decision_refs(doc, findings)


# What each expression holder is called in a message. Untranslatable ones stay for the lint rules,
# which refuse them with the reason and the Python to write.
EXPRESSION_HOLDERS = {"conditionExpression": "condition", "condition": "event condition",
                      "completionCondition": "completion condition", "loopCardinality": "loop cardinality",
                      "loopCondition": "loop condition", **{kind: "timer expression" for kind in TIMER_KINDS}}


def _translate_expressions(doc: Document, findings: Findings) -> None:
    for tag, what in EXPRESSION_HOLDERS.items():
        for holder in doc.root.iter(f"{{{BPMN_NS}}}{tag}"):
            text = (holder.text or "").strip()
            if not juel_feel.is_foreign(text):
                continue
            try:
                python = juel_feel.translate(text)
            except juel_feel.Untranslatable:
                continue
            holder.text = python
            doc.changed = True
            findings.warn(doc, holder, f"{what} {text} was translated to Python: {python}")


def _quote_timers(doc: Document, findings: Findings) -> None:
    for kind in TIMER_KINDS:
        for holder in doc.root.iter(f"{{{BPMN_NS}}}{kind}"):
            text = (holder.text or "").strip()
            if text and is_iso_literal(text):
                holder.text = f'"{text}"'
                doc.changed = True
                findings.warn(doc, holder, f'timer expression {text} was quoted as "{text}": the engine '
                                           "reads timers as Python, where a Camunda literal must be a string")


def _map_multi_instance(doc: Document, findings: Findings) -> None:
    """Camunda's collection/elementVariable and Zeebe's inputCollection/inputElement (and output pair)
    become the BPMN loopDataInputRef/inputDataItem (loopDataOutputRef/outputDataItem) Spiff reads."""
    for loop in doc.root.iter(f"{{{BPMN_NS}}}multiInstanceLoopCharacteristics"):
        if loop.find(f"{{{BPMN_NS}}}loopDataInputRef") is not None:
            continue
        collection, element, output, output_element = _loop_data(loop)
        if collection is None or loop.find(f"{{{BPMN_NS}}}loopCardinality") is not None:
            continue
        names = [_variable(text) for text in (collection, element, output, output_element)]
        if any(text is not None and name is None for text, name in zip((collection, element, output,
                                                                         output_element), names, strict=True)):
            findings.error(doc, loop, f"multi-instance collection {collection} (element {element}) must name "
                                      "variables of the case, such as items and item")
            continue
        _write_loop_data(loop, *names)
        doc.changed = True
        findings.warn(doc, loop, f"multi-instance over {collection} (each item as {names[1] or 'nothing'}) "
                                 "was written as loopDataInputRef/inputDataItem")


def _loop_data(loop) -> tuple[str | None, ...]:
    zeebe = loop.find(f"{{{BPMN_NS}}}extensionElements/{{{ZEEBE_NS}}}loopCharacteristics")
    if zeebe is not None:
        return tuple(zeebe.get(a) for a in ("inputCollection", "inputElement", "outputCollection",
                                            "outputElement"))
    return camunda_attr(loop, "collection"), camunda_attr(loop, "elementVariable"), None, None


def _variable(text: str | None) -> str | None:
    """The variable a collection or element names: `items`, `${items}` or `= items`; None otherwise."""
    text = (text or "").strip()
    if juel_feel.is_foreign(text):
        try:
            text = juel_feel.translate(text)
        except juel_feel.Untranslatable:
            return None
    return text if text.isidentifier() and text not in ("True", "False", "None") else None


def _write_loop_data(loop, collection: str, element: str | None, output: str | None,
                     output_element: str | None) -> None:
    # The schema's order: loopDataInputRef, loopDataOutputRef, inputDataItem, outputDataItem, after
    # any documentation and extensionElements, before completionCondition.
    parts = [("loopDataInputRef", collection), ("loopDataOutputRef", output if output_element else None),
             ("inputDataItem", element), ("outputDataItem", output_element if output else None)]
    position = len([c for c in loop if local(c) in ("documentation", "extensionElements")])
    for tag, value in parts:
        if value is None:
            continue
        child = etree.Element(f"{{{BPMN_NS}}}{tag}")
        if tag.endswith("Ref"):
            child.text = value
        else:
            child.set("id", value)
            child.set("name", value)
        loop.insert(position, child)
        position += 1


def _map_decision_refs(doc: Document, findings: Findings) -> None:
    """Spiff only runs a business rule task that names its decision with spiffworkflow:calledDecisionId."""
    for task in doc.root.iter(f"{{{BPMN_NS}}}businessRuleTask"):
        ref = _vendor_decision_ref(task)
        if spiff_extension(task, "calledDecisionId") is not None or not ref:
            continue
        if is_expression(ref):
            findings.warn(doc, task, f"decision reference {ref} is an expression, which is not supported")
            continue
        called = etree.Element(f"{{{SPIFF_NS}}}calledDecisionId", nsmap={"spiffworkflow": SPIFF_NS})
        called.text = ref.strip()
        extension_elements(task).append(called)
        doc.changed = True
        findings.warn(doc, task, f"Camunda decision reference {ref} was written as "
                                 "spiffworkflow:calledDecisionId")


def _vendor_decision_ref(task) -> str | None:
    return camunda_attr(task, "decisionRef") or _zeebe(task, "calledDecision", "decisionId")


def referenced_decisions(root) -> set[str]:
    """The decision ids a diagram's business rule tasks call, in any dialect (expressions left out)."""
    refs = set()
    for task in root.iter(f"{{{BPMN_NS}}}businessRuleTask"):
        called = spiff_extension(task, "calledDecisionId")
        ref = (called.text if called is not None else None) or _vendor_decision_ref(task)
        if ref and ref.strip() and not is_expression(ref):
            refs.add(ref.strip())
    return refs


def extension_elements(el):
    found = el.find(f"{{{BPMN_NS}}}extensionElements")
    if found is None:
        # The schema wants extensionElements right after any documentation.
        position = len(el.findall(f"{{{BPMN_NS}}}documentation"))
        found = etree.Element(f"{{{BPMN_NS}}}extensionElements")
        el.insert(position, found)
    return found


# --- facts about every flow node ----------------------------------------------------------------


def element_facts(doc: Document, resolve_file: Callable[[str], str | None]) -> dict[str, dict]:
    """element id -> name, type, process, lane, role, form, due_in, due_date, stage, assignee, decision,
    shows and banner (engine.cases.shown), urgent, interrupting."""
    facts: dict[str, dict] = {}
    for process in doc.processes():
        _collect(doc, process, None, resolve_file, facts)
    return facts


def _collect(doc: Document, container, inherited_lane, resolve_file, facts: dict) -> None:
    for el in container:
        kind = local(el)
        if kind not in FLOW_NODES or not el.get("id"):
            continue
        lane_el = doc.lanes.get(el.get("id"))
        lane = (lane_el.get("name"), lane_role(lane_el)) if lane_el is not None else inherited_lane
        facts[el.get("id")] = _facts(el, kind, container.get("id"), lane, resolve_file)
        if kind in CONTAINERS:
            _collect(doc, el, lane, resolve_file, facts)  # nested nodes run in their sub-process's lane


def _facts(el, kind: str, process: str, lane_and_role: tuple | None, resolve_file) -> dict:
    """lane_and_role: (lane name, the lane's role property) or None."""
    lane, lane_role_property = lane_and_role or (None, None)
    props = properties(el)
    form = props.get("formJsonSchemaFilename")
    assignee = _assignee(el)
    decision = spiff_extension(el, "calledDecisionId")
    role = _role(el, props, lane_role_property or lane)
    # A user task drawn with no lane and no role (common in other tools) goes to the case manager.
    role_defaulted = kind == "userTask" and role is None and lane is None
    return {
        "name": el.get("name"), "type": kind, "process": process, "lane": lane,
        "role": DEFAULT_ROLE if role_defaulted else role, "role_defaulted": role_defaulted,
        # who may send a catching event's message (engine.cases.actions): its own role property, not the lane's
        "sender_role": props.get("role") if kind in ("startEvent", "intermediateCatchEvent") else None,
        "form": (resolve_file(form) or form) if form else None,
        "due_in": props.get("dueIn") or translate_due_date(camunda_attr(el, "dueDate")),
        "due_date": props.get("dueDate"),
        "stage": props.get("stage"),
        "assignee": assignee.strip() if assignee and not is_expression(assignee) else None,
        "decision": (decision.text or "").strip() or None if decision is not None else None,
        "shows": shown.parse_paths(props.get("shows")),
        "banner": next(iter(shown.parse_paths(props.get("banner"))), None),
        # urgent: first in every inbox and an alert to the unit's supervisors as soon as it opens
        "urgent": (props.get("urgent") or "").strip().lower() in ("true", "ya", "1"),
        # a start event of an event sub-process: does it end what its process was doing (BPMN default)
        "interrupting": kind == "startEvent" and el.get("isInterrupting", "true").strip().lower() != "false",
    }


DEFAULT_ROLE = PEKERJA_SOSIAL


def _role(el, props: dict, lane: str | None) -> str | None:
    if props.get("role"):
        return props["role"]
    group = _first_group(_candidate_groups(el))
    if group in ROLES:
        return group
    return normalise_role(lane)


# --- warnings about what is read but not supported ----------------------------------------------


def lint_process(doc: Document, process, findings: Findings) -> None:
    """Warnings for Camunda/Zeebe attributes the engine cannot honour, over one executable process."""
    for el in process.iter():
        if local(el) in FLOW_NODES:
            _warn_assignment(doc, el, findings)
            _warn_due_date(doc, el, findings)
            _warn_forms(doc, el, findings)
            _warn_listeners(doc, el, findings)


def _warn_assignment(doc: Document, el, findings: Findings) -> None:
    assignee = _assignee(el)
    if assignee and is_expression(assignee):
        findings.warn(doc, el, f"expression assignees are not supported ({assignee}): the task is offered "
                               "to its role")
    group = _first_group(_candidate_groups(el))
    if group and is_expression(group):
        findings.warn(doc, el, f"expression candidate groups are not supported ({group}): the lane gives "
                               "the role")
    elif group and group not in ROLES:
        findings.warn(doc, el, f"candidate group {group} is not a role here ({', '.join(ROLES)}): ignored")
    if camunda_attr(el, "candidateUsers"):
        findings.warn(doc, el, "candidate users are not supported: the task is offered to its role")


def _warn_due_date(doc: Document, el, findings: Findings) -> None:
    due = camunda_attr(el, "dueDate")
    if due and translate_due_date(due) is None:
        findings.warn(doc, el, f"due date {due} is not supported: set a dueIn property such as P3D")


def _warn_forms(doc: Document, el, findings: Findings) -> None:
    has_form = camunda_attr(el, "formKey") or el.xpath(
        "./bpmn:extensionElements/*[local-name()='formData' or local-name()='formDefinition' "
        "or local-name()='formProperty']",
        namespaces={"bpmn": BPMN_NS})
    if has_form:
        findings.warn(doc, el, "Camunda forms are not supported; attach a JSON Schema form "
                               "(formJsonSchemaFilename)")


def _warn_listeners(doc: Document, el, findings: Findings) -> None:
    for listener in el.xpath("./bpmn:extensionElements/*[local-name()='taskListener' or "
                             "local-name()='executionListener']", namespaces={"bpmn": BPMN_NS}):
        findings.warn(doc, listener, f"Camunda {local(listener)}s are ignored")
