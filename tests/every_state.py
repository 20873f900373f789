"""One ATENSI case in each state the engine and the scheduler can put a case in, all in one unit,
produced the way they are in production: people complete tasks, the scheduler (DueWork) fires
timers and raises alerts, a supervisor redesigns and migrates. Pages and endpoints are tested
against every one of them.

- overdue: its task is past due and no scheduler pass has seen it yet
- alerted / reminded / escalated: the scheduler's first overdue alert, a reminder, an escalation
- incident: migrated to a redesign whose new script fails when the monthly monitoring timer fires,
  while its Pelaksanaan intervensi stays open, overdue and escalated
- migrated: moved from version 1 to version 2 of the intake process
- parent / child: a crisis during intervensi spawned a case response (the child case)
- finished: run from intake to the end of aftercare (closed)
- transferred: registered by the other unit (LKS Lain), which proposed a transfer that this unit's
  supervisor accepted; its Identifikasi, now this unit's, goes on to be overdue and escalated here.
  The other unit still reads its history until the transfer (engine.cases.handover)
- terminating: an early termination (PM dropped out) approved during asesmen: the interrupting
  Terminasi dini path, its Laporan terminasi open and, later, overdue
- suspended: the PM withdrew consent; its tasks stop, only supervisors read it
- closed: the same, then closed by the supervisor without consent (its workflow stopped where it was)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from engine.cases.handover import Handovers
from engine.cases.migration import CaseMigrations
from engine.config import BPMN_DIR, Settings
from engine.definitions.deployments import folder_bundles
from engine.privacy.consent import Consents
from engine.storage.models import Case
from tests.case_driver import CaseDriver, registration
from tests.redesign import bpmn_edit
from workers.scheduler import DueWork

INTAKE = "atensi_intake.bpmn"
# The redesign's mistake: a counter that was never set, so the script fails at its first run.
BROKEN_SCRIPT = "jumlah_monitoring = jumlah_monitoring + 1"
# PM names say the state, so a list page shows which case is which.
NAMES = {"overdue": "Adi Terlambat", "alerted": "Bayu Peringatan", "reminded": "Citra Pengingat",
         "escalated": "Dian Eskalasi", "incident": "Eka Insiden", "migrated": "Fajar Migrasi",
         "parent": "Gita Krisis", "finished": "Hadi Selesai", "transferred": "Indah Pindahan",
         "terminating": "Joko Terminasi", "suspended": "Kartika Ditangguhkan", "closed": "Lukas Ditutup"}


@dataclass
class EveryState:
    cases: dict[str, int] = field(default_factory=dict)  # state -> case id
    tasks: dict[str, str] = field(default_factory=dict)  # state -> the id of its open task (where it has one)

    def __getitem__(self, state: str) -> int:
        return self.cases[state]


class _Builder:
    def __init__(self, runtime, staff, settings: Settings, clock):
        self.runtime, self.staff, self.clock, self.settings = runtime, staff, clock, settings
        self.work = DueWork(runtime.session_factory, settings, senders={})
        self.world = EveryState()

    def start(self, state: str, by: str = "peksos") -> CaseDriver:
        case_id = self.runtime.start_case("atensi_intake", registration(nama=NAMES[state], nik=_nik(state)),
                                          self.staff.actor(by))
        self.world.cases[state] = case_id
        return CaseDriver(self.runtime, self.staff, case_id)

    def days_with_passes(self, days: int) -> None:
        """Let days pass with the scheduler running every six hours."""
        for _ in range(days * 4):
            self.clock.shift(timedelta(hours=6))
            self.work.run_pass()

    def finished(self) -> None:
        case = self.start("finished")
        case.complete("Identifikasi & orientasi")
        case.complete("Skrining ASSIST", zat_utama="ganja", skor_ganja=2)  # low risk: family based, no asesmen
        case.complete("Rujukan rehabilitasi medis")
        case.complete("Susun rencana intervensi", komponen_atensi=["terapi"])
        case.complete("Persetujuan rencana intervensi", rencana_disetujui=True)
        case.complete("Pelaksanaan intervensi", rencana_selesai=True)
        self.clock.shift(timedelta(days=94))
        assert self.runtime.fire_timers(case.case_id)
        case.complete("Laporan terminasi", alasan_terminasi="selesai")
        case.complete("Persetujuan terminasi", terminasi_disetujui=True)
        case.complete("Rencana bimbingan lanjut", bentuk_bimbingan=["kursus"])
        for _ in range(3):
            case.complete("Kunjungan tindak lanjut")
        case.complete("Penutupan kasus")
        assert case.case().status == "completed"

    def transferred(self) -> None:
        """Registered by the other unit and transferred here, accepted by this unit's supervisor."""
        case = self.start("transferred", by="asing")
        handovers = Handovers(self.runtime.session_factory, self.settings)
        proposed = handovers.propose_transfer(case.case_id, self.staff.unit_id, "PM pindah domisili",
                                              NAMES["transferred"], "2026-01-04", self.staff.actor("asing"))
        handovers.answer(proposed["id"], "accepted", "Diterima", self.staff.actor("supervisor"))
        self.world.tasks["transferred"] = case.task("Identifikasi & orientasi").id

    def crisis(self) -> None:
        parent = self.start("parent")
        parent.into_intervensi()
        self.runtime.send_message(parent.case_id, "krisis", {"uraian": "PM overdosis"}, self.staff.actor("peksos"))
        with self.runtime.session_factory() as session:
            child_id = session.scalars(select(Case.id).where(Case.parent_case_id == parent.case_id)).one()
        self.world.cases["child"] = child_id
        self.world.tasks["child"] = CaseDriver(self.runtime, self.staff, child_id).task("Kedaruratan (triase)").id

    def terminating(self) -> None:
        case = self.start("terminating")
        case.complete("Identifikasi & orientasi")
        self.runtime.send_message(case.case_id, "usulan_terminasi", {
            "alasan_terminasi": "putus_layanan", "keterangan": "PM tidak datang lagi"}, self.staff.actor("peksos"))
        case.complete("Persetujuan usulan terminasi", usulan_disetujui=True)
        self.world.tasks["terminating"] = case.task("Laporan terminasi").id

    def without_consent(self) -> None:
        consents = Consents(self.runtime.session_factory)
        for state in ("suspended", "closed"):
            case = self.start(state)
            consents.withdraw(case.case_id, "PM menarik persetujuan", self.staff.actor("peksos"))
        consents.close_suspended(self.world["closed"], "PM tidak melanjutkan", self.staff.actor("supervisor"))

    def redesign_and_migrate(self, *states: str) -> None:
        """Version 2: a supervisor adds a script to the monthly monitoring, with a mistake in it."""
        files = next(b for b in folder_bundles(BPMN_DIR) if INTAKE in b)
        files[INTAKE] = bpmn_edit.insert_script_task_after(
            files[INTAKE], "Timer_monitoring_bulanan", "Script_hitung_monitoring", "Hitung monitoring",
            BROKEN_SCRIPT, "Lane_pekerja_sosial", at=(1640, 110))  # left of Monitoring bulanan
        supervisor = self.staff.actor("supervisor")
        self.runtime.deploy(files, supervisor, note="v2: hitung monitoring")
        report = CaseMigrations(self.runtime.session_factory).migrate(
            "atensi_intake", supervisor, case_ids=[self.world[s] for s in states])
        assert report.count("migrated") == len(states), report.to_dict()


def build_every_state(runtime, staff, settings: Settings, clock) -> EveryState:
    """Needs the ATENSI processes deployed and the test clock (time_machine) in hand."""
    build = _Builder(runtime, staff, settings, clock)
    build.finished()
    build.transferred()
    build.crisis()
    build.terminating()
    build.without_consent()
    incident = build.start("incident")
    incident.into_intervensi()
    build.world.tasks["incident"] = incident.task("Pelaksanaan intervensi").id
    build.world.tasks["migrated"] = build.start("migrated").task("Identifikasi & orientasi").id
    build.redesign_and_migrate("incident", "migrated")
    build.days_with_passes(32)  # escalations, and the monthly timer fires into the broken script
    assert incident.case().status == "incident"
    # Identifikasi is due in 3 days: started a day apart, after 5 days they stand at three alert levels.
    for state in ("escalated", "reminded", "alerted"):
        build.world.tasks[state] = build.start(state).task("Identifikasi & orientasi").id
        build.clock.shift(timedelta(days=1))
    build.days_with_passes(2)
    build.clock.shift(timedelta(hours=1, minutes=30))
    build.work.run_pass()
    build.world.tasks["overdue"] = build.start("overdue").task("Identifikasi & orientasi").id
    build.clock.shift(timedelta(days=3, hours=2))  # overdue, and no pass since
    return build.world


def _nik(state: str) -> str:
    return f"31710115019{sorted(NAMES).index(state):05d}"
