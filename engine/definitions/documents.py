"""A bundle's parsed XML files, the BPMN names they are read by, and the findings every check reports into.

`engine.definitions.lint` and the dialects (`engine.definitions.dialects`, `dmn_feel`, `lane_mapping`)
walk these documents; `engine.definitions.parsing` reads them from the uploads.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from lxml import etree

from engine.errors import Problem

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
