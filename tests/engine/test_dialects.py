"""Diagrams in other tools' dialects (tests/data/dialects, written for these tests) read into the
engine's own terms at deploy: no database needed."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.definitions.parsing import parse_bundle
from engine.errors import DeployError

pytestmark = pytest.mark.unit

DIALECTS = Path(__file__).resolve().parent.parent / "data" / "dialects"


def dialect_files(*names: str) -> dict[str, bytes]:
    return {name: (DIALECTS / name).read_bytes() for name in names}


def warnings_on(parsed, element_id: str) -> str:
    return " | ".join(w.message for w in parsed.warnings if w.element_id == element_id)


# --- Flowable -----------------------------------------------------------------------------------


def test_a_flowable_candidate_group_and_iso_due_date_give_the_task_its_role_and_due_time():
    parsed = parse_bundle(dialect_files("flowable_cuti.bpmn20.xml"))
    task = parsed.elements["tinjauCuti"]
    assert (task["role"], task["due_in"]) == ("supervisor", "P2D")


def test_a_flowable_assignee_and_juel_due_date_are_read():
    parsed = parse_bundle(dialect_files("flowable_cuti.bpmn20.xml"))
    task = parsed.elements["catatCuti"]
    assert (task["assignee"], task["due_in"]) == ("peksos", "PT8H")


def test_a_flowable_bare_iso_timer_is_quoted_in_the_stored_file_with_a_warning():
    parsed = parse_bundle(dialect_files("flowable_cuti.bpmn20.xml"))
    assert b'>"PT4H"</timeDuration>' in parsed.files["flowable_cuti.bpmn20.xml"]
    assert parsed.spec.task_specs["batasWaktu"].event_definition.expression == '"PT4H"'
    assert "quoted" in warnings_on(parsed, "batasWaktu")


def test_a_flowable_form_key_is_reported_as_unsupported():
    parsed = parse_bundle(dialect_files("flowable_cuti.bpmn20.xml"))
    assert "forms are not supported" in warnings_on(parsed, "tinjauCuti")


# --- JUEL and FEEL ------------------------------------------------------------------------------


def test_juel_conditions_are_stored_as_python_with_a_warning_each():
    parsed = parse_bundle(dialect_files("camunda_anggaran.bpmn"))
    stored = parsed.files["camunda_anggaran.bpmn"]
    assert b">amount &gt; 1000 and not darurat</bpmn:conditionExpression>" in stored
    assert "translated to Python: amount <= 1000 or darurat" in warnings_on(parsed, "kecil")


def test_feel_conditions_are_stored_as_python_with_a_warning_each():
    parsed = parse_bundle(dialect_files("zeebe_skrining.bpmn"))
    assert "translated to Python: score < 27 and not urgent" in warnings_on(parsed, "rendah")
    assert parse_bundle(parsed.files).content_hash == parsed.content_hash  # the stored files redeploy


def with_condition(expression: str) -> dict[str, bytes]:
    raw = (DIALECTS / "camunda_anggaran.bpmn").read_bytes()
    return {"camunda_anggaran.bpmn": raw.replace(b"${amount &lt;= 1000 || darurat}", expression.encode())}


def refusal(files: dict[str, bytes]) -> dict[str | None, str]:
    with pytest.raises(DeployError) as refused:
        parse_bundle(files)
    return {p.element_id: p.message for p in refused.value.problems}


def test_a_juel_condition_beyond_the_simple_ones_is_refused_naming_the_flow_and_the_python_to_write():
    problems = refusal(with_condition("${amount + ongkir &lt;= 1000}"))
    assert "'+' is beyond" in problems["kecil"]
    assert "write it in Python, such as amount + ongkir <= 1000" in problems["kecil"]


def test_a_juel_method_call_is_refused_saying_such_calls_do_not_exist_here():
    problems = refusal(with_condition("${execution.getVariable('amount') &lt;= 1000}"))
    assert "method calls do not exist here" in problems["kecil"]


# --- multi-instance -----------------------------------------------------------------------------


def test_a_camunda_collection_and_element_variable_become_spiffs_input_collection_and_item():
    parsed = parse_bundle(dialect_files("camunda_anggaran.bpmn"))
    spec = parsed.spec.task_specs["setujui"]
    assert (spec.data_input.bpmn_id, spec.input_item.bpmn_id) == ("pos", "posAnggaran")
    assert "loopDataInputRef" in warnings_on(parsed, "setujui")


def test_a_zeebe_input_collection_and_element_become_spiffs_input_collection_and_item():
    parsed = parse_bundle(dialect_files("zeebe_skrining.bpmn"))
    spec = parsed.spec.task_specs["rujuk"]
    assert (spec.data_input.bpmn_id, spec.input_item.bpmn_id) == ("layanan", "layananItem")


def test_a_zeebe_output_collection_and_element_become_spiffs_output_collection_and_item():
    raw = (DIALECTS / "zeebe_skrining.bpmn").read_bytes().replace(
        b'inputElement="layananItem"', b'inputElement="layananItem" outputCollection="hasil" outputElement="= catatan"')
    spec = parse_bundle({"zeebe_skrining.bpmn": raw}).spec.task_specs["rujuk"]
    assert (spec.data_output.bpmn_id, spec.output_item.bpmn_id) == ("hasil", "catatan")


def test_a_collection_that_is_not_a_variable_is_refused_on_the_task():
    raw = (DIALECTS / "camunda_anggaran.bpmn").read_bytes().replace(b'"${pos}"', b'"${anggaran.getPos()}"')
    assert "must name variables of the case" in refusal({"camunda_anggaran.bpmn": raw})["setujui"]


# --- DMN with several decisions -----------------------------------------------------------------


def test_each_decision_of_a_dmn_file_with_several_is_callable_by_a_business_rule_task():
    parsed = parse_bundle(dialect_files("drg_rujukan.bpmn", "drg_risiko.dmn"))
    tables = {name: parsed.spec.task_specs[name].dmnEngine.decision_table.id
              for name in ("nilaiRisiko", "pilihLayanan")}
    assert tables == {"nilaiRisiko": "tabelRisiko", "pilihLayanan": "tabelLayanan"}


def test_a_required_decision_is_named_in_a_warning_since_it_is_not_evaluated_first():
    parsed = parse_bundle(dialect_files("drg_rujukan.bpmn", "drg_risiko.dmn"))
    assert "requires tingkatRisiko" in warnings_on(parsed, "layananAwal")
