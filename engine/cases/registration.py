"""Registering a PM (penerima manfaat): the rules every adapter checks the PM by, the payload a
case starts with, and the operations that check and start it. The API's schema and the pages'
form show these rules' findings in their own words; the engine checks again before it starts."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from engine.cases.derived import DERIVED_FIELDS
from engine.errors import InvalidInput
from engine.people.access import Actor
from engine.vocabulary import CASE_RESPONSE, INTAKE

NIK = re.compile(r"^\d{16}$")  # Nomor Induk Kependudukan: 16 digits
SEXES = ("L", "P")
EARLIEST_BIRTH = date(1900, 1, 1)
# The latest "today" anywhere in Indonesia (WIT, UTC+9): a birth today is never in the future.
LATEST_INDONESIAN_OFFSET = timezone(timedelta(hours=9))
BORN_IN_THE_FUTURE, BORN_BEFORE_1900 = "born_in_the_future", "born_before_1900"
MESSAGES = {BORN_IN_THE_FUTURE: "the date of birth cannot be in the future",
            BORN_BEFORE_1900: "the date of birth is before 1900"}


def is_nik(value) -> bool:
    return isinstance(value, str) and NIK.fullmatch(value) is not None


def birth_date_problem(born: date) -> str | None:
    """BORN_IN_THE_FUTURE, BORN_BEFORE_1900, or None for a possible date of birth."""
    if born > datetime.now(LATEST_INDONESIAN_OFFSET).date():
        return BORN_IN_THE_FUTURE
    if born < EARLIEST_BIRTH:
        return BORN_BEFORE_1900
    return None


def pm_problems(pm: dict, emergency: bool = False) -> dict[str, list[str]]:
    """Per field (``pm.nik``), what is wrong with a PM. An emergency referral may not know the NIK,
    the date of birth or the sex yet."""
    def checked(name: str) -> bool:
        return pm.get(name) is not None or not emergency

    problems: dict[str, list[str]] = {}
    if not str(pm.get("nama") or "").strip():
        problems["pm.nama"] = ["the name is required"]
    if checked("nik") and not is_nik(pm.get("nik")):
        problems["pm.nik"] = ["NIK must be exactly 16 digits"]
    born = _birth_problem(pm.get("tanggal_lahir")) if checked("tanggal_lahir") else None
    if born:
        problems["pm.tanggal_lahir"] = [born]
    if checked("jenis_kelamin") and pm.get("jenis_kelamin") not in SEXES:
        problems["pm.jenis_kelamin"] = ["must be one of: L, P"]
    return problems


def _birth_problem(value) -> str | None:
    try:
        born = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        return "not a date (year-month-day)"
    found = birth_date_problem(born)
    return MESSAGES[found] if found else None


def intake_payload(pm: dict, data: dict | None = None) -> dict:
    """What the intake starts with: further data, and the PM (the engine derives anak/dewasa)."""
    return {**(data or {}), "pm": _iso_dates(pm)}


def case_response_payload(pm: dict, uraian: str, data: dict | None = None) -> dict:
    """What a case response starts with: the PM as far as known, and the report of the emergency."""
    known = {key: value for key, value in _iso_dates(pm).items() if value is not None}
    return {**(data or {}), "pm": known, "laporan_krisis": {"uraian": uraian}}


def _iso_dates(pm: dict) -> dict:
    born = pm.get("tanggal_lahir")
    return {**pm, "tanggal_lahir": born.isoformat()} if isinstance(born, date) else dict(pm)


def derived_problems(data: dict | None) -> dict[str, list[str]]:
    """Per field (``data.kategori_usia``): further data may not set what the engine derives."""
    return {f"data.{name}": ["derived by the engine (from the date of birth or the asesmen); do not send it"]
            for name in DERIVED_FIELDS if name in (data or {})}


def register(runtime, pm: dict, actor: Actor, unit_id: int | None = None, process: str = INTAKE,
             data: dict | None = None, pm_id: int | None = None, confirm_new_case: bool = False,
             first_tasks_to_actor: bool = False) -> int:
    """Check the PM and start ``process`` (the ATENSI intake by default) for them: the case's id.
    A PM who looks registered before (same NIK, or same name and birth date) is refused with the
    matches (engine.pms.duplicates.DuplicatePm) unless the caller names the PM (``pm_id``: a new
    case of theirs) or confirms a new PM (``confirm_new_case``)."""
    _require_valid(pm, emergency=False, data=data)
    return runtime.start_case(process, intake_payload(pm, data), actor, unit_id, pm_id=pm_id,
                              refuse_duplicates=not confirm_new_case, first_tasks_to_actor=first_tasks_to_actor)


def refer_emergency(runtime, pm: dict, uraian: str, actor: Actor, unit_id: int | None = None,
                    data: dict | None = None, pm_id: int | None = None, confirm_new_case: bool = False,
                    first_tasks_to_actor: bool = False) -> int:
    """Check what is known of the PM and start a case response for the emergency: the case's id.
    Duplicates as in ``register``: without a NIK, a PM of the same name and birth date."""
    _require_valid(pm, emergency=True, data=data)
    if not str(uraian or "").strip():
        raise InvalidInput("the emergency is not described", {"uraian": ["describe what happened"]})
    return runtime.start_case(CASE_RESPONSE, case_response_payload(pm, uraian, data), actor, unit_id, pm_id=pm_id,
                              refuse_duplicates=not confirm_new_case, first_tasks_to_actor=first_tasks_to_actor)


def _require_valid(pm: dict, emergency: bool, data: dict | None = None) -> None:
    problems = {**pm_problems(pm, emergency), **derived_problems(data)}
    if problems:
        raise InvalidInput("the PM's registration is not valid", problems)
