"""`atensi migrate`: dry run by default, --apply with a progress bar on stderr, --undo."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from cli import cli
from engine.people.access import SYSTEM_ACTOR
from engine.storage.models import Case
from tests.redesign import bpmn_edit
from tests.redesign.conftest import INTAKE


@pytest.fixture
def atensi(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)

    def run(*args: str):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return run


@pytest.fixture
def deploy(runtime):
    """National versions, as `atensi deploy` makes them: the CLI's migrations target those."""
    def _deploy(files: dict[str, bytes], note: str = ""):
        return runtime.deploy(files, SYSTEM_ACTOR, note=note)[0]
    return _deploy


@pytest.fixture
def two_versions_and_a_case(intake_files, deploy, start_intake):
    deploy(intake_files, "v1")
    case = start_intake()
    edited = bpmn_edit.insert_user_task_after(intake_files[INTAKE], "Task_identifikasi", "Task_verifikasi",
                                              "Verifikasi dokumen", "Lane_pekerja_sosial")
    deploy({**intake_files, INTAKE: edited}, "v2")
    return case


def versions(session_factory) -> list[int]:
    with session_factory() as session:
        return [c.version.version for c in session.scalars(select(Case).order_by(Case.id))]


def test_migrate_is_a_dry_run_unless_told_to_apply(atensi, two_versions_and_a_case, session_factory):
    result = atensi("migrate", "atensi_intake")
    assert result.exit_code == 0, result.output
    assert re.search(r"case \d+\s+v1 -> v2\s+movable\s+open: Identifikasi & orientasi", result.stdout)
    assert "run again with --apply" in result.stdout
    assert versions(session_factory) == [1]


def test_apply_migrates_with_a_progress_bar_on_stderr_and_undo_moves_back(
        atensi, two_versions_and_a_case, session_factory):
    result = atensi("migrate", "atensi_intake", "--apply")
    assert result.exit_code == 0, result.output
    assert "1 migrated" in result.stdout and "migrating cases" in result.stderr
    assert versions(session_factory) == [2]
    migration_id = re.search(r"migration (\w+):", result.stdout).group(1)

    undone = atensi("migrate", "--undo", migration_id)
    assert undone.exit_code == 0 and "1 undone" in undone.stdout
    assert versions(session_factory) == [1]


def test_a_case_that_cannot_move_is_listed_with_its_reason(atensi, intake_files, deploy, start_intake,
                                                           session_factory):
    deploy(intake_files, "v1")
    start_intake()
    deploy({**intake_files, INTAKE: bpmn_edit.remove_user_task(intake_files[INTAKE], "Task_identifikasi")}, "v2")
    result = atensi("migrate", "atensi_intake", "--apply")
    assert "blocked" in result.stdout and "Task_identifikasi: open task Identifikasi" in result.stdout
    assert "1 blocked" in result.stdout and versions(session_factory) == [1]


def test_an_unknown_process_is_a_clean_error(atensi, staff):
    result = atensi("migrate", "tidak_ada")
    assert result.exit_code == 1 and "no process 'tidak_ada' is deployed" in result.stderr
