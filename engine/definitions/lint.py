"""Deploy-time lint rules for BPMN documents, and the small types they report into.

Spiff's parser stops at the first problem and often cannot say where it is. These rules walk the
lxml tree of every executable process and report every problem at once, each with its file,
element id and line: Python expressions that would fail at runtime, references to forms and
decisions that are not in the bundle, roles, due times, and the constructs SpiffWorkflow 3.2
cannot run. `engine.definitions.dialects` reads the Camunda/Zeebe side; `engine.definitions.parsing` runs it all.
"""
from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine import clock
from engine.cases.sandbox import syntax_errors
from engine.definitions import juel_feel
from engine.durations import MAX_YEARS, from_words, is_duration, is_iso_literal, too_far, too_long
from engine.errors import Problem
from engine.vocabulary import ROLES

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ACTIVITI_NS = "http://activiti.org/bpmn"  # Camunda 7 still reads its predecessor's namespace
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
FLOWABLE_NS = "http://flowable.org/bpmn"  # Activiti's other heir: the same attributes, its own namespace
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS, "camunda": CAMUNDA_NS, "activiti": ACTIVITI_NS}

CONTAINERS = frozenset({"process", "subProcess", "transaction", "adHocSubProcess"})
GATEWAYS = frozenset({"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway",
                      "complexGateway"})
TASKS = frozenset({"task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
                   "businessRuleTask", "callActivity", "subProcess", "transaction", "adHocSubProcess"})
EVENTS = frozenset({"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
                    "boundaryEvent"})
FLOW_NODES = TASKS | EVENTS | GATEWAYS
HUMAN_TASKS = frozenset({"userTask", "manualTask"})
# Children that may carry ids of their own but are not what a modeler selects in the diagram.
_PARTS = frozenset({"conditionExpression", "condition", "script", "timeDate", "timeDuration", "timeCycle",
                    "loopCardinality", "completionCondition", "loopCondition", "extensionElements",
                    "multiInstanceLoopCharacteristics", "standardLoopCharacteristics"})
TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")
_CRON_FIELD = re.compile(r"^[\d*?/,\-LW#]+$|^(MON|TUE|WED|THU|FRI|SAT|SUN|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP"
                         r"|OCT|NOV|DEC)([-,/][A-Z]{3})*$")


def local(el) -> str:
    """Local tag name; '' for comments and processing instructions."""
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def normalise_role(name: str | None) -> str | None:
    if not name or not name.strip():
        return None
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def properties(el) -> dict[str, str]:
    """spiffworkflow:properties of an element; camunda:properties fill in what those lack."""
    props: dict[str, str] = {}
    for ns in (ACTIVITI_NS, CAMUNDA_NS, SPIFF_NS):  # later namespaces win
        for prop in el.xpath("./bpmn:extensionElements/x:properties/x:property", namespaces={**NS, "x": ns}):
            if prop.get("name"):
                props[prop.get("name")] = prop.get("value", "")
    return props


def lane_role(lane) -> str | None:
    """The role a lane's role property names: a lane mapped to a role at import (engine.definitions.lane_mapping)."""
    return properties(lane).get("role")


def spiff_extension(el, name: str):
    found = el.xpath(f"./bpmn:extensionElements/spiffworkflow:{name}", namespaces=NS)
    return found[0] if found else None


@dataclass(eq=False)
class Document:
    """One parsed XML file of the bundle."""

    name: str
    root: etree._Element
    camunda: bool = False
    changed: bool = False

    @cached_property
    def by_id(self) -> dict[str, etree._Element]:
        return {el.get("id"): el for el in self.root.iter() if isinstance(el.tag, str) and el.get("id")}

    @cached_property
    def outgoing(self) -> Counter:
        return Counter(sf.get("sourceRef") for sf in self.root.iter(f"{{{BPMN_NS}}}sequenceFlow"))

    @cached_property
    def lanes(self) -> dict[str, etree._Element]:
        """Flow node id -> its innermost lane (child lanes come later in document order)."""
        found = {}
        for ref in self.root.iter(f"{{{BPMN_NS}}}flowNodeRef"):
            if ref.text and ref.text.strip():
                found[ref.text.strip()] = ref.getparent()
        return found

    def processes(self) -> list[etree._Element]:
        return self.root.findall(f"{{{BPMN_NS}}}process")

    def owner(self, el):
        """The nearest element with an id that a modeler can select (not an event definition)."""
        while el is not None and (not el.get("id") or local(el) in _PARTS
                                  or local(el).endswith("EventDefinition")):
            el = el.getparent()
        return el

    def problem(self, el, message: str, line: int | None = None) -> Problem:
        owner = self.owner(el) if el is not None else None
        line = line if line is not None else (el.sourceline if el is not None else None)
        return Problem(message, self.name, owner.get("id") if owner is not None else None, line)

    def line_of(self, element_id: str | None) -> int | None:
        el = self.by_id.get(element_id) if element_id else None
        return el.sourceline if el is not None else None


@dataclass
class Findings:
    """Errors block a deploy; warnings are stored with the version and shown to the modeler."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unmapped_lanes: list[dict] = field(default_factory=list)  # lanes to map to a role: {file, element_id, name}

    def error(self, doc: Document, el, message: str, line: int | None = None) -> None:
        self.errors.append(doc.problem(el, message, line))

    def warn(self, doc: Document, el, message: str, line: int | None = None) -> None:
        self.warnings.append(doc.problem(el, message, line))


@dataclass(frozen=True)
class LintContext:
    resolve_file: Callable[[str], str | None]  # a file name as the BPMN writes it -> the bundle's name
    decisions: frozenset[str]
    processes: frozenset[str]
    facts: dict[str, dict]
    form_fields: frozenset[str] = frozenset()  # top-level fields the bundle's forms write


# --- Python expressions -------------------------------------------------------------------------


def check_python(doc: Document, holder, text: str | None, mode: str, what: str, findings: Findings) -> bool:
    """Report why `text` would not run in the sandbox; True when it is fine."""
    if text is None or not text.strip():
        findings.error(doc, holder, f"{what} is empty")
        return False
    stripped = text.strip()
    if stripped.startswith(("${", "#{")) or (mode == "eval" and stripped.startswith("=")):
        findings.error(doc, holder, foreign_expression_problem(what, stripped))
        return False
    problems = syntax_errors(text.strip() if mode == "eval" else text, mode)
    for line, message in problems:
        where = f" (line {line} of the {what})" if line else ""
        # The text starts on the holder's line, so script line n sits n-1 lines further down.
        absolute = holder.sourceline + line - 1 if line and holder.sourceline and mode == "exec" else None
        findings.error(doc, holder, f"{what}: {message}{where}", absolute)
    return not problems


def foreign_expression_problem(what: str, text: str) -> str:
    """Why a JUEL/FEEL expression cannot stay, and the Python to write instead."""
    try:
        return f"{what} {text} is a JUEL/FEEL expression: write it in Python: {juel_feel.translate(text)}"
    except juel_feel.Untranslatable as exc:
        reason = str(exc)
    hint = juel_feel.suggestion(text)
    write = f"write it in Python, such as {hint}" if hint else \
        "write it in Python over the case's data (Java beans, execution and method calls do not exist here)"
    return f"{what} {text} is a JUEL/FEEL expression that is not translated ({reason}): {write}"


# --- timers -------------------------------------------------------------------------------------


def _timer(doc: Document, definition, ctx: LintContext, findings: Findings) -> None:
    holders = [c for c in definition if local(c) in TIMER_KINDS]
    if not holders or not (holders[0].text or "").strip():
        findings.error(doc, holders[0] if holders else definition, "timer has no expression: set a "
                       'quoted ISO-8601 date, duration or cycle such as "P3D"')
        return
    holder, text = holders[0], holders[0].text.strip()
    if _looks_like_cron(text):
        findings.error(doc, holder, f"timer expression {text} is a cron expression, which is not supported: "
                                    "use an ISO-8601 cycle such as \"R/P1D\"")
    elif is_iso_literal(text):
        findings.error(doc, holder, f"timer expression {text} must be a quoted Python string: \"{text}\"")
    elif check_python(doc, holder, text, "eval", "timer expression", findings):
        _check_timer_literal(doc, holder, text, findings)


def _looks_like_cron(text: str) -> bool:
    fields = text.upper().split()
    return 5 <= len(fields) <= 7 and all(_CRON_FIELD.match(f) for f in fields)


def _check_timer_literal(doc: Document, holder, text: str, findings: Findings) -> None:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return  # a variable or a computation: only known at runtime
    if not isinstance(value, str):
        findings.error(doc, holder, f"timer expression {text} must give a string, not {type(value).__name__}")
        return
    kind = local(holder)
    # The reach first: SpiffWorkflow's own parsing of a cycle never returns for a huge duration.
    message = _timer_reach_problem(kind, value.strip()) or _timer_value_problem(kind, value.strip())
    if message:
        findings.error(doc, holder, f"timer expression {text}: {message}")
    elif kind == "timeDate" and datetime.fromisoformat(value.strip()).tzinfo is None:
        findings.warn(doc, holder, f"timer date {text} has no UTC offset and will be read in the server's "
                                   "time zone: add one such as +07:00")


def _timer_reach_problem(kind: str, value: str) -> str | None:
    """A valid timer that reaches more than MAX_YEARS away (SpiffWorkflow would hang or overflow)."""
    parts = value.upper().replace("--", "/").split("/")
    durations = [p for p in parts if p.startswith("P")]
    dates = [p for p in parts if p and not p.startswith(("P", "R"))] if kind != "timeDuration" else []
    if any(too_long(d) for d in durations):
        return f"{value!r} is longer than {MAX_YEARS} years"
    try:
        far = any(too_far(TimerEventDefinition.get_datetime(d), clock.now()) for d in dates)
    except ValueError:
        return None  # not a plain date: _timer_value_problem says what is wrong
    return f"{value!r} is more than {MAX_YEARS} years away" if far else None


def _timer_value_problem(kind: str, value: str) -> str | None:
    try:
        if kind == "timeDuration":
            ok = is_duration(value)
        elif kind == "timeCycle":
            ok = value.upper().startswith("R") and TimerEventDefinition.parse_iso_recurring_interval(value)
        else:
            ok = isinstance(TimerEventDefinition.parse_time_or_duration(value), datetime)
    except Exception:  # Spiff's parsers raise bare Exception and ValueError alike
        ok = False
    names = {"timeDuration": "duration such as P3D", "timeCycle": "cycle such as R3/P1M",
             "timeDate": "date-time such as 2025-01-31T09:00:00+07:00"}
    return None if ok else f"{value!r} is not a valid ISO-8601 {names[kind]}"


# --- scripts and conditions ---------------------------------------------------------------------


def _script_task(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    script_format = (el.get("scriptFormat") or "python").lower()
    if "python" not in script_format:
        findings.error(doc, el, f"script format {el.get('scriptFormat')} is not supported: "
                                "scripts are Python")
        return
    scripts = el.findall(f"{{{BPMN_NS}}}script")
    if not scripts:
        findings.error(doc, el, "script task has no script")
        return
    check_python(doc, scripts[0], scripts[0].text, "exec", "script", findings)


def _pre_post_scripts(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    for name in ("preScript", "postScript"):
        holder = spiff_extension(el, name)
        if holder is not None and (holder.text or "").strip():
            check_python(doc, holder, holder.text, "exec", name, findings)


def _flow_condition(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    for holder in el.findall(f"{{{BPMN_NS}}}conditionExpression"):
        check_python(doc, holder, holder.text, "eval", "condition", findings)


def _expression_child(tag: str, what: str):
    def rule(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
        for holder in el.findall(f"{{{BPMN_NS}}}{tag}"):
            check_python(doc, holder, holder.text, "eval", what, findings)
    return rule


def _event_condition(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    if el.find(f"{{{BPMN_NS}}}condition") is None:
        findings.error(doc, el, "conditional event has no condition")
    else:
        _expression_child("condition", "event condition")(doc, el, ctx, findings)


# --- properties, user tasks, decisions, lanes ---------------------------------------------------


def _properties(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
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


def _user_task(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
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


def _manual_task(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    if not ctx.facts.get(el.get("id"), {}).get("role"):
        findings.warn(doc, el, "manual task has no role: anyone in the case's unit may complete it")


def _decision(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    decision = ctx.facts.get(el.get("id"), {}).get("decision")
    if not decision:
        findings.error(doc, el, "business rule task names no decision: set spiffworkflow:calledDecisionId")
    elif decision not in ctx.decisions:
        known = ", ".join(sorted(ctx.decisions)) or "none"
        findings.error(doc, el, f"decision {decision} is not defined by any DMN file in the bundle "
                                f"(defined: {known})")


def _lane(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
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
    _expression_child("loopCardinality", "loop cardinality")(doc, el, ctx, findings)
    _expression_child("completionCondition", "completion condition")(doc, el, ctx, findings)


def _standard_loop(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    if el.get("loopMaximum") is None and el.find(f"{{{BPMN_NS}}}loopCondition") is None:
        findings.error(doc, el, "loop activity needs a loopMaximum or a loopCondition")
    _expression_child("loopCondition", "loop condition")(doc, el, ctx, findings)


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
    "timerEventDefinition": (_timer,),
    "conditionalEventDefinition": (_event_condition,),
    "linkEventDefinition": (_link_name,),
    "sequenceFlow": (_flow_condition,),
    "scriptTask": (_script_task,),
    "userTask": (_user_task,),
    "manualTask": (_manual_task,),
    "businessRuleTask": (_decision,),
    "serviceTask": (_service_operator,),
    "callActivity": (_called_element,),
    "dataStoreReference": (_data_store,),
    "multiInstanceLoopCharacteristics": (_multi_instance,),
    "standardLoopCharacteristics": (_standard_loop,),
    "boundaryEvent": (_boundary_definition,),
    "exclusiveGateway": (_gateway_conditions,),
    "inclusiveGateway": (_gateway_conditions,),
    "complexGateway": (_unsupported,),
    "lane": (_lane,),
}
_NO_SPLIT = (TASKS | EVENTS) - {"startEvent"}  # Spiff lets only gateways and start events split


def rules_for(name: str) -> tuple[Rule, ...]:
    rules = _RULES.get(name, ())
    if name in FLOW_NODES or name == "sequenceFlow":
        rules += (_missing_id, _reserved_id)
    if name in FLOW_NODES:
        rules += (_properties, _pre_post_scripts)
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
