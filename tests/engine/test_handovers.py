"""Transfers and referrals between units, in the engine: who asks, who answers, what moves, what the
sending unit still reads, and the overdue alerts of a pending one."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.cases.handover import Handovers
from engine.config import Settings
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.people import accounts
from engine.read.queries import Queries
from engine.storage.models import Alert, Case, HumanTask
from tests.case_driver import registration
from tests.conftest import PASSWORD, QUICK_PASSWORDS
from workers.scheduler import DueWork


@pytest.fixture
def their_supervisor(staff, session_factory):
    with session_factory() as session:
        user = accounts.create_user(session, "asing_sup", PASSWORD, ["supervisor"], staff.other_unit_id,
                                    passwords=QUICK_PASSWORDS)
        session.commit()
        return accounts.actor_for(user)


@pytest.fixture
def handovers(session_factory, database_url):
    return Handovers(session_factory, Settings(database_url=database_url))


@pytest.fixture
def case_id(runtime, staff, deployed):
    case_id = runtime.start_case("atensi_intake", registration(nama="Budi Pindah"), staff.actor("peksos"))
    runtime.claim(_task(runtime, case_id).id, staff.actor("peksos"))
    return case_id


def _task(runtime, case_id) -> HumanTask:
    with runtime.session_factory() as session:
        return session.scalars(select(HumanTask).where(HumanTask.case_id == case_id)).one()


def _transfer(handovers, staff, case_id, who="peksos"):
    return handovers.propose_transfer(case_id, staff.other_unit_id, "PM pindah domisili", "Budi", "2026-01-02",
                                      staff.actor(who))


def test_an_accepted_transfer_moves_the_case_its_tasks_and_alerts_and_the_sender_reads_only_until_then(
        runtime, staff, handovers, case_id, their_supervisor, session_factory):
    task = _task(runtime, case_id)
    with session_factory() as session:
        session.add(Alert(dedup_key="x", kind="overdue", case_id=case_id, task_id=task.id, unit_id=staff.unit_id,
                          recipient="peksos", message="terlambat"))
        session.commit()
    proposed = _transfer(handovers, staff, case_id)
    assert proposed["status"] == "pending" and proposed["due_at"] is not None
    assert [h["id"] for h in handovers.incoming(their_supervisor)] == [proposed["id"]]
    with pytest.raises(Forbidden):  # the sending unit cannot accept its own proposal
        handovers.answer(proposed["id"], "accepted", None, staff.actor("supervisor"))
    with pytest.raises(Forbidden):  # a pekerja sosial of the receiving unit cannot either
        handovers.answer(proposed["id"], "accepted", None, staff.actor("asing"))
    handovers.answer(proposed["id"], "accepted", "Diterima", their_supervisor)

    with session_factory() as session:
        case = session.get(Case, case_id)
        task = session.get(HumanTask, task.id)
        alert = session.scalars(select(Alert).where(Alert.dedup_key == "x")).one()
        assert (case.unit_id, task.unit_id, task.assignee) == (staff.other_unit_id, staff.other_unit_id, None)
        assert (alert.unit_id, alert.recipient, alert.recipient_role) == (staff.other_unit_id, None,
                                                                          "pekerja_sosial")
    assert handovers.incoming(their_supervisor) == []
    # the receiving unit works on it; the sending unit reads its history up to the transfer, no more
    runtime.claim(task.id, staff.actor("asing"))
    queries = Queries(session_factory)
    theirs = [e.kind for e in queries.history(staff.actor("asing"), case_id)]
    ours = [e.kind for e in queries.history(staff.actor("peksos"), case_id)]
    assert ours[-1] == "transfer_accepted" and "task_claimed" in theirs[len(ours):]
    assert ours == theirs[:len(ours)]
    with pytest.raises(Forbidden):
        queries.case(staff.actor("peksos"), case_id)
    with pytest.raises(Forbidden):
        runtime.complete_task(task.id, {}, staff.actor("peksos"))
    assert case_id in [row.id for row in queries.cases(their_supervisor, _filter()).items]


def _filter():
    from engine.read.case_search import CaseFilter
    return CaseFilter()


def test_a_transfer_needs_a_reason_consent_and_another_unit_and_is_pending_once(
        staff, handovers, case_id, their_supervisor):
    with pytest.raises(InvalidInput) as refused:
        handovers.propose_transfer(case_id, staff.unit_id, " ", "", "2999-01-01", staff.actor("peksos"))
    assert set(refused.value.fields) == {"to_unit_id", "reason", "consent_given_by", "consent_given_on"}
    with pytest.raises(Forbidden):
        _transfer(handovers, staff, case_id, who="konselor")
    with pytest.raises(Forbidden):
        _transfer(handovers, staff, case_id, who="asing")
    first = _transfer(handovers, staff, case_id)
    with pytest.raises(Conflict):
        _transfer(handovers, staff, case_id)
    with pytest.raises(InvalidInput) as no_note:
        handovers.answer(first["id"], "rejected", "", their_supervisor)
    assert "note" in no_note.value.fields
    handovers.answer(first["id"], "rejected", "Kapasitas penuh", their_supervisor)
    with pytest.raises(Conflict):
        handovers.answer(first["id"], "accepted", None, their_supervisor)
    assert _transfer(handovers, staff, case_id)["status"] == "pending"  # may be proposed again


def test_a_referral_shows_the_receiving_unit_the_minimum_and_its_answers_land_in_the_case_history(
        runtime, staff, handovers, case_id, session_factory):
    sent = handovers.refer(case_id, "rehabilitasi_medis", "Butuh detoksifikasi", staff.actor("peksos"),
                           to_unit_id=staff.other_unit_id)
    asing = staff.actor("asing")
    seen = handovers.incoming(asing)
    assert [(h["pm_name"], h["service"], h["reason"]) for h in seen] == [
        ("Budi Pindah", "rehabilitasi_medis", "Butuh detoksifikasi")]
    queries = Queries(session_factory)
    for read in (queries.case, queries.history):
        with pytest.raises(Forbidden):  # not the case record
            read(asing, case_id)
    handovers.answer(sent["id"], "accepted", "Jadwal Senin", asing)
    handovers.answer(sent["id"], "done", "Detoks selesai", asing)
    with pytest.raises(Conflict):
        handovers.answer(sent["id"], "refused", "x", asing)
    answers = [e.message for e in queries.history(staff.actor("peksos"), case_id) if e.kind == "referral_answered"]
    assert len(answers) == 2 and "done" in answers[1]
    assert runtime.session_factory  # the case stays in its unit
    with session_factory() as session:
        assert session.get(Case, case_id).unit_id == staff.unit_id


def test_a_referral_to_an_outside_institution_is_answered_by_the_case_s_own_unit(staff, handovers, case_id):
    with pytest.raises(InvalidInput) as neither:
        handovers.refer(case_id, "shelter", "Tidak ada rumah", staff.actor("peksos"))
    assert "to_unit_id" in neither.value.fields
    with pytest.raises(InvalidInput) as bad_service:
        handovers.refer(case_id, "pijat", "x", staff.actor("peksos"), to_institution="Rumah Singgah")
    assert "service" in bad_service.value.fields
    sent = handovers.refer(case_id, "shelter", "Tidak ada rumah", staff.actor("peksos"),
                           to_institution="Rumah Singgah Kasih")
    with pytest.raises(Forbidden):
        handovers.answer(sent["id"], "accepted", None, staff.actor("asing"))
    assert handovers.answer(sent["id"], "refused", "Penuh", staff.actor("peksos2"))["status"] == "refused"
    with pytest.raises(NotFound):
        handovers.get(sent["id"], staff.actor("asing"))


def test_a_pending_handover_is_alerted_overdue_to_the_receiving_unit_like_a_task(
        staff, handovers, case_id, their_supervisor, session_factory, database_url, clock):
    transfer = _transfer(handovers, staff, case_id)
    referral = handovers.refer(case_id, "pelatihan_vokasional", "Kursus las", staff.actor("peksos"),
                               to_unit_id=staff.other_unit_id)
    settings = Settings(database_url=database_url)
    work = DueWork(session_factory, settings, senders={})
    assert work.next_due() <= transfer["due_at"]
    clock.shift(timedelta(hours=settings.handover_due_hours + 1))
    work.run_pass()
    with session_factory() as session:
        alerts = {a.dedup_key: a for a in session.scalars(select(Alert).where(Alert.case_id == case_id))}
    assert alerts[f"handover:{transfer['id']}:overdue"].recipient_role == "supervisor"
    assert alerts[f"handover:{referral['id']}:overdue"].recipient_role == "pekerja_sosial"
    assert all(a.unit_id == staff.other_unit_id for k, a in alerts.items() if k.startswith("handover:"))
    queries = Queries(session_factory)
    assert {a.link for a in queries.alerts(their_supervisor).items} == {
        f"{settings.base_url}/handovers/{transfer['id']}"}
    # the sending unit's case page lists the alerts of the unit that holds the case, not the receiver's
    shown = queries.case(staff.actor("peksos"), case_id)["alerts"]
    assert not [a for a in shown if a["dedup_key"].startswith("handover:")]
    work.run_pass()  # nothing twice
    handovers.answer(transfer["id"], "rejected", "Tidak bisa", their_supervisor)
    assert queries.alerts(their_supervisor).items == []  # answered: its alerts are done with
