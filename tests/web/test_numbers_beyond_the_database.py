"""A number in a page's URL, query or form beyond the database's INTEGER names nothing: the pages answer
it like any unknown or unreadable number (404, or the filter left out), never with a database error."""
from __future__ import annotations

import pytest

from tests.case_driver import registration

HUGE = "99999999999999999999"


@pytest.fixture
def case_id(runtime, staff, deployed):
    return runtime.start_case("atensi_intake", registration(nama="Rina Angka"), staff.actor("peksos"))


@pytest.mark.parametrize("path", [
    f"/cases/{HUGE}", f"/cases/{HUGE}/documents/1", f"/definitions/atensi_intake/{HUGE}",
    f"/cases?page={HUGE}", f"/dashboard?unit={HUGE}", f"/reports/monthly?unit={HUGE}",
    f"/privacy/access-log?case_id={HUGE}",
])
def test_a_huge_number_in_a_page_address_is_no_server_error(pages, client, staff, deployed, path):
    pages.login("supervisor")
    assert client.get(path).status_code < 500


def test_a_huge_number_in_a_form_is_no_server_error(pages, client, case_id, staff):
    pages.login("peksos")
    page = f"/cases/{case_id}"
    posts = {f"/cases/{case_id}/transfer": {"to_unit_id": HUGE, "reason": "PM pindah", "consent_given_by": "Rina",
                                            "consent_given_on": "2026-01-02"},
             f"/cases/{case_id}/referral": {"service": "shelter", "to_unit_id": HUGE, "reason": "x"},
             f"/cases/{case_id}/notes": {"text": "Catatan", "corrects": HUGE}}
    for path, form in posts.items():
        assert pages.post(path, form, token_from=page).status_code < 500, path


@pytest.mark.parametrize("path", ["/cases?q=Rina%00Angka", "/privacy/access-log?actor=peksos%00"])
def test_a_nul_character_in_a_search_is_no_server_error(pages, client, case_id, path):
    """PostgreSQL refuses a NUL character in text; the page says the value cannot be used."""
    pages.login("supervisor")
    assert client.get(path).status_code < 500
