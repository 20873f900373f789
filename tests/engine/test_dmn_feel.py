"""FEEL cells of DMN decision tables become the Python Spiff's DMN engine evaluates; the rest is refused."""
from __future__ import annotations

import pytest

from engine.definitions.juel_feel import Untranslatable, translate_output, translate_unary_tests
from engine.definitions.parsing import parse_bundle
from engine.errors import DeployError
from tests.engine.test_dialects import dialect_files
from tests.interop import interop_bytes

INVOICE = "camunda__invoiceBusinessDecisions.dmn"


@pytest.mark.unit
@pytest.mark.parametrize(("feel", "python"), [
    ("< 250", "? < 250"),
    (">= -2.5", "? >= -2.5"),
    ("[250..1000]", "250 <= ? <= 1000"),
    ("(1..5[", "1 < ? < 5"),
    ("]1..5)", "1 < ? < 5"),
    ('"Misc"', "'Misc'"),
    ('"budget", "exceptional"', "? in ('budget', 'exceptional')"),
    ('not("x")', "? != 'x'"),
    ('not("a","b")', "? not in ('a', 'b')"),
    ("<= 5, 10", "? <= 5 or ? == 10"),
    ("not(< 0, null)", "not (? < 0 or ? is None)"),
    ("true", "True"),
    ("limit", "limit"),
])
def test_feel_unary_tests_become_spiff_python_over_the_input(feel, python):
    assert translate_unary_tests(feel) == python


@pytest.mark.unit
@pytest.mark.parametrize(("feel", "python"), [('"approve"', "'approve'"), ("true", "True"), ("null", "None"),
                                              ("2.5", "2.5")])
def test_feel_output_entries_become_python_values(feel, python):
    assert translate_output(feel) == python


@pytest.mark.unit
@pytest.mark.parametrize("feel", ["[1..", "[1..5", "date(\"2020-01-01\")", "not 5", "'single'", "a..b]"])
def test_feel_beyond_the_simple_unary_tests_is_untranslatable(feel):
    with pytest.raises(Untranslatable):
        translate_unary_tests(feel)


def invoice_with(cell: str) -> dict[str, bytes]:
    dmn = interop_bytes(INVOICE).replace(b"<text>[250..1000]</text>", f"<text>{cell}</text>".encode())
    return {**dialect_files("camunda_tagihan.bpmn"), INVOICE: dmn}


def test_the_camunda_invoice_dmn_is_stored_as_python_with_one_warning_per_decision():
    parsed = parse_bundle(invoice_with("[250..1000]"))
    stored = parsed.files[INVOICE].decode()
    assert "<text>250 &lt;= ? &lt;= 1000</text>" in stored and "<text>? in ('budget', 'exceptional')</text>" in stored
    feel = [w for w in parsed.warnings if "FEEL in decision" in w.message]
    assert [(w.file, w.element_id) for w in feel] == [(INVOICE, "invoiceClassification"),
                                                      (INVOICE, "invoice-assign-approver")]
    assert "DecisionRule_1ak4z14" in feel[0].message and "row-49839158-5" in feel[1].message


def test_a_python_decision_table_is_left_as_it_is():
    parsed = parse_bundle(dialect_files("drg_rujukan.bpmn", "drg_risiko.dmn"))
    assert parsed.files["drg_risiko.dmn"] == dialect_files("drg_risiko.dmn")["drg_risiko.dmn"]
    assert not [w for w in parsed.warnings if "FEEL" in w.message]


def test_an_untranslatable_feel_cell_is_refused_naming_the_decision_rule_and_line():
    with pytest.raises(DeployError) as refused:
        parse_bundle(invoice_with("[250..1000"))
    (problem,) = [p for p in refused.value.problems if "FEEL" in p.message]
    assert problem.file == INVOICE and problem.element_id == "DecisionRule_1ak4z14" and problem.line == 36
    assert "decision invoiceClassification, rule DecisionRule_1ak4z14" in problem.message
    assert "1 <= ? <= 5" in problem.message
