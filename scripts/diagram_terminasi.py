"""Early termination from any stage of the intake (issue 13), drawn right of the planned path.

Two event sub-processes of the intake process:
- "Usulan terminasi" (non-interrupting, message ``usulan_terminasi``): the pekerja sosial proposes
  with a reason (the start event's role property: only they and supervisors may send it); the
  supervisor approves or returns it. Returned: nothing else changes.
- "Terminasi dini" (interrupting, message ``terminasi_dini``, thrown by the approval): the case
  leaves whatever it was doing (open tasks withdrawn, timers cancelled), writes the terminasi
  report and goes to bimbingan lanjut only after ``selesai`` or ``putus_layanan``.
"""
from __future__ import annotations

from bpmn_layout import Node, message_xml, props, script_task, user_task

from engine.vocabulary import PEKERJA_SOSIAL, SUPERVISOR

PS, SV = "Pekerja Sosial", "Supervisor"
MESSAGES = {"Message_usulan_terminasi": "usulan_terminasi", "Message_terminasi_dini": "terminasi_dini"}
# Bimbingan lanjut follows only where the PM can still be served by this unit (product default):
# not after meninggal; dirujuk: the receiving institution carries the follow-up (seed 003 lists
# "Terminasi, reunifikasi dan rujukan" as one step); menolak_layanan: without consent there is no
# service to follow up. A drop-out (putus_layanan) is followed up to invite the PM back.
AFTERCARE_REASONS = ("selesai", "putus_layanan")
WHY_AFTERCARE = (
    "Bimbingan lanjut hanya setelah alasan 'selesai' atau 'putus_layanan' (default produk). Tidak setelah "
    "'meninggal'; 'dirujuk': lembaga penerima meneruskan layanan (seed 003: terminasi, reunifikasi dan rujukan); "
    "'menolak_layanan': tanpa persetujuan PM tidak ada layanan lanjutan.")


WHY_RELAPSE = (
    "Kambuh pada kunjungan tindak lanjut setelah terminasi dini: seperti pada jalur terencana, PM diases "
    "ulang, di sini dalam kasus ATENSI baru yang tertaut (kasus ini sudah diterminasi; default produk).")


def add_early_termination(d, add) -> int:
    """Add both event sub-processes and their flows; returns the pool width they need."""
    d.messages.update(MESSAGES)
    x0 = max(node.cx + node.w / 2 for node in d.nodes.values()) + 60  # right of the planned path
    _proposal(d, add, x0)
    return _termination(d, add, x0)


def _proposal(d, add, X0) -> None:
    y = 810
    add(Node("Sub_usulan_terminasi", "subProcess", "Usulan terminasi", X0 + 330, y, lane=SV, w=640, h=150,
             attrs={"triggeredByEvent": "true"},
             documentation="Pekerja sosial mengusulkan terminasi dari tahap mana pun; supervisor menyetujui "
                           "atau mengembalikan (kasus berjalan terus)."))
    add(Node("Start_usulan_terminasi", "startEvent", "Usulkan terminasi", X0 + 60, y, parent="Sub_usulan_terminasi",
             attrs={"isInterrupting": "false"}, props=props(form="usulan_terminasi.json", role=PEKERJA_SOSIAL),
             documentation="Diusulkan oleh pekerja sosial (atau supervisor); disetujui supervisor (default produk).",
             body=message_xml("Message_usulan_terminasi", "MessageDef_usulan_terminasi",
                              variable="usulan_terminasi")))
    add(Node("Task_persetujuan_usulan_terminasi", "userTask", "Persetujuan usulan terminasi", X0 + 190, y,
             lane=SV, parent="Sub_usulan_terminasi",
             props={**props("persetujuan_usulan_terminasi.json", "P1D", role=SUPERVISOR),
                    "shows": "usulan_terminasi.alasan_terminasi=Alasan, usulan_terminasi.dirujuk_ke=Dirujuk ke, "
                             "usulan_terminasi.keterangan=Keterangan"}))
    add(Node("Gateway_usulan_disetujui", "exclusiveGateway", "Disetujui?", X0 + 320, y,
             parent="Sub_usulan_terminasi", label="above"))
    add(Node("Throw_terminasi_dini", "intermediateThrowEvent", "Terminasi dini", X0 + 430, y,
             parent="Sub_usulan_terminasi",
             body=message_xml("Message_terminasi_dini", "MessageDef_terminasi_dini_kirim", payload=(
                 '{"usulan": usulan_terminasi, "pm": pm, "unit": unit, "kategori_usia": kategori_usia}'))))
    add(Node("End_usulan_disetujui", "endEvent", "Usulan disetujui", X0 + 540, y, parent="Sub_usulan_terminasi"))
    add(Node("End_usulan_dikembalikan", "endEvent", "Dikembalikan", X0 + 430, y + 55,
             parent="Sub_usulan_terminasi", label="right"))
    f = d.flow
    f("Flow_usulan_ke_persetujuan", "Start_usulan_terminasi", "Task_persetujuan_usulan_terminasi")
    f("Flow_persetujuan_usulan_ke_gateway", "Task_persetujuan_usulan_terminasi", "Gateway_usulan_disetujui")
    f("Flow_usulan_disetujui", "Gateway_usulan_disetujui", "Throw_terminasi_dini", name="ya",
      cond="usulan_disetujui == True")
    f("Flow_terminasi_dini_ke_akhir", "Throw_terminasi_dini", "End_usulan_disetujui")
    f("Flow_usulan_dikembalikan", "Gateway_usulan_disetujui", "End_usulan_dikembalikan", name="tidak",
      default=True, route="vh")


def _termination(d, add, X0) -> int:
    y, low, x = 300, 430, X0 + 40
    add(Node("Sub_terminasi_dini", "subProcess", "Terminasi dini", X0 + 760, 330, lane=PS, w=1520, h=330,
             attrs={"triggeredByEvent": "true"}, props={"stage": "terminasi"},
             documentation="Menghentikan semua yang sedang berjalan (tugas ditarik, timer dibatalkan, "
                           "riwayat tetap). " + WHY_AFTERCARE))
    add(Node("Start_terminasi_dini", "startEvent", "Terminasi disetujui", x, y, parent="Sub_terminasi_dini",
             props={"stage": "terminasi"},
             body=message_xml("Message_terminasi_dini", "MessageDef_terminasi_dini", variable="terminasi_dini")))
    add(script_task("Script_catat_terminasi_dini", "Catat alasan terminasi", PS, x + 110, y,
                    'usulan = terminasi_dini["usulan"]\npm = terminasi_dini["pm"]\nunit = terminasi_dini["unit"]\n'
                    'kategori_usia = terminasi_dini["kategori_usia"]\n'
                    'alasan_terminasi = usulan["alasan_terminasi"]\ndirujuk_ke = usulan.get("dirujuk_ke")',
                    stage="terminasi", parent="Sub_terminasi_dini"))
    add(user_task("Task_laporan_terminasi_dini", "Laporan terminasi", PS, x + 240, y, "laporan_terminasi.json",
                  "P1D", "terminasi", parent="Sub_terminasi_dini"))
    add(Node("Gateway_bimbingan_lanjut_dini", "exclusiveGateway", "Bimbingan lanjut?", x + 370, y,
             parent="Sub_terminasi_dini", label="above", documentation=WHY_AFTERCARE))
    add(Node("End_terminasi_dini_ditutup", "endEvent", "Kasus ditutup", x + 370, low + 40,
             parent="Sub_terminasi_dini", props={"stage": "terminasi"}))
    _aftercare(add, x + 490, y)
    f = d.flow
    f("Flow_terminasi_dini_ke_catat", "Start_terminasi_dini", "Script_catat_terminasi_dini")
    f("Flow_catat_ke_laporan_dini", "Script_catat_terminasi_dini", "Task_laporan_terminasi_dini")
    f("Flow_laporan_dini_ke_gateway", "Task_laporan_terminasi_dini", "Gateway_bimbingan_lanjut_dini")
    f("Flow_dini_ke_bimbingan", "Gateway_bimbingan_lanjut_dini", "Task_rencana_bimbingan_lanjut_dini",
      name="selesai / putus layanan", cond=f"alasan_terminasi in {AFTERCARE_REASONS!r}")
    f("Flow_dini_ditutup", "Gateway_bimbingan_lanjut_dini", "End_terminasi_dini_ditutup",
      name="meninggal / dirujuk / menolak", default=True)
    _aftercare_flows(f, low)
    return int(X0 + 1520 - 100 + 60)


def _aftercare(add, x, y) -> None:
    """Bimbingan lanjut as on the planned path: a plan, monthly visits, closure."""
    sub = "Sub_terminasi_dini"
    add(user_task("Task_rencana_bimbingan_lanjut_dini", "Rencana bimbingan lanjut", PS, x, y,
                  "rencana_bimbingan_lanjut.json", "P7D", "aftercare", parent=sub))
    add(script_task("Script_siapkan_kunjungan_dini", "Siapkan kunjungan tindak lanjut", PS, x + 140, y,
                    "try:\n    jumlah_kunjungan\nexcept NameError:\n    jumlah_kunjungan = 3\n"
                    "kunjungan_ke = 0\naftercare_mulai = now_iso()", stage="aftercare", parent=sub))
    add(Node("Gateway_gabung_kunjungan_dini", "exclusiveGateway", None, x + 260, y, parent=sub))
    add(script_task("Script_jadwalkan_kunjungan_dini", "Jadwalkan kunjungan berikutnya", PS, x + 380, y,
                    "kunjungan_ke = kunjungan_ke + 1\n"
                    'tanggal_kunjungan = add_duration(aftercare_mulai, "P" + str(kunjungan_ke) + "M")',
                    stage="aftercare", parent=sub))
    add(user_task("Task_kunjungan_tindak_lanjut_dini", "Kunjungan tindak lanjut", PS, x + 520, y,
                  "kunjungan_tindak_lanjut.json", "P1M", "aftercare", due_date="tanggal_kunjungan", parent=sub))
    add(Node("Gateway_kunjungan_berikutnya_dini", "exclusiveGateway", "Masih ada kunjungan?", x + 650, y,
             parent=sub, label="above"))
    add(user_task("Task_penutupan_kasus_dini", "Penutupan kasus", PS, x + 650, y + 150, "penutupan_kasus.json",
                  "P7D", "aftercare", parent=sub))
    add(Node("End_kasus_ditutup_dini", "endEvent", "Kasus ditutup", x + 800, y + 150, parent=sub,
             props={"stage": "aftercare"}))
    # relapse: as on the planned path a re-asesmen follows, here in a new intake case for the same PM
    # (this one is terminated; the new case is linked to it and starts at identifikasi)
    add(Node("Throw_kambuh_dini", "intermediateThrowEvent", "Kambuh: kasus ATENSI baru", x + 790, y, parent=sub,
             label="above", props={"stage": "aftercare"}, documentation=WHY_RELAPSE,
             body=message_xml("Message_lanjut_atensi", "MessageDef_lanjut_atensi_kambuh", payload=(
                 '{"kambuh_setelah_terminasi": {"alasan_terminasi": alasan_terminasi, '
                 '"kunjungan_ke": kunjungan_ke}}'))))
    add(Node("End_kambuh_dini", "endEvent", "Kasus ditutup: kambuh", x + 900, y, parent=sub, label="below",
             props={"stage": "aftercare"}))


def _aftercare_flows(f, low) -> None:
    f("Flow_bimbingan_dini_ke_siapkan", "Task_rencana_bimbingan_lanjut_dini", "Script_siapkan_kunjungan_dini")
    f("Flow_siapkan_dini_ke_gabung", "Script_siapkan_kunjungan_dini", "Gateway_gabung_kunjungan_dini")
    f("Flow_gabung_dini_ke_jadwalkan", "Gateway_gabung_kunjungan_dini", "Script_jadwalkan_kunjungan_dini")
    f("Flow_jadwalkan_dini_ke_kunjungan", "Script_jadwalkan_kunjungan_dini", "Task_kunjungan_tindak_lanjut_dini")
    f("Flow_kunjungan_dini_ke_gateway", "Task_kunjungan_tindak_lanjut_dini", "Gateway_kunjungan_berikutnya_dini")
    f("Flow_kunjungan_dini_berikutnya", "Gateway_kunjungan_berikutnya_dini", "Gateway_gabung_kunjungan_dini",
      name="ya", cond='kunjungan_ke < jumlah_kunjungan and kondisi_pm_saat_kunjungan != "kambuh"', route=("via", 215))
    f("Flow_kunjungan_dini_kambuh", "Gateway_kunjungan_berikutnya_dini", "Throw_kambuh_dini", name="kambuh",
      cond='kondisi_pm_saat_kunjungan == "kambuh"')
    f("Flow_kambuh_dini_ke_akhir", "Throw_kambuh_dini", "End_kambuh_dini")
    f("Flow_kunjungan_dini_cukup", "Gateway_kunjungan_berikutnya_dini", "Task_penutupan_kasus_dini", name="tidak",
      default=True)
    f("Flow_penutupan_dini_ke_akhir", "Task_penutupan_kasus_dini", "End_kasus_ditutup_dini")
