"""Generate bpmn/atensi_intake.bpmn and bpmn/case_response.bpmn (process + full BPMN DI).

Run from the repository root:  python scripts/build_diagrams.py
The layout is a hand-placed grid (centres of shapes); edges are routed orthogonally by bpmn_layout.
"""
from __future__ import annotations

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from bpmn_layout import Diagram, Node, message_xml, props, script_task, timer_xml, user_task  # noqa: E402
from diagram_paths import FAMILY_GATE_ROOM, add_path_flows, add_path_nodes  # noqa: E402
from diagram_terminasi import add_early_termination  # noqa: E402

from engine.vocabulary import KONSELOR_ADIKSI  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
PS, KA, SV = "Pekerja Sosial", "Konselor Adiksi", "Supervisor"


def stage_only(stage):
    return {"stage": stage}


def shift(d, from_x, dx, inner=True):
    """Move every node at or right of from_x by dx: room for steps added since the grid was drawn
    (``inner=False`` leaves the contents of sub-processes where they are)."""
    for node in d.nodes.values():
        if node.cx >= from_x and (inner or (node.parent is None and node.tag != "subProcess")):
            node.cx += dx




# ============================================================================ atensi_intake
def build_intake() -> str:
    d = Diagram("atensi_intake", "ATENSI KP Napza – Rujukan sampai Bimbingan Lanjut", [PS, KA, SV],
                lane_heights=[480, 160, 180])
    d.messages = {"Message_krisis": "krisis", "Message_mulai_respon_kasus": "mulai_respon_kasus",
                  "Message_lanjut_atensi": "lanjut_atensi", "Message_koordinasi": "koordinasi"}
    # rows (y centres)
    TOP, VIA, MAIN, LOW = 150, 215, 340, 490
    KON, SUP = 640, 800
    VIA_SUP = 870                     # back-edges drawn under the supervisor tasks
    add = d.add

    # 1-3 rujukan, identifikasi, skrining ---------------------------------------------
    add(Node("Start_rujukan_diterima", "startEvent", "Rujukan diterima", 200, MAIN, lane=PS,
             props=stage_only("identifikasi")))
    # a case response with no intake yet recommends ATENSI: its PM starts here (case_response.bpmn)
    add(Node("Start_lanjut_atensi", "startEvent", "Dari respon kasus", 200, TOP, lane=PS, label="above",
             props=stage_only("identifikasi"),
             body=message_xml("Message_lanjut_atensi", "MessageDef_lanjut_atensi_mulai",
                              variable="rujukan_respon_kasus")))
    add(user_task("Task_identifikasi", "Identifikasi & orientasi", PS, 320, MAIN,
                  "identifikasi.json", "P3D", "identifikasi"))
    add(user_task("Task_skrining", "Skrining ASSIST", KA, 410, KON, "skrining.json", "P3D", "asesmen"))
    # crisis at any stage, as often as it happens: a non-interrupting message event sub-process;
    # each report starts its own linked case response with the report and the case's risk level
    add(Node("Sub_krisis", "subProcess", "Krisis dilaporkan", 600, TOP + 5, lane=PS, w=560, h=120,
             attrs={"triggeredByEvent": "true"}))
    add(Node("Start_krisis", "startEvent", "Laporkan krisis", 380, TOP + 5, parent="Sub_krisis",
             attrs={"isInterrupting": "false"},
             body=message_xml("Message_krisis", "MessageDef_krisis", variable="laporan_krisis")))
    add(script_task("Script_risiko_induk", "Catat tingkat risiko kasus", PS, 510, TOP + 5,
                    "try:\n    risk_level_induk = risk_level\nexcept NameError:\n    risk_level_induk = None",
                    parent="Sub_krisis"))
    add(Node("Throw_mulai_respon_kasus", "intermediateThrowEvent", "Mulai respon kasus", 660, TOP + 5,
             parent="Sub_krisis", label="below",
             body=message_xml("Message_mulai_respon_kasus", "MessageDef_mulai_respon_kasus", payload=(
                 '{"pm": pm, "unit": unit, "kategori_usia": kategori_usia, '
                 '"laporan_krisis": laporan_krisis, "risk_level_induk": risk_level_induk}'))))
    add(Node("End_krisis_diteruskan", "endEvent", "Krisis diteruskan", 800, TOP + 5, parent="Sub_krisis"))
    # 4 DMN: the risk of each substance used (alcohol has its own bands), then the highest ------
    add(Node("Rule_risiko_per_zat", "businessRuleTask", "Risiko per zat", 530, KON, lane=KA,
             ext="<spiffworkflow:calledDecisionId>risiko_per_zat</spiffworkflow:calledDecisionId>",
             props=stage_only("asesmen")))
    add(Node("Rule_tingkat_risiko", "businessRuleTask", "Tentukan tingkat risiko", 650, KON, lane=KA,
             ext="<spiffworkflow:calledDecisionId>risk_level</spiffworkflow:calledDecisionId>",
             props=stage_only("asesmen")))
    # 5 gateway on risk -------------------------------------------------------------------
    add(Node("Gateway_tingkat_risiko", "exclusiveGateway", "Tingkat risiko?", 750, KON, lane=KA))
    add(script_task("Script_setting_keluarga", "Tetapkan layanan berbasis keluarga", KA, 870, KON,
                    'setting = "berbasis_keluarga"', stage="asesmen"))
    add(user_task("Task_asesmen_lanjut", "Asesmen lanjut", PS, 870, MAIN, "asesmen_lanjut.json", "P7D",
                  "asesmen"))
    add(Node("Gateway_gabung_setting", "exclusiveGateway", None, 1000, MAIN, lane=PS))
    # 6-7 plan + approval loop ------------------------------------------------------------
    add(Node("Gateway_gabung_revisi_rencana", "exclusiveGateway", None, 1100, MAIN, lane=PS))
    add(user_task("Task_susun_rencana", "Susun rencana intervensi", PS, 1220, MAIN,
                  "rencana_intervensi.json", "P7D", "rencana_intervensi",
                  extra={"banner": "catatan_supervisor"}))
    add(user_task("Task_persetujuan_rencana", "Persetujuan rencana intervensi", SV, 1370, SUP,
                  "persetujuan_rencana.json", "P3D", "rencana_intervensi",
                  extra={"shows": "komponen_atensi, tujuan, rencana_kegiatan, catatan_asesmen, "
                                  "kesiapan_berubah, zat_utama"}))
    add(Node("Gateway_rencana_disetujui", "exclusiveGateway", "Rencana disetujui?", 1500, SUP, lane=SV,
             label="above"))
    # 8 programme period -------------------------------------------------------------------
    add(script_task("Script_periode_program", "Tetapkan akhir periode program", PS, 1620, MAIN,
                    "akhir_program = add_duration(now_iso(), durasi_program)\n"
                    "rencana_selesai = False\njumlah_perpanjangan = 0", stage="intervensi"))
    # 9 sub-process Intervensi ---------------------------------------------------------------
    SX, SW, SH = 1730, 1060, 260
    add(Node("Sub_intervensi", "subProcess", "Intervensi", SX + SW / 2, MAIN, lane=PS, w=SW, h=SH,
             props=stage_only("intervensi")))
    IN, ACT = MAIN - 40, MAIN + 70
    add(Node("Start_intervensi", "startEvent", "Mulai intervensi", SX + 50, IN, parent="Sub_intervensi"))
    add(Node("Gateway_gabung_kegiatan", "exclusiveGateway", None, SX + 130, IN, parent="Sub_intervensi"))
    add(user_task("Task_pelaksanaan_intervensi", "Pelaksanaan intervensi", PS, SX + 240, IN,
                  "pelaksanaan_intervensi.json", "P7D", "intervensi", parent="Sub_intervensi"))
    add(Node("Gateway_rencana_selesai", "exclusiveGateway", "Rencana selesai? Kegiatan berikutnya?", SX + 370, IN,
             parent="Sub_intervensi", label=(30, -40)))
    add(Node("End_intervensi", "endEvent", "Rencana selesai", SX + SW - 50, IN, parent="Sub_intervensi"))
    # seed 003 (Bantuan Bertujuan): what the programme does, recorded as often as it happens
    for i, (element, name, form, role, why) in enumerate(ACTIVITIES):
        add(Node(element, "userTask", name, SX + 460 + 120 * i, ACT, lane=PS, parent="Sub_intervensi",
                 props=props(form, "P7D", "intervensi", role=role), documentation=why))
    sub_top, sub_bottom = MAIN - SH / 2, MAIN + SH / 2
    # boundary: non-interrupting monthly monitoring cycle (top edge)
    add(Node("Timer_monitoring_bulanan", "boundaryEvent", "Monitoring bulanan", SX + 100, sub_top, lane=PS,
             attrs={"cancelActivity": "false", "attachedToRef": "Sub_intervensi"}, label=(22, -36),
             props=stage_only("intervensi"),
             body=timer_xml("timeCycle", "siklus_monitoring", "TimerDef_monitoring_bulanan"),
             documentation="Siklus dari tabel keputusan periode_program (siklus_monitoring, default produk: "
                           "setiap 1 bulan selama program)."))
    add(user_task("Task_monitoring_bulanan", "Monitoring bulanan", PS, SX + 100, TOP,
                  "monitoring_bulanan.json", "P7D", "intervensi"))
    add(Node("End_monitoring", "endEvent", "Monitoring tercatat", SX + 220, TOP, lane=PS, label="above"))
    # boundary: interrupting programme-period timer (bottom edge)
    add(Node("Timer_periode_program_berakhir", "boundaryEvent", "Periode program berakhir", SX + 230,
             sub_bottom, lane=PS, attrs={"attachedToRef": "Sub_intervensi"}, label=(24, 4),
             props=stage_only("intervensi"),
             body=timer_xml("timeDate", "akhir_program", "TimerDef_periode_program_berakhir")))
    add(user_task("Task_tinjau_intervensi", "Tinjau intervensi yang belum selesai", SV, SX + 330, SUP,
                  "tinjau_intervensi.json", "P3D", "intervensi"))
    # after the plan is completed early: wait for the end of the period
    add(Node("Timer_tunggu_akhir_periode", "intermediateCatchEvent", "Tunggu akhir periode program", 2290,
             MAIN, lane=PS, props=stage_only("intervensi"),
             body=timer_xml("timeDate", "akhir_program", "TimerDef_tunggu_akhir_periode")))
    add(Node("Gateway_setting_program", "exclusiveGateway", "Jenis layanan?", 2390, MAIN, lane=PS,
             label=(-105, -52)))
    # 10 Reintegrasi -----------------------------------------------------------------------------
    add(Node("Gateway_reintegrasi_mulai", "parallelGateway", "Reintegrasi", 2500, MAIN, lane=PS,
             label="above", props=stage_only("reintegrasi")))
    add(user_task("Task_tes_minat_bakat", "Tes minat dan bakat", PS, 2620, MAIN, "tes_minat_bakat.json",
                  "P7D", "reintegrasi"))
    add(user_task("Task_persiapan_keluarga", "Persiapan keluarga", PS, 2770, MAIN,
                  "persiapan_keluarga.json", "P7D", "reintegrasi"))
    add(user_task("Task_kunjungan_rumah", "Kunjungan rumah", PS, 2920, MAIN, "kunjungan_rumah.json",
                  "P7D", "reintegrasi"))
    add(Node("Timer_periode_reintegrasi", "intermediateCatchEvent", "Periode reintegrasi", 2770, LOW,
             lane=PS, props=stage_only("reintegrasi"),
             body=timer_xml("timeDuration", "durasi_reintegrasi", "TimerDef_periode_reintegrasi")))
    add(Node("Gateway_reintegrasi_selesai", "parallelGateway", None, 3040, MAIN, lane=PS))
    # 11 Terminasi -------------------------------------------------------------------------------
    add(Node("Gateway_gabung_terminasi", "exclusiveGateway", None, 3140, MAIN, lane=PS))
    add(user_task("Task_laporan_terminasi", "Laporan terminasi", PS, 3260, MAIN, "laporan_terminasi.json",
                  "P7D", "terminasi", extra={"banner": "catatan_supervisor_terminasi"}))
    add(user_task("Task_persetujuan_terminasi", "Persetujuan terminasi", SV, 3410, SUP,
                  "persetujuan_terminasi.json", "P3D", "terminasi",
                  extra={"shows": "alasan_terminasi, tanggal_terminasi, dirujuk_ke, laporan_terminasi"}))
    add(Node("Gateway_terminasi_disetujui", "exclusiveGateway", "Terminasi disetujui?", 3540, SUP, lane=SV,
             label="above"))
    add(Node("Gateway_alasan_terminasi", "exclusiveGateway", "Alasan terminasi?", 3640, MAIN, lane=PS,
             label="above"))
    add(Node("End_kasus_ditutup_meninggal", "endEvent", "Kasus ditutup", 3760, LOW, lane=PS,
             props=stage_only("terminasi")))
    # 12 Aftercare -------------------------------------------------------------------------------
    add(user_task("Task_rencana_bimbingan_lanjut", "Rencana bimbingan lanjut", PS, 3760, MAIN,
                  "rencana_bimbingan_lanjut.json", "P7D", "aftercare"))
    add(script_task("Script_siapkan_kunjungan", "Siapkan kunjungan tindak lanjut", PS, 3910, MAIN,
                    "try:\n    jumlah_kunjungan\nexcept NameError:\n    jumlah_kunjungan = jumlah_kunjungan_bawaan\n"
                    "kunjungan_ke = 0\naftercare_mulai = now_iso()", stage="aftercare"))
    add(Node("Gateway_gabung_kunjungan", "exclusiveGateway", None, 4030, MAIN, lane=PS))
    add(script_task("Script_jadwalkan_kunjungan", "Jadwalkan kunjungan berikutnya", PS, 4150, MAIN,
                    "kunjungan_ke = kunjungan_ke + 1\n"
                    'tanggal_kunjungan = add_duration(aftercare_mulai, "P" + str(kunjungan_ke) + "M")',
                    stage="aftercare"))
    add(user_task("Task_kunjungan_tindak_lanjut", "Kunjungan tindak lanjut", PS, 4300, MAIN,
                  "kunjungan_tindak_lanjut.json", "P1M", "aftercare", due_date="tanggal_kunjungan"))
    add(Node("Gateway_kunjungan_berikutnya", "exclusiveGateway", "Masih ada kunjungan?", 4430, MAIN, lane=PS,
             label="below"))
    add(user_task("Task_penutupan_kasus", "Penutupan kasus", PS, 4550, MAIN, "penutupan_kasus.json", "P7D",
                  "aftercare"))
    add(Node("End_kasus_ditutup", "endEvent", "Kasus ditutup", 4680, MAIN, lane=PS,
             props=stage_only("aftercare")))

    add_late_steps(d, add, MAIN, LOW, SUP)
    add_path_nodes(d, shift, MAIN, LOW, SUP, TOP)
    # flows -------------------------------------------------------------------------------------
    f = d.flow
    f("Flow_krisis_ke_risiko_induk", "Start_krisis", "Script_risiko_induk")
    f("Flow_krisis_ke_respon", "Script_risiko_induk", "Throw_mulai_respon_kasus")
    f("Flow_respon_ke_akhir", "Throw_mulai_respon_kasus", "End_krisis_diteruskan")
    f("Flow_rujukan_ke_identifikasi", "Start_rujukan_diterima", "Task_identifikasi")
    f("Flow_respon_kasus_ke_identifikasi", "Start_lanjut_atensi", "Task_identifikasi", route="hv")
    f("Flow_identifikasi_ke_persetujuan", "Task_identifikasi", "Gateway_persetujuan_layanan")
    f("Flow_skrining_ke_risiko_zat", "Task_skrining", "Rule_risiko_per_zat")
    f("Flow_skrining_ke_risiko", "Rule_risiko_per_zat", "Rule_tingkat_risiko")
    f("Flow_risiko_ke_gateway", "Rule_tingkat_risiko", "Gateway_tingkat_risiko")
    f("Flow_risiko_rendah", "Gateway_tingkat_risiko", "Script_setting_keluarga", name="rendah",
      cond='risk_level == "rendah"')
    f("Flow_risiko_sedang_tinggi", "Gateway_tingkat_risiko", "Task_asesmen_lanjut", name="resiko sedang dan berat",
      default=True)
    f("Flow_setting_keluarga_ke_rencana", "Script_setting_keluarga", "Gateway_gabung_setting")
    f("Flow_asesmen_ke_rencana", "Task_asesmen_lanjut", "Gateway_gabung_setting")
    f("Flow_gabung_setting_ke_rujukan_medis", "Gateway_gabung_setting", "Task_rujukan_rehabilitasi_medis")
    f("Flow_rujukan_medis_ke_rencana", "Task_rujukan_rehabilitasi_medis", "Gateway_gabung_revisi_rencana")
    f("Flow_ke_susun_rencana", "Gateway_gabung_revisi_rencana", "Task_susun_rencana")
    f("Flow_rencana_ke_persetujuan", "Task_susun_rencana", "Task_persetujuan_rencana")
    f("Flow_persetujuan_ke_gateway", "Task_persetujuan_rencana", "Gateway_rencana_disetujui")
    f("Flow_rencana_disetujui", "Gateway_rencana_disetujui", "Rule_periode_program", name="ya",
      cond="rencana_disetujui == True")
    f("Flow_periode_ke_akhir", "Rule_periode_program", "Script_periode_program")
    f("Flow_rencana_direvisi", "Gateway_rencana_disetujui", "Gateway_gabung_revisi_rencana",
      name="tidak: revisi", default=True, route=("via", VIA_SUP))
    f("Flow_periode_ke_intervensi", "Script_periode_program", "Sub_intervensi")
    # inside the sub-process
    f("Flow_mulai_pelaksanaan", "Start_intervensi", "Gateway_gabung_kegiatan")
    f("Flow_gabung_ke_pelaksanaan", "Gateway_gabung_kegiatan", "Task_pelaksanaan_intervensi")
    f("Flow_pelaksanaan_ke_gateway", "Task_pelaksanaan_intervensi", "Gateway_rencana_selesai")
    f("Flow_rencana_selesai", "Gateway_rencana_selesai", "End_intervensi", name="ya",
      cond="rencana_selesai == True")
    f("Flow_rencana_belum_selesai", "Gateway_rencana_selesai", "Gateway_gabung_kegiatan",
      name="belum", default=True, route=("via", IN - 70))
    for element, _name, _form, _role, _why in ACTIVITIES:
        kind = element.removeprefix("Task_").removesuffix("_intervensi")
        only = ONLY_FOR_SETTING.get(element)
        f(f"Flow_ke_{kind}", "Gateway_rencana_selesai", element,
          name=kind.replace("_", " ") + (f" ({only.replace('_', ' ')})" if only else ""),
          cond=f'kegiatan_berikutnya == "{kind}" and rencana_selesai != True'
               + (f' and setting == "{only}"' if only else ""), route="hv")
        f(f"Flow_{kind}_selesai", element, "Gateway_gabung_kegiatan", route=("via", ACT + 55))
    # boundary branches
    f("Flow_monitoring_timer", "Timer_monitoring_bulanan", "Task_monitoring_bulanan")
    f("Flow_periode_berakhir_ke_tinjau", "Timer_periode_program_berakhir", "Task_tinjau_intervensi")
    # after a completed plan
    f("Flow_intervensi_selesai", "Sub_intervensi", "Timer_tunggu_akhir_periode")
    f("Flow_tunggu_ke_setting", "Timer_tunggu_akhir_periode", "Gateway_setting_program")
    f("Flow_setting_rawat_inap", "Gateway_setting_program", "Gateway_reintegrasi_mulai", name="rawat inap",
      cond='setting == "rawat_inap"')
    f("Flow_setting_lainnya", "Gateway_setting_program", "Gateway_gabung_terminasi",
      name="rawat jalan / berbasis keluarga", default=True, route=("via", VIA))
    # reintegrasi
    f("Flow_reintegrasi_ke_tes", "Gateway_reintegrasi_mulai", "Task_tes_minat_bakat")
    f("Flow_reintegrasi_ke_timer", "Gateway_reintegrasi_mulai", "Timer_periode_reintegrasi")
    f("Flow_tes_ke_persiapan", "Task_tes_minat_bakat", "Task_persiapan_keluarga")
    f("Flow_kunjungan_ke_gabung", "Task_kunjungan_rumah", "Gateway_reintegrasi_selesai")
    f("Flow_timer_ke_gabung", "Timer_periode_reintegrasi", "Gateway_reintegrasi_selesai")
    f("Flow_reintegrasi_ke_terminasi", "Gateway_reintegrasi_selesai", "Gateway_gabung_terminasi")
    # terminasi
    f("Flow_ke_laporan_terminasi", "Gateway_gabung_terminasi", "Task_laporan_terminasi")
    f("Flow_laporan_ke_persetujuan", "Task_laporan_terminasi", "Task_persetujuan_terminasi")
    f("Flow_persetujuan_terminasi_ke_gateway", "Task_persetujuan_terminasi", "Gateway_terminasi_disetujui")
    f("Flow_terminasi_disetujui", "Gateway_terminasi_disetujui", "Gateway_reunifikasi", name="ya",
      cond="terminasi_disetujui == True", route=("hvh", d.nodes["Gateway_terminasi_disetujui"].cx + 55))
    f("Flow_perlu_reunifikasi", "Gateway_reunifikasi", "Task_reunifikasi", name="ya",
      cond="perlu_reunifikasi == True")
    f("Flow_reunifikasi_ke_alasan", "Task_reunifikasi", "Gateway_alasan_terminasi")
    f("Flow_tanpa_reunifikasi", "Gateway_reunifikasi", "Gateway_alasan_terminasi", name="tidak", default=True,
      route=("via", LOW))
    f("Flow_terminasi_direvisi", "Gateway_terminasi_disetujui", "Gateway_gabung_terminasi",
      name="tidak: revisi", default=True, route=("via", VIA_SUP))
    f("Flow_alasan_meninggal", "Gateway_alasan_terminasi", "End_kasus_ditutup_meninggal", name="meninggal",
      cond='alasan_terminasi == "meninggal"', route="vh")
    f("Flow_ke_aftercare", "Gateway_alasan_terminasi", "Task_rencana_bimbingan_lanjut", name="lainnya",
      default=True)
    # aftercare
    f("Flow_bimbingan_ke_jumlah", "Task_rencana_bimbingan_lanjut", "Rule_bimbingan_lanjut")
    f("Flow_jumlah_ke_siapkan", "Rule_bimbingan_lanjut", "Script_siapkan_kunjungan")
    f("Flow_siapkan_ke_gabung", "Script_siapkan_kunjungan", "Gateway_gabung_kunjungan")
    f("Flow_gabung_ke_jadwalkan", "Gateway_gabung_kunjungan", "Script_jadwalkan_kunjungan")
    f("Flow_jadwalkan_ke_kunjungan", "Script_jadwalkan_kunjungan", "Task_kunjungan_tindak_lanjut")
    f("Flow_kunjungan_ke_gateway", "Task_kunjungan_tindak_lanjut", "Gateway_kunjungan_berikutnya")
    f("Flow_kunjungan_berikutnya", "Gateway_kunjungan_berikutnya", "Gateway_gabung_kunjungan", name="ya",
      cond='kunjungan_ke < jumlah_kunjungan and kondisi_pm_saat_kunjungan != "kambuh"', route=("via", 250))
    f("Flow_kunjungan_cukup", "Gateway_kunjungan_berikutnya", "Task_penutupan_kasus", name="tidak",
      default=True)
    f("Flow_penutupan_ke_akhir", "Task_penutupan_kasus", "End_kasus_ditutup")
    add_path_flows(d, MAIN, LOW, SUP)
    return d.to_xml(pool_width=max(4660 + 1140 + 520 + FAMILY_GATE_ROOM, add_early_termination(d, add)))


ACTIVITIES = (  # element, name, form, role (None: the lane's), the seed it comes from
    ("Task_sesi_konseling", "Sesi konseling", "sesi_konseling.json", KONSELOR_ADIKSI,
     "Seed 003 (Bantuan Bertujuan): konseling individu/kelompok/keluarga dan seminar psikoedukasi; seed 002: "
     "psikoedukasi dan konseling keluarga. Dicatat oleh konselor adiksi, setiap sesi."),
    ("Task_tes_urine", "Tes urine", "tes_urine.json", None,
     "Seed 003: tes urine PM pada rawat inap dan rawat jalan; hasil positif diberi tindak lanjut."),
    ("Task_kunjungan_rumah_intervensi", "Kunjungan rumah (rawat jalan)", "kunjungan_rumah_intervensi.json", None,
     "Seed 003 (rawat jalan): home visit kebutuhan klien. Hanya pada rawat jalan: pada rawat inap dan berbasis "
     "keluarga pilihan ini kembali ke Pelaksanaan intervensi tanpa kunjungan."),
    ("Task_tindak_lanjut_medis", "Tindak lanjut rehabilitasi medis", "tindak_lanjut_medis.json", None,
     "Seed 000: rehabilitasi medis dan rehabilitasi sosial keduanya wajib (UU 35/2009)."),
)


ONLY_FOR_SETTING = {"Task_kunjungan_rumah_intervensi": "rawat_jalan"}  # seed 003: home visits in rawat jalan


def add_late_steps(d, add, MAIN, LOW, SUP):
    """Steps added after the first grid (issue 14); the nodes to their right move over first."""
    shift(d, 3600, 250)           # reunifikasi before the reason of terminasi
    shift(d, 2250, 600, inner=False)  # the programme's activities widen the Intervensi sub-process
    shift(d, 1050, 150)           # the medical referral after the risk routing
    add(user_task("Task_rujukan_rehabilitasi_medis", "Rujukan rehabilitasi medis", PS, 1125, MAIN,
                  "rujukan_rehabilitasi_medis.json", "P7D", "asesmen"))
    d.nodes["Task_rujukan_rehabilitasi_medis"].documentation = (
        "Untuk setiap tingkat risiko. Seed 000: pecandu dan korban penyalahgunaan narkotika wajib menjalani "
        "rehabilitasi medis dan rehabilitasi sosial (UU 35/2009). Seed 001: resiko rendah diberikan pelayanan medis; "
        "resiko sedang dan berat: asesmen lanjut memastikan rehabilitasi medis dan sosialnya.")
    add(Node("Rule_periode_program", "businessRuleTask", "Tentukan lama program", 1770, SUP, lane=SV,
             documentation="Tabel keputusan periode_program: rawat inap 4 bulan, rawat jalan 3 bulan, reintegrasi "
                           "1 bulan (seed 003); berbasis keluarga tanpa lama di seed, default produk 3 bulan.",
             ext="<spiffworkflow:calledDecisionId>periode_program</spiffworkflow:calledDecisionId>",
             props=stage_only("intervensi")))
    add(Node("Gateway_reunifikasi", "exclusiveGateway", "Reunifikasi?", 3640 + 750, MAIN, lane=PS, label="above"))
    add(user_task("Task_reunifikasi", "Reunifikasi dengan keluarga", PS, 3760 + 750, MAIN, "reunifikasi.json", "P7D",
                  "terminasi"))
    d.nodes["Task_reunifikasi"].documentation = "Seed 003: Terminasi, reunifikasi dan rujukan."
    add_koordinasi(d, add)
    siapkan = d.nodes["Script_siapkan_kunjungan"].cx
    shift(d, siapkan, 140)        # the number of aftercare visits comes from a decision table
    add(Node("Rule_bimbingan_lanjut", "businessRuleTask", "Tentukan jumlah kunjungan", siapkan, MAIN, lane=PS,
             documentation="Tabel keputusan bimbingan_lanjut: jumlah kunjungan tindak lanjut (default produk 3, "
                           "sebulan sekali); jumlah_kunjungan pada data kasus tetap dipakai.",
             ext="<spiffworkflow:calledDecisionId>bimbingan_lanjut</spiffworkflow:calledDecisionId>",
             props=stage_only("aftercare")))


def add_koordinasi(d, add, TOP=150):
    """Koordinasi with other institutions at any time while the case is open: a non-interrupting message
    event sub-process like Sub_krisis; its task keeps the case's stage (it has none of its own)."""
    add(Node("Sub_koordinasi", "subProcess", "Koordinasi dengan lembaga lain", 1330, TOP + 5, lane=PS, w=440, h=120,
             attrs={"triggeredByEvent": "true"},
             documentation="Seed 003: koordinasi dengan Dinas Sosial, instansi terkait dan IPWL; siklus manajemen "
                           "kasus: Koordinasi. Kapan saja selama kasus terbuka, sesering yang terjadi."))
    add(Node("Start_koordinasi", "startEvent", "Koordinasi", 1170, TOP + 5, parent="Sub_koordinasi",
             attrs={"isInterrupting": "false"},
             body=message_xml("Message_koordinasi", "MessageDef_koordinasi", variable="permintaan_koordinasi")))
    add(Node("Task_koordinasi", "userTask", "Koordinasi dengan lembaga lain", 1320, TOP + 5, lane=PS,
             parent="Sub_koordinasi", props=props("koordinasi.json", "P7D")))
    add(Node("End_koordinasi", "endEvent", "Koordinasi tercatat", 1480, TOP + 5, parent="Sub_koordinasi"))
    d.flow("Flow_koordinasi_ke_tugas", "Start_koordinasi", "Task_koordinasi")
    d.flow("Flow_koordinasi_selesai", "Task_koordinasi", "End_koordinasi")


# ============================================================================ case_response
def build_case_response() -> str:
    """Triage decides the route (product defaults): a low-urgency report skips the crisis intervention
    (no shelter placement); pendampingan repeats until the case is resolved; the recommendation acts."""
    d = Diagram("case_response", "Respon Kasus KP Napza", [PS, KA, SV], lane_heights=[260, 160, 180])
    d.messages = {"Message_mulai_respon_kasus": "mulai_respon_kasus", "Message_lanjut_atensi": "lanjut_atensi"}
    TOP, MAIN, VIA, KON, SUP = 130, 220, 300, 420, 590
    add = d.add
    add(Node("Start_laporan_kedaruratan", "startEvent", "Laporan kedaruratan", 200, MAIN, lane=PS,
             props=stage_only("kedaruratan"),
             body=message_xml("Message_mulai_respon_kasus", "MessageDef_mulai_respon_kasus",
                              variable="rujukan_darurat")))
    add(user_task("Task_kedaruratan", "Kedaruratan (triase)", PS, 330, MAIN, "kedaruratan.json", "PT24H",
                  "kedaruratan",
                  extra={"shows": "laporan_krisis.uraian=Laporan krisis, "
                                  "kasus_induk.risk_level=Tingkat risiko kasus ATENSI, "
                                  "kasus_induk.stage=Tahap kasus ATENSI",
                         "urgent": "true"}))
    add(Node("Timer_batas_respon_24_jam", "boundaryEvent", "Batas respon 24 jam", 350, MAIN + 40, lane=PS,
             attrs={"cancelActivity": "false", "attachedToRef": "Task_kedaruratan"}, label=(22, 4),
             props=stage_only("kedaruratan"),
             body=timer_xml("timeDuration", '"PT24H"', "TimerDef_batas_respon_24_jam")))
    add(user_task("Task_eskalasi_kedaruratan", "Eskalasi: kedaruratan terlambat", SV, 470, SUP,
                  "eskalasi_kedaruratan.json", "PT4H", "kedaruratan"))
    add(Node("End_eskalasi", "endEvent", "Eskalasi ditangani", 600, SUP, lane=SV))
    add(Node("Gateway_tingkat_kedaruratan", "exclusiveGateway", "Tingkat kedaruratan?", 460, MAIN, lane=PS,
             label="below"))
    add(user_task("Task_intervensi_krisis", "Intervensi krisis", PS, 580, MAIN, "intervensi_krisis.json",
                  "P3D", "intervensi_krisis"))
    add(Node("Gateway_gabung_pendampingan", "exclusiveGateway", None, 700, MAIN, lane=PS))
    add(user_task("Task_pendampingan", "Pendampingan penyelesaian kasus", PS, 810, MAIN,
                  "pendampingan_kasus.json", "P14D", "pendampingan"))
    add(Node("Gateway_kasus_terselesaikan", "exclusiveGateway", "Kasus terselesaikan?", 930, MAIN, lane=PS,
             label="above"))
    add(user_task("Task_rehabilitasi_sosial", "Rehabilitasi sosial", PS, 1050, MAIN,
                  "rehabilitasi_sosial.json", "P7D", "rehabilitasi_sosial"))
    add(Node("Gateway_rekomendasi", "exclusiveGateway", "Rekomendasi?", 1170, MAIN, lane=PS, label="below"))
    add(Node("Throw_lanjut_atensi", "intermediateThrowEvent", "Lanjutkan ATENSI", 1290, TOP, lane=PS,
             label="above", props=stage_only("rehabilitasi_sosial"),
             body=message_xml("Message_lanjut_atensi", "MessageDef_lanjut_atensi", payload=(
                 '{"rekomendasi_respon_kasus": {"rekomendasi": rekomendasi, '
                 '"tingkat_kedaruratan": tingkat_kedaruratan}}'))))
    add(script_task("Script_catat_rujukan", "Catat rujukan", PS, 1290, MAIN,
                    'rujukan = {"institusi": institusi_rujukan, "tanggal": now_iso()}',
                    stage="rehabilitasi_sosial"))
    add(Node("Gateway_gabung_rekomendasi", "exclusiveGateway", None, 1410, MAIN, lane=PS))
    add(user_task("Task_penguatan", "Layanan penguatan PM dan keluarga", KA, 1530, KON,
                  "penguatan_pm_keluarga.json", "P14D", "penguatan"))
    add(Node("End_respon_kasus_selesai", "endEvent", "Respon kasus selesai", 1670, KON, lane=KA,
             props=stage_only("penguatan")))
    f = d.flow
    f("Flow_laporan_ke_kedaruratan", "Start_laporan_kedaruratan", "Task_kedaruratan")
    f("Flow_kedaruratan_ke_gateway", "Task_kedaruratan", "Gateway_tingkat_kedaruratan")
    f("Flow_batas_ke_eskalasi", "Timer_batas_respon_24_jam", "Task_eskalasi_kedaruratan")
    f("Flow_eskalasi_ke_akhir", "Task_eskalasi_kedaruratan", "End_eskalasi")
    f("Flow_kedaruratan_ke_krisis", "Gateway_tingkat_kedaruratan", "Task_intervensi_krisis",
      name="sedang / tinggi / mengancam jiwa", default=True)
    f("Flow_kedaruratan_rendah", "Gateway_tingkat_kedaruratan", "Gateway_gabung_pendampingan", name="rendah",
      cond='tingkat_kedaruratan == "rendah"', route=("via", TOP))
    f("Flow_krisis_ke_pendampingan", "Task_intervensi_krisis", "Gateway_gabung_pendampingan")
    f("Flow_gabung_ke_pendampingan", "Gateway_gabung_pendampingan", "Task_pendampingan")
    f("Flow_pendampingan_ke_gateway", "Task_pendampingan", "Gateway_kasus_terselesaikan")
    f("Flow_kasus_terselesaikan", "Gateway_kasus_terselesaikan", "Task_rehabilitasi_sosial", name="ya",
      cond="kasus_terselesaikan == True")
    f("Flow_kasus_belum_selesai", "Gateway_kasus_terselesaikan", "Gateway_gabung_pendampingan",
      name="belum: pendampingan lagi", default=True, route=("via", VIA))
    f("Flow_rehabilitasi_ke_gateway", "Task_rehabilitasi_sosial", "Gateway_rekomendasi")
    f("Flow_rekomendasi_lanjut_atensi", "Gateway_rekomendasi", "Throw_lanjut_atensi", name="lanjutkan ATENSI",
      cond='rekomendasi == "lanjut_atensi"', route="vh")
    f("Flow_rekomendasi_rujuk", "Gateway_rekomendasi", "Script_catat_rujukan", name="rujuk",
      cond='rekomendasi == "rujuk"')
    f("Flow_rekomendasi_tidak_perlu", "Gateway_rekomendasi", "Gateway_gabung_rekomendasi",
      name="tidak diperlukan", default=True, route=("via", VIA))
    f("Flow_lanjut_atensi_ke_gabung", "Throw_lanjut_atensi", "Gateway_gabung_rekomendasi", route="hv")
    f("Flow_rujukan_ke_gabung", "Script_catat_rujukan", "Gateway_gabung_rekomendasi")
    f("Flow_gabung_ke_penguatan", "Gateway_gabung_rekomendasi", "Task_penguatan", route="hv")
    f("Flow_penguatan_ke_akhir", "Task_penguatan", "End_respon_kasus_selesai")
    return d.to_xml(pool_width=1660)


def main():
    (ROOT / "bpmn").mkdir(exist_ok=True)
    (ROOT / "bpmn" / "atensi_intake.bpmn").write_text(build_intake(), encoding="utf-8")
    (ROOT / "bpmn" / "case_response.bpmn").write_text(build_case_response(), encoding="utf-8")
    print("wrote bpmn/atensi_intake.bpmn and bpmn/case_response.bpmn")


if __name__ == "__main__":
    main()
