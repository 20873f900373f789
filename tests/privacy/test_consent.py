"""Consent in the engine: withdrawing it suspends the case (tasks leave the inboxes, timers stop),
and recording it again resumes the case where it stood."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.alerts.overdue import raise_due_alerts
from engine.cases import timers
from engine.cases.migration import CaseMigrations
from engine.config import BPMN_DIR, Settings
from engine.definitions.deployments import folder_bundles
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.people.access import SYSTEM_ACTOR
from engine.privacy.consent import Consents
from engine.read.inbox import TaskFilter
from engine.read.queries import Queries
from engine.storage.models import Case, HistoryEvent, HumanTask
from tests.case_driver import GUARDIAN, CaseDriver, registration


@pytest.fixture
def consents(session_factory):
    return Consents(session_factory)


@pytest.fixture
def driver(runtime, staff, deployed, clock):
    case_id = runtime.start_case("atensi_intake", registration(), staff.actor("peksos"))
    driver = CaseDriver(runtime, staff, case_id)
    driver.into_intervensi()
    return driver


def give_pm_consent(consents, staff, case_id, party="pm"):
    return consents.give(case_id, party, "Budi Santoso", "2026-01-05", ["asesmen", "intervensi"],
                         staff.actor("peksos"))


def inbox_case_ids(session_factory, staff, username):
    page = Queries(session_factory).inbox(staff.actor(username), TaskFilter())
    return {task["case_id"] for task in page.items}


def test_withdrawing_consent_suspends_the_case_and_empties_the_inboxes(consents, driver, staff, session_factory):
    # the PM's consent is in force: the identifikasi form's answer recorded it
    assert driver.case_id in inbox_case_ids(session_factory, staff, "peksos")
    assert driver.case().next_timer_at is not None

    assert consents.withdraw(driver.case_id, "PM menarik persetujuan", staff.actor("peksos")) == 1

    case = driver.case()
    assert (case.status, case.next_timer_at) == ("suspended", None)
    assert driver.open_tasks() == []
    assert driver.case_id not in inbox_case_ids(session_factory, staff, "peksos")
    status = consents.status(driver.case_id, staff.actor("supervisor"))
    assert status["missing"] == ["pm"] and status["consents"][0].withdrawal_reason == "PM menarik persetujuan"


def test_the_scheduler_fires_no_timer_of_a_suspended_case(consents, driver, staff, session_factory, clock):
    consents.withdraw(driver.case_id, "PM menarik persetujuan", staff.actor("peksos"))
    clock.shift(timedelta(days=400))
    with session_factory() as session:
        assert driver.case_id not in timers.due_case_ids(session, driver.case().updated_at + timedelta(days=400), 50)
    assert timers.fire_due(session_factory) == []


def test_nobody_works_on_a_suspended_case(consents, driver, staff, runtime):
    task = driver.task("Pelaksanaan intervensi")
    consents.withdraw(driver.case_id, "PM menarik persetujuan", staff.actor("peksos"))
    with pytest.raises(Conflict):
        runtime.complete_task(task.id, {}, staff.actor("peksos"))
    with pytest.raises(Conflict):
        runtime.claim(task.id, staff.actor("peksos"))
    with pytest.raises(Conflict):
        runtime.send_message(driver.case_id, "krisis", {"uraian": "x"}, staff.actor("peksos"))


def test_a_suspended_case_is_read_only_by_supervisors(consents, driver, staff, session_factory):
    consents.withdraw(driver.case_id, "PM menarik persetujuan", staff.actor("peksos"))
    queries = Queries(session_factory)
    with pytest.raises(Forbidden):
        queries.case(staff.actor("peksos"), driver.case_id)
    assert queries.case(staff.actor("supervisor"), driver.case_id)["status"] == "suspended"


def test_consent_given_again_resumes_the_case_where_it_stood(consents, driver, staff, session_factory):
    before = {t.id for t in driver.open_tasks()}
    timer_before = driver.case().next_timer_at
    consents.withdraw(driver.case_id, "PM menarik persetujuan", staff.actor("peksos"))
    give_pm_consent(consents, staff, driver.case_id)
    case = driver.case()
    assert (case.status, case.next_timer_at) == ("active", timer_before)
    assert {t.id for t in driver.open_tasks()} == before
    assert driver.case_id in inbox_case_ids(session_factory, staff, "peksos")


def test_a_child_resumes_only_with_the_guardians_consent_too(consents, runtime, staff, deployed, clock):
    case_id = runtime.start_case("atensi_intake", registration(tanggal_lahir="2012-03-01"), staff.actor("peksos"))
    consents.withdraw(case_id, "wali menarik persetujuan", staff.actor("peksos"))
    give_pm_consent(consents, staff, case_id)
    with runtime.session_factory() as session:
        assert session.get(Case, case_id).status == "suspended"
    give_pm_consent(consents, staff, case_id, party="wali")
    with runtime.session_factory() as session:
        assert session.get(Case, case_id).status == "active"


def test_a_supervisor_closes_a_suspended_case(consents, driver, staff):
    consents.withdraw(driver.case_id, "PM menarik persetujuan", staff.actor("peksos"))
    with pytest.raises(Forbidden):
        consents.close_suspended(driver.case_id, "selesai", staff.actor("peksos"))
    consents.close_suspended(driver.case_id, "PM tidak melanjutkan", staff.actor("supervisor"))
    case = driver.case()
    assert case.status == "completed" and case.completed_at is not None
    with driver.runtime.session_factory() as session:
        statuses = set(session.scalars(select(HumanTask.status).where(HumanTask.case_id == driver.case_id)))
    assert "suspended" not in statuses and "open" not in statuses
    # closed: it receives nothing more (its workflow stopped where it was; running it would bring back
    # the cancelled tasks), and its page offers no action
    assert driver.runtime.actions(driver.case_id, staff.actor("peksos")) == []
    with pytest.raises(Conflict):
        driver.runtime.send_message(driver.case_id, "koordinasi", {}, staff.actor("peksos"))


@pytest.mark.parametrize("party, given_on, scope, field", [
    ("teman", "2026-01-05", ["asesmen"], "party"),
    ("pm", "2030-01-01", ["asesmen"], "given_on"),
    ("pm", "kemarin", ["asesmen"], "given_on"),
    ("pm", "2026-01-05", [], "scope"),
])
def test_a_consent_names_its_party_date_and_scope(consents, driver, staff, party, given_on, scope, field):
    with pytest.raises(InvalidInput) as refused:
        consents.give(driver.case_id, party, "Budi", given_on, scope, staff.actor("peksos"))
    assert field in refused.value.fields


def test_another_units_worker_cannot_withdraw(consents, driver, staff):
    with pytest.raises(Forbidden):
        consents.withdraw(driver.case_id, "x", staff.actor("asing"))
    assert driver.case().status == "active"


def test_a_suspended_case_is_not_moved_to_another_version(consents, driver, staff, session_factory, runtime):
    consents.withdraw(driver.case_id, "PM menarik persetujuan", staff.actor("peksos"))
    bundle = next(b for b in folder_bundles(BPMN_DIR) if "atensi_intake.bpmn" in b)
    bundle["atensi_intake.bpmn"] += b"<!-- v2 -->"
    runtime.deploy(bundle, SYSTEM_ACTOR, note="v2")
    report = CaseMigrations(session_factory).dry_run("atensi_intake", staff.actor("supervisor"))
    move = next(c for c in report.cases if c.case_id == driver.case_id)
    assert not move.can_move and "consent was withdrawn" in move.blockers[0].message


def test_the_alerts_of_a_suspended_case_leave_the_inbox_and_no_new_ones_come(consents, driver, staff,
                                                                             session_factory, database_url, clock):
    settings = Settings(database_url=database_url)
    clock.shift(timedelta(days=40))  # Pelaksanaan intervensi is overdue
    assert raise_due_alerts(session_factory, settings)
    queries = Queries(session_factory)
    assert queries.alerts(staff.actor("peksos")).total > 0
    consents.withdraw(driver.case_id, "PM menarik persetujuan", staff.actor("peksos"))
    assert queries.alerts(staff.actor("peksos")).total == 0
    clock.shift(timedelta(days=40))
    assert raise_due_alerts(session_factory, settings) == []


def test_withdrawing_consent_also_suspends_the_pms_running_case_response(consents, driver, staff, runtime,
                                                                          session_factory):
    give_pm_consent(consents, staff, driver.case_id)
    runtime.send_message(driver.case_id, "krisis", {"uraian": "PM overdosis"}, staff.actor("peksos"))
    with session_factory() as session:
        child_id = session.scalars(select(Case.id).where(Case.parent_case_id == driver.case_id)).one()
    child = CaseDriver(runtime, staff, child_id)
    assert child.open_tasks() != []

    consents.withdraw(driver.case_id, "PM menarik persetujuan", staff.actor("peksos"))

    assert child.case().status == "suspended" and child.open_tasks() == []
    assert child_id not in inbox_case_ids(session_factory, staff, "peksos")


def test_the_identifikasi_forms_consent_answers_become_consent_records(consents, runtime, staff, deployed, clock):
    child = CaseDriver(runtime, staff, runtime.start_case(
        "atensi_intake", registration(nama="Adi Kecil", tanggal_lahir="2012-03-01"), staff.actor("peksos")))
    child.complete("Identifikasi & orientasi", persetujuan_layanan=True, kondisi_awal="Tenang", **GUARDIAN)
    status = consents.status(child.case_id, staff.actor("supervisor"))
    assert status["missing"] == []
    recorded = {c.party: c for c in status["consents"]}
    assert set(recorded) == {"pm", "wali"}
    assert recorded["pm"].given_by == "Adi Kecil" and recorded["wali"].given_by == "wali dari Adi Kecil"
    assert recorded["pm"].given_on == "2026-01-05" and recorded["pm"].recorded_by == "peksos"
    assert "asesmen" in recorded["pm"].scope and "intervensi" in recorded["pm"].scope
    with runtime.session_factory() as session:
        kinds = session.scalars(select(HistoryEvent.kind).where(HistoryEvent.case_id == child.case_id)).all()
    assert kinds.count("consent_given") == 2


def test_a_consent_in_force_is_not_recorded_twice_and_a_no_records_nothing(consents, runtime, staff, deployed, clock):
    adult = CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(), staff.actor("peksos")))
    give_pm_consent(consents, staff, adult.case_id)
    adult.complete("Identifikasi & orientasi", persetujuan_layanan=True, persetujuan_wali=False, kondisi_awal="Tenang")
    assert [c.party for c in consents.status(adult.case_id, staff.actor("supervisor"))["consents"]] == ["pm"]
    refused = CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(nik="3171011501900002"),
                                                            staff.actor("peksos")))
    refused.complete("Identifikasi & orientasi", persetujuan_layanan=False, persetujuan_wali=False,
                     kondisi_awal="Menolak")
    assert consents.status(refused.case_id, staff.actor("supervisor"))["consents"] == []
