"""Every page answers odd input with a page, never a server error: each GET page with every common
query parameter set to one odd value at a time, and each form (POST) with every common field set so,
as a supervisor and as a pekerja sosial (what one does first, e.g. closing the case, changes what the
other's requests meet). The values are what people and tools send by mistake: blanks, negative and
huge numbers, impossible dates, long text, a NUL character (PostgreSQL refuses it), markup."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
from flask import url_for
from sqlalchemy import select

from engine.storage.models import HumanTask
from tests.case_driver import registration

ODD = ["", "-1", "abc", "99999999999999999999", "2026-13-45", "x" * 3000, "a\x00b", "1e400", "NaN", "<script>"]
QUERY = ["page", "unit", "month", "q", "stage", "status", "risk", "overdue", "sort", "role", "assignee",
         "due_before", "due_after", "since", "until", "case_id", "actor", "nik", "kind", "process", "per_page",
         "to", "from", "version", "next"]
FORM = ["to_unit_id", "reason", "consent_given_by", "consent_given_on", "service", "to_institution", "text",
        "corrects", "kind", "answer", "note", "username", "to", "party", "given_by", "given_on", "scope", "nama",
        "nik", "tanggal_lahir", "jenis_kelamin", "alamat", "sumber_rujukan", "pm_id", "confirm_new_case", "into",
        "case_number", "month", "unit", "name", "alasan", "persetujuan_layanan", "kondisi_awal", "next"]
SKIPPED = ("/api", "/assets", "/static", "/login", "/logout")


@pytest.fixture
def ids(runtime, staff, deployed) -> dict:
    case_id = runtime.start_case("atensi_intake", registration(nama="Uji Masukan"), staff.actor("peksos"))
    with runtime.session_factory() as session:
        task_id = session.scalars(select(HumanTask.id).where(HumanTask.case_id == case_id)).first()
    return {"case_id": case_id, "task_id": task_id}


def _paths(app, method: str, ids: dict) -> list[str]:
    """One address per page rule of this method, its arguments filled with the fixture's case and task
    (other ids 1, other text x)."""
    paths = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if method not in rule.methods or rule.rule.startswith(SKIPPED):
                continue
            args = {name: ids.get(name, _some_value(name, rule._converters.get(name))) for name in rule.arguments}
            paths.append(url_for(rule.endpoint, **args))
    return sorted(set(paths))


def _some_value(name: str, converter):
    choices = getattr(converter, "items", None)  # <any(csv, xlsx):kind>
    if choices:
        return sorted(choices)[0]
    return 1 if "id" in name or name == "version" else "x"


def test_no_page_answers_odd_query_values_with_a_server_error(app, client, pages, ids):
    pages.login("supervisor")
    failures = [(path, value[:20], response.status_code)
                for path in _paths(app, "GET", ids) for value in ODD
                for response in [client.get(f"{path}{'&' if '?' in path else '?'}"
                                            f"{urlencode({name: value for name in QUERY})}")]
                if response.status_code >= 500]
    assert failures == []


def test_no_form_answers_odd_field_values_with_a_server_error(app, pages, ids):
    failures = []
    for user in ("supervisor", "peksos"):
        pages.login(user)
        for path in _paths(app, "POST", ids):
            for value in ODD:
                response = pages.post(path, {name: value for name in FORM}, token_from=f"/cases/{ids['case_id']}")
                if response.status_code >= 500:
                    failures.append((user, path, value[:20], response.status_code))
    assert failures == []
