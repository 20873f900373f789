"""Bahasa Indonesia by default, English as an option; times shown in the configured zone.

Source strings are English (``_("Cases")``) and ``translations/id`` holds the Indonesian; the
language is chosen per session. The labels of the engine's stored values (stages, risk levels,
statuses, roles, history kinds), keyed by engine.vocabulary, live here, as do relative due times
("terlambat 3 hari").
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import Flask, current_app, session
from flask_babel import (
    Babel,
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    get_timezone,
    gettext,
    ngettext,
)
from flask_babel import lazy_gettext as _l

from engine import clock, vocabulary
from engine.alerts.overdue import without_snapshot
from engine.cases import shown
from engine.cases.numbers import case_number
from engine.durations import lateness_in_words
from engine.vocabulary import (
    ADMIN,
    CASE_ACTIVE,
    CASE_COMPLETED,
    CASE_INCIDENT,
    CASE_RESPONSE,
    CASE_SUSPENDED,
    DOC_CONSENT,
    DOC_HOME_VISIT_PHOTO,
    DOC_OTHER,
    DOC_REFERRAL_LETTER,
    DOC_URINE_TEST,
    HANDOVER_ACCEPTED,
    HANDOVER_DONE,
    HANDOVER_PENDING,
    HANDOVER_REFUSED,
    HANDOVER_REJECTED,
    INTAKE,
    KONSELOR_ADIKSI,
    KOORDINATOR_WILAYAH,
    KRISIS,
    PEKERJA_SOSIAL,
    REFERRAL,
    RISK_HIGH,
    RISK_LOW,
    RISK_MEDIUM,
    SUPERVISOR,
    TRANSFER,
)

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

# stage labels in the vocabulary's stage order, per process
STAGES = {
    **dict(zip(vocabulary.STAGES[INTAKE], (
        _l("Identification"), _l("Assessment"), _l("Intervention plan"), _l("Intervention"),
        _l("Reintegration"), _l("Termination"), _l("Aftercare")), strict=True)),
    **dict(zip(vocabulary.STAGES[CASE_RESPONSE], (
        _l("Emergency triage"), _l("Crisis intervention"), _l("Case accompaniment"),
        _l("Social rehabilitation"), _l("Strengthening PM and family")), strict=True)),
}
RISKS = {RISK_LOW: _l("Low"), RISK_MEDIUM: _l("Medium"), RISK_HIGH: _l("High")}
STATUSES = {CASE_ACTIVE: _l("Active"), CASE_COMPLETED: _l("Closed"), CASE_INCIDENT: _l("Incident"),
            CASE_SUSPENDED: _l("Suspended")}
AGES = {"anak": _l("Child"), "dewasa": _l("Adult")}
ROLES = {PEKERJA_SOSIAL: _l("Social worker"), KONSELOR_ADIKSI: _l("Addiction counsellor"),
         SUPERVISOR: _l("Supervisor"), ADMIN: _l("Administrator"), KOORDINATOR_WILAYAH: _l("Regional coordinator")}
SEXES = {"L": _l("Male"), "P": _l("Female")}
REFERRALS = {"keluarga": _l("Family"), "bnn": _l("BNN (National Narcotics Agency)"), "kepolisian": _l("Police"),
             "pengadilan": _l("Court"), "layanan_kesehatan": _l("Health service"), "mandiri": _l("Self-referral"),
             "penjangkauan": _l("Outreach")}
ALERT_KINDS = {"overdue": _l("Overdue"), "reminder": _l("Reminder"), "escalation": _l("Escalation"),
               "timer": _l("Timer"), "urgent": _l("Urgent")}
PROCESSES = {INTAKE: _l("ATENSI intake"), CASE_RESPONSE: _l("Case response")}
HISTORY = {
    "case_started": _l("Case registered"), "task_created": _l("Task opened"),
    "task_completed": _l("Task completed"), "task_claimed": _l("Task claimed"),
    "task_unclaimed": _l("Task returned to the queue"), "task_assigned": _l("Task assigned"),
    "task_cancelled": _l("Task cancelled"), "stage_changed": _l("Stage changed"),
    "timer_fired": _l("Timer fired"), "timer_error": _l("Timer error"),
    "message_received": _l("Message received"), "message_unrouted": _l("Message not delivered"),
    "case_spawned": _l("Case response started"), "case_completed": _l("Case closed"),
    "incident": _l("Incident"), "incident_retried": _l("Incident retried"),
    "incident_retry_failed": _l("Incident retry failed again"),
    "alert_acknowledged": _l("Alert acknowledged"), "case_migrated": _l("Moved to another process version"),
    "case_migration_undone": _l("Process version move undone"),
    "consent_given": _l("Consent recorded"), "case_suspended": _l("Consent withdrawn: case suspended"),
    "case_resumed": _l("Consent given again: case resumed"),
    "pm_merged": _l("PM records merged"),
    "case_closed_without_consent": _l("Case closed after consent was withdrawn"),
    "note_added": _l("Case note"), "note_corrected": _l("Case note corrected"),
    "document_added": _l("Document uploaded"),
    "transfer_proposed": _l("Transfer to another unit proposed"), "transfer_accepted": _l("Transfer accepted"),
    "transfer_rejected": _l("Transfer rejected"), "referral_sent": _l("Referral sent"),
    "referral_answered": _l("Referral answered"),
    "age_category_changed": _l("Age category recomputed from the date of birth"),
}
HANDOVER_KINDS = {TRANSFER: _l("Transfer"), REFERRAL: _l("Referral")}
HANDOVER_STATUSES = {HANDOVER_PENDING: _l("Waiting for an answer"), HANDOVER_ACCEPTED: _l("Accepted"),
                     HANDOVER_REJECTED: _l("Rejected"), HANDOVER_DONE: _l("Done"), HANDOVER_REFUSED: _l("Refused")}
SERVICES = {"rehabilitasi_medis": _l("Medical rehabilitation"), "shelter": _l("Shelter"),
            "pelatihan_vokasional": _l("Vocational training"), "layanan_kesehatan": _l("Health service"),
            "bantuan_hukum": _l("Legal aid"), "lainnya": _l("Other service")}
MESSAGES = {KRISIS: _l("Crisis")}
# personal data (UU PDP): consent parties and purposes, and the record of processing
PARTIES = {"pm": _l("PM"), "wali": _l("Parent or guardian")}
CONSENT_SCOPES = {"asesmen": _l("Assessment"), "intervensi": _l("Intervention and rehabilitation"),
                  "rujukan": _l("Referral to partner services"),
                  "berbagi_data": _l("Sharing data with BNN and health services")}
ACCESS_ACTIONS = {"read": _l("Read"), "change": _l("Changed"), "export": _l("Exported"), "upload": _l("Uploaded"),
                  "anonymise": _l("Anonymised")}
ACCESS_OBJECTS = {"case": _l("Case"), "task": _l("Task"), "history": _l("Case history"),
                  "export": _l("Case list export"), "subject": _l("Subject access report"),
                  "notes": _l("Case notes"), "documents": _l("Document list"), "document": _l("Document"),
                  "casefile": _l("Case notes and documents")}
DOCUMENT_KINDS = {DOC_CONSENT: _l("Consent form"), DOC_URINE_TEST: _l("Urine test result"),
                  DOC_REFERRAL_LETTER: _l("Referral letter"), DOC_HOME_VISIT_PHOTO: _l("Home visit photo"),
                  DOC_OTHER: _l("Other document")}


def select_locale() -> str:
    lang = session.get("lang")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def select_timezone() -> str:
    return current_app.config["WEB_TIMEZONE"]


def humanise(value) -> str:
    """'rawat_inap' -> 'Rawat inap': how a stored enum value reads when nothing better is known."""
    text = str(value if value is not None else "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def label(table: dict, value, missing: str | None = None) -> str:
    if value is None or value == "":
        return missing if missing is not None else "—"
    found = table.get(value)
    return str(found) if found is not None else humanise(value)


def local_datetime(moment: datetime | None) -> str:
    """'5 Jan 2026 09.00' in the configured zone (Asia/Jakarta by default)."""
    if moment is None:
        return "—"
    return format_datetime(clock.as_utc(moment), clock.DATETIME_PATTERN)


def local_date(moment: datetime) -> str:
    return format_datetime(clock.as_utc(moment), clock.DATE_PATTERN)


def calendar_date(value: str | None) -> str:
    """An ISO calendar date as stored ('2026-01-02') written like the pages' other dates: '2 Jan 2026'."""
    try:
        return format_date(date.fromisoformat(value), clock.DATE_PATTERN)
    except (TypeError, ValueError):
        return value or "—"


def due_text(due_at: datetime | None, now: datetime | None = None) -> str:
    """'terlambat 3 hari', 'jatuh tempo hari ini', 'jatuh tempo besok', 'jatuh tempo dalam 5 hari'."""
    if due_at is None:
        return gettext("no due date")
    now, due_at = clock.as_utc(now or clock.now()), clock.as_utc(due_at)
    if due_at < now:
        return _lateness(now - due_at)
    zone = get_timezone()
    days = (due_at.astimezone(zone).date() - now.astimezone(zone).date()).days
    if days <= 0:
        return gettext("due today")
    if days == 1:
        return gettext("due tomorrow")
    return ngettext("due in %(num)d day", "due in %(num)d days", days)


def _lateness(late: timedelta) -> str:
    """The alerts' wording too (engine.durations.lateness_in_words)."""
    return gettext("overdue by %(time)s", time=lateness_in_words(late, select_locale()))


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def value_text(value, limit: int = 160) -> str:
    """A recorded form value as a line of the history: Ya/Tidak, lists joined, long text cut."""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list | tuple):
        return ", ".join(humanise(v) for v in value)
    text = " ".join(str(value).split())
    if ISO_DATE.fullmatch(text):  # a birth date as stored: written like every other date
        return calendar_date(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown_text(value) -> str:
    """A value a task shows of its case, in full: Ya/Tidak, lists one per line, text as written."""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list | tuple):
        return "\n".join(shown_text(v) for v in value)
    if isinstance(value, dict):
        return "\n".join(f"{humanise(k)}: {shown_text(v)}" for k, v in value.items())
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return calendar_date(value)
    return "" if value is None else str(value)


def shown_fact(item: dict) -> str:
    """A shown value in words: a case's risk level or stage by its label ('Tinggi', 'Asesmen')."""
    table = {"risk_level": RISKS, "risk_level_induk": RISKS, "stage": STAGES}.get(item["path"].rsplit(".", 1)[-1])
    if table is not None and isinstance(item["text"], str) and item["text"] in table:
        return label(table, item["text"])
    return shown_text(item["text"])


def recorded(fields: dict, key: str, value) -> tuple[str, str]:
    """A recorded form value as (label, text): the form's title and enum titles ('Zat utama',
    'Stimulan jenis amfetamin (sabu)'), else the humanised key; text in full."""
    item = shown.describe(fields or {}, key, value)
    readable = item["text"]
    text = ", ".join(shown_text(v) for v in readable) if isinstance(readable, list | tuple) else shown_text(readable)
    return item["label"] or humanise(key), text


def alert_text(message: str | None, link: str | None, live: bool = False) -> str:
    """The alert's message without the link the e-mail needed: the page has a button for it.

    Takes the two fields, not the alert, because pages get alerts both as rows (the inbox) and as
    mappings (the case detail); Jinja's ``alert.message`` reads either."""
    text = message or ""
    if live:  # the page says how late the task is now, beside the text
        text = without_snapshot(text)
    if link:
        text = text.replace(f"Buka tugas: {link}", "").replace(f"Buka: {link}", "").strip()
    return text


def file_size(size: int) -> str:
    """'240 KB', '1,5 MB' in the page's language."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return format_decimal(round(size / (1024 * 1024), 1)) + " MB"


def month_name(month: str) -> str:
    """'2026-12' -> 'Desember 2026' in the page's language."""
    try:
        return format_date(date.fromisoformat(f"{month}-01"), "MMMM yyyy")
    except ValueError:
        return month


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale, timezone_selector=select_timezone)
    filters = {
        "stage": lambda v: label(STAGES, v), "risk": lambda v: label(RISKS, v, gettext("not assessed")),
        "status": lambda v: label(STATUSES, v), "age": lambda v: label(AGES, v), "role": lambda v: label(ROLES, v),
        "sex": lambda v: label(SEXES, v), "referral": lambda v: label(REFERRALS, v),
        "alert_kind": lambda v: label(ALERT_KINDS, v), "history_kind": lambda v: label(HISTORY, v),
        "handover_kind": lambda v: label(HANDOVER_KINDS, v), "handover_status": lambda v: label(HANDOVER_STATUSES, v),
        "service": lambda v: label(SERVICES, v),
        "process": lambda v: label(PROCESSES, v), "humanise": humanise, "local_datetime": local_datetime,
        "local_date": local_date, "due_text": due_text, "calendar_date": calendar_date,
        "case_number": case_number, "iso_date": calendar_date,
        "value_text": value_text, "shown_text": shown_text, "shown_fact": shown_fact,
        "party": lambda v: label(PARTIES, v), "consent_scope": lambda v: label(CONSENT_SCOPES, v),
        "access_action": lambda v: label(ACCESS_ACTIONS, v), "access_object": lambda v: label(ACCESS_OBJECTS, v),
        "document_kind": lambda v: label(DOCUMENT_KINDS, v), "file_size": file_size,
        "decimal": format_decimal, "percent": format_percent, "month_name": month_name,
    }
    app.jinja_env.filters.update(filters)
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, EDITORS=vocabulary.EDITORS,
                                 CASE_ACTORS=vocabulary.CASE_ACTORS, current_language=select_locale,
                                 alert_text=alert_text, recorded=recorded,
                                 URGENT_PRIORITY=vocabulary.URGENT_PRIORITY)
