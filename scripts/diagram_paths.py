"""The intake's paths off the plan (issue 13), drawn onto the grid of build_diagrams.build_intake:
consent gates before skrining, a plan revision asked by a monthly monitoring, the supervisor's
review decision at the end of the period, and a relapse in aftercare back to re-asesmen."""
from __future__ import annotations

from bpmn_layout import Node, message_xml, script_task, user_task

from engine.vocabulary import SUPERVISOR

PS, SV = "Pekerja Sosial", "Supervisor"
MAX_EXTENSIONS = 2  # product default: the period is extended at most twice (tinjau_intervensi.json)
FAMILY_GATE_ROOM = 110  # the pool widens by this and the 520 of the consent gate
CONSENT_GIVEN = 'persetujuan_layanan == True and (kategori_usia != "anak" or persetujuan_wali == True)'


def add_path_nodes(d, shift, MAIN, LOW, SUP, TOP):
    """Room for the consent gate first (``shift`` moves everything from skrining on right), then the nodes."""
    shift(d, 380, 520)
    shift(d, d.nodes["Task_kunjungan_rumah"].cx - 10, FAMILY_GATE_ROOM)
    add = d.add
    # reintegrasi: a family not yet ready gets more preparation before the home visit
    prep = d.nodes["Task_persiapan_keluarga"]
    add(Node("Gateway_keluarga_siap", "exclusiveGateway", "Keluarga siap?", prep.cx + 120, MAIN, lane=PS,
             label="below"))
    # consent gate: refusal goes to motivation, which asks again or closes the case
    add(Node("Gateway_persetujuan_layanan", "exclusiveGateway", "Persetujuan layanan?", 440, MAIN, lane=PS,
             label="above"))
    add(user_task("Task_motivasi_layanan", "Motivasi & penjangkauan", PS, 560, LOW, "motivasi_layanan.json",
                  "P14D", "identifikasi"))
    add(Node("Gateway_hasil_motivasi", "exclusiveGateway", "Hasil motivasi?", 680, LOW, lane=PS, label=(-20, -40)))
    add(script_task("Script_menolak_layanan", "Catat: menolak layanan", PS, 790, LOW,
                    'alasan_terminasi = "menolak_layanan"\ntanggal_terminasi = now_iso()[:10]',
                    stage="identifikasi"))
    # one terminasi path: the refusal ends through 'Terminasi dini' (report, no bimbingan lanjut)
    add(Node("Throw_terminasi_menolak", "intermediateThrowEvent", "Terminasi: menolak layanan", 880, LOW, lane=PS,
             label="below", props={"stage": "identifikasi"},
             documentation="Penolakan berakhir melalui 'Terminasi dini' yang sama dengan usulan terminasi: "
                           "laporan terminasi, tanpa bimbingan lanjut (menolak_layanan).",
             body=message_xml("Message_terminasi_dini", "MessageDef_terminasi_menolak", payload=(
                 '{"usulan": {"alasan_terminasi": "menolak_layanan", "keterangan": "Tetap menolak setelah '
                 'motivasi dan penjangkauan"}, "pm": pm, "unit": unit, "kategori_usia": kategori_usia}'))))
    add(Node("End_menolak_layanan", "endEvent", "Kasus ditutup: menolak layanan", 960, LOW, lane=PS,
             label=(0, 30), props={"stage": "identifikasi"}))
    # monthly monitoring: a plan revision while the programme runs on (its branch is non-interrupting)
    mon = d.nodes["Task_monitoring_bulanan"]
    m = mon.cx
    d.nodes["End_monitoring"].cx, d.nodes["End_monitoring"].label = m + 620, "below"
    add(Node("Gateway_penyesuaian_rencana", "exclusiveGateway", "Perlu penyesuaian rencana?", m + 120, TOP,
             lane=PS, label=(30, -40)))
    add(user_task("Task_revisi_rencana", "Revisi rencana intervensi", PS, m + 240, TOP, "rencana_intervensi.json",
                  "P7D", "intervensi", extra={"banner": "catatan_supervisor"}))
    revisi = user_task("Task_persetujuan_revisi_rencana", "Persetujuan revisi rencana", PS, m + 380, TOP,
                       "persetujuan_rencana.json", "P3D", "intervensi",
                       extra={"shows": "perkembangan_pm, kendala, komponen_atensi, tujuan, rencana_kegiatan"})
    revisi.props = {**revisi.props, "role": SUPERVISOR}  # drawn beside the monitoring, approved by the supervisor
    add(revisi)
    add(Node("Gateway_revisi_disetujui", "exclusiveGateway", "Revisi disetujui?", m + 510, TOP, lane=PS,
             label=(10, -40)))
    # the supervisor's review at the end of the period routes
    tinjau = d.nodes["Task_tinjau_intervensi"]
    t = tinjau.cx
    add(Node("Gateway_keputusan_tinjauan", "exclusiveGateway", "Keputusan?", t + 130, SUP, lane=SV, label="above"))
    add(Node("Gateway_batas_perpanjangan", "exclusiveGateway", "Masih boleh diperpanjang?", t + 250, SUP, lane=SV,
             label="above"))
    add(script_task("Script_perpanjang_periode", "Perpanjang periode program", SV, t + 380, SUP,
                    "jumlah_perpanjangan = jumlah_perpanjangan + 1\n"
                    "akhir_program = add_duration(now_iso(), lama_perpanjangan)\nrencana_selesai = False",
                    stage="intervensi"))


def add_path_flows(d, MAIN, LOW, SUP):
    f = d.flow
    n = d.nodes
    f("Flow_persetujuan_diberikan", "Gateway_persetujuan_layanan", "Task_skrining", name="ya", cond=CONSENT_GIVEN,
      route="hv")
    f("Flow_persetujuan_ditolak", "Gateway_persetujuan_layanan", "Task_motivasi_layanan",
      name="tidak (PM atau wali anak)", default=True, route="vh")
    f("Flow_motivasi_ke_hasil", "Task_motivasi_layanan", "Gateway_hasil_motivasi")
    f("Flow_motivasi_minta_lagi", "Gateway_hasil_motivasi", "Task_identifikasi", name="minta persetujuan lagi",
      cond='hasil_motivasi == "minta_persetujuan_lagi"', route=("via", LOW + 55))
    f("Flow_motivasi_menolak", "Gateway_hasil_motivasi", "Script_menolak_layanan", name="menolak", default=True)
    f("Flow_menolak_ke_terminasi", "Script_menolak_layanan", "Throw_terminasi_menolak")
    f("Flow_menolak_ke_akhir", "Throw_terminasi_menolak", "End_menolak_layanan")
    # monitoring
    top_via = n["Task_monitoring_bulanan"].cy - 50
    f("Flow_monitoring_ke_penyesuaian", "Task_monitoring_bulanan", "Gateway_penyesuaian_rencana")
    f("Flow_penyesuaian_ya", "Gateway_penyesuaian_rencana", "Task_revisi_rencana", name="ya",
      cond="perlu_penyesuaian_rencana == True")
    f("Flow_penyesuaian_tidak", "Gateway_penyesuaian_rencana", "End_monitoring", name="tidak", default=True,
      route=("via", top_via))
    f("Flow_revisi_ke_persetujuan", "Task_revisi_rencana", "Task_persetujuan_revisi_rencana")
    f("Flow_persetujuan_revisi_ke_gateway", "Task_persetujuan_revisi_rencana", "Gateway_revisi_disetujui")
    f("Flow_revisi_disetujui", "Gateway_revisi_disetujui", "End_monitoring", name="ya",
      cond="rencana_disetujui == True")
    f("Flow_revisi_dikembalikan", "Gateway_revisi_disetujui", "Task_revisi_rencana", name="tidak: revisi",
      default=True, route=("via", n["Task_monitoring_bulanan"].cy + 47))
    # review decision
    kep = n["Gateway_keputusan_tinjauan"]
    setting, sub = n["Gateway_setting_program"], n["Sub_intervensi"]
    script = n["Script_perpanjang_periode"]
    ka_row = 600  # the lanjut branch passes under the Intervensi sub-process, through the empty Konselor lane
    f("Flow_tinjau_ke_keputusan", "Task_tinjau_intervensi", "Gateway_keputusan_tinjauan")
    f("Flow_keputusan_lanjut", "Gateway_keputusan_tinjauan", "Gateway_setting_program", name="lanjut",
      cond='keputusan == "lanjut_tahap_berikutnya"',
      route=[kep.top(), (kep.cx, ka_row), (setting.cx, ka_row), setting.bottom()])
    f("Flow_keputusan_terminasi", "Gateway_keputusan_tinjauan", "Gateway_gabung_terminasi", name="terminasi",
      cond='keputusan == "terminasi"', route=("via", SUP + 90))
    f("Flow_keputusan_perpanjang", "Gateway_keputusan_tinjauan", "Gateway_batas_perpanjangan", name="perpanjang",
      default=True)
    f("Flow_perpanjangan_boleh", "Gateway_batas_perpanjangan", "Script_perpanjang_periode", name="ya",
      cond=f"jumlah_perpanjangan < {MAX_EXTENSIONS}")
    f("Flow_perpanjangan_ke_intervensi", "Script_perpanjang_periode", "Sub_intervensi",
      route=[script.top(), (script.cx, sub.bottom()[1])])
    f("Flow_batas_perpanjangan_tercapai", "Gateway_batas_perpanjangan", "Task_tinjau_intervensi",
      name="tidak: batas tercapai", default=True, route=("via", SUP + 70))
    f("Flow_persiapan_ke_keluarga_siap", "Task_persiapan_keluarga", "Gateway_keluarga_siap")
    f("Flow_keluarga_siap", "Gateway_keluarga_siap", "Task_kunjungan_rumah", name="ya", cond="keluarga_siap == True")
    f("Flow_keluarga_belum_siap", "Gateway_keluarga_siap", "Task_persiapan_keluarga", name="belum: persiapan lagi",
      default=True, route=("via", MAIN - 70))
    # relapse in aftercare: back to re-asesmen, and from there a new plan
    f("Flow_kunjungan_kambuh", "Gateway_kunjungan_berikutnya", "Task_asesmen_lanjut", name="kambuh: asesmen ulang",
      cond='kondisi_pm_saat_kunjungan == "kambuh"', route=("via", LOW + 58))
