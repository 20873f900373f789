"""Deploy-time lint rules for BPMN documents: which rule checks which element, and the rules for
what SpiffWorkflow 3.2 cannot run.

Spiff's parser stops at the first problem and often cannot say where it is. These rules walk the
lxml tree of every executable process and report every problem at once, each with its file,
element id and line: Python expressions that would fail at runtime (`lint_expressions`), references
to forms and decisions that are not in the bundle, roles and due times (`lint_tasks`), and the
constructs SpiffWorkflow 3.2 cannot run (here). The documents and findings are `engine.definitions.documents`;
`engine.definitions.dialects` reads the Camunda/Zeebe side; `engine.definitions.parsing` runs it all.
"""
from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from engine.definitions import lint_expressions, lint_tasks
from engine.definitions.documents import (
    BPMN_NS,
    EVENTS,
    FLOW_NODES,
    NS,
    TASKS,
    Document,
    Findings,
    LintContext,
    local,
    spiff_extension,
)
from engine.errors import Problem

# --- what SpiffWorkflow 3.2 cannot run ----------------------------------------------------------


def _service_operator(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    if spiff_extension(el, "serviceTaskOperator") is None:
        findings.error(doc, el, "service task has no spiffworkflow:serviceTaskOperator: Java classes, "
                                "expressions and external workers cannot run here")


def _data_store(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    findings.error(doc, el, "data stores are not supported: keep the data in the case (task data)")


def _outgoing(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    count = doc.outgoing.get(el.get("id"), 0)
    if count > 1:
        findings.error(doc, el, f"{local(el)} has {count} outgoing sequence flows: split them with a "
                                "parallel or exclusive gateway")


def _gateway_conditions(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    flows = [f for f in el.getparent().findall(f"{{{BPMN_NS}}}sequenceFlow")
             if f.get("sourceRef") == el.get("id")]
    if len(flows) < 2:
        return
    for flow in flows:
        if flow.get("id") != el.get("default") and flow.find(f"{{{BPMN_NS}}}conditionExpression") is None:
            findings.error(doc, flow, f"sequence flow out of gateway {el.get('id')} has no condition and is "
                                      "not the gateway's default flow")


def _link_name(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    if not (el.get("name") or "").strip():
        findings.error(doc, el, "link event has no name: give the throwing and catching link the same name")


def _called_element(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    called = (el.get("calledElement") or "").strip()
    if not called:
        findings.error(doc, el, "call activity has no calledElement: name the process it calls")
    elif called not in ctx.processes:
        findings.error(doc, el, f"call activity calls process {called}, which is not in the bundle")


def _multi_instance(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    has_cardinality = el.find(f"{{{BPMN_NS}}}loopCardinality") is not None
    has_input = el.find(f"{{{BPMN_NS}}}loopDataInputRef") is not None
    # A Camunda/Zeebe collection left unmapped was reported by engine.definitions.dialects already.
    vendor_input = el.xpath("@*[local-name()='collection'] | bpmn:extensionElements/*[local-name()="
                            "'loopCharacteristics']/@inputCollection", namespaces=NS)
    if has_cardinality == has_input and not (vendor_input and not has_cardinality):
        findings.error(doc, el, "multi-instance activity needs exactly one of loopCardinality or "
                                "loopDataInputRef")
    lint_expressions.expression_child("loopCardinality", "loop cardinality")(doc, el, ctx, findings)
    lint_expressions.expression_child("completionCondition", "completion condition")(doc, el, ctx, findings)


def _standard_loop(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    if el.get("loopMaximum") is None and el.find(f"{{{BPMN_NS}}}loopCondition") is None:
        findings.error(doc, el, "loop activity needs a loopMaximum or a loopCondition")
    lint_expressions.expression_child("loopCondition", "loop condition")(doc, el, ctx, findings)


def _boundary_definition(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    if not any(local(c).endswith("EventDefinition") for c in el):
        findings.error(doc, el, "boundary event has no event definition (timer, message, error, ...)")


# SpiffWorkflow names its own tasks of every process and sub-process Start, End, Root and
# <process id>.EndJoin; an element with one of these ids silently replaces or breaks them.
RESERVED_IDS = frozenset({"Start", "End", "Root"})


def _reserved_id(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    element_id = el.get("id")
    if element_id in RESERVED_IDS or (element_id or "").endswith(".EndJoin"):
        findings.error(doc, el, f"element id {element_id} is reserved by the engine for its own tasks "
                                "(Start, End, Root, <process>.EndJoin): rename the element")


def _missing_id(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    if el.get("id"):
        return
    if local(el) == "sequenceFlow":
        source, target = el.get("sourceRef") or "?", el.get("targetRef") or "?"
        # Spiff drops such a flow with only a warning, and the case then stops at its source.
        findings.errors.append(Problem(f"the sequence flow from {source} to {target} has no id, so the "
                                       "engine would drop it: give it an id", doc.name,
                                       el.get("sourceRef"), el.sourceline))
        return
    name = f" {el.get('name')!r}" if el.get("name") else ""
    findings.error(doc, el, f"a {local(el)}{name} has no id: give it an id", el.sourceline)


def _unsupported(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    findings.error(doc, el, f"{local(el)} is not supported by the engine")


Rule = Callable[[Document, etree._Element, LintContext, Findings], None]
_RULES: dict[str, tuple[Rule, ...]] = {
    "timerEventDefinition": (lint_expressions.timer,),
    "conditionalEventDefinition": (lint_expressions.event_condition,),
    "linkEventDefinition": (_link_name,),
    "sequenceFlow": (lint_expressions.flow_condition,),
    "scriptTask": (lint_expressions.script_task,),
    "userTask": (lint_tasks.user_task,),
    "manualTask": (lint_tasks.manual_task,),
    "businessRuleTask": (lint_tasks.business_rule_task,),
    "serviceTask": (_service_operator,),
    "callActivity": (_called_element,),
    "dataStoreReference": (_data_store,),
    "multiInstanceLoopCharacteristics": (_multi_instance,),
    "standardLoopCharacteristics": (_standard_loop,),
    "boundaryEvent": (_boundary_definition,),
    "exclusiveGateway": (_gateway_conditions,),
    "inclusiveGateway": (_gateway_conditions,),
    "complexGateway": (_unsupported,),
    "lane": (lint_tasks.lane,),
}
_NO_SPLIT = (TASKS | EVENTS) - {"startEvent"}  # Spiff lets only gateways and start events split


def rules_for(name: str) -> tuple[Rule, ...]:
    rules = _RULES.get(name, ())
    if name in FLOW_NODES or name == "sequenceFlow":
        rules += (_missing_id, _reserved_id)
    if name in FLOW_NODES:
        rules += (lint_tasks.task_properties, lint_expressions.pre_post_scripts)
    if name in _NO_SPLIT:
        rules += (_outgoing,)
    return rules


def lint_process(doc: Document, process, ctx: LintContext, findings: Findings) -> None:
    """Every rule over one executable process, its sub-processes and its lanes."""
    for el in process.iter():
        for rule in rules_for(local(el)):
            rule(doc, el, ctx, findings)


def lint_data_stores(doc: Document, findings: Findings) -> None:
    """Spiff refuses a whole file that declares a data store it has no class for."""
    for el in doc.root.iter(f"{{{BPMN_NS}}}dataStore"):
        _data_store(doc, el, None, findings)  # type: ignore[arg-type]
