"""The inbox for a working day on the pages, and what a browser walk found: 'Ambil' opens the task,
saved filters, the handing over of an absent worker's tasks, alerts that close with their task and
say how late it is as the row does, the nav badge, the case list's columns, a completed task's
holder, dates written one way."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from engine.config import Settings
from engine.storage.models import Alert, HistoryEvent
from tests.case_driver import CaseDriver, registration
from workers.scheduler import DueWork


def start(runtime, staff, user="peksos", **pm) -> CaseDriver:
    return CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(**pm), staff.actor(user)))


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_claim_from_the_inbox_opens_the_task(client, staff, deployed, pages, runtime):
    task_id = start(runtime, staff).task("Identifikasi & orientasi").id
    pages.login("peksos")
    inbox = text_of(client.get("/inbox"))
    claim_form = re.search(rf'action="/tasks/{task_id}/claim">(.*?)</form>', inbox, re.S).group(1)
    assert 'name="next"' not in claim_form  # no way back to the list: on to the task
    response = pages.post(f"/tasks/{task_id}/claim", token_from="/inbox")
    assert response.headers["Location"] == f"/tasks/{task_id}"


def test_registering_from_the_page_gives_the_worker_the_first_task(client, staff, deployed, pages, runtime):
    pages.login("peksos")
    response = pages.post("/cases/new", {"nama": "Rina Putri", "nik": "3171011501900077", "tanggal_lahir": "1995-03-02",
                                         "jenis_kelamin": "P", "sumber_rujukan": "keluarga"}, token_from="/cases/new")
    assert response.status_code == 302
    inbox = text_of(client.get("/inbox"))
    mine = inbox.split('id="my-tasks"')[1].split('id="queue"')[0]
    assert "Rina Putri" in mine and "Identifikasi" in mine


def test_a_saved_filter_is_listed_applied_and_deleted_and_is_only_its_owners(client, staff, deployed, pages, runtime):
    pages.login("peksos")
    response = pages.post("/inbox/filters", {"name": "Terlambat asesmen", "stage": "asesmen", "sort": "priority",
                                             "overdue": "1"}, token_from="/inbox")
    assert response.status_code == 302 and "stage=asesmen" in response.headers["Location"]
    page = text_of(client.get(response.headers["Location"]))
    assert "Filter disimpan: Terlambat asesmen" in page
    assert '<details class="card filter-panel" id="filter-panel" open' in page
    link = re.search(r'<li data-filter-id="(\d+)"><a href="([^"]+)">Terlambat asesmen</a>', page)
    assert link and "overdue=1" in link.group(2) and "sort=priority" in link.group(2)
    pages.login("peksos2")
    assert "Terlambat asesmen" not in text_of(client.get("/inbox"))
    refused = pages.post(f"/inbox/filters/{link.group(1)}/delete", token_from="/inbox")
    assert refused.status_code == 404
    pages.login("peksos")
    pages.post(f"/inbox/filters/{link.group(1)}/delete", token_from="/inbox")
    assert "Terlambat asesmen" not in text_of(client.get("/inbox"))


def test_the_filters_are_folded_away_until_one_is_in_use(client, staff, pages):
    pages.login("peksos")
    assert '<details class="card filter-panel" id="filter-panel" >' in text_of(client.get("/inbox"))


def test_a_supervisor_previews_and_hands_over_an_absent_workers_tasks(client, staff, deployed, pages, runtime):
    cases = [start(runtime, staff, nama=f"Budi {n}", nik=f"317101150190000{n}") for n in (1, 2)]
    for case in cases:
        runtime.claim(case.task("Identifikasi & orientasi").id, staff.actor("peksos"))
    pages.login("peksos")
    assert client.get("/team/away").status_code == 403
    pages.login("supervisor")
    preview = text_of(client.get("/team/away?from=peksos&to=peksos2"))
    assert preview.count('class="goes-to">peksos2</td>') == 2
    assert cases[0].task("Identifikasi & orientasi").assignee == "peksos"  # a preview changes nothing
    response = pages.post("/team/away", {"from": "peksos", "to": "peksos2"}, token_from="/team/away")
    assert response.status_code == 302
    assert "2 tugas terbuka dialihkan." in text_of(client.get(response.headers["Location"]))
    assert {case.task("Identifikasi & orientasi").assignee for case in cases} == {"peksos2"}


def test_an_alert_closes_when_its_task_is_done_and_says_how_late_as_the_row_does(
        client, staff, deployed, pages, runtime, clock, database_url):
    case = start(runtime, staff, nama="Sari Dewi")
    task = case.task("Identifikasi & orientasi")
    work = DueWork(runtime.session_factory, Settings(database_url=database_url), senders={})
    clock.move_to(task.due_at + timedelta(seconds=20))
    assert work.run_pass().alerts == 1
    clock.move_to(task.due_at + timedelta(minutes=3, seconds=5))
    pages.login("peksos")
    inbox = text_of(client.get("/inbox"))
    alerts = inbox.split('id="alerts"')[1]
    assert "terlambat 3 menit" in alerts and "kurang dari" not in alerts and "terlambat 1 menit" not in alerts
    assert not re.search(r"\d{2}-\d{2}-\d{4}", alerts)  # dates as everywhere else: '8 Jan 2026 09.00'
    assert re.search(r"· \w[\w ]* \d{1,2} \w{3} \d{4} \d{2}\.\d{2}</span>", alerts), alerts[:1500]
    case.complete("Identifikasi & orientasi")
    assert "Sari Dewi" not in text_of(client.get("/inbox")).split('id="alerts"')[1]
    with runtime.session_factory() as session:
        assert session.scalars(select(Alert)).all()  # kept for the record, no longer shown as work


def test_the_nav_badge_counts_the_tasks_the_page_lists(client, staff, deployed, pages, runtime):
    start(runtime, staff)
    start(runtime, staff, nama="Dewi", nik="3171015502910002")
    pages.login("peksos")
    inbox = text_of(client.get("/inbox"))
    assert re.search(r'<span class="count" title="Tugas terbuka">2</span>', inbox)
    assert re.search(r"<h1>Tugas Saya <span class=\"muted\">\(2\)</span></h1>", inbox)


def test_a_completed_task_names_who_completed_it_and_not_an_open_queue(client, staff, deployed, pages, runtime):
    case = start(runtime, staff)
    done = case.complete("Identifikasi & orientasi")
    pages.login("peksos")
    page = text_of(client.get(f"/tasks/{done.id}"))
    assert "antrean terbuka" not in page and "Selesai · peksos" in page


def test_the_case_list_shows_who_holds_the_work_and_how_much_is_overdue(client, staff, deployed, pages, runtime, clock):
    held = start(runtime, staff, nama="Andi")
    runtime.claim(held.task("Identifikasi & orientasi").id, staff.actor("peksos"))
    start(runtime, staff, nama="Dewi", nik="3171015502910002")
    clock.move_to(held.task("Identifikasi & orientasi").due_at + timedelta(hours=1))
    pages.login("peksos")
    page = text_of(client.get("/cases"))
    assert page.count('class="case-assignee">peksos</td>') == 1
    assert page.count('<span class="muted">antrean terbuka</span>') == 1
    assert page.count('class="case-overdue"><span class="badge badge-overdue">1 tugas</span>') == 2


def test_history_and_shown_values_write_a_birth_date_like_every_other_date(client, staff, deployed, pages, runtime):
    case = start(runtime, staff, tanggal_lahir="2009-05-14")
    pages.login("supervisor")
    page = text_of(client.get(f"/cases/{case.case_id}"))
    assert "14 Mei 2009" in page and "2009-05-14" not in page.split("</main>")[0].split('<main')[1].replace(
        'value="2009-05-14"', "")
    with runtime.session_factory() as session:
        assert session.scalars(select(HistoryEvent).where(HistoryEvent.case_id == case.case_id)).first()


def test_every_page_starts_with_a_skip_link_and_the_login_focuses_the_username(client, staff, pages):
    login = text_of(client.get("/login"))
    assert '<a class="skip-link" href="#main">Langsung ke isi</a>' in login
    assert re.search(r'<input[^>]*autofocus[^>]*name="username"|<input[^>]*name="username"[^>]*autofocus', login)


def test_a_supervisor_merges_two_pm_records_from_the_case_page_after_a_preview(
        client, staff, deployed, pages, runtime):
    kept = start(runtime, staff, nama="Budi Santoso", nik="3171011501900001")
    gone = CaseDriver(runtime, staff, runtime.start_case(
        "atensi_intake", registration(nama="Budi Santosa", nik="3171011501900009"),
        staff.actor("peksos")))
    pages.login("peksos")
    assert 'id="merge-pm-form"' not in text_of(client.get(f"/cases/{kept.case_id}"))
    assert client.get(f"/cases/{kept.case_id}/merge-pm?other=K-{gone.case_id:06d}").status_code == 403
    pages.login("supervisor")
    assert 'id="merge-pm-form"' in text_of(client.get(f"/cases/{kept.case_id}"))
    preview = text_of(client.get(f"/cases/{kept.case_id}/merge-pm?other=K-{gone.case_id:06d}"))
    assert f'<span class="moving-case">K-{gone.case_id:06d}</span>' in preview and "Budi Santosa" in preview
    assert client.get(f"/cases/{kept.case_id}/merge-pm?other=xyz").status_code == 422
    refused = pages.post(f"/cases/{kept.case_id}/merge-pm", {"other": f"K-{gone.case_id:06d}", "reason": " "},
                         token_from=f"/cases/{kept.case_id}")
    assert refused.status_code == 200  # the preview again, with the reason asked for
    done = pages.post(f"/cases/{kept.case_id}/merge-pm", {"other": f"K-{gone.case_id:06d}", "reason": "NIK keliru"},
                      token_from=f"/cases/{kept.case_id}")
    assert done.status_code == 302
    page = text_of(client.get(f"/cases/{kept.case_id}"))
    assert f'data-case-number="K-{gone.case_id:06d}"' in page  # the other case is now this PM's
