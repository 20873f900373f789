"""Retention: closed cases are anonymised after the configured period, with a dry run first."""
from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from cli import cli
from engine import clock as engine_clock
from engine.config import Settings
from engine.privacy import retention
from engine.privacy.consent import Consents
from engine.read.queries import Queries
from engine.storage.models import AccessLogEntry, Case, HistoryEvent
from tests.case_driver import registration
from workers.scheduler import JOB_RETENTION, DueWork, TimerScheduler

NIK = "3171011501900001"


@pytest.fixture
def closed_case(runtime, staff, deployed, clock, session_factory):
    """A case closed (after its consent was withdrawn) on 5 January 2026."""
    case_id = runtime.start_case("atensi_intake", registration(nik=NIK), staff.actor("peksos"))
    consents = Consents(session_factory)
    consents.give(case_id, "pm", "Budi Santoso", "2026-01-05", ["asesmen"], staff.actor("peksos"))
    consents.withdraw(case_id, "pindah kota", staff.actor("peksos"))
    consents.close_suspended(case_id, "PM tidak melanjutkan", staff.actor("supervisor"))
    return case_id


@pytest.mark.unit
def test_the_product_default_is_five_years_after_closing():
    now = engine_clock.now()
    assert retention.DEFAULT_RETENTION_YEARS == 5
    assert retention.cutoff(now, 5) == now.replace(year=now.year - 5)


@pytest.mark.unit
def test_scrubbing_empties_every_gathered_value_and_keeps_the_structure():
    state = {"tasks": {"a": {"state": 64, "data": {"nik": "1"}, "internal_data": {"x": 1}}}, "data": {"pm": {}},
             "bpmn_events": [{"payload": {"uraian": "x"}}], "root": "a"}
    assert retention.scrubbed(state) == {"tasks": {"a": {"state": 64, "data": {}, "internal_data": {}}},
                                         "data": {}, "bpmn_events": [{"payload": {}}], "root": "a"}


def test_a_dry_run_lists_what_would_go_and_changes_nothing(closed_case, session_factory):
    keeper = retention.Retention(session_factory, years=5)
    assert keeper.dry_run(engine_clock.now() + timedelta(days=365 * 5 - 2)) == []
    due = keeper.dry_run(engine_clock.now() + timedelta(days=365 * 5 + 2))
    assert [d.case_id for d in due] == [closed_case]
    with session_factory() as session:
        assert session.get(Case, closed_case).pm_nik == NIK


def test_anonymising_removes_the_pms_identity_and_gathered_values(closed_case, session_factory, staff):
    done = retention.Retention(session_factory, years=5).apply(now=engine_clock.now() + timedelta(days=365 * 6))
    assert [d.case_id for d in done] == [closed_case]
    with session_factory() as session:
        case = session.get(Case, closed_case)
        assert (case.pm_name, case.pm_nik, case.pm_birth_date, case.profile) == (retention.ANONYMISED, None, None, {})
        assert case.anonymised_at is not None and NIK not in str(case.state) and "Budi" not in str(case.state)
        events = session.scalars(select(HistoryEvent).where(HistoryEvent.case_id == closed_case)).all()
        assert all(e.data == {} for e in events)
        assert not any("Budi" in e.message or "pindah" in e.message for e in events)
        logged = session.scalars(select(AccessLogEntry).where(AccessLogEntry.case_id == closed_case,
                                                              AccessLogEntry.action == "anonymise")).all()
        assert len(logged) == 1 and logged[0].detail == "retention: 5 years after closing"
    # the case still opens (its state still loads), without anything personal
    assert Queries(session_factory).diagram(staff.actor("supervisor"), closed_case)["case_id"] == closed_case


def test_an_anonymised_case_is_not_anonymised_again(closed_case, session_factory):
    keeper = retention.Retention(session_factory, years=5)
    later = engine_clock.now() + timedelta(days=365 * 6)
    keeper.apply(now=later)
    assert keeper.dry_run(later) == [] and keeper.apply(now=later) == []


def test_open_cases_are_never_due(runtime, staff, deployed, clock, session_factory):
    runtime.start_case("atensi_intake", registration(), staff.actor("peksos"))
    assert retention.Retention(session_factory, years=0.01).dry_run(engine_clock.now() + timedelta(days=3650)) == []


def test_the_retention_command_lists_by_default_and_anonymises_with_apply(closed_case, database_url, session_factory,
                                                                          monkeypatch, clock):
    clock.shift(timedelta(days=1))
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    listed = runner.invoke(cli, ["retention", "--years", "0.001"])
    assert listed.exit_code == 0, listed.output
    assert f"case {closed_case}" in listed.output and "1 case(s) would be anonymised" in listed.output
    with session_factory() as session:
        assert session.get(Case, closed_case).anonymised_at is None
    applied = runner.invoke(cli, ["retention", "--years", "0.001", "--apply"])
    assert "1 case(s) anonymised" in applied.output
    with session_factory() as session:
        assert session.get(Case, closed_case).pm_nik is None
    assert "0 case(s) would be anonymised (retention: 5 years" in runner.invoke(cli, ["retention"]).output


def test_the_scheduler_anonymises_daily_only_when_told_to(closed_case, session_factory, database_url, clock):
    off = TimerScheduler(DueWork(session_factory, Settings(database_url=database_url), senders={})).start()
    try:
        assert off.scheduler.get_job(JOB_RETENTION) is None
    finally:
        off.shutdown()
    settings = Settings(database_url=database_url, retention_automatic=True, retention_years=5)
    on = TimerScheduler(DueWork(session_factory, settings, senders={})).start()
    try:
        assert on.scheduler.get_job(JOB_RETENTION) is not None
        assert on.anonymise_due() == 0  # closed today: not due yet
        clock.shift(timedelta(days=365 * 5 + 2))
        assert on.anonymise_due() == 1
    finally:
        on.shutdown()
    with session_factory() as session:
        assert session.get(Case, closed_case).anonymised_at is not None
