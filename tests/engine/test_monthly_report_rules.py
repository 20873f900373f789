"""The monthly laporan kegiatan's rules: sex read from the PM record, each ATENSI component counted
on its own, people counted once across their cases, and who reads which unit's report."""
from __future__ import annotations

import pytest

from engine import clock as engine_clock
from engine.errors import Forbidden
from engine.people import accounts
from engine.read.monthly import MonthlyReport
from engine.storage.models import Case, Pm, Unit
from tests.case_driver import CaseDriver, registration
from tests.conftest import PASSWORD, QUICK_PASSWORDS

pytestmark = pytest.mark.database


def start(runtime, staff, **pm) -> CaseDriver:
    return CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(**pm), staff.actor("peksos")))


def this_month() -> tuple[int, int]:
    now = engine_clock.now()
    return now.year, now.month


@pytest.fixture
def report(session_factory):
    return MonthlyReport(session_factory)


def test_sex_is_read_from_the_pm_record_not_the_registrations_copy(report, runtime, staff, deployed,
                                                                   session_factory):
    case = start(runtime, staff, nik="3171011501900011")
    with session_factory() as session:  # the PM record corrected after registration
        session.get(Pm, session.get(Case, case.case_id).pm_id).sex = "P"
        session.commit()
    built = report.build(staff.actor("supervisor"), *this_month())
    assert built["by_sex"] == {"P": 1}


def test_each_atensi_component_of_a_plan_is_counted_on_its_own(report, runtime, staff, deployed):
    for nik, components in (("3171011501900021", ["terapi", "dukungan_keluarga"]), ("3171011501900022", ["terapi"])):
        case = start(runtime, staff, nik=nik)
        for name, data in (("Identifikasi & orientasi", {}),
                           ("Skrining ASSIST", {"zat_utama": "ganja", "skor_ganja": 2}),
                           ("Rujukan rehabilitasi medis", {}),
                           ("Susun rencana intervensi", {"komponen_atensi": components})):
            case.complete(name, **data)
    built = report.build(staff.actor("supervisor"), *this_month())
    assert built["by_component"] == {"terapi": 2, "dukungan_keluarga": 1}


def test_a_pm_with_two_cases_is_one_person_served(report, runtime, staff, deployed):
    first = start(runtime, staff, nik="3171011501900031")
    runtime.start_case("atensi_intake", registration(nik="3171011501900031"), staff.actor("peksos"),
                       pm_id=first.case().pm_id)
    built = report.build(staff.actor("supervisor"), *this_month())
    assert built["cases_served"] == 2 and built["pm_served"] == 1


def test_a_regional_coordinator_reads_the_reports_of_its_region_only(report, runtime, staff, deployed,
                                                                     session_factory):
    with session_factory() as session:
        session.get(Unit, staff.other_unit_id).parent_unit_id = staff.unit_id
        outside = accounts.create_unit(session, "LKS-03", "LKS Luar", "lks")
        korwil = accounts.create_user(session, "korwil", PASSWORD, ["koordinator_wilayah"], staff.unit_id,
                                      passwords=QUICK_PASSWORDS)
        session.commit()
        korwil, outside_id = accounts.actor_for(korwil), outside.id
    assert report.build(korwil, *this_month(), unit_id=staff.other_unit_id)["unit_id"] == staff.other_unit_id
    assert report.build(korwil, *this_month())["unit_id"] == staff.unit_id
    with pytest.raises(Forbidden):
        report.build(korwil, *this_month(), unit_id=outside_id)
    with pytest.raises(Forbidden):  # a pekerja sosial reads no report
        report.build(staff.actor("peksos"), *this_month())


def test_a_regional_coordinator_reads_the_units_below_its_region_s_units_too(report, staff, deployed,
                                                                            session_factory):
    """Balai (staff.unit) → LKS (staff.other_unit) → a satellite under the LKS: the Balai's koordinator
    wilayah reads all three; the LKS's supervisor reads only its own."""
    from engine.read.dashboard import Dashboard

    with session_factory() as session:
        session.get(Unit, staff.other_unit_id).parent_unit_id = staff.unit_id
        satellite = accounts.create_unit(session, "POS-04", "Pos Satelit", "lks", parent_unit_id=staff.other_unit_id)
        korwil = accounts.create_user(session, "korwil", PASSWORD, ["koordinator_wilayah"], staff.unit_id,
                                      passwords=QUICK_PASSWORDS)
        session.get(Unit, staff.unit_id).parent_unit_id = satellite.id  # a cycle must not loop
        session.commit()
        korwil, satellite_id = accounts.actor_for(korwil), satellite.id
    assert report.build(korwil, *this_month(), unit_id=satellite_id)["unit_id"] == satellite_id
    region = [u["id"] for u in Dashboard(session_factory).region(korwil)]
    assert region[0] == staff.unit_id and set(region) == {staff.unit_id, staff.other_unit_id, satellite_id}
    with pytest.raises(Forbidden):
        report.build(staff.actor("supervisor"), *this_month(), unit_id=satellite_id)
