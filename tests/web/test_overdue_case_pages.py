"""Pages of a case the scheduler has alerted: overdue, reminded and escalated cases are the ones
workers open most, so every page is rendered for them, for every role."""
from __future__ import annotations

import re
from datetime import timedelta

from engine.config import Settings
from tests.case_driver import CaseDriver, registration
from workers.scheduler import DueWork

ROLES = ("peksos", "konselor", "supervisor", "admin")


def test_an_alerted_overdue_case_renders_on_every_page_for_every_role(client, staff, deployed, pages, runtime,
                                                                       database_url, clock):
    case = CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(nama="Sari Dewi"),
                                                         staff.actor("peksos")))
    task = case.task("Identifikasi & orientasi")
    work = DueWork(runtime.session_factory, Settings(database_url=database_url, base_url="https://x.example"),
                   senders={})
    for hours in (1, 25, 49, 73):  # overdue, reminder, escalation, a later reminder
        clock.move_to(task.due_at + timedelta(hours=hours))
        work.run_pass()
    for username in ROLES:
        pages.login(username)
        for path in (f"/cases/{case.case_id}", "/inbox", "/cases", "/dashboard", f"/tasks/{task.id}"):
            response = client.get(path)
            if path == "/dashboard" and username in ("peksos", "konselor"):
                assert response.status_code == 403, (username, path)
                continue
            assert response.status_code == 200, (username, path)
        page = client.get(f"/cases/{case.case_id}").get_data(as_text=True)
        assert "Identifikasi &amp; orientasi" in page and "Buka tugas: https" not in page
        assert 'id="case-alerts"' in page and "Tugas terlambat" in page
        pages.post("/logout", token_from="/inbox")


def test_the_inbox_shows_a_late_tasks_newest_alert_and_one_acknowledgement_clears_the_earlier_ones(
        client, staff, deployed, pages, runtime, database_url, clock):
    case = CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(), staff.actor("peksos")))
    task = case.task("Identifikasi & orientasi")
    work = DueWork(runtime.session_factory, Settings(database_url=database_url, base_url="https://x.example"),
                   senders={})
    for days in range(6):  # the overdue alert, then a daily reminder to the role's queue
        clock.move_to(task.due_at + timedelta(hours=1 + 24 * days))
        work.run_pass()
    pages.login("peksos")
    page = client.get("/inbox").get_data(as_text=True)
    assert page.count('data-alert-id="') == 2  # the overdue alert and the newest reminder
    assert 'id="folded-reminders"' in page
    newest = max(int(i) for i in re.findall(r'data-alert-id="(\d+)"', page))
    pages.post(f"/alerts/{newest}/ack", token_from="/inbox")
    page = client.get("/inbox").get_data(as_text=True)
    assert 'data-alert-id="' not in page and 'id="folded-reminders"' not in page
    pages.login("supervisor")  # the escalation to the supervisors is theirs to acknowledge
    assert 'data-alert-id="' in client.get("/inbox").get_data(as_text=True)
