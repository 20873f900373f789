"""Durations as a supervisor says them, both ways, in Python and in the editor's panel alike."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from engine import durations

pytestmark = pytest.mark.unit
PANEL = Path(__file__).resolve().parents[2] / "web" / "frontend" / "src" / "durations.js"


@pytest.mark.parametrize(("words", "iso"), [
    ("3 hari", "P3D"), ("2 minggu", "P14D"), ("4 bulan", "P4M"), ("24 jam", "PT24H"), ("1 tahun", "P1Y"),
    ("1 bulan 2 minggu", "P1M14D"), ("2 weeks", "P14D"), ("1 day", "P1D"), ("30 menit", "PT30M"),
    ("P3D", "P3D"), ("tiga hari", None), ("3 harian", None), ("3 hari 2 hari", None), ("", None)])
def test_words_become_iso_8601(words, iso):
    assert durations.from_words(words) == iso


@pytest.mark.parametrize(("iso", "indonesian", "english"), [
    ("P3D", "3 hari", "3 days"), ("P14D", "2 minggu", "2 weeks"), ("P2W", "2 minggu", "2 weeks"),
    ("P4M", "4 bulan", "4 months"), ("PT24H", "24 jam", "24 hours"), ("P1D", "1 hari", "1 day"),
    ("P1M10D", "1 bulan 10 hari", "1 month 10 days"), ("R3/P1M", "setiap 1 bulan, 3 kali", "every 1 month, 3 times"),
    ("R/P14D", "setiap 2 minggu", "every 2 weeks"), ("R1/PT24H", "setiap 24 jam, 1 kali", "every 24 hours, 1 time"),
    ("R3/x", "R3/x", "R3/x"), ("siklus_monitoring", "siklus_monitoring", "siklus_monitoring")])
def test_iso_8601_reads_in_words(iso, indonesian, english):
    assert durations.in_words(iso) == indonesian and durations.in_words(iso, "en") == english


@pytest.mark.parametrize(("words", "iso"), [
    ("setiap 1 bulan, 4 kali", "R4/P1M"), ("setiap bulan", "R/P1M"), ("every 2 weeks", "R/P14D"),
    ("every 1 month, 1 time", "R1/P1M"), ("setiap 1 bulan 4 kali", "R4/P1M"), ("R4/P1M", "R4/P1M"),
    ("3 hari", None), ("setiap", None), ("setiap 3 harian", None)])
def test_a_cycle_in_words_becomes_an_iso_8601_repetition(words, iso):
    assert durations.cycle_from_words(words) == iso


def test_the_editor_panel_knows_the_same_unit_words():
    rows = re.findall(r"\[ '(\w+)', '(\w+)', \[ '(\w+)', '(\w+)' \] \]", PANEL.read_text())
    assert {unit: tuple(words) for unit, *words in rows} == durations.UNITS


def test_a_due_time_uploaded_in_words_is_refused_with_its_iso_form():
    from engine.definitions.parsing import parse_bundle
    from engine.errors import DeployError
    from tests.engine.test_parsing import GOOD_TASK_PROPS, bundle, diagram

    props = GOOD_TASK_PROPS.replace('value="P3D"', 'value="2 minggu"')
    with pytest.raises(DeployError) as refused:
        parse_bundle(bundle(diagram(f'<bpmn:userTask id="task" name="Skrining">{props}</bpmn:userTask>')))
    assert any(p.element_id == "task" and "2 minggu is written P14D" in p.message for p in refused.value.problems)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the editor panel's durations.js")
def test_the_editor_panel_reads_and_writes_cycles_as_the_engine_does(tmp_path):
    module = tmp_path / "durations.mjs"
    module.write_text(PANEL.read_text())
    cycles = ["R4/P1M", "R/P14D", "R1/PT24H", "R3/x"]
    words = ["setiap 1 bulan, 4 kali", "every 2 weeks", "setiap bulan"]
    script = (f"import('{module}').then(m => console.log(JSON.stringify(["
              f"{json.dumps(cycles)}.map(c => [m.cycleToWords(c, 'id'), m.cycleToWords(c, 'en')]),"
              f"{json.dumps(words)}.map(w => m.wordsToCycle(w))])))")
    shown, written = json.loads(subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True,
                                               timeout=30).stdout)
    assert shown == [[durations.in_words(c), durations.in_words(c, "en")] for c in cycles]
    assert written == [durations.cycle_from_words(w) for w in words]
