"""Prove that the ATENSI diagrams parse, are complete, and that every path runs to the end.

Run from anywhere:  .venv/bin/python scripts/verify_diagrams.py
Exit status 0 when every check passes. Each check prints one line.

What it checks
  static  - both BPMN files parse with SpiffBpmnParser + VALIDATOR (XSD), the DMN is added, get_spec and
            get_subprocess_specs work; process ids/names, isExecutable, pool + the three lanes;
            every user task has a lane, formJsonSchemaFilename, dueIn (or dueDate) and stage;
            every form is a valid JSON Schema 2020-12 with Indonesian titles, every referenced form exists
            and every form file is referenced; timers are Python expressions (literals quoted);
            message names and messageVariable/messagePayload; the DMN bands; BPMN DI completeness and
            layout (shapes for every node/lane/pool, edges with orthogonal waypoints touching their
            source and target, no overlapping shapes, nodes inside their lane, contents inside the
            expanded sub-process, boundary events on their host's border, lanes stacked).
  runs    - every path of atensi_intake and case_response, driven with time-machine, once with
            SpiffWorkflow's TaskDataEnvironment (with the engine's now_iso/add_duration) and once with
            the engine's RestrictedPython sandbox when engine.cases.sandbox imports. Every form submission is
            validated against its form.
"""
from __future__ import annotations

import json
import pathlib
import sys
import time
import traceback
from datetime import UTC, datetime, timedelta

import jsonschema
import time_machine
from lxml import etree
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.cases.forms import with_defaults
from engine.cases.sandbox import FUNCTIONS as SCRIPT_FUNCTIONS
from engine.cases.sandbox import add_duration, now_iso
from engine.definitions.spiff_build import single_decisions
from engine.vocabulary import CASE_RESPONSE, INTAKE, LANE_ROLES, ROLE_LABELS, STAGES

try:  # imported as scripts.verify_diagrams (the tests) or run as a script (its folder is on the path)
    from scripts.verify_domain import CHECKS as DOMAIN_CHECKS
except ImportError:
    from verify_domain import CHECKS as DOMAIN_CHECKS

ROOT = pathlib.Path(__file__).resolve().parent.parent
BPMN_DIR = ROOT / "bpmn"
FORMS_DIR = BPMN_DIR / "forms"
BPMN_FILES = {key: BPMN_DIR / f"{key}.bpmn" for key in (INTAKE, CASE_RESPONSE)}
DMN_FILE = BPMN_DIR / "risk_level.dmn"
LANES = [ROLE_LABELS[role] for role in LANE_ROLES]
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
INTAKE_STAGES = list(STAGES[INTAKE])
RESPONSE_STAGES = list(STAGES[CASE_RESPONSE])
T0 = datetime(2025, 1, 31, 9, 0, tzinfo=UTC)     # a month end, to exercise month arithmetic

PASSED: list[str] = []


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def ok(message):
    PASSED.append(message)
    print(f"  ok  {message}")


# ================================================================ functions the engine gives scripts
def check_add_duration():
    check(add_duration("2025-01-31T09:00:00+00:00", "P3M")[:10] in ("2025-04-30", "2025-05-01"), "P3M from 31 Jan")
    for start in ("2025-01-31T09:00:00+00:00", "2024-02-29T00:00:00+07:00", "2025-12-15T23:59:00+00:00"):
        for dur in ("P1M", "P3M", "P4M", "P1Y2M", "P2W", "P10D", "PT24H", "P1DT2H30M", "PT90S"):
            spiff = TimerEventDefinition.get_timedelta_from_start(
                TimerEventDefinition.parse_iso_duration(dur), datetime.fromisoformat(start))
            check(datetime.fromisoformat(add_duration(start, dur)) == datetime.fromisoformat(start) + spiff,
                  f"add_duration({start}, {dur}) differs from SpiffWorkflow's timer arithmetic")
    ok("add_duration: P3M from 31 Jan is 1 May, and it agrees with SpiffWorkflow's timer arithmetic "
       "on 27 datetime/duration pairs")


# ================================================================ parsing
def parse():
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_files([str(p) for p in BPMN_FILES.values()])
    for dmn in sorted(BPMN_DIR.glob("*.dmn")):
        for tree in single_decisions(etree.parse(str(dmn)).getroot()):  # as deploy does: one decision each
            parser.add_dmn_xml(tree, filename=dmn.name)
    specs = {pid: (parser.get_spec(pid), parser.get_subprocess_specs(pid)) for pid in BPMN_FILES}
    check(set(specs["atensi_intake"][1]) == {"Sub_intervensi", "Sub_krisis", "Sub_koordinasi", "Sub_usulan_terminasi",
                                             "Sub_terminasi_dini"},
          "intake should have the Intervensi sub-process and the crisis, koordinasi and early-termination event "
          "sub-processes")
    ok("both BPMN files pass the XSD VALIDATOR and parse with SpiffBpmnParser; risk_level.dmn added; "
       "get_spec/get_subprocess_specs work for atensi_intake and case_response")
    return parser, specs


def all_task_specs(spec, subprocess_specs):
    for s in [spec, *subprocess_specs.values()]:
        yield from s.task_specs.values()


def user_task_specs(spec, subprocess_specs):
    return [ts for ts in all_task_specs(spec, subprocess_specs) if ts.__class__.__name__ == "UserTask"]


# ================================================================ static checks
def check_processes():
    names = {"atensi_intake": "ATENSI KP Napza – Rujukan sampai Bimbingan Lanjut",
             "case_response": "Respon Kasus KP Napza"}
    for pid, path in BPMN_FILES.items():
        doc = etree.parse(str(path))
        [proc] = doc.xpath("//bpmn:process", namespaces=NS)
        check(proc.get("id") == pid and proc.get("name") == names[pid], f"{pid}: id/name")
        check(proc.get("isExecutable") == "true", f"{pid}: isExecutable")
        [part] = doc.xpath("//bpmn:participant", namespaces=NS)
        check(part.get("processRef") == pid, f"{pid}: participant references the process")
        lanes = [lane.get("name") for lane in doc.xpath("//bpmn:lane", namespaces=NS)]
        check(lanes == LANES, f"{pid}: lanes are {lanes}")
    ok("process ids/names exact, isExecutable=true, one pool each with lanes Pekerja Sosial / Konselor Adiksi / "
       "Supervisor")


# at any time, in an event sub-process: they keep the case's stage
SIDE_TASKS = {"Task_koordinasi", "Task_persetujuan_usulan_terminasi"}


def check_user_tasks(specs):
    referenced = set()
    for pid, (spec, subs) in specs.items():
        tasks = user_task_specs(spec, subs)
        stages = STAGES[pid]
        for ts in tasks:
            p = ts.extensions.get("properties", {})
            where = f"{pid}/{ts.bpmn_id} ({ts.bpmn_name})"
            check(ts.lane in LANES, f"{where}: lane {ts.lane!r}")
            check(p.get("formJsonSchemaFilename"), f"{where}: no form")
            check((FORMS_DIR / p["formJsonSchemaFilename"]).is_file(), f"{where}: form file missing")
            check(p.get("dueIn") or p.get("dueDate"), f"{where}: no dueIn/dueDate")
            if p.get("dueIn"):
                TimerEventDefinition.parse_iso_duration(p["dueIn"])      # raises if not ISO
            check(p.get("stage") in stages or (p.get("stage") is None and ts.bpmn_id in SIDE_TASKS),
                  f"{where}: stage {p.get('stage')!r}")
            referenced.add(p["formJsonSchemaFilename"])
        print(f"      {pid}: {len(tasks)} user tasks")
        for s in [spec, *subs.values()]:  # start events of actions carry their form too (usulan_terminasi)
            referenced.update(ts.extensions.get("properties", {}).get("formJsonSchemaFilename")
                              for ts in s.bpmn_start_events if ts.extensions.get("properties", {}).get(
                                  "formJsonSchemaFilename"))
    on_disk = {f.name for f in FORMS_DIR.glob("*.json")}
    check(referenced == on_disk, f"forms not referenced: {on_disk - referenced}; missing: {referenced - on_disk}")
    ok("every user task (also inside the sub-process) has a lane, an existing form, an ISO dueIn/dueDate and a "
       "known stage; every form file is referenced")


def _indonesian_titles(schema, where):
    check(isinstance(schema.get("title"), str) and schema["title"], f"{where}: no title")
    for key, field in schema["properties"].items():
        check(isinstance(field.get("title"), str) and field["title"], f"{where}.{key}: no title")
        if field.get("type") == "array":
            check(field.get("uniqueItems") is True and "enum" in field.get("items", {}), f"{where}.{key}: multi")
        check("oneOf" not in field and "anyOf" not in field, f"{where}.{key}: keep schemas simple")
    check(set(schema.get("required", [])) <= set(schema["properties"]), f"{where}: required not in properties")


def check_forms():
    count = 0
    for path in sorted(FORMS_DIR.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        check(schema.get("$schema") == "https://json-schema.org/draft/2020-12/schema", f"{path.name}: $schema")
        check(schema.get("type") == "object", f"{path.name}: type")
        _indonesian_titles(schema, path.name)
        count += 1
    ok(f"{count} forms are valid JSON Schema draft 2020-12 (check_schema), titled, required ⊆ properties, "
       "multi-selects are uniqueItems arrays of enums, no oneOf/anyOf")


def load_form(name):
    return json.loads((FORMS_DIR / name).read_text(encoding="utf-8"))


def check_form_details():
    ident = load_form("identifikasi.json")
    check("persetujuan_layanan" in ident["required"], "consent required")
    check(ident["properties"]["persetujuan_wali"]["type"] == "boolean", "guardian consent")
    skrining = load_form("skrining.json")
    for substance, (low, medium) in ASSIST_BANDS.items():
        sk = skrining["properties"][f"skor_{substance}"]
        check((sk["type"], sk["minimum"], sk["default"]) == ("integer", 0, 0), f"skor_{substance} from 0")
        check(f"0–{low} rendah, {low + 1}–{medium} sedang, {medium + 1} ke atas" in sk["description"],
              f"skor_{substance}: the help text states its WHO ASSIST bands")
    for local_name in ("sabu", "ekstasi", "ganja", "obat daftar G", "lem"):
        check(local_name in json.dumps(skrining, ensure_ascii=False), f"skrining names {local_name}")
    ase = load_form("asesmen_lanjut.json")
    check(ase["properties"]["setting"]["enum"] == ["rawat_inap", "rawat_jalan", "berbasis_keluarga"], "setting")
    check("setting" in ase["required"], "setting required")
    ren = load_form("rencana_intervensi.json")["properties"]["komponen_atensi"]
    check(len(ren["items"]["enum"]) == 7 and ren["minItems"] == 1, "seven ATENSI components")
    term = load_form("laporan_terminasi.json")
    check(term["properties"]["alasan_terminasi"]["enum"] == ["selesai", "dirujuk", "putus_layanan", "meninggal",
                                                             "menolak_layanan"],
          "alasan_terminasi")
    rek = load_form("rehabilitasi_sosial.json")["properties"]["rekomendasi"]["enum"]
    check(rek == ["lanjut_atensi", "rujuk", "tidak_perlu"], "rekomendasi")
    ok("form contents: consent, an ASSIST score per substance with its bands and local names, setting "
       "enum required, 7 ATENSI components (minItems 1), "
       "alasan_terminasi and rekomendasi enums")


def check_events(specs):
    """Timers are Python expressions; messages carry the agreed names and variables."""
    seen = {}
    sample = {"akhir_program": "2025-05-31T09:00:00+00:00", "durasi_reintegrasi": "P1M", "siklus_monitoring": "R4/P1M"}
    for spec, subs in specs.values():
        for ts in all_task_specs(spec, subs):
            ed = getattr(ts, "event_definition", None)
            if isinstance(ed, TimerEventDefinition):
                value = eval(ed.expression, {}, dict(sample))  # noqa: S307 - our own diagram
                check(isinstance(value, str), f"{ts.bpmn_id}: timer expression must give a string")
                seen[ts.bpmn_id] = (type(ed).__name__, ed.expression)
            elif ed is not None and type(ed).__name__ == "MessageEventDefinition":
                seen[ts.bpmn_id] = (ed.name, ed.message_var, ed.expression)
    expected = {
        "Timer_monitoring_bulanan": ("CycleTimerEventDefinition", "siklus_monitoring"),
        "Timer_periode_program_berakhir": ("TimeDateEventDefinition", "akhir_program"),
        "Timer_tunggu_akhir_periode": ("TimeDateEventDefinition", "akhir_program"),
        "Timer_periode_reintegrasi": ("DurationTimerEventDefinition", "durasi_reintegrasi"),
        "Timer_batas_respon_24_jam": ("DurationTimerEventDefinition", '"PT24H"'),
        "Start_krisis": ("krisis", "laporan_krisis", None),
        "Start_laporan_kedaruratan": ("mulai_respon_kasus", "rujukan_darurat", None),
    }
    for key, value in expected.items():
        check(seen.get(key) == value, f"{key}: {seen.get(key)} != {value}")
    name, var, payload = seen["Throw_mulai_respon_kasus"]
    check(name == "mulai_respon_kasus" and var is None and "laporan_krisis" in payload
          and "risk_level_induk" in payload, "throw payload")
    cycles = TimerEventDefinition.parse_iso_recurring_interval("R4/P1M")
    check(cycles[0] == 4, "R4/P1M parses as 4 cycles")
    ok("timers: cycle siklus_monitoring (\"R4/P1M\" from periode_program), timeDate akhir_program (x2), "
       "duration \"P1M\" and \"PT24H\"; messages krisis "
       "(messageVariable laporan_krisis), mulai_respon_kasus thrown with a messagePayload and caught by "
       "case_response's start (messageVariable rujukan_darurat)")
    _check_boundary_kinds(specs)


def _check_boundary_kinds(specs):
    spec, subs = specs["atensi_intake"]
    kinds = {ts.bpmn_id: ts.cancel_activity for ts in all_task_specs(spec, subs)
             if ts.__class__.__name__ == "BoundaryEvent"}
    check(kinds == {"Timer_monitoring_bulanan": False, "Timer_periode_program_berakhir": True},
          f"intake boundary events {kinds}")
    spec, subs = specs["case_response"]
    kinds = {ts.bpmn_id: ts.cancel_activity for ts in all_task_specs(spec, subs)
             if ts.__class__.__name__ == "BoundaryEvent"}
    check(kinds == {"Timer_batas_respon_24_jam": False}, f"case_response boundary events {kinds}")
    ok("boundary events: monitoring cycle non-interrupting, programme-period timer "
       "interrupting (on the Intervensi sub-process); 24-hour timer non-interrupting on Kedaruratan")


SUBSTANCES = ("tembakau", "alkohol", "ganja", "kokain", "stimulan_amfetamin", "inhalansia", "sedatif", "halusinogen",
              "opioid", "lainnya")
# WHO ASSIST v3.1 bands (rendah up to, sedang up to; tinggi above): alcohol has its own.
ASSIST_BANDS = {substance: (10, 26) if substance == "alkohol" else (3, 26) for substance in SUBSTANCES}


def assist_risk(specs, engine_factory, **scores):
    """The two decision tasks of the shipped diagram run on these scores (others 0, as the form fills)."""
    spec, subs = specs["atensi_intake"]
    tasks = {ts.bpmn_id: ts for ts in spec.task_specs.values()}
    data = {**{f"skor_{s}": 0 for s in SUBSTANCES}, **{f"skor_{k}": v for k, v in scores.items()}}

    class FakeTask:                      # DMNEngine.result needs .data, .task_spec and .workflow.script_engine
        def __init__(self, rule_task):
            self.data = data
            self.task_spec = rule_task
            self.workflow = type("W", (), {"script_engine": engine_factory()})()

    for bpmn_id in ("Rule_risiko_per_zat", "Rule_tingkat_risiko"):
        data.update(tasks[bpmn_id].dmnEngine.result(FakeTask(tasks[bpmn_id])))
    return data


def check_dmn(specs, engine_factory):
    spec, subs = specs["atensi_intake"]
    called = {ts.bpmn_id: ts.extensions.get("calledDecisionId") for ts in spec.task_specs.values()
              if ts.__class__.__name__ == "BusinessRuleTask"}
    check(called == {"Rule_risiko_per_zat": "risiko_per_zat", "Rule_tingkat_risiko": "risk_level",
                      "Rule_periode_program": "periode_program", "Rule_bimbingan_lanjut": "bimbingan_lanjut"},
          f"{called}")
    for substance, (low, medium) in ASSIST_BANDS.items():
        for score, level in ((1, "rendah"), (low, "rendah"), (low + 1, "sedang"), (medium, "sedang"),
                             (medium + 1, "tinggi"), (39, "tinggi")):
            got = assist_risk(specs, engine_factory, **{substance: score})["risk_level"]
            check(got == level, f"DMN {substance}={score} gave {got}, WHO ASSIST says {level}")
    # the cases (issue 14), and several substances: the highest wins
    cases = [({"alkohol": 8}, "rendah"), ({"alkohol": 15}, "sedang"), ({"ganja": 4}, "sedang"),
             ({"alkohol": 10, "tembakau": 3}, "rendah"), ({"alkohol": 20, "stimulan_amfetamin": 27}, "tinggi"),
             ({"tembakau": 30, "ganja": 2, "alkohol": 5}, "tinggi"), ({"alkohol": 12, "sedatif": 3}, "sedang")]
    for scores, level in cases:
        data = assist_risk(specs, engine_factory, **scores)
        check(data["risk_level"] == level, f"DMN {scores} gave {data['risk_level']}, expected {level}")
        check(sorted(data["zat_dinilai"]) == sorted(scores), f"every substance used is judged: {data}")
    ok("DMN risiko_per_zat (COLLECT, one row per substance used) then risk_level (the highest): WHO ASSIST bands "
       "per substance, alcohol 0-10/11-26/27+, others 0-3/4-26/27+; alcohol 8 rendah, alcohol 15 sedang, "
       "ganja 4 sedang, several substances -> the highest")


# ================================================================ diagram interchange
def _bounds(shape):
    b = shape.find("dc:Bounds", NS)
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))


def _overlap(a, b):
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _inside(inner, outer, tol=0.5):
    return (inner[0] >= outer[0] - tol and inner[1] >= outer[1] - tol
            and inner[0] + inner[2] <= outer[0] + outer[2] + tol and inner[1] + inner[3] <= outer[1] + outer[3] + tol)


def _on_border(point, box, tol=1.0):
    x, y = point
    bx, by, bw, bh = box
    within_x = bx - tol <= x <= bx + bw + tol
    within_y = by - tol <= y <= by + bh + tol
    on_v = within_y and (abs(x - bx) <= tol or abs(x - bx - bw) <= tol)
    on_h = within_x and (abs(y - by) <= tol or abs(y - by - bh) <= tol)
    return on_v or on_h


def _gateway_tip(point, box, tol=1.0):
    """Gateways are diamonds: edges meet them at the four tips."""
    x, y = point
    bx, by, bw, bh = box
    tips = [(bx, by + bh / 2), (bx + bw, by + bh / 2), (bx + bw / 2, by), (bx + bw / 2, by + bh)]
    return any(abs(x - tx) <= tol and abs(y - ty) <= tol for tx, ty in tips)


FLOW_NODE_TAGS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
                  "userTask", "scriptTask", "businessRuleTask", "subProcess", "exclusiveGateway",
                  "parallelGateway"}


def check_di(path):
    doc = etree.parse(str(path))
    shapes = {s.get("bpmnElement"): s for s in doc.xpath("//bpmndi:BPMNShape", namespaces=NS)}
    edges = {e.get("bpmnElement"): e for e in doc.xpath("//bpmndi:BPMNEdge", namespaces=NS)}
    nodes = {el.get("id"): el for el in doc.xpath("//bpmn:process//*[@id]", namespaces=NS)
             if etree.QName(el).localname in FLOW_NODE_TAGS}
    flows = doc.xpath("//bpmn:sequenceFlow", namespaces=NS)
    [plane] = doc.xpath("//bpmndi:BPMNPlane", namespaces=NS)
    [collab] = doc.xpath("//bpmn:collaboration", namespaces=NS)
    check(plane.get("bpmnElement") == collab.get("id"), "plane shows the collaboration")
    for el_id in [*nodes, *[lane.get("id") for lane in doc.xpath("//bpmn:lane", namespaces=NS)],
                  doc.xpath("//bpmn:participant", namespaces=NS)[0].get("id")]:
        check(el_id in shapes, f"{path.name}: no BPMNShape for {el_id}")
    check(len(shapes) == len(nodes) + 4, f"{path.name}: stray shapes")
    _check_lanes(doc, shapes, nodes, path)
    _check_nesting_and_overlaps(shapes, nodes, path)
    for flow in flows:
        _check_edge(flow, edges, shapes, nodes, path)
    check(len(edges) == len(flows), f"{path.name}: stray edges")
    starts = [n for n, el in nodes.items() if etree.QName(el).localname == "startEvent"
              and etree.QName(el.getparent()).localname == "process"]
    ends = [n for n, el in nodes.items() if etree.QName(el).localname == "endEvent"]
    check(all(_bounds(shapes[s])[0] < _bounds(shapes[e])[0] for s in starts for e in ends), "left-to-right")
    ok(f"{path.name}: DI complete ({len(nodes)} flow nodes + pool + 3 lanes have shapes, {len(flows)} sequence "
       "flows have orthogonal edges from source border to target border), sub-process expanded with its "
       "contents inside, boundary events on the host border, no overlapping shapes, nodes inside their lane, "
       "lanes stacked, start left of every end")


def _check_lanes(doc, shapes, nodes, path):
    pool = _bounds(shapes[doc.xpath("//bpmn:participant", namespaces=NS)[0].get("id")])
    lanes = doc.xpath("//bpmn:lane", namespaces=NS)
    y = pool[1]
    for lane in lanes:
        lb = _bounds(shapes[lane.get("id")])
        check(abs(lb[1] - y) < 0.5 and abs(lb[0] - pool[0] - 30) < 0.5, f"{path.name}: lanes not stacked")
        check(abs(lb[0] + lb[2] - pool[0] - pool[2]) < 0.5, f"{path.name}: lane width")
        y += lb[3]
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            nb = _bounds(shapes[ref.text])
            cx, cy = nb[0] + nb[2] / 2, nb[1] + nb[3] / 2
            check(lb[1] <= cy <= lb[1] + lb[3] and lb[0] <= cx <= lb[0] + lb[2],
                  f"{path.name}: {ref.text} is drawn outside lane {lane.get('name')}")
    check(abs(y - pool[1] - pool[3]) < 0.5, f"{path.name}: lanes do not fill the pool")
    top_level = {n for n, el in nodes.items() if etree.QName(el.getparent()).localname == "process"}
    in_lanes = {ref.text for ref in doc.xpath("//bpmn:flowNodeRef", namespaces=NS)}
    check(top_level == in_lanes, f"{path.name}: nodes without lane {top_level - in_lanes}")
    for sub in doc.xpath("//bpmn:subProcess", namespaces=NS):
        check(shapes[sub.get("id")].get("isExpanded") == "true", "sub-process drawn expanded")


def _check_nesting_and_overlaps(shapes, nodes, path):
    parent_of = {n: el.getparent().get("id") if etree.QName(el.getparent()).localname == "subProcess" else None
                 for n, el in nodes.items()}
    host_of = {n: el.get("attachedToRef") for n, el in nodes.items() if el.get("attachedToRef")}
    for n, parent in parent_of.items():
        if parent:
            check(_inside(_bounds(shapes[n]), _bounds(shapes[parent])), f"{path.name}: {n} outside {parent}")
    for n, host in host_of.items():
        b = _bounds(shapes[n])
        check(_on_border((b[0] + b[2] / 2, b[1] + b[3] / 2), _bounds(shapes[host])), f"{n} not on {host}")
    ids = list(nodes)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            related = parent_of[a] == b or parent_of[b] == a or host_of.get(a) == b or host_of.get(b) == a
            if not related:
                check(not _overlap(_bounds(shapes[a]), _bounds(shapes[b])), f"{path.name}: {a} overlaps {b}")


def _check_edge(flow, edges, shapes, nodes, path):
    fid = flow.get("id")
    check(fid in edges, f"{path.name}: no BPMNEdge for {fid}")
    pts = [(float(w.get("x")), float(w.get("y"))) for w in edges[fid].findall("di:waypoint", NS)]
    check(len(pts) >= 2, f"{fid}: fewer than two waypoints")
    for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
        check(abs(x0 - x1) < 0.5 or abs(y0 - y1) < 0.5, f"{fid}: diagonal segment")
    for point, ref in ((pts[0], flow.get("sourceRef")), (pts[-1], flow.get("targetRef"))):
        box = _bounds(shapes[ref])
        is_gateway = etree.QName(nodes[ref]).localname.endswith("Gateway")
        touches = _gateway_tip(point, box) if is_gateway else _on_border(point, box)
        check(touches, f"{path.name}: {fid} does not touch {ref} at {point}")


# ================================================================ running
class Run:
    """One workflow instance, driven like the engine drives it."""

    def __init__(self, specs, pid, engine, data=None):
        spec, subs = specs[pid]
        self.wf = BpmnWorkflow(spec, subs, script_engine=engine)
        self.trail: list[tuple[str, str]] = []        # (task name, stage) of completed user tasks
        start = self.wf.get_next_task(state=TaskState.READY)
        start.data.update(data or {})
        self.wf.do_engine_steps()

    def ready(self):
        return self.wf.get_tasks(state=TaskState.READY, manual=True)

    def ready_names(self):
        return sorted(t.task_spec.bpmn_name for t in self.ready())

    def task(self, name):
        tasks = [t for t in self.ready() if t.task_spec.bpmn_name == name]
        check(tasks, f"expected READY {name!r}; ready: {self.ready_names()}")
        return tasks[0]

    def complete(self, name, **fields):
        task = self.task(name)
        props = task.task_spec.extensions["properties"]
        form = load_form(props["formJsonSchemaFilename"])
        fields = with_defaults(form, fields)  # as the engine fills a blank field
        validator = jsonschema.Draft202012Validator(form, format_checker=jsonschema.FormatChecker())
        errors = [e.message for e in validator.iter_errors(fields)]
        check(not errors, f"{name}: submission does not satisfy {props['formJsonSchemaFilename']}: {errors}")
        check(task.state == TaskState.READY, f"{name} not READY")
        task.data.update(fields)
        task.run()
        self.wf.do_engine_steps()
        self.trail.append((name, props.get("stage") or self.trail[-1][1]))
        return task

    def travel(self, traveller, delta):
        traveller.shift(delta)
        self.wf.refresh_timers()
        self.wf.do_engine_steps()

    def waiting(self):
        return {e.name: e.value for e in self.wf.waiting_events()}

    def data(self):
        return self.wf.last_task.data if self.wf.completed else self.ready()[0].data

    def completed_names(self):
        names = {t.task_spec.bpmn_name for t in self.wf.get_tasks(state=TaskState.COMPLETED)}
        for sp in self.wf.subprocesses.values():
            names |= {t.task_spec.bpmn_name for t in sp.get_tasks(state=TaskState.COMPLETED)}
        return names - {None}

    def assert_stage_order(self, stages):
        order = [stages.index(stage) for _, stage in self.trail]
        check(order == sorted(order), f"stages went backwards: {self.trail}")


PM = {"nama": "Budi Santoso", "nik": "3174010101900001", "tanggal_lahir": "1990-01-01", "jenis_kelamin": "L",
      "alamat": "Jl. Melati 1, Jakarta", "sumber_rujukan": "keluarga", "kontak_keluarga": "081200000000"}
CASE = {"pm": PM, "kategori_usia": "dewasa", "unit": "balai_bogor"}


def intake_until_plan(run, skor, setting=None, reject_first=False):
    run.complete("Identifikasi & orientasi", persetujuan_layanan=True, kondisi_awal="Sadar, kooperatif",
                 catatan_identifikasi="Dirujuk keluarga")
    run.complete("Skrining ASSIST", skor_stimulan_amfetamin=skor, zat_utama="stimulan_amfetamin")
    if setting is None:
        check(run.ready_names() == ["Rujukan rehabilitasi medis"], f"low risk: medical referral, then the plan: "
              f"{run.ready_names()}")
        check(run.data()["setting"] == "berbasis_keluarga" and run.data()["risk_level"] == "rendah", "rendah")
    else:
        check(run.ready_names() == ["Asesmen lanjut"], "medium/high risk needs asesmen lanjut")
        run.complete("Asesmen lanjut", medis=2, pekerjaan=3, penggunaan_napza=6, hukum=1, keluarga_sosial=4,
                     psikiatri=2, kesiapan_berubah="persiapan", setting=setting, catatan_asesmen="-")
        check(run.ready_names() == ["Rujukan rehabilitasi medis"], "every risk level: a medical referral")
    run.complete("Rujukan rehabilitasi medis", tempat_rujukan="puskesmas", nama_fasilitas="Puskesmas Cibinong",
                 tanggal_rujukan=datetime.now(UTC).date().isoformat())
    plan = dict(komponen_atensi=["terapi", "dukungan_keluarga"], tujuan="Pulih", rencana_kegiatan="Konseling")
    run.complete("Susun rencana intervensi", **plan)
    if reject_first:
        run.complete("Persetujuan rencana intervensi", rencana_disetujui=False, catatan_supervisor="Tambah vokasional")
        task = run.task("Susun rencana intervensi")
        check(task.data["catatan_supervisor"] == "Tambah vokasional", "the plan form sees the supervisor's notes")
        run.complete("Susun rencana intervensi", **{**plan, "komponen_atensi": plan["komponen_atensi"] +
                                                     ["pelatihan_vokasional"]})
    run.complete("Persetujuan rencana intervensi", rencana_disetujui=True, catatan_supervisor="Setuju")
    data = run.task("Pelaksanaan intervensi").data
    expected = "P4M" if setting == "rawat_inap" else "P3M"
    check(data["durasi_program"] == expected, f"durasi_program {data['durasi_program']}")
    check(data["akhir_program"] == add_duration(now_iso(), expected), "akhir_program = now + durasi_program")
    check(data["rencana_selesai"] is False, "rencana_selesai reset")
    waiting = run.waiting()
    check(waiting.get("Periode program berakhir") == data["akhir_program"], f"period timer waits: {waiting}")
    check("Monitoring bulanan" in waiting, f"boundary events armed: {waiting}")
    return data


def finish_plan_and_wait(run, traveller, loops=1):
    for _ in range(loops):
        run.complete("Pelaksanaan intervensi", catatan_kemajuan="Sesi berjalan", rencana_selesai=False,
                     tanggal_kegiatan=datetime.now(UTC).date().isoformat())
        check(run.ready_names() == ["Pelaksanaan intervensi"], "not done -> the same task again")
    run.complete("Pelaksanaan intervensi", catatan_kemajuan="Semua sesi selesai", rencana_selesai=True)
    akhir = run.wf.get_tasks(state=TaskState.WAITING, spec_name="Timer_tunggu_akhir_periode")
    check(akhir and run.ready_names() == [], f"waits for the end of the period: {run.ready_names()}")
    check("Periode program berakhir" not in run.waiting(), "boundary timer cancelled when the plan completes")
    end = datetime.fromisoformat(run.waiting()["Tunggu akhir periode program"])
    run.travel(traveller, end - datetime.now(UTC) - timedelta(minutes=1))
    check(run.ready_names() == [], "nothing happens a minute before the end of the period")
    run.travel(traveller, timedelta(minutes=2))


def terminate(run, alasan, reject_first=False):
    report = dict(alasan_terminasi=alasan, laporan_terminasi="Ringkasan layanan",
                  tanggal_terminasi=datetime.now(UTC).date().isoformat())
    if alasan == "dirujuk":
        report["dirujuk_ke"] = "IPWL Yayasan Harapan"
    run.complete("Laporan terminasi", **report)
    if reject_first:
        run.complete("Persetujuan terminasi", terminasi_disetujui=False, catatan_supervisor_terminasi="Lengkapi")
        check(run.task("Laporan terminasi").data["catatan_supervisor_terminasi"] == "Lengkapi", "notes visible")
        run.complete("Laporan terminasi", **report)
    run.complete("Persetujuan terminasi", terminasi_disetujui=True)


def aftercare(run, expected_visits, timed=False):
    run.complete("Rencana bimbingan lanjut", bentuk_bimbingan=["kursus", "usaha_kecil"], catatan_bimbingan="-")
    started = time.perf_counter()
    for k in range(1, expected_visits + 1):
        task = run.task("Kunjungan tindak lanjut")
        d = task.data
        check(d["kunjungan_ke"] == k and d["jumlah_kunjungan"] == expected_visits, f"visit {k}/{expected_visits}")
        due = run.wf.script_engine.evaluate(task, task.task_spec.extensions["properties"]["dueDate"])
        check(due == add_duration(d["aftercare_mulai"], f"P{k}M"), f"visit {k} due {due}")
        check(run.ready_names() == ["Kunjungan tindak lanjut"], "one visit at a time")
        run.complete("Kunjungan tindak lanjut", tanggal_dikunjungi=due[:10], kondisi_pm_saat_kunjungan="stabil",
                     hasil_kunjungan="Baik")
    if timed:
        print(f"      {expected_visits} visits in {time.perf_counter() - started:.2f}s")
    run.complete("Penutupan kasus", ringkasan_penutupan="Kasus ditutup")
    check(run.wf.completed, "workflow completed")


# ---------------------------------------------------------------- intake scenarios
def scenario_low_risk(specs, engine):
    with time_machine.travel(T0, tick=False) as tr:
        run = Run(specs, "atensi_intake", engine(), CASE)
        intake_until_plan(run, skor=2)
        finish_plan_and_wait(run, tr, loops=1)
        check(run.ready_names() == ["Laporan terminasi"], "berbasis_keluarga goes straight to terminasi")
        terminate(run, "selesai")
        aftercare(run, 3)
        names = run.completed_names()
        check({"Tetapkan layanan berbasis keluarga", "Tunggu akhir periode program", "Kasus ditutup"} <= names and
              not names & {"Asesmen lanjut", "Tes minat dan bakat", "Tinjau intervensi yang belum selesai"},
              f"path: {names}")
        run.assert_stage_order(INTAKE_STAGES)
    return ("low risk (skor 2): DMN rendah -> script sets berbasis_keluarga, no asesmen lanjut -> plan approved -> "
            "P3M period -> Pelaksanaan loops once then done -> waits for 'Tunggu akhir periode program' -> "
            "terminasi selesai -> aftercare: default 3 visits, each due aftercare_mulai+kM (dueDate) -> "
            "Penutupan kasus -> completed")


def scenario_medium_outpatient(specs, engine):
    with time_machine.travel(T0, tick=False) as tr:
        run = Run(specs, "atensi_intake", engine(), {**CASE, "jumlah_kunjungan": 2})
        data = intake_until_plan(run, skor=15, setting="rawat_jalan", reject_first=True)
        check(data["risk_level"] == "sedang", "sedang")
        first = datetime.fromisoformat(run.waiting()["Monitoring bulanan"])
        run.travel(tr, first - datetime.now(UTC) + timedelta(hours=1))
        check(run.ready_names() == ["Monitoring bulanan", "Pelaksanaan intervensi"], "monitoring fired")
        run.complete("Monitoring bulanan", tanggal_monitoring=datetime.now(UTC).date().isoformat(),
                     perkembangan_pm="Membaik", perlu_penyesuaian_rencana=False)
        check(run.ready_names() == ["Pelaksanaan intervensi"], "monitoring branch ended, intervention continues")
        finish_plan_and_wait(run, tr, loops=0)
        terminate(run, "dirujuk", reject_first=True)
        aftercare(run, 2)
        run.assert_stage_order(INTAKE_STAGES)
    return ("medium risk (skor 15) rawat jalan: asesmen lanjut -> plan REJECTED (plan form sees "
            "catatan_supervisor) -> revised -> approved -> P3M -> monthly monitoring cycle fires (non-interrupting, "
            "Pelaksanaan stays open) -> plan done -> wait -> no reintegrasi -> terminasi rejected once then "
            "approved (dirujuk) -> aftercare with jumlah_kunjungan=2 preset -> completed")


def scenario_high_inpatient_died(specs, engine):
    with time_machine.travel(T0, tick=False) as tr:
        run = Run(specs, "atensi_intake", engine(), CASE)
        data = intake_until_plan(run, skor=30, setting="rawat_inap")
        check(data["risk_level"] == "tinggi", "tinggi")
        finish_plan_and_wait(run, tr, loops=0)
        check(run.ready_names() == ["Tes minat dan bakat"], f"reintegrasi starts: {run.ready_names()}")
        check("Periode reintegrasi" in run.waiting(), "1-month reintegrasi timer running")
        run.complete("Tes minat dan bakat", pelaksana_tes="Dra. Sari, Psikolog", profesi_pelaksana="psikolog",
                     hasil_minat_bakat="Otomotif", rekomendasi_vokasional="Bengkel")
        run.complete("Persiapan keluarga", kegiatan_persiapan_keluarga="Psikoedukasi", keluarga_siap=True)
        run.complete("Kunjungan rumah", tanggal_kunjungan_rumah=datetime.now(UTC).date().isoformat(),
                     hasil_kunjungan_rumah="Rumah kondusif")
        check(run.ready_names() == [], "the join waits for the 1-month reintegrasi period")
        run.travel(tr, timedelta(days=32))
        check(run.ready_names() == ["Laporan terminasi"], "terminasi after reintegrasi")
        terminate(run, "meninggal")
        check(run.wf.completed, "meninggal closes the case")
        names = run.completed_names()
        check("Kasus ditutup" in names and "Rencana bimbingan lanjut" not in names, "no aftercare")
        check(len([t for t in run.wf.get_tasks(state=TaskState.COMPLETED)
                   if t.task_spec.bpmn_id == "End_kasus_ditutup_meninggal"]) == 1, "ended at the meninggal end")
        run.assert_stage_order(INTAKE_STAGES)
    return ("high risk (skor 30) rawat inap: P4M -> plan done -> wait -> Reintegrasi: parallel Tes minat dan "
            "bakat -> Persiapan keluarga -> Kunjungan rumah joined with the 1-month timer (join waits) -> "
            "terminasi meninggal -> 'Kasus ditutup' without aftercare")


def scenario_period_ends_first(specs, engine):
    with time_machine.travel(T0, tick=False) as tr:
        run = Run(specs, "atensi_intake", engine(), {**CASE, "jumlah_kunjungan": 1})
        data = intake_until_plan(run, skor=20, setting="rawat_inap")
        run.complete("Pelaksanaan intervensi", catatan_kemajuan="Baru sebagian", rencana_selesai=False)
        monitoring = 0
        end = datetime.fromisoformat(data["akhir_program"])
        while datetime.now(UTC) + timedelta(days=31) < end:
            run.travel(tr, timedelta(days=31, hours=1))
            monitoring += 1
            check(run.ready_names().count("Monitoring bulanan") == monitoring, f"{run.ready_names()}")
        check(monitoring == 3, f"three monthly reviews during a 4-month programme, got {monitoring}")
        run.complete("Monitoring bulanan", tanggal_monitoring="2025-03-04", perkembangan_pm="Lambat",
                     perlu_penyesuaian_rencana=False)
        run.travel(tr, end - datetime.now(UTC) + timedelta(minutes=1))
        check(run.ready_names() == ["Tinjau intervensi yang belum selesai"],
              f"interrupting timer: review replaces the open tasks: {run.ready_names()}")
        check(run.waiting() == {}, f"nothing left waiting: {run.waiting()}")
        run.complete("Tinjau intervensi yang belum selesai", keputusan="lanjut_tahap_berikutnya",
                     catatan_tinjauan="Lanjut dengan pendampingan")
        check(run.ready_names() == ["Tes minat dan bakat"], "rawat inap continues to reintegrasi")
        run.complete("Tes minat dan bakat", pelaksana_tes="Budi, S.Psi.", profesi_pelaksana="psikolog",
                     hasil_minat_bakat="Kuliner")
        run.complete("Persiapan keluarga", kegiatan_persiapan_keluarga="Konseling", keluarga_siap=True)
        run.complete("Kunjungan rumah", tanggal_kunjungan_rumah="2025-06-05", hasil_kunjungan_rumah="Baik")
        run.travel(tr, timedelta(days=32))
        terminate(run, "putus_layanan")
        aftercare(run, 1)
    return ("programme period ends before the plan is done (rawat inap, skor 20): 3 monthly monitoring tasks "
            "appear (R4/P1M) -> interrupting timeDate akhir_program fires -> open Pelaksanaan and the 2 still-open "
            "monitoring tasks are cancelled -> supervisor 'Tinjau intervensi yang belum selesai' -> routing -> "
            "reintegrasi -> terminasi putus_layanan -> aftercare (1 visit) -> completed")


def scenario_crisis(specs, engine):
    with time_machine.travel(T0, tick=False) as tr:
        run = Run(specs, "atensi_intake", engine(), {**CASE, "jumlah_kunjungan": 1})
        intake_until_plan(run, skor=10, setting="rawat_jalan")
        run.travel(tr, timedelta(days=5))
        # the event sub-process sees the case's data (the engine puts it on the root task, see case_sync)
        run.wf.task_tree.data = dict(run.ready()[0].data)
        events = []
        for jenis in ["overdosis", "kekerasan"]:
            report = {"jenis": jenis, "dilaporkan_oleh": "keluarga", "waktu": now_iso()}
            open_event_subprocess(run, "Sub_krisis", report)
            thrown = run.wf.get_events()
            check(len(thrown) == 1 and thrown[0].event_definition.name == "mulai_respon_kasus", f"thrown: {thrown}")
            payload = thrown[0].payload
            check(payload == {"pm": PM, "unit": CASE["unit"], "kategori_usia": "dewasa", "laporan_krisis": report,
                              "risk_level_induk": run.wf.task_tree.data.get("risk_level")},
                  f"payload {payload}")
            check(run.ready_names() == ["Pelaksanaan intervensi"], "non-interrupting: intervention continues")
            check("Periode program berakhir" in run.waiting(), "period timer still armed")
            events.extend(thrown)
        response = scenario_case_response_from(specs, engine, events[0], tr)
        finish_plan_and_wait(run, tr, loops=0)
        terminate(run, "selesai")
        aftercare(run, 1)
    return ("two crises during intervensi: send_event(krisis, payload) starts the non-interrupting event "
            "sub-process each time -> payload in laporan_krisis -> intermediate throw 'Mulai respon kasus' -> "
            "wf.get_events() returns mulai_respon_kasus with payload {pm, unit, kategori_usia, laporan_krisis, "
            "risk_level_induk}; Pelaksanaan stays open; the thrown event itself starts "
            f"case_response ({response}); the intake then runs to completion")


def open_event_subprocess(run, sub: str, payload: dict) -> None:
    """Open the event sub-process as the engine does (state.open_event_subprocess: Spiff's own way
    changes the shared spec), then deliver its start message."""
    (start,) = run.wf.subprocess_specs[sub].bpmn_start_events
    run.wf.spec.task_specs[sub].inputs = [run.wf.spec.start]
    child = run.wf.task_tree._add_child(run.wf.spec.task_specs[sub], TaskState.FUTURE)
    child.triggered = True
    child.task_spec._update(child)
    run.wf.send_event(BpmnEvent(start.event_definition, payload))
    run.wf.do_engine_steps()


# ---------------------------------------------------------------- case_response scenarios
def _run_case_response(specs, engine, event, traveller, late):
    run = Run(specs, "case_response", engine())
    check(run.ready_names() == [] and "mulai_respon_kasus" in run.waiting(), "message start waits")
    run.wf.send_event(event)
    run.wf.do_engine_steps()
    check(run.ready_names() == ["Kedaruratan (triase)"], f"started: {run.ready_names()}")
    check(run.task("Kedaruratan (triase)").data["rujukan_darurat"] == event.payload, "payload in rujukan_darurat")
    if late:
        run.travel(traveller, timedelta(hours=25))
        check(run.ready_names() == ["Eskalasi: kedaruratan terlambat", "Kedaruratan (triase)"], "escalation")
    run.complete("Kedaruratan (triase)", tingkat_kedaruratan="tinggi", kondisi_pm="Gelisah",
                 tindakan_segera="Rujuk IGD", perlu_rujukan_medis=True)
    if not late:
        run.travel(traveller, timedelta(hours=25))
        check(run.ready_names() == ["Intervensi krisis"], "no escalation when triage was on time")
    run.complete("Intervensi krisis", rumah_aman=True, tanggal_masuk_rumah_aman="2025-02-02", tindakan="Rumah Aman")
    run.complete("Pendampingan penyelesaian kasus", bentuk_pendampingan=["medis", "keluarga"],
                 catatan_pendampingan="Didampingi", kasus_terselesaikan=True)
    run.complete("Rehabilitasi sosial", rekomendasi="lanjut_atensi")
    if late:
        check(not run.wf.completed, "the open escalation keeps the case open")
        run.complete("Eskalasi: kedaruratan terlambat", tindakan_supervisor="Tugaskan petugas piket")
    run.complete("Layanan penguatan PM dan keluarga", kegiatan_penguatan=["konseling_keluarga"],
                 catatan_penguatan="Selesai")
    check(run.wf.completed, "case_response completed")
    check("Respon kasus selesai" in run.completed_names(), "ended at 'Respon kasus selesai'")
    order = [RESPONSE_STAGES.index(s) for n, s in run.trail if n != "Eskalasi: kedaruratan terlambat"]
    check(order == list(range(5)), f"five services in order: {run.trail}")
    return run


def scenario_case_response_from(specs, engine, event, traveller):
    _run_case_response(specs, engine, event, traveller, late=False)
    return "on-time triage, no escalation after 25 h, five services, completed"


def scenario_case_response_late(specs, engine):
    spec, _ = specs["case_response"]
    [start] = [ts for ts in spec.task_specs.values() if ts.bpmn_id == "Start_laporan_kedaruratan"]
    with time_machine.travel(T0, tick=False) as tr:
        event = BpmnEvent(start.event_definition, {"pm": PM, "unit": "ipwl_x", "sumber": "rujukan_baru"})
        _run_case_response(specs, engine, event, tr, late=True)
    return ("case_response: started by sending mulai_respon_kasus to the message start -> payload in "
            "rujukan_darurat -> 25 h pass with Kedaruratan open -> non-interrupting 'Batas respon 24 jam' "
            "opens 'Eskalasi: kedaruratan terlambat' (Supervisor) beside it -> Kedaruratan, Intervensi krisis "
            "(rumah_aman), Pendampingan, Rehabilitasi sosial, Penguatan in order; the escalation must be closed "
            "too -> completed")


def scenario_many_visits(specs, engine):
    with time_machine.travel(T0, tick=False) as tr:
        run = Run(specs, "atensi_intake", engine(), {**CASE, "jumlah_kunjungan": 200})
        intake_until_plan(run, skor=1)
        finish_plan_and_wait(run, tr, loops=0)
        terminate(run, "selesai")
        aftercare(run, 200, timed=True)
    return "jumlah_kunjungan=200 preset in the start data: 200 visit loops run to closure"


def refused(run, name, **fields):
    """The form of the open task ``name`` refuses these fields (nothing is completed)."""
    form = load_form(run.task(name).task_spec.extensions["properties"]["formJsonSchemaFilename"])
    errors = list(jsonschema.Draft202012Validator(form).iter_errors(with_defaults(form, fields)))
    check(errors, f"{name}: {fields} should be refused")


def scenario_programme_activities(specs, engine):
    today = datetime.now(UTC).date().isoformat
    with time_machine.travel(T0, tick=False) as tr:
        run = Run(specs, "atensi_intake", engine(), {**CASE, "jumlah_kunjungan": 1})
        intake_until_plan(run, skor=12, setting="rawat_jalan")
        sessions = ("konseling_individu", "konseling_kelompok", "konseling_keluarga", "seminar_psikoedukasi")
        for kind in sessions:
            run.complete("Pelaksanaan intervensi", catatan_kemajuan="-", rencana_selesai=False,
                         kegiatan_berikutnya="sesi_konseling")
            task = run.task("Sesi konseling")
            check(task.task_spec.extensions["properties"]["role"] == "konselor_adiksi", "the counsellor's task")
            run.complete("Sesi konseling", tanggal_sesi=today(), jenis_sesi=kind, kehadiran="hadir")
            check(run.ready_names() == ["Pelaksanaan intervensi"], "back to the programme after each session")
        run.complete("Pelaksanaan intervensi", catatan_kemajuan="-", rencana_selesai=False,
                     kegiatan_berikutnya="tes_urine")
        refused(run, "Tes urine", tanggal_tes_urine=today(), hasil_tes_urine="positif")
        run.complete("Tes urine", tanggal_tes_urine=today(), hasil_tes_urine="positif", zat_terdeteksi="metamfetamin",
                     tindak_lanjut_urine="Konseling individu tambahan dan tes ulang 2 minggu")
        for kind, task_name, fields in (
                ("kunjungan_rumah", "Kunjungan rumah (rawat jalan)", {"tanggal_kunjungan": today(),
                                                                      "temuan_kunjungan": "Keluarga mendukung"}),
                ("tindak_lanjut_medis", "Tindak lanjut rehabilitasi medis", {"tanggal_tindak_lanjut": today(),
                                                                            "hasil_layanan_medis": "Stabil"})):
            run.travel(tr, timedelta(days=7))
            run.complete("Pelaksanaan intervensi", catatan_kemajuan="-", rencana_selesai=False,
                         kegiatan_berikutnya=kind)
            run.complete(task_name, **fields)
        check(run.ready_names() == ["Pelaksanaan intervensi"], "still in the programme")
        open_event_subprocess(run, "Sub_koordinasi", {"diminta_oleh": "peksos"})
        check(run.ready_names() == ["Koordinasi dengan lembaga lain", "Pelaksanaan intervensi"], "koordinasi beside")
        run.complete("Koordinasi dengan lembaga lain", tanggal_koordinasi=today(), lembaga="Puskesmas Cibinong",
                     pokok_bahasan="Jadwal terapi", hasil_koordinasi="Disepakati")
        finish_plan_and_wait(run, tr, loops=0)
        refused(run, "Laporan terminasi", alasan_terminasi="dirujuk", laporan_terminasi="-")
        run.complete("Laporan terminasi", alasan_terminasi="dirujuk", dirujuk_ke="LKS Harapan", laporan_terminasi="-",
                     perlu_reunifikasi=True)
        run.complete("Persetujuan terminasi", terminasi_disetujui=True)
        check(run.ready_names() == ["Reunifikasi dengan keluarga"], "reunifikasi where it applies")
        run.complete("Reunifikasi dengan keluarga", tanggal_reunifikasi=today(), keluarga_penerima="Ibu kandung",
                     hasil_reunifikasi="PM kembali ke rumah")
        run.complete("Rencana bimbingan lanjut", bentuk_bimbingan=["kursus"])
        visit = dict(tanggal_dikunjungi=today(), kondisi_pm_saat_kunjungan="stabil", hasil_kunjungan="Baik",
                     bantuan_diberikan="kursus")
        refused(run, "Kunjungan tindak lanjut", **visit)
        run.complete("Kunjungan tindak lanjut", **visit, uraian_bantuan="Kursus menjahit", tanggal_bantuan=today(),
                     nilai_bantuan=1500000)
        run.complete("Penutupan kasus", ringkasan_penutupan="-")
        check(run.wf.completed, "completed")
    return ("programme activities (rawat jalan): medical referral, four konselor sessions (individu, kelompok, "
            "keluarga, seminar psikoedukasi), a positive urine test refused without follow-up then recorded, "
            "home visit, medical follow-up, each back to Pelaksanaan; koordinasi beside it (event sub-process); "
            "dirujuk refused without dirujuk_ke; "
            "reunifikasi; aftercare assistance refused without what/when/amount -> completed")


SCENARIOS = [scenario_programme_activities, scenario_low_risk, scenario_medium_outpatient, scenario_high_inpatient_died,
             scenario_period_ends_first, scenario_crisis, scenario_case_response_late, scenario_many_visits]


# ================================================================ engines
def taskdata_engine():
    return PythonScriptEngine(environment=TaskDataEnvironment(dict(SCRIPT_FUNCTIONS)))


def sandbox_engine_factory():
    """The engine's RestrictedPython sandbox, when it imports (other engineers own engine/)."""
    try:
        sys.path.insert(0, str(ROOT))
        from engine.cases import sandbox, sandbox_pool
        sandbox.script_engine()
        sandbox_pool.ready()  # its worker starts now: a script's call waits no longer than a script may run
        return sandbox.script_engine, sandbox
    except Exception as exc:      # noqa: BLE001 - report and carry on with the stock environment
        print(f"  --  engine.cases.sandbox not usable here ({exc!r}); running with TaskDataEnvironment only")
        return None, None


def check_scripts_restricted(specs, sandbox):
    """Every script, condition and timer expression compiles under the engine's RestrictedPython rules."""
    sources = []
    for spec, subs in specs.values():
        for ts in all_task_specs(spec, subs):
            if getattr(ts, "script", None):
                sources.append((ts.bpmn_id, ts.script, "exec"))
            for cond, _ in getattr(ts, "cond_task_specs", []) or []:
                if cond is not None:                    # _BpmnCondition(expression); None = default flow
                    sources.append((ts.bpmn_id, cond.args[0], "eval"))
            ed = getattr(ts, "event_definition", None)
            if isinstance(ed, TimerEventDefinition):
                sources.append((ts.bpmn_id, ed.expression, "eval"))
            if ed is not None and getattr(ed, "expression", None) and not isinstance(ed, TimerEventDefinition):
                sources.append((ts.bpmn_id, ed.expression, "eval"))
    for where, source, mode in sources:
        problems = sandbox.syntax_errors(source, mode)
        check(not problems, f"{where}: {problems}")
    ok(f"{len(sources)} scripts/conditions/timer/payload expressions compile under engine.cases.sandbox "
       "(RestrictedPython)")


# ================================================================ main
def domain_checks():
    def wrap(check_fn):
        def run():
            check_fn()
            ok(f"domain: {check_fn.__doc__.splitlines()[0] if check_fn.__doc__ else check_fn.__name__}")
        return run
    return [wrap(c) for c in DOMAIN_CHECKS]


def main():
    failures = 0
    print("static checks")
    steps = [check_add_duration, check_processes, check_forms, check_form_details, *domain_checks()]
    for step in steps:
        failures += _guard(step)
    _, specs = parse()
    failures += _guard(lambda: check_user_tasks(specs))
    failures += _guard(lambda: check_events(specs))
    failures += _guard(lambda: check_dmn(specs, taskdata_engine))
    for path in BPMN_FILES.values():
        failures += _guard(lambda p=path: check_di(p))
    sandbox_factory, sandbox = sandbox_engine_factory()
    engines = [("TaskDataEnvironment", taskdata_engine)]
    if sandbox_factory:
        failures += _guard(lambda: check_scripts_restricted(specs, sandbox))
        failures += _guard(lambda: check_dmn(specs, sandbox_factory))
        engines.append(("engine.cases.sandbox", sandbox_factory))
    for label, factory in engines:
        print(f"runs with {label}")
        for scenario in SCENARIOS:
            failures += _guard(lambda s=scenario, f=factory: ok(s(specs, f)))
    print(f"\n{len(PASSED)} checks passed, {failures} failed")
    return 1 if failures else 0


def _guard(step):
    try:
        step()
        return 0
    except Exception:                # noqa: BLE001 - report every failing check, not just the first
        print("  FAIL")
        traceback.print_exc()
        return 1


if __name__ == "__main__":
    sys.exit(main())
