"""The domain rules of issue 14 in the shipped diagram, forms and decision tables: what the seeds say
(the seed named beside each check) and the product defaults labelled as such. Used by verify_diagrams."""
from __future__ import annotations

import json
import pathlib

import jsonschema
from lxml import etree

BPMN_DIR = pathlib.Path(__file__).resolve().parent.parent / "bpmn"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
      "dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
SEVEN_COMPONENTS = (  # seed 001, in its words
    "Dukungan pemenuhan hidup layak", "Perawatan sosial", "Dukungan keluarga", "Terapi",
    "Pelatihan vokasional dan pembinaan kewirausahaan", "Bantuan sosial dan asistensi sosial",
    "Dukungan aksesibilitas")
ENGLISH_WORDS = ("setting", "intake", "gaya asi", "aftercare", "lanjut atensi")


def form(name):
    return json.loads((BPMN_DIR / "forms" / name).read_text(encoding="utf-8"))


def _valid(schema, data):
    return not list(jsonschema.Draft202012Validator(schema).iter_errors(data))


def _intake():
    return etree.parse(str(BPMN_DIR / "atensi_intake.bpmn")).getroot()


def _check(condition, message):
    if not condition:
        raise AssertionError(message)


def check_words():
    """Users read the seed's words in Indonesian: element names, form titles, options and help texts."""
    root = _intake()
    names = [el.get("name") or "" for el in root.iter() if el.get("name")]
    for name in names:
        _check(not any(word in name.lower() for word in ENGLISH_WORDS), f"English in a diagram label: {name!r}")
    _check("resiko sedang dan berat" in names, "the risk routing uses the seed's words (001)")
    for path in sorted((BPMN_DIR / "forms").glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        texts = [schema.get("title", ""), schema.get("description", "")]
        for prop in schema["properties"].values():
            texts += [prop.get("title", ""), prop.get("description", "")]
            texts += list((prop.get("x-enumTitles") or (prop.get("items") or {}).get("x-enumTitles") or {}).values())
        for text in texts:
            _check(not any(word in text.lower() for word in ENGLISH_WORDS), f"{path.name}: English in {text!r}")
    titles = form("rencana_intervensi.json")["properties"]["komponen_atensi"]["items"]["x-enumTitles"]
    _check(tuple(titles.values()) == SEVEN_COMPONENTS, f"the seven ATENSI components by name (001): {titles}")


def check_medical_referral():
    """Seeds 000/001: medical and social rehabilitation for every risk level, with where, when and result."""
    root = _intake()
    flows = {(f.get("sourceRef"), f.get("targetRef")) for f in root.iter(f"{{{NS['bpmn']}}}sequenceFlow")}
    _check(("Gateway_gabung_setting", "Task_rujukan_rehabilitasi_medis") in flows,
           "the medical referral follows the join of every risk level's route")
    _check(("Task_rujukan_rehabilitasi_medis", "Gateway_gabung_revisi_rencana") in flows, "then the plan")
    referral = form("rujukan_rehabilitasi_medis.json")
    _check({"tempat_rujukan", "nama_fasilitas", "tanggal_rujukan"} <= set(referral["required"]), "where and when")
    _check({"puskesmas", "rumah_sakit", "ipwl_medis"} <= set(referral["properties"]["tempat_rujukan"]["enum"]),
           "puskesmas, RS or IPWL with medical services")
    _check("hasil_rujukan" in referral["properties"], "the result")
    _check("Seed 000" in referral["description"] and "Seed 001" in referral["description"], "cites the seeds")


def check_programme_activities():
    """Seed 003 (Bantuan Bertujuan): the activities are tasks inside Intervensi, as many as happen."""
    root = _intake()
    sub = root.find(".//bpmn:subProcess[@id='Sub_intervensi']", NS)
    inside = {el.get("id"): el for el in sub.iter(f"{{{NS['bpmn']}}}userTask")}
    for element in ("Task_sesi_konseling", "Task_tes_urine", "Task_kunjungan_rumah_intervensi",
                    "Task_tindak_lanjut_medis"):
        _check(element in inside, f"{element} is recorded during intervensi")
        _check(inside[element].find("bpmn:documentation", NS) is not None, f"{element} cites its seed")
    role = inside["Task_sesi_konseling"].find(".//spiffworkflow:property[@name='role']", NS)
    _check(role is not None and role.get("value") == "konselor_adiksi", "the konselor adiksi records the sessions")
    back = [f for f in sub.iter(f"{{{NS['bpmn']}}}sequenceFlow") if f.get("targetRef") == "Gateway_gabung_kegiatan"]
    _check(len(back) >= 6, "every activity leads back, so each can happen again")
    sesi = form("sesi_konseling.json")
    _check(set(sesi["properties"]["jenis_sesi"]["enum"]) == {"konseling_individu", "konseling_kelompok",
                                                               "konseling_keluarga", "seminar_psikoedukasi"}, "kinds")
    _check({"tanggal_sesi", "jenis_sesi", "kehadiran"} <= set(sesi["required"]), "date, kind, attendance")
    urine = form("tes_urine.json")
    _check(not _valid(urine, {"tanggal_tes_urine": "2026-01-05", "hasil_tes_urine": "positif"}),
           "a positive urine test needs its follow-up")
    _check(_valid(urine, {"tanggal_tes_urine": "2026-01-05", "hasil_tes_urine": "negatif"}), "a negative one not")
    therapy = form("rencana_intervensi.json")["properties"]["jenis_terapi"]["items"]["enum"]
    _check(therapy == ["fisik", "mental_spiritual", "psikososial", "penghidupan"], "the four therapy kinds (003)")
    esp = root.find(".//bpmn:subProcess[@id='Sub_koordinasi']", NS)  # koordinasi at any time (seed 003)
    _check(esp is not None and esp.get("triggeredByEvent") == "true", "koordinasi is an event sub-process")
    start = esp.find("bpmn:startEvent", NS)
    _check(start.get("isInterrupting") == "false" and esp.find("bpmn:userTask[@id='Task_koordinasi']", NS) is not None,
           "a non-interrupting start opens the koordinasi task, as often as it happens")
    _check(esp.find("bpmn:documentation", NS) is not None, "Sub_koordinasi cites its seed")
    visit = next(f for f in sub.iter(f"{{{NS['bpmn']}}}sequenceFlow") if f.get("id") == "Flow_ke_kunjungan_rumah")
    _check('setting == "rawat_jalan"' in visit.find("bpmn:conditionExpression", NS).text,
           "home visits during intervensi only for rawat jalan (seed 003)")
    koordinasi = form("koordinasi.json")
    _check({"lembaga", "pokok_bahasan", "hasil_koordinasi"} <= set(koordinasi["required"]), "with whom, about, outcome")


def check_reintegrasi_terminasi_aftercare():
    tes = form("tes_minat_bakat.json")
    _check({"pelaksana_tes", "profesi_pelaksana"} <= set(tes["required"]), "003: by a qualified professional")
    report = form("laporan_terminasi.json")
    _check(not _valid(report, {"alasan_terminasi": "dirujuk", "laporan_terminasi": "-"}), "dirujuk needs dirujuk_ke")
    _check(_valid(report, {"alasan_terminasi": "selesai", "laporan_terminasi": "-"}), "other reasons do not")
    root = _intake()
    flows = {(f.get("sourceRef"), f.get("targetRef")) for f in root.iter(f"{{{NS['bpmn']}}}sequenceFlow")}
    _check(("Gateway_reunifikasi", "Task_reunifikasi") in flows and
           ("Gateway_terminasi_disetujui", "Gateway_reunifikasi") in flows, "003: reunifikasi as a step of terminasi")
    visit = form("kunjungan_tindak_lanjut.json")
    given = {"tanggal_dikunjungi": "2026-01-05", "kondisi_pm_saat_kunjungan": "stabil", "hasil_kunjungan": "-",
             "bantuan_diberikan": "kursus"}
    _check(not _valid(visit, given), "aftercare assistance given records what, when and the amount")
    _check(_valid(visit, {**given, "uraian_bantuan": "Kursus menjahit", "tanggal_bantuan": "2026-01-05",
                          "nilai_bantuan": 1500000}), "with them it is complete")


def check_durations():
    """003: 4 months, 3 months, 1 month; family-based care a labelled product default; all in a table."""
    root = etree.parse(str(BPMN_DIR / "periode_program.dmn")).getroot()
    rules = {}
    for rule in root.iter(f"{{{NS['dmn']}}}rule"):
        cells = [t.text.strip() for t in rule.iter(f"{{{NS['dmn']}}}text")]
        rules[cells[0].strip('"')] = (cells[1].strip('"'), cells[2].strip('"'),
                                      rule.find("dmn:description", NS).text)
    _check(rules["rawat_inap"][:2] == ("P4M", "P1M") and "seed 003" in rules["rawat_inap"][2], "rawat inap (003)")
    _check(rules["rawat_jalan"][0] == "P3M" and "seed 003" in rules["rawat_jalan"][2], "rawat jalan (003)")
    _check("default produk" in rules["berbasis_keluarga"][2], "family-based length is a labelled product default")
    scripts = " ".join(el.text or "" for el in _intake().iter(f"{{{NS['bpmn']}}}script"))
    _check("P4M" not in scripts and "P3M" not in scripts, "no programme length written in a script")


CHECKS = (check_words, check_medical_referral, check_programme_activities, check_reintegrasi_terminasi_aftercare,
          check_durations)
