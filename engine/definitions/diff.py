"""What changed between two versions of a process, element by element.

Both sides are read from the stored files (BPMN through lxml, forms and DMN as bytes), so a
deployed version and an editor's draft compare the same way. Elements are matched by id, which
is what bpmn-js keeps stable while a diagram is edited and what the engine uses to bind a case's
tasks to a version.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import dialects as vendor_dialects
from engine.definitions.deployments import visible_to
from engine.definitions.documents import BPMN_NS, TIMER_KINDS, Document, local
from engine.errors import NotFound
from engine.people.access import Actor
from engine.storage.models import ProcessVersion

# The fields a supervisor changes and a diff reports, in display order.
FIELDS = ("type", "name", "source", "target", "lane", "role", "due", "timer", "condition", "form", "decision",
          "stage", "assignee")


@dataclass(frozen=True)
class ElementChange:
    element_id: str
    type: str
    name: str | None
    changes: dict[str, tuple] = field(default_factory=dict)  # field -> (old, new); empty for added/removed

    def to_dict(self) -> dict:
        return {"element_id": self.element_id, "type": self.type, "name": self.name,
                "changes": [{"field": k, "old": old, "new": new} for k, (old, new) in self.changes.items()]}


@dataclass(frozen=True)
class VersionDiff:
    added: list[ElementChange]
    removed: list[ElementChange]
    changed: list[ElementChange]
    files: dict[str, list[str]]  # added / removed / changed file names

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed or any(self.files.values()))

    def to_dict(self) -> dict:
        return {"added": [c.to_dict() for c in self.added], "removed": [c.to_dict() for c in self.removed],
                "changed": [c.to_dict() for c in self.changed], "files": self.files}


def diff_files(old: dict[str, bytes], new: dict[str, bytes]) -> VersionDiff:
    """Elements added, removed and changed from `old` to `new` (both: file name -> content)."""
    before, after = describe(old), describe(new)
    added = [_bare(i, after[i]) for i in after if i not in before]
    removed = [_bare(i, before[i]) for i in before if i not in after]
    changed = []
    for element_id, facts in after.items():
        if element_id in before:
            delta = {k: (before[element_id].get(k), facts.get(k)) for k in FIELDS
                     if before[element_id].get(k) != facts.get(k)}
            delta.update(_form_content_change(facts.get("form"), old, new))
            if delta:
                changed.append(ElementChange(element_id, facts["type"], facts.get("name"), delta))
    return VersionDiff(added, removed, changed, _file_changes(old, new))


def diff_versions(session: Session, process_key: str, old: int, new: int, actor: Actor | None = None) -> VersionDiff:
    """The diff between two deployed versions of one process key, by version number."""
    return diff_files(stored_files(find_version(session, process_key, old, actor)),
                      stored_files(find_version(session, process_key, new, actor)))


def find_version(session: Session, process_key: str, number: int, actor: Actor | None = None) -> ProcessVersion:
    """A version by number; for an actor, another unit's own version is not found."""
    query = select(ProcessVersion).where(ProcessVersion.process_key == process_key, ProcessVersion.version == number)
    version = session.scalars(query.where(visible_to(actor)) if actor is not None else query).first()
    if version is None:
        raise NotFound(f"process {process_key!r} has no version {number}")
    return version


def stored_files(version: ProcessVersion) -> dict[str, bytes]:
    return {f.name: bytes(f.content) for f in version.files}


def describe(files: dict[str, bytes]) -> dict[str, dict]:
    """element id -> the fields of FIELDS, for every flow node and sequence flow of every BPMN file."""
    described: dict[str, dict] = {}
    for name, raw in sorted(files.items()):
        if not _is_bpmn(name):
            continue
        try:
            # Uploads are untrusted: no entities, no network. lxml parsers are not thread-safe.
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            doc = Document(name, etree.fromstring(raw, parser))
        except etree.XMLSyntaxError:
            continue  # a draft that does not parse has nothing to compare; validation says why
        described.update(_describe_document(doc))
    return described


def _describe_document(doc: Document) -> dict[str, dict]:
    facts = vendor_dialects.element_facts(doc, lambda ref: ref)
    described = {}
    for element_id, fact in facts.items():
        el = doc.by_id[element_id]
        described[element_id] = {
            "type": fact["type"], "name": fact.get("name"), "lane": fact.get("lane"),
            "role": fact.get("role"),
            "due": fact.get("due_date") or fact.get("due_in"), "timer": _timer(el), "condition": None,
            "form": fact.get("form"), "decision": fact.get("decision"), "stage": fact.get("stage"),
            "assignee": fact.get("assignee"),
        }
    for flow in doc.root.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        if flow.get("id"):
            described[flow.get("id")] = {"type": "sequenceFlow", "name": flow.get("name"),
                                         "source": flow.get("sourceRef"), "target": flow.get("targetRef"),
                                         "condition": _text(flow.find(f"{{{BPMN_NS}}}conditionExpression"))}
    return described


def _timer(el) -> str | None:
    """`timeDuration: "P3D"` for a timer event; None for anything else."""
    definition = el.find(f"{{{BPMN_NS}}}timerEventDefinition")
    if definition is None:
        return None
    for holder in definition:
        if local(holder) in TIMER_KINDS:
            return f"{local(holder)}: {_text(holder) or ''}"
    return "(empty)"


def _text(el) -> str | None:
    return (el.text or "").strip() or None if el is not None else None


def _bare(element_id: str, facts: dict) -> ElementChange:
    return ElementChange(element_id, facts["type"], facts.get("name"))


def _form_content_change(form: str | None, old: dict[str, bytes], new: dict[str, bytes]) -> dict:
    if form and form in old and form in new and old[form] != new[form]:
        return {"form_schema": (form, form)}
    return {}


def _file_changes(old: dict[str, bytes], new: dict[str, bytes]) -> dict[str, list[str]]:
    return {"added": sorted(set(new) - set(old)), "removed": sorted(set(old) - set(new)),
            "changed": sorted(n for n in set(old) & set(new) if old[n] != new[n])}


def _is_bpmn(name: str) -> bool:
    return name.lower().endswith((".bpmn", ".bpmn20.xml", ".xml"))
