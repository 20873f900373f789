"""Lanes named after another organisation's teams (`Sales`, `Boss`, `Accounting`), mapped to roles.

The supervisor maps each such lane to a role when importing; the mapping is remembered in the
diagram as the lane's `spiffworkflow:property name="role"`, so the stored file carries it from then
on. A lane's role property wins over its name.
"""
from __future__ import annotations

from lxml import etree

from engine.definitions.dialects import extension_elements
from engine.definitions.documents import BPMN_NS, SPIFF_NS, Document, Findings, lane_role
from engine.errors import Problem
from engine.vocabulary import ROLES

ROLE = "role"


def apply_mapping(docs: list[Document], mapping: dict[str, str] | None, findings: Findings) -> None:
    """Write each mapped lane's role into the diagram. Keys are lane ids or lane names."""
    if not mapping:
        return
    used: set[str] = set()
    for doc in docs:
        for lane in doc.root.iter(f"{{{BPMN_NS}}}lane"):
            key = next((k for k in (lane.get("id"), lane.get("name")) if k and k in mapping), None)
            if key is not None:
                used.add(key)
                _map(doc, lane, mapping[key], findings)
    for key in sorted(set(mapping) - used):
        findings.errors.append(Problem(f"lane {key!r} of the lane mapping is not in the diagram",
                                       docs[0].name if docs else None))


def _map(doc: Document, lane, role: str, findings: Findings) -> None:
    if role not in ROLES:
        findings.error(doc, lane, f"lane {lane.get('name') or lane.get('id')!r} is mapped to {role!r}, which is "
                                  f"not a role ({', '.join(ROLES)})")
        return
    if lane_role(lane) == role:
        return
    _set_role(lane, role)
    doc.changed = True
    findings.warn(doc, lane, f"lane {lane.get('name') or lane.get('id')!r} is mapped to the role {role} "
                             "(written in the diagram as its role property)")


def _set_role(lane, role: str) -> None:
    holder = extension_elements(lane)
    props = holder.find(f"{{{SPIFF_NS}}}properties")
    if props is None:
        props = etree.SubElement(holder, f"{{{SPIFF_NS}}}properties", nsmap={"spiffworkflow": SPIFF_NS})
    prop = next((p for p in props.findall(f"{{{SPIFF_NS}}}property") if p.get("name") == ROLE), None)
    if prop is None:
        prop = etree.SubElement(props, f"{{{SPIFF_NS}}}property")
        prop.set("name", ROLE)
    prop.set("value", role)
