"""The product's words, each written once: roles and their labels, the role groups, the processes
and their stages in order, case and task statuses, risk levels and message names.

Every layer imports these (the engine's rules, the API's schemas, the pages' labels, the command
line, the diagram checks); the editor's web/frontend/src/conventions.js holds a copy for the
browser, and a test checks that it matches.
"""
from __future__ import annotations

# Roles. The labels are the lane names of the diagrams (a lane "Pekerja Sosial" is the role pekerja_sosial).
PEKERJA_SOSIAL = "pekerja_sosial"
KONSELOR_ADIKSI = "konselor_adiksi"
SUPERVISOR = "supervisor"
ADMIN = "admin"
# A Balai over the IPWL of its region (seed 003): reads the dashboards of its region's units, acts on no case.
KOORDINATOR_WILAYAH = "koordinator_wilayah"
ROLES = (PEKERJA_SOSIAL, KONSELOR_ADIKSI, SUPERVISOR, ADMIN, KOORDINATOR_WILAYAH)
ROLE_LABELS = {PEKERJA_SOSIAL: "Pekerja Sosial", KONSELOR_ADIKSI: "Konselor Adiksi", SUPERVISOR: "Supervisor",
               ADMIN: "Admin", KOORDINATOR_WILAYAH: "Koordinator Wilayah"}

# Role groups.
EDITORS = (SUPERVISOR, ADMIN)  # deploy and redesign processes, migrate cases, see the dashboard, retry incidents
LANE_ROLES = (PEKERJA_SOSIAL, KONSELOR_ADIKSI, SUPERVISOR)  # who works on tasks: the lanes of a new diagram
CASE_ACTORS = (*LANE_ROLES, ADMIN)  # register cases, report a crisis: every role but the koordinator wilayah
ESCALATION_ROLE = SUPERVISOR  # overdue work escalates to the unit's supervisors

# Processes and their stages, in case order.
INTAKE = "atensi_intake"
CASE_RESPONSE = "case_response"
PROCESS_KEYS = (INTAKE, CASE_RESPONSE)
STAGES = {
    INTAKE: ("identifikasi", "asesmen", "rencana_intervensi", "intervensi", "reintegrasi", "terminasi",
             "aftercare"),
    CASE_RESPONSE: ("kedaruratan", "intervensi_krisis", "pendampingan", "rehabilitasi_sosial", "penguatan"),
}

# Stored statuses.
CASE_ACTIVE, CASE_COMPLETED, CASE_INCIDENT = "active", "completed", "incident"
CASE_SUSPENDED = "suspended"  # consent withdrawn (UU PDP): tasks leave inboxes, timers stop
CASE_STATUSES = (CASE_ACTIVE, CASE_COMPLETED, CASE_INCIDENT, CASE_SUSPENDED)
TASK_OPEN, TASK_COMPLETED, TASK_CANCELLED = "open", "completed", "cancelled"
TASK_SUSPENDED = "suspended"  # the case is suspended: out of every inbox until it resumes
TASK_STATUSES = (TASK_OPEN, TASK_COMPLETED, TASK_CANCELLED, TASK_SUSPENDED)
INCIDENT_OPEN, INCIDENT_RESOLVED = "open", "resolved"
INCIDENT_STATUSES = (INCIDENT_OPEN, INCIDENT_RESOLVED)
DELIVERY_PENDING, DELIVERY_SENT, DELIVERY_FAILED = "pending", "sent", "failed"  # an alert's e-mail in the outbox
DELIVERY_STATUSES = (DELIVERY_PENDING, DELIVERY_SENT, DELIVERY_FAILED)

# Handovers between units (engine.cases.handover): a transfer moves the case; a referral asks for a service.
TRANSFER, REFERRAL = "transfer", "referral"
HANDOVER_KINDS = (TRANSFER, REFERRAL)
HANDOVER_PENDING, HANDOVER_ACCEPTED, HANDOVER_REJECTED = "pending", "accepted", "rejected"
HANDOVER_DONE, HANDOVER_REFUSED = "done", "refused"
HANDOVER_STATUSES = (HANDOVER_PENDING, HANDOVER_ACCEPTED, HANDOVER_REJECTED, HANDOVER_DONE, HANDOVER_REFUSED)
TRANSFER_ANSWERS = (HANDOVER_ACCEPTED, HANDOVER_REJECTED)  # by the receiving unit's supervisor
REFERRAL_ANSWERS = (HANDOVER_ACCEPTED, HANDOVER_DONE, HANDOVER_REFUSED)  # accepted may later become done
HANDOVER_ROLES = (PEKERJA_SOSIAL, SUPERVISOR)  # who proposes a transfer or sends a referral
REFERRAL_SERVICES = ("rehabilitasi_medis", "shelter", "pelatihan_vokasional", "layanan_kesehatan",
                     "bantuan_hukum", "lainnya")

# Risk levels, lowest first (set by the asesmen's DMN table; they order task priority).
RISK_LOW, RISK_MEDIUM, RISK_HIGH = "rendah", "sedang", "tinggi"
RISK_LEVELS = (RISK_LOW, RISK_MEDIUM, RISK_HIGH)
URGENT_PRIORITY = 0  # a task the diagram marks urgent (a crisis triage): above every risk's priority

# Message names the processes wait for.
KRISIS = "krisis"  # a crisis reported on a running intake case
START_CASE_RESPONSE = "mulai_respon_kasus"  # the intake starts a case response
LANJUT_ATENSI = "lanjut_atensi"  # a case response hands back to its intake, or starts one
KOORDINASI = "koordinasi"  # koordinasi with another institution recorded on a running intake case
USULAN_TERMINASI = "usulan_terminasi"  # a pekerja sosial proposes to end an intake case early
TERMINASI_DINI = "terminasi_dini"  # the supervisor approved: the case ends what it was doing
MESSAGES = (KRISIS, START_CASE_RESPONSE, LANJUT_ATENSI, KOORDINASI, USULAN_TERMINASI, TERMINASI_DINI)

# Documents of a case file (catatan kasus and dokumen): what a worker says an upload is.
DOC_CONSENT, DOC_URINE_TEST, DOC_REFERRAL_LETTER = "formulir_persetujuan", "hasil_tes_urine", "surat_rujukan"
DOC_HOME_VISIT_PHOTO, DOC_OTHER = "foto_kunjungan_rumah", "lainnya"
DOCUMENT_KINDS = (DOC_CONSENT, DOC_URINE_TEST, DOC_REFERRAL_LETTER, DOC_HOME_VISIT_PHOTO, DOC_OTHER)
