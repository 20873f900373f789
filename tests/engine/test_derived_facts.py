"""Derived facts stay derived (issue 13): anak/dewasa comes from the date of birth, follows the PM's
18th birthday during the case, and registration data cannot set it or the risk level."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.cases import registration as registration_rules
from engine.errors import InvalidInput
from engine.storage.models import HistoryEvent
from tests.case_driver import GUARDIAN, CaseDriver, registration

pytestmark = pytest.mark.database


def test_registration_data_cannot_make_a_child_an_adult_or_set_the_risk(runtime, staff, deployed, clock):
    pm = registration(tanggal_lahir="2016-03-01")["pm"]
    for field, value in (("kategori_usia", "dewasa"), ("risk_level", "rendah")):
        with pytest.raises(InvalidInput) as refused:
            registration_rules.register(runtime, pm, staff.actor("peksos"), data={field: value})
        assert list(refused.value.fields) == [f"data.{field}"]
    with pytest.raises(InvalidInput) as refused:
        registration_rules.refer_emergency(runtime, {"nama": "X"}, "krisis", staff.actor("peksos"),
                                           data={"kategori_usia": "dewasa"})
    assert "data.kategori_usia" in refused.value.fields


def test_the_date_of_birth_decides_even_when_a_caller_passes_a_category(runtime, staff, deployed, clock):
    case_id = runtime.start_case("atensi_intake", registration(tanggal_lahir="2016-03-01", kategori_usia="dewasa"),
                                 staff.actor("peksos"))
    assert CaseDriver(runtime, staff, case_id).case().kategori_usia == "anak"


def test_a_pm_who_turns_18_during_the_case_is_dewasa_from_the_next_operation(runtime, staff, deployed, clock):
    # the clock stands at 2026-01-05: the PM turns 18 on 2026-02-01
    case = CaseDriver(runtime, staff, runtime.start_case(
        "atensi_intake", registration(tanggal_lahir="2008-02-01"), staff.actor("peksos")))
    assert case.case().kategori_usia == "anak"
    case.complete("Identifikasi & orientasi", **GUARDIAN)  # a child needs the guardian's consent
    assert case.case().kategori_usia == "anak"
    clock.shift(timedelta(days=27))  # 2026-02-01, the 18th birthday
    case.complete("Skrining ASSIST", zat_utama="ganja", skor_ganja=30)
    assert case.case().kategori_usia == "dewasa"
    with runtime.session_factory() as session:
        kinds = list(session.scalars(select(HistoryEvent.kind).where(HistoryEvent.case_id == case.case_id)))
    assert kinds.count("age_category_changed") == 1
