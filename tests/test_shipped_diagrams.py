"""The checks of scripts/verify_diagrams.py, one test each: the shipped diagrams parse, are complete and
tidily laid out, and every path runs to its end on SpiffWorkflow's script engine and on ours.
No database. (`python scripts/verify_diagrams.py` prints the same checks as a report.)"""
from __future__ import annotations

import pytest

from scripts import verify_diagrams as diagrams
from scripts.verify_domain import CHECKS as DOMAIN_CHECKS

SANDBOX_ENGINE, SANDBOX = diagrams.sandbox_engine_factory()
ENGINES = {"TaskDataEnvironment": diagrams.taskdata_engine, "engine.cases.sandbox": SANDBOX_ENGINE}
SCENARIOS = [pytest.param(scenario, id=scenario.__name__,
                          marks=[pytest.mark.slow] if scenario is diagrams.scenario_many_visits else [])
             for scenario in diagrams.SCENARIOS]


@pytest.fixture(scope="module")
def specs():
    return diagrams.parse()[1]


def test_the_sandbox_script_engine_is_usable_so_its_runs_are_not_skipped():
    assert SANDBOX_ENGINE is not None and SANDBOX is not None


@pytest.mark.parametrize("check", [diagrams.check_add_duration, diagrams.check_processes, diagrams.check_forms,
                                   diagrams.check_form_details], ids=lambda check: check.__name__)
def test_processes_lanes_and_forms_pass_their_static_check(check):
    check()


@pytest.mark.parametrize("check", DOMAIN_CHECKS, ids=lambda check: check.__name__)
def test_the_diagram_forms_and_tables_follow_the_domain_rules_of_the_seeds(check):
    check()


def test_every_user_task_has_a_lane_a_form_a_due_time_and_a_stage(specs):
    diagrams.check_user_tasks(specs)


def test_timers_are_python_expressions_and_messages_carry_their_payloads(specs):
    diagrams.check_events(specs)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_risk_decision_gives_the_assist_bands(specs, engine):
    diagrams.check_dmn(specs, ENGINES[engine])


@pytest.mark.parametrize("path", diagrams.BPMN_FILES.values(), ids=lambda path: path.name)
def test_the_diagram_interchange_is_complete_and_tidy(path):
    diagrams.check_di(path)


def test_every_script_condition_and_timer_compiles_under_the_sandbox(specs):
    diagrams.check_scripts_restricted(specs, SANDBOX)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_path_runs_to_its_end(specs, scenario, engine):
    assert scenario(specs, ENGINES[engine])
