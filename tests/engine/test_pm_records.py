"""A PM is a record of their own across cases: registration links or refuses duplicates, a case
response belongs to its parent's PM, a supervisor merges two records, retention and subject access
follow the record, and the dashboard counts people apart from cases."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import clock as engine_clock
from engine.cases import registration
from engine.cases.numbers import case_id_of, case_number
from engine.errors import Forbidden, InvalidInput
from engine.pms import duplicates
from engine.pms.records import name_key
from engine.pms.service import PmRecords
from engine.privacy.retention import ANONYMISED, Retention
from engine.privacy.subject_access import SubjectAccess
from engine.read.dashboard import Dashboard
from engine.read.queries import Queries
from engine.storage.models import AccessLogEntry, Case, HistoryEvent, Pm
from engine.vocabulary import CASE_COMPLETED, INTAKE, KRISIS
from tests.case_driver import CaseDriver
from tests.case_driver import registration as payload

PM = {"nama": "Budi Santoso", "nik": "3171011501900001", "tanggal_lahir": "1990-01-15", "jenis_kelamin": "L"}


def pm_of(runtime, case_id: int) -> int:
    with runtime.session_factory() as session:
        return session.scalar(select(Case.pm_id).where(Case.id == case_id))


@pytest.mark.unit
def test_names_match_without_accents_case_punctuation_or_extra_spaces():
    assert name_key("  Budi   SANTOSO, S.Pd ") == name_key("budi santoso s pd") == "budi santoso s pd"
    assert name_key("Adé Nuñez") == "ade nunez"


@pytest.mark.unit
def test_a_case_number_reads_back_to_its_id():
    assert case_number(123) == "K-000123"
    assert case_id_of("K-000123") == case_id_of("k123") == 123
    assert case_id_of("Budi") is None and case_id_of("3171011501900001") is None


def test_registering_a_nik_again_in_any_unit_says_who_and_where_without_the_other_units_content(
        runtime, staff, deployed):
    first = registration.register(runtime, PM, staff.actor("peksos"))
    with pytest.raises(duplicates.DuplicatePm) as found:
        registration.register(runtime, {**PM, "nama": "Budi S."}, staff.actor("asing"), staff.other_unit_id)
    [match] = found.value.matches
    assert (match.pm_id, match.name, match.matched_by, match.nik_last4) == (
        pm_of(runtime, first), "Budi Santoso", duplicates.BY_NIK, "0001")
    [seen] = match.cases
    assert (seen.case_id, seen.number, seen.unit_id, seen.stage, seen.visible) == (
        first, case_number(first), staff.unit_id, "identifikasi", False)
    assert case_number(first) in str(found.value)
    with runtime.session_factory() as session:
        assert session.scalar(select(Case.id).where(Case.unit_id == staff.other_unit_id)) is None  # nothing started


def test_a_new_case_for_the_same_pm_links_to_their_record_and_the_case_page_lists_the_other(
        runtime, staff, deployed):
    first = registration.register(runtime, PM, staff.actor("peksos"))
    pm_id = pm_of(runtime, first)
    again = registration.register(runtime, PM, staff.actor("peksos"), pm_id=pm_id)
    theirs = registration.register(runtime, PM, staff.actor("asing"), staff.other_unit_id, pm_id=pm_id)
    assert pm_of(runtime, again) == pm_of(runtime, theirs) == pm_id
    detail = Queries(runtime.session_factory).case(staff.actor("peksos"), again)
    assert detail["pm_id"] == pm_id
    assert [(c["case_id"], c["visible"]) for c in detail["pm_cases"]] == [(theirs, False), (first, True)]
    profile = PmRecords(runtime.session_factory).profile(staff.actor("peksos"), pm_id)
    assert profile["nik"] == PM["nik"] and len(profile["cases"]) == 3


def test_confirming_a_new_case_registers_a_new_pm_and_a_wrong_pm_id_is_named(runtime, staff, deployed):
    first = registration.register(runtime, PM, staff.actor("peksos"))
    second = registration.register(runtime, PM, staff.actor("peksos"), confirm_new_case=True)
    assert pm_of(runtime, first) != pm_of(runtime, second)
    with pytest.raises(InvalidInput) as refused:
        registration.register(runtime, PM, staff.actor("peksos"), pm_id=999999)
    assert list(refused.value.fields) == ["pm_id"]


def test_an_emergency_without_nik_warns_on_the_same_normalised_name_and_birth_date(runtime, staff, deployed):
    registration.register(runtime, PM, staff.actor("peksos"))
    emergency = {"nama": "  budi  SANTOSO ", "tanggal_lahir": "1990-01-15"}
    with pytest.raises(duplicates.DuplicatePm) as found:
        registration.refer_emergency(runtime, emergency, "overdosis", staff.actor("peksos"))
    assert found.value.matches[0].matched_by == duplicates.BY_NAME_AND_BIRTH
    case_id = registration.refer_emergency(runtime, emergency, "overdosis", staff.actor("peksos"),
                                           pm_id=found.value.matches[0].pm_id)
    assert pm_of(runtime, case_id) == found.value.matches[0].pm_id
    registration.refer_emergency(runtime, {"nama": "Budi Santoso"}, "overdosis", staff.actor("peksos"))  # no date


def test_a_crisis_case_response_belongs_to_the_parents_pm(runtime, staff, deployed):
    case = CaseDriver(runtime, staff, runtime.start_case(INTAKE, payload(), staff.actor("peksos")))
    for name, data in (("Identifikasi & orientasi", {}), ("Skrining ASSIST", {"zat_utama": "ganja", "skor_ganja": 2}),
                       ("Rujukan rehabilitasi medis", {}),
                       ("Susun rencana intervensi", {"komponen_atensi": ["terapi"]}),
                       ("Persetujuan rencana intervensi", {"rencana_disetujui": True})):
        case.complete(name, **data)
    runtime.send_message(case.case_id, KRISIS, {"uraian": "overdosis"}, staff.actor("peksos"))
    with runtime.session_factory() as session:
        child = session.scalar(select(Case).where(Case.parent_case_id == case.case_id))
        assert child.pm_id == pm_of(runtime, case.case_id)
    board = Dashboard(runtime.session_factory).summary(staff.actor("supervisor"))
    assert (board["live_cases"], board["live_people"], board["live_case_responses"]) == (2, 1, 1)


def test_a_supervisor_merges_two_records_of_one_person_with_history_on_every_moved_case(runtime, staff, deployed):
    kept_case = registration.register(runtime, PM, staff.actor("peksos"))
    typo = {**PM, "nik": "3171011501900009", "nama": "Budi Santosa"}
    moved_case = registration.register(runtime, typo, staff.actor("peksos"))
    kept, gone = pm_of(runtime, kept_case), pm_of(runtime, moved_case)
    records = PmRecords(runtime.session_factory)
    with pytest.raises(Forbidden):
        records.merge(staff.actor("peksos"), gone, kept, "salah ketik")
    with pytest.raises(Forbidden):  # a supervisor of a unit that holds no case of theirs
        records.merge(staff.actor("asing"), gone, kept, "salah ketik")
    result = records.merge(staff.actor("supervisor"), gone, kept, "salah ketik NIK")
    assert result == {"pm_id": kept, "merged_pm_id": gone, "moved_case_ids": [moved_case]}
    with runtime.session_factory() as session:
        moved = session.get(Case, moved_case)
        assert (moved.pm_id, moved.pm_name, moved.pm_nik) == (kept, "Budi Santoso", PM["nik"])
        event = session.scalars(select(HistoryEvent).where(HistoryEvent.case_id == moved_case,
                                                           HistoryEvent.kind == "pm_merged")).one()
        assert event.data == {"from_pm": gone, "into_pm": kept, "reason": "salah ketik NIK"}
        assert session.get(Pm, gone).merged_into_id == kept
        logged = session.scalars(select(AccessLogEntry).where(AccessLogEntry.object_type == "pm")).all()
        assert [(e.actor, e.case_id) for e in logged] == [("supervisor", moved_case)]
    # a later registration naming the merged record lands on the kept one
    later = registration.register(runtime, PM, staff.actor("peksos"), pm_id=gone)
    assert pm_of(runtime, later) == kept


def test_retention_anonymises_the_pm_record_with_the_last_of_its_cases(runtime, staff, deployed, clock):
    first = registration.register(runtime, PM, staff.actor("peksos"))
    pm_id = pm_of(runtime, first)
    second = registration.register(runtime, PM, staff.actor("peksos"), pm_id=pm_id)
    with runtime.session_factory() as session:
        session.get(Case, first).status, session.get(Case, first).completed_at = CASE_COMPLETED, engine_clock.now()
        session.commit()
    clock.shift(timedelta(days=365 * 6))
    Retention(runtime.session_factory).apply()
    with runtime.session_factory() as session:
        assert session.get(Pm, pm_id).nik == PM["nik"]  # the second case still needs it
        case = session.get(Case, second)
        case.status, case.completed_at = CASE_COMPLETED, engine_clock.now()
        session.commit()
    clock.shift(timedelta(days=365 * 6))
    Retention(runtime.session_factory).apply()
    with runtime.session_factory() as session:
        record = session.get(Pm, pm_id)
        assert (record.name, record.nik, record.birth_date, record.anonymised_at is not None) == (
            ANONYMISED, None, None, True)


def test_subject_access_reports_every_case_of_the_pm_record_those_without_the_nik_too(runtime, staff, deployed):
    first = registration.register(runtime, PM, staff.actor("peksos"))
    emergency = registration.refer_emergency(runtime, {"nama": "Budi"}, "overdosis", staff.actor("peksos"),
                                             pm_id=pm_of(runtime, first))
    report = SubjectAccess(runtime.session_factory).report(PM["nik"], staff.actor("admin"))
    assert [c["id"] for c in report["cases"]] == [first, emergency]
    assert [r["id"] for r in report["pm_records"]] == [pm_of(runtime, first)]
