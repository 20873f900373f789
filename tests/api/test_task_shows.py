"""The task resource carries the case data its task shows (in full, with labels) and its banner; a plan
returned without a note is a 422 naming the note."""
from tests.api.http_case import HttpCase, pm

LONG_PLAN = "Konseling individu setiap Senin; konseling keluarga dua kali sebulan. " * 20


def test_plan_approval_carries_the_plan_and_a_return_needs_a_note(api, staff, deployed):
    created = api.as_("peksos").post("/cases", json={"unit_id": staff.unit_id, "pm": pm()})
    case = HttpCase(api, created.json["id"])
    case.complete("Identifikasi & orientasi")
    case.complete("Skrining ASSIST", zat_utama="ganja", skor_ganja=31)
    case.complete("Asesmen lanjut", setting="rawat_inap", catatan_asesmen="Ringkas: siap berubah.")
    case.complete("Rujukan rehabilitasi medis")
    case.complete("Susun rencana intervensi", komponen_atensi=["terapi"], rencana_kegiatan=LONG_PLAN)

    approval = case.task("Persetujuan rencana intervensi")
    detail = api.as_("supervisor").get(f"/tasks/{approval['id']}").json
    shows = {item["path"]: item for item in detail["shows"]}
    assert shows["rencana_kegiatan"]["text"] == LONG_PLAN and shows["rencana_kegiatan"]["label"] == "Rencana kegiatan"
    assert shows["catatan_asesmen"]["text"] == "Ringkas: siap berubah."
    assert detail["banner"] is None

    refused = api.as_("supervisor").post(f"/tasks/{approval['id']}/complete",
                                         json={"data": {"rencana_disetujui": False}})
    assert refused.status_code == 422 and "catatan_supervisor" in refused.json["fields"], refused.json
    blank = api.as_("supervisor").post(f"/tasks/{approval['id']}/complete",
                                       json={"data": {"rencana_disetujui": False, "catatan_supervisor": "  "}})
    assert blank.status_code == 422 and "catatan_supervisor" in blank.json["fields"]
    case.complete("Persetujuan rencana intervensi", rencana_disetujui=False, catatan_supervisor="Perjelas jadwal.")

    revision = case.task("Susun rencana intervensi")
    banner = api.as_("peksos").get(f"/tasks/{revision['id']}").json["banner"]
    assert (banner["path"], banner["label"], banner["text"]) == ("catatan_supervisor", "Catatan supervisor",
                                                                 "Perjelas jadwal.")
