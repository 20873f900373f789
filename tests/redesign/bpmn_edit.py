"""Small edits to a BPMN file, the way a supervisor makes them in the editor, for the tests."""
from __future__ import annotations

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
DI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"


def _root(raw: bytes):
    return etree.fromstring(raw)


def _out(root) -> bytes:
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")


def _by_id(root, element_id: str):
    found = root.xpath(f"//*[@id='{element_id}']")
    assert found, f"no element {element_id}"
    return found[0]


def set_property(raw: bytes, element_id: str, name: str, value: str) -> bytes:
    root = _root(raw)
    el = _by_id(root, element_id)
    props = el.find(f"{{{BPMN}}}extensionElements/{{{SPIFF}}}properties")
    prop = props.find(f"{{{SPIFF}}}property[@name='{name}']")
    if prop is None:
        prop = etree.SubElement(props, f"{{{SPIFF}}}property", name=name)
    prop.set("value", value)
    return _out(root)


def set_attribute(raw: bytes, element_id: str, name: str, value: str) -> bytes:
    root = _root(raw)
    _by_id(root, element_id).set(name, value)
    return _out(root)


def set_timer(raw: bytes, element_id: str, text: str) -> bytes:
    root = _root(raw)
    holder = _by_id(root, element_id).find(f"{{{BPMN}}}timerEventDefinition")[0]
    holder.text = text
    return _out(root)


def insert_user_task_after(raw: bytes, after_id: str, new_id: str, name: str, lane_id: str | None,
                           form: str = "identifikasi.json", due: str = "P2D", stage: str | None = None) -> bytes:
    """after -> new -> (what after led to), with the new task in a lane and drawn on the diagram."""
    task = etree.Element(f"{{{BPMN}}}userTask", id=new_id, name=name)
    ext = etree.SubElement(task, f"{{{BPMN}}}extensionElements")
    props = etree.SubElement(ext, f"{{{SPIFF}}}properties")
    for key, value in (("formJsonSchemaFilename", form), ("dueIn", due), ("stage", stage)):
        if value:
            etree.SubElement(props, f"{{{SPIFF}}}property", name=key, value=value)
    return _insert_after(raw, after_id, task, lane_id)


def insert_script_task_after(raw: bytes, after_id: str, new_id: str, name: str, script: str,
                             lane_id: str | None = None, at: tuple[float, float] | None = None) -> bytes:
    """after -> a script task -> (what after led to), drawn at `at` (x, y) or below after."""
    task = etree.Element(f"{{{BPMN}}}scriptTask", id=new_id, name=name)
    etree.SubElement(task, f"{{{BPMN}}}script").text = script
    return _insert_after(raw, after_id, task, lane_id, at)


def _insert_after(raw: bytes, after_id: str, task, lane_id: str | None, at: tuple[float, float] | None = None) -> bytes:
    root = _root(raw)
    after = _by_id(root, after_id)
    process = after.getparent()
    new_id = task.get("id")
    flow = process.xpath(f"bpmn:sequenceFlow[@sourceRef='{after_id}']", namespaces={"bpmn": BPMN})[0]
    script = task.find(f"{{{BPMN}}}script")  # BPMN orders a script task's children: incoming, outgoing, script
    incoming = etree.Element(f"{{{BPMN}}}incoming")
    incoming.text = flow.get("id")
    new_flow_id = f"Flow_{new_id}_out"
    outgoing = etree.Element(f"{{{BPMN}}}outgoing")
    outgoing.text = new_flow_id
    if script is not None:
        script.addprevious(incoming)
        script.addprevious(outgoing)
    else:
        task.extend([incoming, outgoing])
    new_flow = etree.Element(f"{{{BPMN}}}sequenceFlow", id=new_flow_id, sourceRef=new_id,
                             targetRef=flow.get("targetRef"))
    target = _by_id(root, flow.get("targetRef"))
    for target_incoming in target.findall(f"{{{BPMN}}}incoming"):
        if target_incoming.text == flow.get("id"):
            target_incoming.text = new_flow_id
    flow.set("targetRef", new_id)
    after.addnext(task)
    process.append(new_flow)
    if lane_id:  # a task inside a sub-process runs in the sub-process's lane
        etree.SubElement(_by_id(root, lane_id), f"{{{BPMN}}}flowNodeRef").text = new_id
    _draw(root, after_id, new_id, at)
    return _out(root)


def _draw(root, after_id: str, new_id: str, at: tuple[float, float] | None = None) -> None:
    plane = root.find(f".//{{{DI}}}BPMNPlane")
    bounds = plane.xpath(f"di:BPMNShape[@bpmnElement='{after_id}']/dc:Bounds", namespaces={"di": DI, "dc": DC})[0]
    x, y = at or (float(bounds.get("x")) + 40, float(bounds.get("y")) + 100)
    shape = etree.SubElement(plane, f"{{{DI}}}BPMNShape", id=f"{new_id}_di", bpmnElement=new_id)
    etree.SubElement(shape, f"{{{DC}}}Bounds", x=str(x), y=str(y), width="100", height="80")


def remove_user_task(raw: bytes, element_id: str) -> bytes:
    """Take a task out of a straight line: its incoming flows now lead where its outgoing flow led."""
    root = _root(raw)
    task = _by_id(root, element_id)
    process = task.getparent()
    ns = {"bpmn": BPMN}
    intos = process.xpath(f"bpmn:sequenceFlow[@targetRef='{element_id}']", namespaces=ns)
    out = process.xpath(f"bpmn:sequenceFlow[@sourceRef='{element_id}']", namespaces=ns)[0]
    target = _by_id(root, out.get("targetRef"))
    replaced = next(i for i in target.findall(f"{{{BPMN}}}incoming") if i.text == out.get("id"))
    for into in intos:  # in the place of the old incoming: the schema wants incoming before outgoing
        into.set("targetRef", out.get("targetRef"))
        incoming = etree.Element(f"{{{BPMN}}}incoming")
        incoming.text = into.get("id")
        replaced.addprevious(incoming)
    target.remove(replaced)
    for el in [task, out, *root.xpath(f"//bpmn:flowNodeRef[text()='{element_id}']", namespaces=ns),
               *root.xpath(f"//*[@bpmnElement='{element_id}' or @bpmnElement='{out.get('id')}']")]:
        el.getparent().remove(el)
    return _out(root)


def remove_elements(raw: bytes, *element_ids: str) -> bytes:
    """Delete elements with the sequence flows that touch them, their lane entries and their shapes."""
    root = _root(raw)
    ns = {"bpmn": BPMN}
    doomed = set(element_ids)
    for flow in root.iter(f"{{{BPMN}}}sequenceFlow"):
        if flow.get("sourceRef") in element_ids or flow.get("targetRef") in element_ids:
            doomed.add(flow.get("id"))
    for element_id in doomed:
        for el in [*root.xpath(f"//*[@id='{element_id}']"), *root.xpath(f"//*[@bpmnElement='{element_id}']"),
                   *root.xpath(f"//bpmn:flowNodeRef[text()='{element_id}'] | //bpmn:incoming[text()='{element_id}']"
                               f" | //bpmn:outgoing[text()='{element_id}']", namespaces=ns)]:
            el.getparent().remove(el)
    return _out(root)
