"""Who changes which process for whom: a supervisor's deploy is their unit's own version, an admin's
is the national one; new cases of a unit start on its newest own version, else the newest national."""
from __future__ import annotations

import pytest

from engine.cases.migration import CaseMigrations
from engine.errors import Forbidden, NotFound
from engine.people.access import SYSTEM_ACTOR
from engine.read.queries import Queries
from engine.storage.models import Case
from tests.case_driver import registration
from tests.conftest import PASSWORD, QUICK_PASSWORDS
from tests.redesign.bpmn_edit import set_attribute

INTAKE = "atensi_intake.bpmn"


@pytest.fixture
def other_supervisor(staff, session_factory):
    from engine.people import accounts as people

    with session_factory() as session:
        user = people.create_user(session, "asing_sup", PASSWORD, ["supervisor"], staff.other_unit_id,
                                  passwords=QUICK_PASSWORDS)
        session.commit()
        return people.actor_for(user)


def renamed(files: dict[str, bytes], name: str) -> dict[str, bytes]:
    return {**files, INTAKE: set_attribute(files[INTAKE], "atensi_intake", "name", name)}


def version_of_new_case(runtime, actor) -> int:
    case_id = runtime.start_case("atensi_intake", registration(), actor)
    with runtime.session_factory() as session:
        return session.get(Case, case_id).version.version


def test_another_units_supervisor_deploying_leaves_this_units_new_cases_on_the_national_version(
        runtime, staff, intake_files, other_supervisor):
    national, _ = runtime.deploy(intake_files, SYSTEM_ACTOR)
    theirs, created = runtime.deploy(renamed(intake_files, "Intake LKS"), other_supervisor)
    assert created and theirs.unit_id == staff.other_unit_id and national.unit_id is None
    assert version_of_new_case(runtime, staff.actor("peksos")) == national.version
    assert version_of_new_case(runtime, staff.actor("asing")) == theirs.version


def test_a_unit_keeps_its_own_version_when_an_admin_deploys_a_new_national_one(runtime, staff, intake_files):
    runtime.deploy(intake_files, SYSTEM_ACTOR)
    own, _ = runtime.deploy(renamed(intake_files, "Intake Balai"), staff.actor("supervisor"))
    newer_national, _ = runtime.deploy(renamed(intake_files, "Intake nasional 2"), staff.actor("admin"))
    assert newer_national.unit_id is None and newer_national.version > own.version
    assert version_of_new_case(runtime, staff.actor("peksos")) == own.version
    assert version_of_new_case(runtime, staff.actor("asing")) == newer_national.version


def test_deploying_what_the_unit_already_runs_makes_no_new_version(runtime, staff, intake_files):
    national, _ = runtime.deploy(intake_files, SYSTEM_ACTOR)
    again, created = runtime.deploy(intake_files, staff.actor("supervisor"))
    assert not created and again.id == national.id


def test_a_supervisor_cannot_move_their_cases_onto_another_units_version(
        runtime, staff, intake_files, other_supervisor, session_factory):
    runtime.deploy(intake_files, SYSTEM_ACTOR)
    theirs, _ = runtime.deploy(renamed(intake_files, "Intake LKS"), other_supervisor)
    version_of_new_case(runtime, staff.actor("peksos"))
    with pytest.raises(NotFound):
        CaseMigrations(session_factory).migrate("atensi_intake", staff.actor("supervisor"), to_version=theirs.version)


def test_another_units_own_versions_are_not_listed_nor_readable(runtime, staff, intake_files, other_supervisor,
                                                                session_factory):
    runtime.deploy(intake_files, SYSTEM_ACTOR)
    theirs, _ = runtime.deploy(renamed(intake_files, "Intake LKS"), other_supervisor)
    queries = Queries(session_factory)
    [intake] = [d for d in queries.definitions(staff.actor("supervisor")) if d["key"] == "atensi_intake"]
    assert [v["version"] for v in intake["versions"]] == [1] and intake["latest_version"] == 1
    with pytest.raises(NotFound):
        queries.version_bpmn("atensi_intake", theirs.version, staff.actor("supervisor"))
    [mine] = [d for d in queries.definitions(other_supervisor) if d["key"] == "atensi_intake"]
    assert mine["latest_version"] == theirs.version


def test_a_migration_by_the_system_moves_each_units_cases_to_that_units_own_newest_version(
        runtime, staff, intake_files, other_supervisor, session_factory):
    first, _ = runtime.deploy(intake_files, SYSTEM_ACTOR)
    ours, theirs = (runtime.start_case("atensi_intake", registration(), staff.actor(user))
                    for user in ("peksos", "asing"))
    own, _ = runtime.deploy(renamed(intake_files, "Intake LKS"), other_supervisor)
    national, _ = runtime.deploy(renamed(intake_files, "Intake nasional 2"), SYSTEM_ACTOR)
    report = CaseMigrations(session_factory).migrate("atensi_intake", SYSTEM_ACTOR)
    assert {(c.case_id, c.to_version, c.status) for c in report.cases} == {
        (ours, national.version, "migrated"), (theirs, own.version, "migrated")}
    with session_factory() as session:
        assert session.get(Case, ours).version.version == national.version
        assert session.get(Case, theirs).version.version == own.version  # not the national one
    again = CaseMigrations(session_factory).dry_run("atensi_intake", SYSTEM_ACTOR)
    assert again.cases == [] and first.version < own.version


def test_an_admin_deploys_one_units_own_version_and_a_supervisor_only_their_own(
        runtime, staff, intake_files, other_supervisor):
    national, _ = runtime.deploy(intake_files, SYSTEM_ACTOR)
    for_them, created = runtime.deploy(renamed(intake_files, "Intake LKS (admin)"), staff.actor("admin"),
                                       unit_id=staff.other_unit_id)
    assert created and for_them.unit_id == staff.other_unit_id
    assert version_of_new_case(runtime, staff.actor("asing")) == for_them.version
    assert version_of_new_case(runtime, staff.actor("peksos")) == national.version
    with pytest.raises(Forbidden):
        runtime.deploy(renamed(intake_files, "Intake Balai"), staff.actor("supervisor"), unit_id=staff.other_unit_id)
    own, created = runtime.deploy(renamed(intake_files, "Intake Balai"), staff.actor("supervisor"),
                                  unit_id=staff.unit_id)
    assert created and own.unit_id == staff.unit_id
    with pytest.raises(NotFound):
        runtime.deploy(renamed(intake_files, "Intake X"), staff.actor("admin"), unit_id=999_999)
