"""Registering a PM, once in the engine: the rules the API's schema and the pages' form both use, the
payload a case starts with, and the operation that checks before it starts a case."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from engine.cases import registration
from engine.errors import InvalidInput

PM = {"nama": "Budi", "nik": "3171011501900001", "tanggal_lahir": "1990-01-15", "jenis_kelamin": "L"}


@pytest.mark.unit
def test_a_nik_is_exactly_sixteen_digits():
    assert registration.is_nik("3171011501900001")
    assert not any(registration.is_nik(v) for v in ("317101150190000", "31710115019000012", "317101150190000x",
                                                     None, 3171011501900001))


@pytest.mark.unit
def test_a_date_of_birth_is_neither_in_the_future_nor_before_1900():
    assert registration.birth_date_problem(date(1990, 1, 15)) is None
    assert registration.birth_date_problem(date.today() + timedelta(days=2)) == registration.BORN_IN_THE_FUTURE
    assert registration.birth_date_problem(date(1899, 12, 31)) == registration.BORN_BEFORE_1900


@pytest.mark.unit
def test_every_wrong_field_of_a_pm_is_named():
    wrong = {"nama": " ", "nik": "123", "tanggal_lahir": "2999-01-01", "jenis_kelamin": "X"}
    assert set(registration.pm_problems(wrong)) == {"pm.nama", "pm.nik", "pm.tanggal_lahir", "pm.jenis_kelamin"}
    assert registration.pm_problems(PM) == {}


@pytest.mark.unit
def test_an_emergency_referral_may_leave_out_what_is_not_known_yet_but_not_get_it_wrong():
    assert registration.pm_problems({"nama": "Tanpa identitas"}, emergency=True) == {}
    assert set(registration.pm_problems({"nama": "X", "nik": "12"}, emergency=True)) == {"pm.nik"}


@pytest.mark.unit
def test_the_payloads_carry_the_pm_with_iso_dates_and_a_case_response_its_report():
    pm = {**PM, "tanggal_lahir": date(1990, 1, 15)}
    assert registration.intake_payload(pm, {"catatan": "x"}) == {"catatan": "x", "pm": PM}
    referral = registration.case_response_payload({"nama": "X", "nik": None}, "overdosis")
    assert referral == {"pm": {"nama": "X"}, "laporan_krisis": {"uraian": "overdosis"}}


def test_registering_checks_the_pm_before_a_case_starts(runtime, staff, deployed):
    with pytest.raises(InvalidInput) as refused:
        registration.register(runtime, {**PM, "nik": "12"}, staff.actor("peksos"))
    assert list(refused.value.fields) == ["pm.nik"]
    case_id = registration.register(runtime, PM, staff.actor("peksos"))
    assert case_id > 0
