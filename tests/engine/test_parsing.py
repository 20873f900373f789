"""parse_bundle: the deploy-time parser and linter, over real files from other tools and small inline
diagrams. Pure tests: no database."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cases import state as workflow_state
from engine.definitions.bundle_files import content_hash
from engine.definitions.deployments import folder_bundles
from engine.definitions.dialects import translate_due_date
from engine.definitions.parsing import ParsedBundle, parse_bundle
from engine.errors import DeployError
from engine.vocabulary import ROLES
from tests.interop import DIAGRAMS, interop, interop_bytes

pytestmark = pytest.mark.unit

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"


SIMPLE_FORM = ("spiffarena__simple_form.bpmn", "spiffarena__simple_form.json",
               "spiffarena__simple_form_ui.json")


def deploy_error(files: dict[str, bytes], process_key: str | None = None) -> DeployError:
    with pytest.raises(DeployError) as caught:
        parse_bundle(files, process_key)
    return caught.value


def messages(problems) -> str:
    return "\n".join(f"{p.element_id}: {p.message}" for p in problems)


def line_of(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


# --- a small diagram to vary --------------------------------------------------------------------

BPMN_NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
SPIFF_NS = 'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
CAMUNDA_NS = 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'
GOOD_TASK_PROPS = """<bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="skrining.json" />
        <spiffworkflow:property name="dueIn" value="P3D" />
        <spiffworkflow:property name="stage" value="asesmen" />
      </spiffworkflow:properties></bpmn:extensionElements>"""
FORM = json.dumps({"type": "object", "properties": {"skor": {"type": "integer"}}}).encode()


def diagram(task: str | None = None, *, lane: str = "Supervisor", extra: str = "", flow_condition: str = "",
            namespaces: str = SPIFF_NS, executable: str = "true") -> str:
    """start -> task -> end, the task in one lane. `task` replaces the default user task."""
    task = task or f'<bpmn:userTask id="task" name="Skrining">{GOOD_TASK_PROPS}</bpmn:userTask>'
    condition = f"<bpmn:conditionExpression>{flow_condition}</bpmn:conditionExpression>" if flow_condition \
        else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {BPMN_NS} {namespaces} id="defs" targetNamespace="http://example.org">
  <bpmn:process id="proses" name="Proses Uji" isExecutable="{executable}">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane" name="{lane}">
        <bpmn:flowNodeRef>task</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task" />
    {task}
    <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end">{condition}</bpmn:sequenceFlow>
    <bpmn:endEvent id="end" />
    {extra}
  </bpmn:process>
</bpmn:definitions>
"""


def bundle(text: str, **more: bytes) -> dict[str, bytes]:
    return {"proses.bpmn": text.encode("utf-8"), "skrining.json": FORM, **more}


def timer_on_task(expression: str, kind: str = "timeDuration") -> str:
    return f"""<bpmn:boundaryEvent id="timer" attachedToRef="task">
      <bpmn:timerEventDefinition id="timer_def">
        <bpmn:{kind}>{expression}</bpmn:{kind}>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="timer" targetRef="end2" />
    <bpmn:endEvent id="end2" />"""


# --- interop files ------------------------------------------------------------------------------


def test_spiffarena_sample_deploys_with_its_dmn_decision():
    parsed = parse_bundle(interop("spiffarena__sample.bpmn", "spiffarena__wonderful.dmn"))
    assert isinstance(parsed, ParsedBundle)
    assert parsed.process_key == "sample"
    assert parsed.elements["Activity_0a21ntf"]["decision"] == "wonderful"
    assert parsed.elements["Activity_0pxf6g1"]["type"] == "scriptTask"
    assert "Activity_0a21ntf" in parsed.spec.task_specs
    # the spec must serialize with the engine's SPIFF_CONFIG-based serializer
    assert workflow_state.spec_to_dict(parsed.spec, parsed.subprocess_specs)["spec"]["name"] == "sample"


def test_spiffarena_simple_form_deploys_with_its_laneless_task_going_to_the_case_manager():
    parsed = parse_bundle(interop(*SIMPLE_FORM))
    task = parsed.elements["Activity_SimpleForm"]
    assert (task["role"], task["form"]) == ("pekerja_sosial", "spiffarena__simple_form.json")
    assert any(w.element_id == "Activity_SimpleForm" and "no lane or role" in w.message for w in parsed.warnings)


def test_spiffarena_simple_form_with_a_role_deploys_with_the_form_resolved():
    files = interop(*SIMPLE_FORM)
    files["spiffarena__simple_form.bpmn"] = files["spiffarena__simple_form.bpmn"].replace(
        b'<spiffworkflow:property name="formJsonSchemaFilename"',
        b'<spiffworkflow:property name="role" value="pekerja_sosial" />'
        b'<spiffworkflow:property name="formJsonSchemaFilename"')
    parsed = parse_bundle(files)
    task = parsed.elements["Activity_SimpleForm"]
    assert task["form"] == "spiffarena__simple_form.json"
    assert task["role"] == "pekerja_sosial"
    form = parsed.forms["spiffarena__simple_form.json"]
    assert form["properties"]["department"]["enum"] == ["Finance", "HR", "IT"]
    assert parsed.elements["Activity_1cscoeg"]["type"] == "manualTask"
    assert any("dueIn" in w.message and w.element_id == "Activity_SimpleForm" for w in parsed.warnings)


def test_camunda_timer_file_deploys_with_the_timer_quoted_and_warnings():
    parsed = parse_bundle(interop("camunda__processWithUserTaskAndTimer.bpmn20.xml"))
    assert parsed.elements["Task_1vsjcui"]["role"] == "pekerja_sosial"
    assert any(w.element_id == "BoundaryEvent_0x4cd5k" and '"PT2M"' in w.message for w in parsed.warnings)
    assert any(w.element_id == "Task_1vsjcui" and "no lane or role" in w.message for w in parsed.warnings)


def test_camunda_timer_is_quoted_in_the_stored_bpmn_once_the_task_has_a_role():
    files = interop("camunda__processWithUserTaskAndTimer.bpmn20.xml")
    name = "camunda__processWithUserTaskAndTimer.bpmn20.xml"
    files[name] = files[name].replace(
        b'<bpmn:userTask id="Task_1vsjcui" name="UserTask">',
        b'<bpmn:userTask id="Task_1vsjcui" name="UserTask" '
        b'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" camunda:candidateGroups="supervisor" '
        b'camunda:dueDate="${dateTime().plusDays(2).toDate()}">')
    parsed = parse_bundle(files)
    assert b'>"PT2M"</bpmn:timeDuration>' in parsed.files[name]
    assert parsed.spec.task_specs["BoundaryEvent_0x4cd5k"].event_definition.expression == '"PT2M"'
    task = parsed.elements["Task_1vsjcui"]
    assert (task["role"], task["due_in"]) == ("supervisor", "P2D")
    assert any(w.element_id == "BoundaryEvent_0x4cd5k" and "PT2M" in w.message for w in parsed.warnings)
    assert parse_bundle(parsed.files).content_hash == parsed.content_hash  # redeploying the stored files


def test_camunda_invoice_reports_per_element_problems_instead_of_crashing():
    error = deploy_error(interop("camunda__invoice.v2.bpmn", "camunda__invoiceBusinessDecisions.dmn",
                                 "camunda__reviewInvoice.bpmn"))
    by_element = {(p.file, p.element_id): p.message for p in error.problems}
    invoice = "camunda__invoice.v2.bpmn"
    assert "data stores are not supported" in by_element[(invoice, "FinancialAccountingSystem")]
    assert "data stores" in by_element[(invoice, "DataStoreReference_1")]
    assert "serviceTaskOperator" in by_element[(invoice, "ServiceTask_1")]
    assert "not a known role" in by_element[(invoice, "teamAssistant")]
    assert all(p.message and p.file and p.line for p in error.problems)
    warnings = messages(error.warnings)
    assert "approveInvoice: Camunda forms are not supported; attach a JSON Schema form" in warnings
    assert "reviewInvoice: expression assignees are not supported (${reviewer})" in warnings
    assert "assignApprover: Camunda decision reference invoice-assign-approver" in warnings
    assert "reviewNotSuccessful: condition ${!clarified} was translated to Python: not clarified" in warnings
    assert "invoice-assign-approver: decision invoice-assign-approver requires invoiceClassification" in warnings


def test_bpmnio_new_diagram_is_reported_as_not_executable_on_its_process():
    error = deploy_error(interop("bpmnio__newDiagram.bpmn"))
    assert [(p.element_id, p.line) for p in error.problems] == [("Process_1", 3)]
    assert error.problems[0].message == 'Process Process_1 is not executable: set isExecutable="true"'


def test_iso_8859_1_miwg_file_is_read_from_bytes():
    raw = interop_bytes("miwg__A.1.0.bpmn")
    assert b'encoding="ISO-8859-1"' in raw
    error = deploy_error({"miwg__A.1.0.bpmn": raw})
    assert [p.element_id for p in error.problems] == ["WFP-6-"]  # not executable, not an encoding error
    parsed = parse_bundle({"miwg__A.1.0.bpmn": raw.replace(b'isExecutable="false"', b'isExecutable="true"')})
    tasks = sorted(e["name"] for e in parsed.elements.values() if e["type"] == "task")
    assert tasks == ["Task 1", "Task 2", "Task 3"]


def test_kitchen_sink_gives_problems_with_element_ids_and_lines():
    error = deploy_error(interop("bpmnio__kitchen-sink.bpmn"))
    by_element = {p.element_id: p.message for p in error.problems}
    assert "link event has no name" in by_element["IntermediateThrowEvent_0iysg53"]
    assert "timer has no expression" in by_element["BoundaryEvent_1fs6xst"]
    assert "no calledElement" in by_element["Task_0vcqxha"]
    assert "serviceTaskOperator" in by_element["Task_1suvpez"]
    assert "data stores" in by_element["DataStoreReference_0rsnz87"]
    user_task = [p.message for p in error.problems if p.element_id == "Task_1x2pxcn"]
    assert any("2 outgoing sequence flows" in message for message in user_task)
    assert all(p.element_id and p.line and p.file == "bpmnio__kitchen-sink.bpmn" for p in error.problems)


def test_zeebe_timers_are_quoted_so_the_file_deploys_and_a_cron_timer_is_an_error():
    zeebe = parse_bundle(interop("miwg__C.9.1.bpmn"))
    assert any('"R6/P1D"' in w.message and w.element_id == "BoundaryEvent_1" for w in zeebe.warnings)
    cron = deploy_error(interop("camunda__order-handling.bpmn"))
    assert any(p.element_id == "StartEvent_1" and "cron" in p.message for p in cron.problems)


@pytest.mark.parametrize("name", DIAGRAMS)
def test_every_interop_file_gives_a_bundle_or_a_deploy_error_with_located_problems(name):
    files = interop(name)
    files.update(interop("spiffarena__wonderful.dmn", "spiffarena__simple_form.json"))
    try:
        parsed = parse_bundle(files)
    except DeployError as error:
        assert error.problems
        assert all(p.message and p.file for p in error.problems)
    else:
        assert parsed.spec is not None and parsed.elements


# --- inline diagrams ----------------------------------------------------------------------------


def test_a_well_formed_diagram_deploys_with_its_element_facts():
    parsed = parse_bundle(bundle(diagram()))
    assert parsed.process_key == "proses" and parsed.name == "Proses Uji"
    assert parsed.elements["task"] == {
        "name": "Skrining", "type": "userTask", "process": "proses", "lane": "Supervisor",
        "role": "supervisor", "form": "skrining.json", "due_in": "P3D", "due_date": None,
        "stage": "asesmen", "assignee": None, "decision": None, "role_defaulted": False,
        "shows": [], "banner": None, "urgent": False, "interrupting": False, "sender_role": None,
    }
    assert parsed.elements["start"]["interrupting"]  # a start event interrupts unless it says otherwise
    assert set(parsed.elements) == {"start", "task", "end"}
    assert parsed.warnings == []
    assert parsed.files["proses.bpmn"] == diagram().encode()  # nothing to fix: stored unchanged


def test_rejects_malformed_xml_with_its_line():
    text = diagram().replace('<bpmn:endEvent id="end" />', '<bpmn:endEvent id="end">')
    error = deploy_error(bundle(text))
    assert len(error.problems) == 1
    assert error.problems[0].file == "proses.bpmn"
    assert "malformed XML" in error.problems[0].message
    assert error.problems[0].line and error.problems[0].line >= line_of(text, '<bpmn:endEvent id="end">')


def test_rejects_unquoted_timer_with_element_and_line():
    text = diagram(extra=timer_on_task("P3M"))
    error = deploy_error(bundle(text))
    assert [(p.element_id, p.line) for p in error.problems] == [("timer", line_of(text, ">P3M<"))]
    assert error.problems[0].message == 'timer expression P3M must be a quoted Python string: "P3M"'


def test_quotes_an_unquoted_timer_in_a_camunda_file_and_warns():
    text = diagram(extra=timer_on_task("P3M"), namespaces=f"{SPIFF_NS} {CAMUNDA_NS}")
    parsed = parse_bundle(bundle(text))
    assert b'<bpmn:timeDuration>"P3M"</bpmn:timeDuration>' in parsed.files["proses.bpmn"]
    assert [(w.element_id, w.line) for w in parsed.warnings] == [("timer", line_of(text, ">P3M<"))]
    assert parsed.content_hash == parse_bundle(bundle(text)).content_hash


@pytest.mark.parametrize(("expression", "kind", "expected"), [
    ("", "timeDuration", "timer has no expression"),
    ("0 0 9 * * ?", "timeCycle", "cron expression"),
    ('"P3X"', "timeDuration", "not a valid ISO-8601 duration"),
    ('"R3/soon"', "timeCycle", "not a valid ISO-8601 cycle"),
    ('"besok"', "timeDate", "not a valid ISO-8601 date-time"),
    ("${durasi.jam}", "timeDuration", "JUEL/FEEL expression that is not translated"),
    ('"P3D" +', "timeDuration", "syntax error"),
])
def test_rejects_bad_timer_expressions(expression, kind, expected):
    error = deploy_error(bundle(diagram(extra=timer_on_task(expression, kind))))
    assert [p.element_id for p in error.problems] == ["timer"]
    assert expected in error.problems[0].message


@pytest.mark.parametrize(("expression", "kind"), [
    ('"P3M"', "timeDuration"), ("batas_waktu", "timeDuration"), ('"R3/P1M"', "timeCycle"),
    ('"2025-01-31T09:00:00+07:00"', "timeDate"),
])
def test_accepts_quoted_timer_literals_and_variables(expression, kind):
    parsed = parse_bundle(bundle(diagram(extra=timer_on_task(expression, kind))))
    assert parsed.spec.task_specs["timer"].event_definition.expression == expression


def test_warns_about_a_timer_date_without_offset():
    parsed = parse_bundle(bundle(diagram(extra=timer_on_task('"2025-01-31T09:00:00"', "timeDate"))))
    assert any("UTC offset" in w.message and w.element_id == "timer" for w in parsed.warnings)


def test_rejects_condition_syntax_error_on_the_flow():
    text = diagram(flow_condition="skor &gt;= ")
    error = deploy_error(bundle(text))
    assert [(p.element_id, p.line) for p in error.problems] == [("f2", line_of(text, 'id="f2"'))]
    assert "syntax error" in error.problems[0].message


def test_rejects_import_in_a_script_task_at_the_line_inside_the_script():
    script = """<bpmn:scriptTask id="task" name="Hitung">
      <bpmn:script>skor = 1
import os
skor = 2</bpmn:script>
    </bpmn:scriptTask>"""
    text = diagram(script)
    error = deploy_error(bundle(text))
    assert [(p.element_id, p.line) for p in error.problems] == [("task", line_of(text, "import os"))]
    assert "imports are not allowed" in error.problems[0].message
    assert "line 2 of the script" in error.problems[0].message


def test_rejects_unsafe_post_script_on_a_user_task():
    task = GOOD_TASK_PROPS.replace("</bpmn:extensionElements>",
                                   "<spiffworkflow:postScript>x = ().__class__</spiffworkflow:postScript>"
                                   "</bpmn:extensionElements>")
    error = deploy_error(bundle(diagram(f'<bpmn:userTask id="task">{task}</bpmn:userTask>')))
    assert [p.element_id for p in error.problems] == ["task"]
    assert "postScript" in error.problems[0].message


def test_rejects_a_form_that_is_not_in_the_bundle():
    error = deploy_error({"proses.bpmn": diagram().encode()})
    assert [p.element_id for p in error.problems] == ["task"]
    assert error.problems[0].message == \
        "form skrining.json (formJsonSchemaFilename) is not among the uploaded files"


def test_resolves_a_form_in_a_folder_or_with_a_source_prefix():
    for name in ("forms/skrining.json", "atensi__skrining.json"):
        parsed = parse_bundle({"proses.bpmn": diagram().encode(), name: FORM})
        assert parsed.elements["task"]["form"] == name


def test_rejects_a_form_that_is_not_a_json_schema():
    error = deploy_error(bundle(diagram(), **{"skrining.json": b'{"type": 12}'}))
    assert [(p.file, p.element_id) for p in error.problems] == [("skrining.json", None)]
    assert "not a valid JSON Schema" in error.problems[0].message


def test_rejects_a_decision_no_dmn_defines():
    task = """<bpmn:businessRuleTask id="task"><bpmn:extensionElements>
      <spiffworkflow:calledDecisionId>tingkat_risiko</spiffworkflow:calledDecisionId>
    </bpmn:extensionElements></bpmn:businessRuleTask>"""
    error = deploy_error(bundle(diagram(task)))
    assert [p.element_id for p in error.problems] == ["task"]
    assert "decision tingkat_risiko is not defined by any DMN file" in error.problems[0].message


def test_maps_camunda_decision_ref_to_called_decision_id():
    task = '<bpmn:businessRuleTask id="task" camunda:decisionRef="wonderful" />'
    text = diagram(task, namespaces=f"{SPIFF_NS} {CAMUNDA_NS}")
    parsed = parse_bundle({"proses.bpmn": text.encode(), **interop("spiffarena__wonderful.dmn")})
    assert parsed.elements["task"]["decision"] == "wonderful"
    stored = parsed.files["proses.bpmn"]
    assert b"<spiffworkflow:calledDecisionId>wonderful</spiffworkflow:calledDecisionId>" in stored
    assert parsed.spec.task_specs["task"].dmnEngine is not None


def test_a_camunda_dmn_with_two_decisions_deploys_beside_a_diagram():
    parsed = parse_bundle(bundle(diagram(), **interop("camunda__invoiceBusinessDecisions.dmn")))
    assert "camunda__invoiceBusinessDecisions.dmn" in parsed.files


def test_rejects_an_unknown_lane():
    text = diagram(lane="Finance Team")
    error = deploy_error(bundle(text))
    assert [(p.element_id, p.line) for p in error.problems] == [("lane", line_of(text, '"Finance Team"'))]
    assert "lane 'Finance Team' is not a known role (finance_team)" in error.problems[0].message


def with_role(role: str) -> str:
    props = GOOD_TASK_PROPS.replace("<spiffworkflow:properties>", "<spiffworkflow:properties>"
                                    f'<spiffworkflow:property name="role" value="{role}" />')
    return f'<bpmn:userTask id="task">{props}</bpmn:userTask>'


def test_accepts_an_unknown_lane_when_each_task_names_its_role():
    parsed = parse_bundle(bundle(diagram(with_role("admin"), lane="Sekretariat")))
    assert parsed.elements["task"]["role"] == "admin"
    assert parsed.elements["task"]["lane"] == "Sekretariat"


def test_takes_the_role_from_camunda_candidate_groups_and_a_literal_assignee():
    task = f'<bpmn:userTask id="task" camunda:candidateGroups="konselor_adiksi" camunda:assignee="budi">' \
           f'{GOOD_TASK_PROPS}</bpmn:userTask>'
    parsed = parse_bundle(bundle(diagram(task, lane="Pekerja Sosial", namespaces=f"{SPIFF_NS} {CAMUNDA_NS}")))
    facts = parsed.elements["task"]
    assert (facts["role"], facts["lane"], facts["assignee"]) == ("konselor_adiksi", "Pekerja Sosial", "budi")


def test_rejects_an_unknown_role_property():
    error = deploy_error(bundle(diagram(with_role("dokter"))))
    assert [p.element_id for p in error.problems] == ["task"]
    assert "role 'dokter' is not a known role" in error.problems[0].message


def test_rejects_a_due_in_that_is_not_an_iso_duration():
    task = GOOD_TASK_PROPS.replace('value="P3D"', 'value="3 hari"')
    error = deploy_error(bundle(diagram(f'<bpmn:userTask id="task">{task}</bpmn:userTask>')))
    assert [p.element_id for p in error.problems] == ["task"]
    assert "dueIn '3 hari' is not an ISO-8601 duration" in error.problems[0].message


def test_warns_about_a_user_task_without_form_or_due_time():
    parsed = parse_bundle(bundle(diagram('<bpmn:userTask id="task" name="Tanpa Formulir" />')))
    assert sorted(w.message.split(":")[0] for w in parsed.warnings) == [
        "user task has no dueIn or dueDate", "user task has no form"]
    assert all(w.element_id == "task" for w in parsed.warnings)


@pytest.mark.parametrize(("text", "expected"), [
    ("${dateTime().plusDays(2).toDate()}", "P2D"),
    ("${dateTime().plusWeeks(1).toDate()}", "P1W"),
    ("${dateTime().plusHours(36).toDate()}", "PT36H"),
    ("${dateTime().plusMonths(3).toDate()}", "P3M"),
    ("${dueDate}", None),
    ("2025-01-01", None),
])
def test_translates_camunda_due_dates_into_due_in(text, expected):
    assert translate_due_date(text) == expected


def test_warns_about_camunda_attributes_it_cannot_honour():
    task = ('<bpmn:userTask id="task" camunda:assignee="${reviewer}" camunda:formKey="embedded:app:x.html" '
            f'camunda:dueDate="${{tomorrow}}">{GOOD_TASK_PROPS}</bpmn:userTask>')
    parsed = parse_bundle(bundle(diagram(task, namespaces=f"{SPIFF_NS} {CAMUNDA_NS}")))
    text = messages(parsed.warnings)
    assert "task: expression assignees are not supported (${reviewer})" in text
    assert "task: Camunda forms are not supported; attach a JSON Schema form" in text
    assert "task: due date ${tomorrow} is not supported" in text
    assert parsed.elements["task"]["assignee"] is None


@pytest.mark.parametrize(("task", "element", "expected"), [
    ('<bpmn:serviceTask id="task" />', "task", "serviceTaskOperator"),
    ('<bpmn:callActivity id="task" calledElement="" />', "task", "no calledElement"),
    ('<bpmn:callActivity id="task" calledElement="tidak_ada" />', "task", "not in the bundle"),
    ('<bpmn:task id="task"><bpmn:multiInstanceLoopCharacteristics /></bpmn:task>', "task", "loopCardinality"),
    ('<bpmn:task id="task" /><bpmn:sequenceFlow id="f9" sourceRef="task" targetRef="end" />', "task",
     "2 outgoing sequence flows"),
    ('<bpmn:task id="task" /><bpmn:dataStoreReference id="store" />', "store", "data stores"),
    ('<bpmn:intermediateThrowEvent id="task"><bpmn:linkEventDefinition id="l1" />'
     '</bpmn:intermediateThrowEvent>', "task", "link event has no name"),
    ('<bpmn:scriptTask id="task" scriptFormat="javascript"><bpmn:script>x = 1</bpmn:script>'
     '</bpmn:scriptTask>', "task", "script format javascript"),
])
def test_reports_what_spiffworkflow_cannot_run_per_element(task, element, expected):
    error = deploy_error(bundle(diagram(task)))
    found = [p for p in error.problems if p.element_id == element and expected in p.message]
    assert found, messages(error.problems)
    assert all(p.file == "proses.bpmn" and p.line for p in error.problems)


def test_reports_spiffworkflow_structure_errors_with_element_and_line():
    text = diagram('<bpmn:subProcess id="task"><bpmn:endEvent id="sub_end" /></bpmn:subProcess>')
    error = deploy_error(bundle(text))
    where = [("task", line_of(text, '<bpmn:subProcess id="task"'))]
    assert [(p.element_id, p.line) for p in error.problems] == where
    assert "Exactly one start event is required" in error.problems[0].message


def test_reports_schema_errors_with_element_and_line():
    text = diagram(f'<bpmn:userTask id="task" startQuantity="banyak">{GOOD_TASK_PROPS}</bpmn:userTask>')
    error = deploy_error(bundle(text))
    assert [(p.element_id, p.line) for p in error.problems] == [("task", line_of(text, '"banyak"'))]
    assert error.problems[0].message.startswith("not valid BPMN: Element 'bpmn:userTask', attribute")


def test_warns_about_a_manual_task_without_role():
    parsed = parse_bundle(bundle(diagram('<bpmn:manualTask id="task" />', lane="Supervisor")))
    assert parsed.warnings == []
    text = diagram('<bpmn:manualTask id="task" />').replace("<bpmn:flowNodeRef>task</bpmn:flowNodeRef>", "")
    found = [(w.element_id, w.message.split(":")[0]) for w in parse_bundle(bundle(text)).warnings]
    assert found == [("task", "manual task has no role")]


def test_reports_the_start_messages_of_the_top_process():
    text = diagram().replace('<bpmn:startEvent id="start" />',
                             '<bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="m1" />'
                             '</bpmn:startEvent>')
    text = text.replace("</bpmn:definitions>",
                        '<bpmn:message id="m1" name="mulai_respon_kasus" /></bpmn:definitions>')
    assert parse_bundle(bundle(text)).start_messages == ["mulai_respon_kasus"]


def test_not_executable_process_beside_an_executable_one_is_only_a_warning():
    other = diagram(executable="false").replace('id="proses"', 'id="lain"').replace('id="defs"', 'id="defs2"')
    other = other.replace('id="task"', 'id="task2"').replace(">task<", ">task2<")
    files = bundle(diagram(), **{"lain.bpmn": other.encode()})
    error = deploy_error(files)  # no key: lain.bpmn holds nothing executable
    assert [(p.file, p.element_id) for p in error.problems] == [("lain.bpmn", "lain")]
    parsed = parse_bundle(files, "proses")
    assert any(w.element_id == "lain" and "not executable" in w.message for w in parsed.warnings)
    assert "task2" in parsed.elements  # facts cover every process in the bundle
    requested = deploy_error(files, "lain").problems
    assert requested[0].message == 'Process lain is not executable: set isExecutable="true"'


def test_rejects_an_unknown_process_key():
    error = deploy_error(bundle(diagram()), "tidak_ada")
    assert error.problems[0].message.startswith("process tidak_ada is not in the bundle")


def test_same_content_gives_the_same_hash_and_other_content_another():
    first = parse_bundle(bundle(diagram()))
    assert parse_bundle(bundle(diagram())).content_hash == first.content_hash == content_hash(first.files)
    assert parse_bundle(bundle(diagram(lane="Pekerja Sosial"))).content_hash != first.content_hash


def test_reads_an_iso_8859_1_diagram_with_non_ascii_names():
    text = diagram().replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    text = text.replace('name="Skrining"', 'name="Prüfung"')
    parsed = parse_bundle({"proses.bpmn": text.encode("iso-8859-1"), "skrining.json": FORM})
    assert parsed.elements["task"]["name"] == "Prüfung"


@pytest.mark.parametrize("files", [
    {}, {"proses.bpmn": b""}, {"proses.bpmn": b"\x00\xff garbage"}, {"proses.bpmn": 42},
    {"proses.dmn": b"<definitions/>"}, {"proses.bpmn": b"<html><body/></html>"},
])
def test_garbage_gives_a_deploy_error_never_another_exception(files):
    error = deploy_error(files)
    assert error.problems and all(p.message for p in error.problems)


# --- the ATENSI diagrams ------------------------------------------------------------------------


def atensi_files() -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in [*BPMN_DIR.glob("*.bpmn"), *BPMN_DIR.glob("*.dmn")]}
    files.update({p.name: p.read_bytes() for p in (BPMN_DIR / "forms").glob("*.json")})
    return files


def atensi_process_keys() -> list[str]:
    from lxml import etree

    keys = []
    for path in sorted(BPMN_DIR.glob("*.bpmn")):
        root = etree.fromstring(path.read_bytes())
        keys += [p.get("id") for p in root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}process")
                 if p.get("isExecutable", "true") == "true"]
    return keys


@pytest.mark.skipif(not (BPMN_DIR / "atensi_intake.bpmn").exists(), reason="ATENSI diagrams not written yet")
def tasks_at_any_time(files: dict[str, bytes]) -> set[str]:
    """User tasks in an event sub-process (koordinasi): they keep the stage the case is in."""
    from lxml import etree

    return {el.get("id") for name, raw in files.items() if name.endswith(".bpmn")
            for el in etree.fromstring(raw).iterfind(
                ".//{*}subProcess[@triggeredByEvent='true']//{*}userTask")}


def test_atensi_diagrams_deploy_cleanly_and_every_user_task_has_role_form_due_and_stage():
    files = atensi_files()
    keys = atensi_process_keys()
    assert "atensi_intake" in keys
    assert {"Task_koordinasi", "Task_persetujuan_usulan_terminasi"} <= tasks_at_any_time(files)
    for key in keys:
        parsed = parse_bundle(files, key)
        assert parsed.process_key == key
        user_tasks = {i: e for i, e in parsed.elements.items() if e["type"] == "userTask"}
        assert user_tasks
        for element_id, facts in user_tasks.items():
            assert facts["role"] in ROLES, element_id
            assert facts["form"] in parsed.forms, element_id
            assert facts["due_in"], element_id
            assert facts["stage"] or element_id in tasks_at_any_time(files), element_id
        workflow_state.spec_to_dict(parsed.spec, parsed.subprocess_specs)


@pytest.mark.skipif(not (BPMN_DIR / "atensi_intake.bpmn").exists(), reason="ATENSI diagrams not written yet")
def test_each_atensi_diagram_deploys_alone_with_the_shared_dmn_and_forms():
    for files in folder_bundles(BPMN_DIR):
        parsed = parse_bundle(files)
        assert parsed.process_key in atensi_process_keys()
        assert parsed.files == files  # native diagrams need no auto-fix
