"""Cases that leave the planned path (issue 13): consent refused, a child without the guardian's
consent, a relapse in aftercare, a plan revision asked by a monthly monitoring, and the supervisor's
review decision at the end of the period. Simulated time (the ``clock`` fixture)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine import clock as engine_clock
from engine.cases import runtime as runtime_module
from engine.errors import InvalidInput
from engine.storage.models import Case
from tests.case_driver import GUARDIAN, CaseDriver, registration

pytestmark = pytest.mark.database

MOTIVASI, IDENTIFIKASI, SKRINING = "Motivasi & penjangkauan", "Identifikasi & orientasi", "Skrining ASSIST"
TINJAU = "Tinjau intervensi yang belum selesai"


def start(runtime, staff, **extra) -> CaseDriver:
    case_id = runtime.start_case("atensi_intake", registration(**extra), staff.actor("peksos"))
    return CaseDriver(runtime, staff, case_id)


def case_data(runtime, case_id: int) -> dict:
    with runtime.session_factory() as session:
        wf, _ = runtime_module._load(session, session.get(Case, case_id))
        return dict(wf.last_task.data)


def fire_after(runtime, case: CaseDriver, clock, **delta) -> None:
    clock.shift(timedelta(**delta))
    assert runtime.fire_timers(case.case_id)


def test_refused_consent_goes_to_motivation_with_a_due_date_not_to_skrining(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    case.complete(IDENTIFIKASI, persetujuan_layanan=False)
    assert case.open_names() == [MOTIVASI]
    motivation = case.task(MOTIVASI)
    assert engine_clock.as_utc(motivation.due_at) == engine_clock.now() + timedelta(days=14)  # product default
    case.complete(MOTIVASI, hasil_motivasi="minta_persetujuan_lagi")
    assert case.open_names() == [IDENTIFIKASI]  # consent is asked again
    case.complete(IDENTIFIKASI, persetujuan_layanan=True)
    assert case.open_names() == [SKRINING]


def test_a_pm_who_keeps_refusing_ends_the_case_with_menolak_layanan_through_the_same_terminasi(
        runtime, staff, deployed, clock):
    case = start(runtime, staff)
    case.complete(IDENTIFIKASI, persetujuan_layanan=False)
    case.complete(MOTIVASI, hasil_motivasi="menolak_layanan")
    # the early termination's own path: its report, then closed without bimbingan lanjut
    assert case.open_names() == ["Laporan terminasi"] and case.case().stage == "terminasi"
    assert case_data(runtime, case.case_id)["alasan_terminasi"] == "menolak_layanan"
    case.complete("Laporan terminasi", alasan_terminasi="menolak_layanan")
    final = case.case()
    assert final.status == "completed" and case.open_names() == []
    assert "Task_skrining" not in final.completed_elements
    assert {"Task_laporan_terminasi_dini", "End_terminasi_dini_ditutup"} <= set(final.completed_elements)


def test_a_child_without_the_guardians_consent_and_identity_is_refused(runtime, staff, deployed, clock):
    child = start(runtime, staff, nama="Adi Kecil", tanggal_lahir="2012-03-01")
    with pytest.raises(InvalidInput) as refused:
        child.complete(IDENTIFIKASI, persetujuan_layanan=True)
    assert {"persetujuan_wali", "nama_wali", "hubungan_wali", "kontak_wali"} <= set(refused.value.fields)
    assert child.open_names() == [IDENTIFIKASI]


def test_a_submission_cannot_make_a_child_an_adult(runtime, staff, deployed, clock):
    child = start(runtime, staff, nama="Adi Kecil", tanggal_lahir="2012-03-01")
    with pytest.raises(InvalidInput) as refused:
        child.complete(IDENTIFIKASI, persetujuan_layanan=True, kategori_usia="dewasa")
    assert "kategori_usia" in refused.value.fields and "nama_wali" in refused.value.fields


def test_a_guardian_who_refuses_sends_the_child_to_motivation(runtime, staff, deployed, clock):
    child = start(runtime, staff, nama="Adi Kecil", tanggal_lahir="2012-03-01")
    child.complete(IDENTIFIKASI, persetujuan_layanan=True, **{**GUARDIAN, "persetujuan_wali": False})
    assert child.open_names() == [MOTIVASI]


def test_a_child_with_the_guardians_consent_goes_on_to_skrining(runtime, staff, deployed, clock):
    child = start(runtime, staff, nama="Adi Kecil", tanggal_lahir="2012-03-01")
    child.complete(IDENTIFIKASI, persetujuan_layanan=True, **GUARDIAN)
    assert child.open_names() == [SKRINING]


def test_an_adult_needs_no_guardian(runtime, staff, deployed, clock):
    adult = start(runtime, staff)
    adult.complete(IDENTIFIKASI, persetujuan_layanan=True)
    assert adult.open_names() == [SKRINING]


def into_aftercare(case: CaseDriver, runtime, clock) -> None:
    case.into_intervensi(score=15, setting="rawat_jalan")
    case.complete("Pelaksanaan intervensi", rencana_selesai=True)
    fire_after(runtime, case, clock, days=95)
    case.complete("Laporan terminasi", alasan_terminasi="selesai")
    case.complete("Persetujuan terminasi", terminasi_disetujui=True)
    case.complete("Rencana bimbingan lanjut", bentuk_bimbingan=["kursus"])


def test_a_relapse_in_aftercare_goes_back_to_re_asesmen_and_a_new_plan(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    into_aftercare(case, runtime, clock)
    case.complete("Kunjungan tindak lanjut", kondisi_pm_saat_kunjungan="stabil")
    assert case.open_names() == ["Kunjungan tindak lanjut"]
    case.complete("Kunjungan tindak lanjut", kondisi_pm_saat_kunjungan="kambuh")
    assert case.open_names() == ["Asesmen lanjut"] and case.case().stage == "asesmen"
    case.complete("Asesmen lanjut", setting="rawat_inap")
    case.complete("Rujukan rehabilitasi medis")
    assert case.open_names() == ["Susun rencana intervensi"]
    case.complete("Susun rencana intervensi", komponen_atensi=["terapi"])
    case.complete("Persetujuan rencana intervensi", rencana_disetujui=True)
    assert case.open_names() == ["Pelaksanaan intervensi"] and case.case().stage == "intervensi"
    assert case_data(runtime, case.case_id)["durasi_program"] == "P4M"  # a new period for the new setting


def test_a_relapse_at_the_last_visit_does_not_close_the_case(runtime, staff, deployed, clock):
    case = start(runtime, staff, jumlah_kunjungan=1)
    into_aftercare(case, runtime, clock)
    case.complete("Kunjungan tindak lanjut", kondisi_pm_saat_kunjungan="kambuh")
    assert case.open_names() == ["Asesmen lanjut"] and case.case().status == "active"


def test_a_monitoring_review_sends_the_plan_for_revision_while_the_programme_runs(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    case.into_intervensi(score=15, setting="rawat_jalan")
    period_end = case_data(runtime, case.case_id)["akhir_program"]
    fire_after(runtime, case, clock, days=31, minutes=1)
    case.complete("Monitoring bulanan", perlu_penyesuaian_rencana=True, kendala="Tidak hadir konseling")
    assert case.open_names() == ["Pelaksanaan intervensi", "Revisi rencana intervensi"]
    case.complete("Revisi rencana intervensi", komponen_atensi=["terapi", "dukungan_keluarga"])
    approval = case.task("Persetujuan revisi rencana")
    assert approval.role == "supervisor"
    case.complete("Persetujuan revisi rencana", rencana_disetujui=False, catatan_supervisor="Tambah vokasional")
    case.complete("Revisi rencana intervensi", komponen_atensi=["terapi", "pelatihan_vokasional"])
    case.complete("Persetujuan revisi rencana", rencana_disetujui=True)
    assert case.open_names() == ["Pelaksanaan intervensi"] and case.case().stage == "intervensi"
    assert case_data(runtime, case.case_id)["akhir_program"] == period_end  # the period is not reset
    fire_after(runtime, case, clock, days=62)  # the original end (3 months) passes
    assert TINJAU in case.open_names()


def test_a_monitoring_without_adjustment_changes_nothing(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    case.into_intervensi(score=15, setting="rawat_jalan")
    fire_after(runtime, case, clock, days=31, minutes=1)
    case.complete("Monitoring bulanan")  # perlu_penyesuaian_rencana defaults to no
    assert case.open_names() == ["Pelaksanaan intervensi"]


def at_the_review(runtime, staff, clock, setting="rawat_inap") -> CaseDriver:
    case = start(runtime, staff)
    case.into_intervensi(score=30, setting=setting)
    fire_after(runtime, case, clock, days=130)
    for _ in range(case.open_names().count("Monitoring bulanan")):
        case.complete("Monitoring bulanan")
    assert case.open_names() == [TINJAU]
    return case


def test_the_review_can_extend_the_period_a_bounded_number_of_times(runtime, staff, deployed, clock):
    case = at_the_review(runtime, staff, clock)
    for extension in (1, 2):
        case.complete(TINJAU, keputusan="perpanjang", lama_perpanjangan="P1M")
        assert case.open_names() == ["Pelaksanaan intervensi"] and case.case().stage == "intervensi"
        assert case_data(runtime, case.case_id)["jumlah_perpanjangan"] == extension
        fire_after(runtime, case, clock, days=32)
        for _ in range(case.open_names().count("Monitoring bulanan")):
            case.complete("Monitoring bulanan")
        assert case.open_names() == [TINJAU]
    case.complete(TINJAU, keputusan="perpanjang", lama_perpanjangan="P1M")
    assert case.open_names() == [TINJAU]  # product default: at most two extensions
    case.complete(TINJAU, keputusan="lanjut_tahap_berikutnya")
    assert case.open_names() == ["Tes minat dan bakat"]


def test_an_extension_needs_its_length(runtime, staff, deployed, clock):
    case = at_the_review(runtime, staff, clock)
    with pytest.raises(InvalidInput) as refused:
        case.complete(TINJAU, keputusan="perpanjang")
    assert "lama_perpanjangan" in refused.value.fields


def test_the_review_can_terminate_without_reintegrasi(runtime, staff, deployed, clock):
    case = at_the_review(runtime, staff, clock)
    case.complete(TINJAU, keputusan="terminasi")
    assert case.open_names() == ["Laporan terminasi"] and case.case().stage == "terminasi"


def test_moving_on_from_the_review_follows_the_setting(runtime, staff, deployed, clock):
    case = at_the_review(runtime, staff, clock, setting="rawat_jalan")
    case.complete(TINJAU, keputusan="lanjut_tahap_berikutnya")
    assert case.open_names() == ["Laporan terminasi"]


def test_a_family_not_yet_ready_gets_more_preparation_before_the_home_visit(runtime, staff, deployed, clock):
    case = start(runtime, staff)
    case.into_intervensi(score=30, setting="rawat_inap")
    case.complete("Pelaksanaan intervensi", rencana_selesai=True)
    fire_after(runtime, case, clock, days=130)
    for _ in range(case.open_names().count("Monitoring bulanan")):
        case.complete("Monitoring bulanan")
    case.complete("Tes minat dan bakat")
    case.complete("Persiapan keluarga", keluarga_siap=False)
    assert case.open_names() == ["Persiapan keluarga"]
    case.complete("Persiapan keluarga", keluarga_siap=True)
    assert case.open_names() == ["Kunjungan rumah"]
