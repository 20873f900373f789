"""The alert rules and message pieces as plain functions: no database, no clock."""
from datetime import UTC, datetime, timedelta

import pytest

from engine import durations
from engine.alerts.channels import signature, verify_signature
from engine.alerts.outbox import backoff
from engine.alerts.overdue import AlertPolicy, lateness_text, local_time_text, plan, without_snapshot
from engine.config import Settings

pytestmark = pytest.mark.unit

DUE = datetime(2026, 1, 8, 2, 0, tzinfo=UTC)
H = timedelta(hours=1)
POLICY = AlertPolicy(reminder_every=24 * H, escalate_after=48 * H)


def keys(*suffixes):
    return {f"task:t1:{s}" for s in suffixes}


def kinds(occurrences):
    return [(o.kind, o.number) for o in occurrences]


def test_nothing_is_due_before_the_due_time():
    assert plan(DUE, DUE - H, POLICY, set(), "t1") == ([], DUE)


def test_the_first_look_after_the_due_time_is_the_overdue_alert_then_the_next_reminder():
    due, next_look = plan(DUE, DUE + H, POLICY, set(), "t1")
    assert kinds(due) == [("overdue", 0)] and next_look == DUE + 24 * H


def test_a_reminder_comes_every_cadence_after_the_overdue_alert():
    due, next_look = plan(DUE, DUE + 25 * H, POLICY, keys("overdue"), "t1")
    assert kinds(due) == [("reminder", 1)] and next_look == DUE + 48 * H


def test_the_grace_period_ends_in_one_escalation_and_reminders_go_on():
    due, next_look = plan(DUE, DUE + 49 * H, POLICY, keys("overdue", "reminder:1"), "t1")
    assert kinds(due) == [("reminder", 2), ("escalation", 0)] and next_look == DUE + 72 * H
    again, _ = plan(DUE, DUE + 73 * H, POLICY, keys("overdue", "reminder:1", "reminder:2", "escalation"), "t1")
    assert kinds(again) == [("reminder", 3)]


def test_an_alert_already_sent_is_not_planned_again():
    assert plan(DUE, DUE + 25 * H, POLICY, keys("overdue", "reminder:1"), "t1")[0] == []


def test_without_reminders_or_escalation_the_task_is_looked_at_once():
    quiet = AlertPolicy(reminder_every=None, escalate_after=None)
    due, next_look = plan(DUE, DUE + H, quiet, set(), "t1")
    assert kinds(due) == [("overdue", 0)] and next_look is None


def test_settings_of_zero_hours_turn_reminders_and_escalation_off():
    policy = AlertPolicy.from_settings(Settings(overdue_reminder_hours=0, escalation_grace_hours=0))
    assert (policy.reminder_every, policy.escalate_after) == (None, None)


@pytest.mark.parametrize("late, text", [
    (timedelta(days=3, hours=2, minutes=40), "3 hari"),
    (timedelta(days=1), "1 hari"),
    (timedelta(hours=5, minutes=10), "5 jam"),
    (timedelta(minutes=45), "45 menit"),
    (timedelta(seconds=20), "1 menit"),  # as the task row says it, never "kurang dari 1 menit"
])
def test_lateness_reads_in_bahasa_indonesia_as_the_pages_say_it(late, text):
    assert lateness_text(late) == text == durations.lateness_in_words(late)


def test_times_are_shown_in_the_configured_zone_written_as_the_pages_write_them():
    assert local_time_text(DUE, "Asia/Jakarta") == "8 Jan 2026 09.00 WIB"
    assert local_time_text(DUE, "Asia/Makassar") == "8 Jan 2026 10.00 WITA"
    assert local_time_text(DUE, "Asia/Jayapura") == "8 Jan 2026 11.00 WIT"


def test_a_page_leaves_out_what_an_alert_said_of_its_moment_old_and_new_wording_alike():
    for late, deadline in (("3 hari 2 jam", "08-01-2026 09:00 WIB"), ("kurang dari 1 menit", "2 Des 2026 06.10 WIB"),
                           ("3 menit", "2 Des 2026 06.10 WITA")):
        text = (f'Pengingat ke-1: tugas "Eskalasi: kedaruratan terlambat" untuk kasus #4 belum selesai, '
                f"terlambat {late}. Batas waktu: {deadline}. Buka tugas: https://x/tasks/1")
        assert without_snapshot(text) == ('Pengingat ke-1: tugas "Eskalasi: kedaruratan terlambat" untuk kasus #4 '
                                          "belum selesai. Buka tugas: https://x/tasks/1")


def test_retries_back_off_exponentially_up_to_the_cap():
    settings = Settings(delivery_retry_base_seconds=30, delivery_retry_max_seconds=3600)
    assert [backoff(n, settings).total_seconds() for n in (1, 2, 3, 4, 8, 20)] == [30, 60, 120, 240, 3600, 3600]


def test_a_webhook_signature_verifies_only_for_the_same_body_and_secret():
    body = b'{"alert": 1}'
    header = signature("rahasia", body)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert verify_signature("rahasia", body, header)
    assert not verify_signature("rahasia", body + b" ", header)
    assert not verify_signature("lain", body, header)
    assert not verify_signature("rahasia", body, None)
