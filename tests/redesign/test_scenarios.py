"""Scenario tests a process version carries, run with simulated time before a deploy."""
from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

from engine.config import BPMN_DIR
from engine.definitions.deployments import folder_bundles
from engine.definitions.scenarios import run_isolated, run_scenarios
from tests.redesign import bpmn_edit
from tests.redesign.conftest import INTAKE

SCENARIOS = "atensi_intake.scenario.json"


def one_scenario(process: str, steps: list[dict], **start) -> bytes:
    scenario = {"name": "uji", "steps": steps, **({"start": start} if start else {})}
    return json.dumps({"process": process, "scenarios": [scenario]}).encode()


@pytest.mark.parametrize("bundle", folder_bundles(BPMN_DIR), ids=lambda b: next(n for n in b if n.endswith(".bpmn")))
def test_the_shipped_scenarios_of_each_atensi_process_pass(bundle):
    # the other processes are deployed beside it: a crisis's case response runs and is checked too
    run = run_scenarios(bundle, companions=tuple(b for b in folder_bundles(BPMN_DIR) if b != bundle))
    assert run.problems == []
    assert run.results and all(r.passed for r in run.results), [r.failure for r in run.results if not r.passed]


def test_months_of_a_case_pass_in_simulated_time(intake_files):
    # how long that takes in real time is measured in bench/migration.py, not asserted here
    run = run_scenarios(intake_files)
    low_risk = run.results[0]
    assert low_risk.passed and low_risk.simulated_days > 90


def test_a_failing_expectation_names_the_step_and_what_was_found(intake_files):
    files = {**intake_files, SCENARIOS: one_scenario("atensi_intake", [
        {"complete": "Identifikasi & orientasi"},
        {"expect": {"stage": "intervensi", "open_tasks": ["Pelaksanaan intervensi"]}}])}
    (result,) = run_scenarios(files).results
    assert not result.passed
    assert result.failure["step"] == 2
    assert "stage is 'asesmen', expected 'intervensi'" in result.failure["message"]
    assert "open tasks are ['Skrining ASSIST']" in result.failure["message"]


def test_a_diagram_edit_that_breaks_a_main_path_fails_that_scenario(intake_files):
    raw = intake_files[INTAKE].replace(b'risk_level == "rendah"', b'risk_level == "tidak ada"')
    run = run_scenarios({**intake_files, INTAKE: raw})
    failed = [r for r in run.results if not r.passed]
    assert not run.passed
    assert [r.name for r in failed][0].startswith("Risiko rendah")
    assert "expected ['Rujukan rehabilitasi medis']" in failed[0].failure["message"]


def test_form_data_the_form_refuses_fails_the_step_with_the_field(intake_files):
    files = {**intake_files, SCENARIOS: one_scenario("atensi_intake", [
        {"complete": "Identifikasi & orientasi", "data": {"persetujuan_layanan": "ya"}}])}
    (result,) = run_scenarios(files).results
    assert "persetujuan_layanan" in result.failure["message"] and "refused" in result.failure["message"]


def test_completing_a_task_that_is_not_open_lists_the_open_ones(intake_files):
    files = {**intake_files, SCENARIOS: one_scenario("atensi_intake", [{"complete": "Penutupan kasus"}])}
    (result,) = run_scenarios(files).results
    assert result.failure == {"step": 1, "message": "task 'Penutupan kasus' is not open; open tasks: "
                                                    "['Identifikasi & orientasi']"}


def test_an_invalid_scenario_file_is_a_problem_naming_the_file_and_place(intake_files):
    bad = json.dumps({"process": "atensi_intake", "scenarios": [
        {"name": "x", "steps": [{"wait": "tiga bulan"}]}, {"steps": []}]}).encode()
    run = run_scenarios({**intake_files, SCENARIOS: bad})
    assert not run.passed
    assert {p.file for p in run.problems} == {SCENARIOS}
    assert any("'name' is a required property (at scenarios/1)" in p.message for p in run.problems)


def test_a_bundle_that_does_not_deploy_reports_its_deploy_problems(intake_files):
    raw = bpmn_edit.set_property(intake_files[INTAKE], "Task_identifikasi", "dueIn", "tiga hari")
    run = run_scenarios({**intake_files, INTAKE: raw})
    assert not run.passed and run.results == []
    assert any(p.element_id == "Task_identifikasi" for p in run.problems)


def test_scenarios_for_another_process_are_not_run(intake_files):
    other = one_scenario("case_response", [{"complete": "Tidak ada"}])
    run = run_scenarios({**intake_files, SCENARIOS: other})
    assert run.passed and run.results == []


def test_an_isolated_run_gives_the_same_results_and_leaves_this_clock_alone(intake_files):
    before = datetime.now(UTC)
    started = time.perf_counter()
    response = tuple(b for b in folder_bundles(BPMN_DIR) if "case_response.bpmn" in b)
    run = run_isolated(intake_files, companions=response)
    assert run.passed and len(run.results) == len(run_scenarios(intake_files).results)
    assert abs((datetime.now(UTC) - before).total_seconds() - (time.perf_counter() - started)) < 1


def test_an_isolated_run_that_takes_too_long_is_stopped_and_reported(intake_files):
    started = time.perf_counter()
    run = run_isolated(intake_files, timeout=0.5)
    assert time.perf_counter() - started < 5
    assert not run.passed and run.problems[0].message == "the scenarios did not finish within 0.5 s"


def test_a_step_in_a_child_case_the_case_never_spawned_names_how_many_it_did(intake_files):
    files = {**intake_files, SCENARIOS: one_scenario("atensi_intake", [
        {"message": "krisis", "data": {"uraian": "PM mengamuk"}},
        {"in_child": 1, "complete": "Kedaruratan (triase)"}])}
    (alone,) = run_scenarios(files).results  # case_response is not deployed: nothing was spawned
    assert not alone.passed and alone.failure["step"] == 2
    assert "the case spawned 0 case(s)" in alone.failure["message"] and "deployed?" in alone.failure["message"]
    response = next(b for b in folder_bundles(BPMN_DIR) if "case_response.bpmn" in b)
    files[SCENARIOS] = one_scenario("atensi_intake", [
        {"message": "krisis", "data": {"uraian": "PM mengamuk"}, "expect": {"children": 1}},
        {"in_child": 1, "complete": "Kedaruratan (triase)", "data": {"tingkat_kedaruratan": "rendah"},
         "expect": {"stage": "pendampingan"}},
        {"in_child": 2, "expect": {}}])
    (linked,) = run_scenarios(files, companions=(response,)).results
    assert not linked.passed and linked.failure == {"step": 3, "message": "in_child 2: the case spawned 1 case(s)"}
