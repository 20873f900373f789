"""A tiny BPMN writer with a hand-placed grid layout and orthogonal edge routing.

Used by ``scripts/build_diagrams.py`` to produce ``bpmn/*.bpmn`` with complete BPMN DI (pool, lanes,
every flow node, boundary events, expanded sub-processes with their contents, every sequence flow
with waypoints).  Nodes are placed by their centre; edges are routed from the node geometry.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

BPMN_NS = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
    'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
    'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
)

SIZES = {
    "task": (100, 80),
    "event": (36, 36),
    "gateway": (50, 50),
}
KIND_OF_TAG = {
    "startEvent": "event", "endEvent": "event", "intermediateCatchEvent": "event",
    "intermediateThrowEvent": "event", "boundaryEvent": "event",
    "exclusiveGateway": "gateway", "parallelGateway": "gateway",
    "userTask": "task", "scriptTask": "task", "businessRuleTask": "task",
    "subProcess": "task",
}


@dataclass
class Node:
    id: str
    tag: str
    name: str | None
    cx: float
    cy: float
    lane: str | None = None
    w: float = 0
    h: float = 0
    props: dict = field(default_factory=dict)   # spiffworkflow:properties
    ext: str = ""                               # extra spiffworkflow extension xml
    body: str = ""                              # xml after incoming/outgoing
    attrs: dict = field(default_factory=dict)
    parent: str | None = None                   # id of the enclosing sub-process
    label: tuple | str = "below"                # "below", "above", "right" or (dx, dy) from centre
    script: str | None = None                   # script text, written unindented
    documentation: str = ""                     # bpmn:documentation (where a rule comes from)
    incoming: list = field(default_factory=list)
    outgoing: list = field(default_factory=list)

    def __post_init__(self):
        if not self.w:
            self.w, self.h = SIZES[KIND_OF_TAG[self.tag]]

    @property
    def kind(self):
        return KIND_OF_TAG[self.tag]

    def left(self):
        return (self.cx - self.w / 2, self.cy)

    def right(self):
        return (self.cx + self.w / 2, self.cy)

    def top(self):
        return (self.cx, self.cy - self.h / 2)

    def bottom(self):
        return (self.cx, self.cy + self.h / 2)

    def bounds(self):
        return (self.cx - self.w / 2, self.cy - self.h / 2, self.w, self.h)


@dataclass
class Edge:
    id: str
    src: str
    tgt: str
    name: str | None = None
    cond: str | None = None
    default: bool = False
    route: object = None     # None (auto), "hvh", "hv", "vh", ("via", y), ("hvh", mx), [points]
    points: list = field(default_factory=list)


class Diagram:
    def __init__(self, process_id, name, lanes, pool_x=100, pool_y=80, lane_heights=None):
        self.process_id = process_id
        self.name = name
        self.lanes = lanes                      # list of lane names, top to bottom
        self.lane_heights = lane_heights        # list of heights
        self.pool_x, self.pool_y = pool_x, pool_y
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []
        self.messages: dict[str, str] = {}      # id -> name

    # ---------------------------------------------------------------- building
    def add(self, node: Node) -> Node:
        assert node.id not in self.nodes, node.id
        self.nodes[node.id] = node
        return node

    def flow(self, id, src, tgt, name=None, cond=None, default=False, route=None):
        edge = Edge(id, src, tgt, name, cond, default, route)
        self.edges.append(edge)
        self.nodes[src].outgoing.append(id)
        self.nodes[tgt].incoming.append(id)
        if default:
            self.nodes[src].attrs["default"] = id
        return edge

    def lane_top(self, index):
        return self.pool_y + sum(self.lane_heights[:index])

    def lane_of_y(self, y):
        for i, lane in enumerate(self.lanes):
            if self.lane_top(i) <= y < self.lane_top(i + 1):
                return lane
        raise ValueError(f"y={y} is outside every lane")

    # ---------------------------------------------------------------- routing
    def _route(self, e: Edge):
        s, t = self.nodes[e.src], self.nodes[e.tgt]
        r = e.route
        if isinstance(r, list):
            return r
        if isinstance(r, tuple) and r[0] == "via":
            y = r[1]
            sp = s.top() if y < s.cy else s.bottom()
            tp = t.top() if y < t.cy else t.bottom()
            return [sp, (s.cx, y), (t.cx, y), tp]
        if s.tag == "boundaryEvent" and r is None:
            sp = s.top() if t.cy < s.cy else s.bottom()
            if abs(t.cx - s.cx) < 1:
                return [sp, t.bottom() if t.cy < s.cy else t.top()]
            return [sp, (s.cx, t.cy), t.left()]
        if r is None and abs(s.cy - t.cy) < 1:
            return [s.right(), t.left()]
        if r is None:
            if s.kind == "gateway":
                r = "vh"
            elif t.kind == "gateway":
                r = "hv"
            else:
                r = "hvh"
        if r == "vh":
            sp = s.top() if t.cy < s.cy else s.bottom()
            return [sp, (s.cx, t.cy), t.left()]
        if r == "hv":
            tp = t.bottom() if t.cy < s.cy else t.top()
            return [s.right(), (t.cx, s.cy), tp]
        if r == "hvh" or (isinstance(r, tuple) and r[0] == "hvh"):
            mx = r[1] if isinstance(r, tuple) else (s.right()[0] + t.left()[0]) / 2
            return [s.right(), (mx, s.cy), (mx, t.cy), t.left()]
        if r == "straight":
            return [s.right(), t.left()]
        raise ValueError(f"unknown route {r!r} for {e.id}")

    # ---------------------------------------------------------------- labels
    @staticmethod
    def _text_box(text, max_w=90):
        chars = len(text)
        width = min(max_w, max(30, chars * 6.1))
        lines = max(1, math.ceil(chars * 6.1 / max_w))
        return width, 14 * lines

    def _node_label(self, n: Node):
        if not n.name or n.kind == "task":
            return None
        w, h = self._text_box(n.name)
        pos = n.label
        if pos == "below":
            return (n.cx - w / 2, n.cy + n.h / 2 + 7, w, h)
        if pos == "above":
            return (n.cx - w / 2, n.cy - n.h / 2 - 7 - h, w, h)
        if pos == "right":
            return (n.cx + n.w / 2 + 6, n.cy - n.h / 2 - h - 2, w, h)
        dx, dy = pos
        return (n.cx + dx, n.cy + dy, w, h)

    def _edge_label(self, e: Edge):
        if not e.name:
            return None
        w, h = self._text_box(e.name, max_w=120)
        (x0, y0), (x1, y1) = e.points[0], e.points[1]
        if abs(x0 - x1) < 1:       # vertical first segment
            ymid = (y0 + y1) / 2
            return (x0 + 6, ymid - h / 2, w, h)
        return (x0 + 6, y0 - h - 3, w, h)

    # ---------------------------------------------------------------- checks
    def check_overlaps(self):
        """Fail when two shapes that are not nested or attached overlap."""
        def inside(a, b):
            return a.parent == b.id or b.parent == a.id or a.attrs.get("attachedToRef") == b.id \
                or b.attrs.get("attachedToRef") == a.id
        nodes = list(self.nodes.values())
        problems = []
        for i, a in enumerate(nodes):
            ax, ay, aw, ah = a.bounds()
            for b in nodes[i + 1:]:
                if inside(a, b):
                    continue
                bx, by, bw, bh = b.bounds()
                if ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah:
                    problems.append((a.id, b.id))
        if problems:
            raise AssertionError(f"overlapping shapes: {problems}")
        # every top-level node lies inside its lane
        for n in nodes:
            if n.parent is None and n.lane is not None:
                assert self.lane_of_y(n.cy) == n.lane, (n.id, n.lane, self.lane_of_y(n.cy))

    # ---------------------------------------------------------------- xml
    def _node_xml(self, n: Node, indent):
        pad = " " * indent
        attrs = {"id": n.id}
        if n.name:
            attrs["name"] = n.name
        attrs.update(n.attrs)
        attr_s = " ".join(f"{k}={quoteattr(str(v))}" for k, v in attrs.items())
        lines = [f"{pad}<bpmn:{n.tag} {attr_s}>"]
        if n.documentation:
            lines.append(f"{pad}  <bpmn:documentation>{escape(n.documentation)}</bpmn:documentation>")
        if n.props or n.ext:
            lines.append(f"{pad}  <bpmn:extensionElements>")
            if n.ext:
                lines.append(f"{pad}    {n.ext}")
            if n.props:
                lines.append(f"{pad}    <spiffworkflow:properties>")
                for k, v in n.props.items():
                    lines.append(f"{pad}      <spiffworkflow:property name={quoteattr(k)} value={quoteattr(v)} />")
                lines.append(f"{pad}    </spiffworkflow:properties>")
            lines.append(f"{pad}  </bpmn:extensionElements>")
        for f in n.incoming:
            lines.append(f"{pad}  <bpmn:incoming>{f}</bpmn:incoming>")
        for f in n.outgoing:
            lines.append(f"{pad}  <bpmn:outgoing>{f}</bpmn:outgoing>")
        if n.body:
            for bl in n.body.strip("\n").split("\n"):
                lines.append(f"{pad}  {bl}")
        if n.script is not None:
            lines.append(f"{pad}  <bpmn:script>{escape(n.script)}</bpmn:script>")
        if n.tag == "subProcess":
            lines.extend(self._children_xml(n.id, indent + 2))
        lines.append(f"{pad}</bpmn:{n.tag}>")
        return lines

    def _children_xml(self, parent, indent):
        lines = []
        for n in self.nodes.values():
            if n.parent == parent:
                lines.extend(self._node_xml(n, indent))
        for e in self.edges:
            if self.nodes[e.src].parent == parent:
                lines.extend(self._edge_xml(e, indent))
        return lines

    def _edge_xml(self, e: Edge, indent):
        pad = " " * indent
        name = f" name={quoteattr(e.name)}" if e.name else ""
        head = f'{pad}<bpmn:sequenceFlow id="{e.id}"{name} sourceRef="{e.src}" targetRef="{e.tgt}"'
        if not e.cond:
            return [head + " />"]
        return [
            head + ">",
            f'{pad}  <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(e.cond)}'
            f"</bpmn:conditionExpression>",
            f"{pad}</bpmn:sequenceFlow>",
        ]

    def _lane_id(self, lane):
        return "Lane_" + lane.lower().replace(" ", "_").replace("-", "_")

    def to_xml(self, pool_width):
        for e in self.edges:
            e.points = self._route(e)
        self.check_overlaps()
        pid = self.process_id
        out = ['<?xml version="1.0" encoding="UTF-8"?>']
        out.append(
            f'<bpmn:definitions {BPMN_NS} id="Definitions_{pid}" '
            'targetNamespace="http://bpmn.io/schema/bpmn" exporter="ATENSI scripts/build_diagrams.py" '
            'exporterVersion="1.0">'
        )
        out.append(f'  <bpmn:collaboration id="Collaboration_{pid}">')
        out.append(f'    <bpmn:participant id="Participant_{pid}" name={quoteattr(self.name)} processRef="{pid}" />')
        out.append("  </bpmn:collaboration>")
        out.append(f'  <bpmn:process id="{pid}" name={quoteattr(self.name)} isExecutable="true">')
        out.append(f'    <bpmn:laneSet id="LaneSet_{pid}">')
        for lane in self.lanes:
            out.append(f'      <bpmn:lane id="{self._lane_id(lane)}" name={quoteattr(lane)}>')
            for n in self.nodes.values():
                if n.parent is None and n.lane == lane:
                    out.append(f"        <bpmn:flowNodeRef>{n.id}</bpmn:flowNodeRef>")
            out.append("      </bpmn:lane>")
        out.append("    </bpmn:laneSet>")
        out.extend(self._children_xml(None, 4))
        out.append("  </bpmn:process>")
        for mid, mname in self.messages.items():
            out.append(f'  <bpmn:message id="{mid}" name={quoteattr(mname)} />')
        out.extend(self._di_xml(pool_width))
        out.append("</bpmn:definitions>")
        return "\n".join(out) + "\n"

    def _di_xml(self, pool_width):
        pid = self.process_id
        total_h = sum(self.lane_heights)
        out = ['  <bpmndi:BPMNDiagram id="BPMNDiagram_1">',
               f'    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Collaboration_{pid}">']

        def shape(el, x, y, w, h, extra="", label=None):
            out.append(f'      <bpmndi:BPMNShape id="{el}_di" bpmnElement="{el}"{extra}>')
            out.append(f'        <dc:Bounds x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" />')
            if label is not None:
                lx, ly, lw, lh = label
                out.append("        <bpmndi:BPMNLabel>")
                out.append(f'          <dc:Bounds x="{lx:g}" y="{ly:g}" width="{lw:g}" height="{lh:g}" />')
                out.append("        </bpmndi:BPMNLabel>")
            out.append("      </bpmndi:BPMNShape>")

        shape(f"Participant_{pid}", self.pool_x, self.pool_y, pool_width, total_h, ' isHorizontal="true"')
        for i, lane in enumerate(self.lanes):
            shape(self._lane_id(lane), self.pool_x + 30, self.lane_top(i), pool_width - 30,
                  self.lane_heights[i], ' isHorizontal="true"')
        # containers first so that bpmn-js draws their contents on top
        ordered = sorted(self.nodes.values(), key=lambda n: (n.tag != "subProcess", n.tag == "boundaryEvent"))
        for n in ordered:
            x, y, w, h = n.bounds()
            extra = ' isExpanded="true"' if n.tag == "subProcess" else ""
            if n.tag == "exclusiveGateway":
                extra += ' isMarkerVisible="true"'
            shape(n.id, x, y, w, h, extra, self._node_label(n))
        for e in self.edges:
            out.append(f'      <bpmndi:BPMNEdge id="{e.id}_di" bpmnElement="{e.id}">')
            for (x, y) in e.points:
                out.append(f'        <di:waypoint x="{x:g}" y="{y:g}" />')
            label = self._edge_label(e)
            if label:
                lx, ly, lw, lh = label
                out.append("        <bpmndi:BPMNLabel>")
                out.append(f'          <dc:Bounds x="{lx:g}" y="{ly:g}" width="{lw:g}" height="{lh:g}" />')
                out.append("        </bpmndi:BPMNLabel>")
            out.append("      </bpmndi:BPMNEdge>")
        out.append("    </bpmndi:BPMNPlane>")
        out.append("  </bpmndi:BPMNDiagram>")
        return out


# -------------------------------------------------------------------- node helpers
def props(form=None, due_in=None, stage=None, due_date=None, role=None):
    p = {}
    if form:
        p["formJsonSchemaFilename"] = form
    if due_in:
        p["dueIn"] = due_in
    if due_date:
        p["dueDate"] = due_date
    if stage:
        p["stage"] = stage
    if role:
        p["role"] = role
    return p


def user_task(id, name, lane, cx, cy, form, due_in, stage, due_date=None, parent=None, extra=None):
    """extra: more task properties, e.g. shows/banner (engine.cases.shown)."""
    return Node(id, "userTask", name, cx, cy, lane=lane, parent=parent,
                props={**props(form, due_in, stage, due_date), **(extra or {})})


def script_task(id, name, lane, cx, cy, script, stage=None, parent=None):
    return Node(id, "scriptTask", name, cx, cy, lane=lane, parent=parent, props=props(stage=stage),
                script=script)


def timer_xml(kind, expression, def_id):
    return (f'<bpmn:timerEventDefinition id="{def_id}">\n'
            f'  <bpmn:{kind} xsi:type="bpmn:tFormalExpression">{escape(expression)}</bpmn:{kind}>\n'
            f"</bpmn:timerEventDefinition>")


def message_xml(message_id, def_id, variable=None, payload=None):
    inner = []
    if variable:
        inner.append(f"    <spiffworkflow:messageVariable>{escape(variable)}</spiffworkflow:messageVariable>")
    if payload:
        inner.append(f"    <spiffworkflow:messagePayload>{escape(payload)}</spiffworkflow:messagePayload>")
    if not inner:
        return f'<bpmn:messageEventDefinition id="{def_id}" messageRef="{message_id}" />'
    return "\n".join([f'<bpmn:messageEventDefinition id="{def_id}" messageRef="{message_id}">',
                      "  <bpmn:extensionElements>", *inner, "  </bpmn:extensionElements>",
                      "</bpmn:messageEventDefinition>"])
