"""Need to know: sensitive form fields are masked for whoever is not on the case; lists mask NIKs."""
from __future__ import annotations

import json

import pytest

from engine.config import BPMN_DIR
from engine.errors import InvalidInput
from engine.privacy import need_to_know
from engine.read.case_search import CaseFilter
from engine.read.inbox import TaskFilter
from engine.read.queries import Queries
from tests.case_driver import CaseDriver, registration

NIK = "3171011501900001"


@pytest.fixture
def driver(runtime, staff, deployed, clock):
    driver = CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(nik=NIK),
                                                           staff.actor("peksos")))
    driver.complete("Identifikasi & orientasi")
    driver.complete("Skrining ASSIST", zat_utama="kokain", skor_kokain=15)
    return driver


def screening(history):
    return next(e.data for e in history if e.kind == "task_completed" and "skor_kokain" in e.data)


@pytest.mark.unit
def test_the_atensi_forms_mark_drug_legal_and_psychiatric_fields_sensitive():
    forms = {path.name: json.loads(path.read_text()) for path in (BPMN_DIR / "forms").glob("*.json")}
    sensitive = need_to_know.sensitive_fields(forms)
    assert {"skor_kokain", "skor_alkohol", "zat_utama", "hukum", "psikiatri", "penggunaan_napza"} <= sensitive
    assert "setting" not in sensitive


def test_the_cases_own_worker_and_the_units_supervisor_see_sensitive_history(driver, staff, session_factory):
    queries = Queries(session_factory)
    for username in ("peksos", "supervisor"):
        assert screening(queries.history(staff.actor(username), driver.case_id))["zat_utama"] == "kokain"


def test_a_worker_not_on_the_case_sees_sensitive_values_masked(driver, staff, session_factory):
    data = screening(Queries(session_factory).history(staff.actor("peksos2"), driver.case_id))
    assert data["zat_utama"] == need_to_know.MASK and data["skor_kokain"] == need_to_know.MASK


def test_task_data_is_masked_for_a_worker_not_on_the_case(driver, staff, session_factory):
    task = driver.task("Asesmen lanjut")  # its data holds the screening
    queries = Queries(session_factory)
    assert queries.task(staff.actor("peksos2"), task.id)["data"]["zat_utama"] == need_to_know.MASK
    assert queries.task(staff.actor("peksos"), task.id)["data"]["zat_utama"] == "kokain"


def test_lists_show_a_nik_masked_except_its_last_four_digits(driver, staff, session_factory):
    queries = Queries(session_factory)
    listed = queries.cases(staff.actor("peksos"), CaseFilter()).items[0]
    assert listed.pm_nik == "************0001"
    tasks = queries.inbox(staff.actor("peksos"), TaskFilter(case_id=driver.case_id)).items
    assert tasks and {t["pm_nik"] for t in tasks} == {"************0001"}
    assert queries.case(staff.actor("peksos"), driver.case_id)["pm_nik"] == NIK
    assert [c.id for c in queries.cases(staff.actor("peksos"), CaseFilter(text=NIK)).items] == [driver.case_id]


@pytest.mark.unit
def test_masking_keeps_the_shape_of_the_data():
    names = frozenset({"hukum"})
    data = {"hukum": 3, "nested": [{"hukum": "x", "ok": 1}], "empty": {"hukum": None}}
    assert need_to_know.masked(data, names) == {
        "hukum": need_to_know.MASK, "nested": [{"hukum": need_to_know.MASK, "ok": 1}], "empty": {"hukum": None}}
    assert need_to_know.mask_nik(NIK) == "************0001" and need_to_know.mask_nik(None) is None


@pytest.mark.unit
def test_a_masked_value_sent_back_is_refused_naming_its_field():
    forms = {"skrining.json": {"properties": {"zat_utama": {"type": "string", "x-sensitive": True}}}}
    with pytest.raises(InvalidInput) as refused:
        need_to_know.refuse_masked({"zat_utama": need_to_know.MASK, "catatan": "ok"},
                                   lambda: need_to_know.sensitive_fields(forms))
    assert list(refused.value.fields) == ["zat_utama"]
    need_to_know.refuse_masked({"zat_utama": "kokain"}, lambda: need_to_know.sensitive_fields(forms))  # passes


def test_a_field_sensitive_in_a_version_the_case_ran_on_stays_masked_after_a_migration(
        driver, runtime, staff, session_factory):
    from engine.cases.migration import CaseMigrations
    from engine.definitions.deployments import folder_bundles
    from engine.people.access import SYSTEM_ACTOR

    bundle = next(b for b in folder_bundles(BPMN_DIR) if "atensi_intake.bpmn" in b)
    unmarked = {name: content.replace(b'"x-sensitive": true,', b"") for name, content in bundle.items()}
    assert unmarked != bundle
    newer, created = runtime.deploy(unmarked, SYSTEM_ACTOR, note="tanpa penanda")
    assert created
    report = CaseMigrations(session_factory).migrate("atensi_intake", SYSTEM_ACTOR, case_ids=[driver.case_id])
    assert [c.status for c in report.cases] == ["migrated"] and driver.case().process_version_id == newer.id
    data = screening(Queries(session_factory).history(staff.actor("peksos2"), driver.case_id))
    assert data["zat_utama"] == need_to_know.MASK and data["skor_kokain"] == need_to_know.MASK
    task = driver.task("Asesmen lanjut")
    assert Queries(session_factory).task(staff.actor("peksos2"), task.id)["data"]["zat_utama"] == need_to_know.MASK
    # Sent back as shown, the mask is refused although the new version no longer marks the field.
    answers = {"medis": 2, "pekerjaan": 1, "penggunaan_napza": 3, "hukum": 0, "keluarga_sosial": 2, "psikiatri": 1,
               "kesiapan_berubah": "persiapan", "setting": "rawat_jalan", "catatan_asesmen": need_to_know.MASK}
    with pytest.raises(InvalidInput) as refused:
        runtime.complete_task(task.id, answers, staff.actor("peksos"))
    assert list(refused.value.fields) == ["catatan_asesmen"]
