"""A task declares the case data it shows beside its form and a banner (engine.cases.shown): read from
the diagram, checked by the lint, and given labels and readable values from the process's forms.
Pure tests: no database."""
from __future__ import annotations

import json

import pytest

from engine.cases import shown
from engine.config import BPMN_DIR
from engine.definitions.deployments import named_folder_bundles
from engine.definitions.parsing import parse_bundle
from tests.engine.test_parsing import bundle, diagram

pytestmark = pytest.mark.unit

FORMS = {"a.json": {"properties": {
    "zat_utama": {"type": "string", "title": "Zat utama", "enum": ["alkohol", "stimulan_amfetamin"],
                  "x-enumTitles": {"stimulan_amfetamin": "Stimulan jenis amfetamin (sabu)"}},
    "komponen": {"type": "array", "title": "Komponen", "items": {"enum": ["terapi"], "x-enumTitles": {
        "terapi": "Terapi fisik, psikososial dan mental spiritual"}}},
    "laporan": {"type": "object", "title": "Laporan", "properties": {"uraian": {"title": "Uraian"}}}}}}


def test_paths_are_read_with_their_optional_labels():
    assert shown.parse_paths(" tujuan, laporan.uraian=Uraian kejadian ,, ") == [
        {"path": "tujuan", "label": None}, {"path": "laporan.uraian", "label": "Uraian kejadian"}]
    assert shown.parse_paths(None) == []


def test_values_come_with_the_forms_titles_and_enum_titles_in_full():
    long_text = "kalimat " * 400
    facts = {"shows": shown.parse_paths("zat_utama, komponen, laporan.uraian, tidak_ada"),
             "banner": {"path": "catatan", "label": "Catatan supervisor"}}
    data = {"zat_utama": "stimulan_amfetamin", "komponen": ["terapi"], "laporan": {"uraian": long_text},
            "catatan": "Perjelas jadwal konseling keluarga."}
    items, banner = shown.shown(facts, data, FORMS)
    assert [(i["label"], i["text"]) for i in items] == [
        ("Zat utama", "Stimulan jenis amfetamin (sabu)"),
        ("Komponen", ["Terapi fisik, psikososial dan mental spiritual"]),
        ("Uraian", long_text)]  # in full, never cut; a missing path is left out
    assert items[0]["value"] == "stimulan_amfetamin"
    assert banner == {"path": "catatan", "label": "Catatan supervisor", "value": data["catatan"],
                      "text": data["catatan"]}


def test_a_blank_banner_is_not_shown():
    assert shown.shown({"banner": {"path": "catatan", "label": None}}, {"catatan": ""}, FORMS) == ([], None)


def test_the_shipped_approvals_show_the_plan_and_the_terminasi_report_and_revisions_open_with_the_note():
    files = next(b for n, b in named_folder_bundles(BPMN_DIR) if n == "atensi_intake.bpmn")
    parsed = parse_bundle(files)
    plan = [e["path"] for e in parsed.elements["Task_persetujuan_rencana"]["shows"]]
    assert {"komponen_atensi", "tujuan", "rencana_kegiatan", "catatan_asesmen"} <= set(plan)
    closure = [e["path"] for e in parsed.elements["Task_persetujuan_terminasi"]["shows"]]
    assert "laporan_terminasi" in closure
    assert parsed.elements["Task_susun_rencana"]["banner"]["path"] == "catatan_supervisor"
    assert not [w for w in parsed.warnings if "shows" in w.message or "banner" in w.message]


def test_the_lint_warns_on_a_path_that_no_form_writes():
    props = """<bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="skrining.json" />
        <spiffworkflow:property name="dueIn" value="P3D" />
        <spiffworkflow:property name="shows" value="skor, rencana_kegitan" />
        <spiffworkflow:property name="banner" value="catatan" />
      </spiffworkflow:properties></bpmn:extensionElements>"""
    parsed = parse_bundle(bundle(diagram(f'<bpmn:userTask id="task" name="Setuju">{props}</bpmn:userTask>'),
                                 **{"lain.json": json.dumps({"properties": {"catatan": {}}}).encode()}))
    warned = [w.message for w in parsed.warnings if w.element_id == "task"]
    assert "shows: no form of the process writes rencana_kegitan, so it shows nothing" in warned
    assert not [m for m in warned if "skor" in m or "catatan" in m]


def test_an_enum_value_without_a_title_reads_humanised():
    prop = {"enum": ["rawat_inap"], "type": "string"}
    assert shown.enum_text(prop, "rawat_inap") == "Rawat inap"
    assert shown.enum_text({"type": "string"}, "bebas_ditulis") == "bebas_ditulis"
