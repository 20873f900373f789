"""A PM record: made at registration, found again for a new case of the same person, and the
identity each of its cases shows in lists (the case's pm_* columns, kept equal to it here)."""
from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select

from engine import clock
from engine.errors import InvalidInput, NotFound
from engine.storage.models import Case, Pm

MAX_MERGE_HOPS = 20  # merged records point on to the kept one; chains are short


def name_key(name: str | None) -> str:
    """A name as matching compares it: no accents, case, punctuation or extra spaces."""
    plain = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", plain).split())


def new_pm(pm: dict, created_by: str | None) -> Pm:
    return Pm(name=pm.get("nama") or "", name_key=name_key(pm.get("nama")), nik=pm.get("nik"),
              birth_date=pm.get("tanggal_lahir"), sex=pm.get("jenis_kelamin"),
              address=str(pm.get("alamat") or ""), family_contact=str(pm.get("kontak_keluarga") or ""),
              guardian=dict(pm.get("wali") or {}), created_by=created_by, created_at=clock.now())


def current(session, pm_id: int) -> Pm:
    """The PM record, or the one it was merged into."""
    pm = session.get(Pm, pm_id)
    for _ in range(MAX_MERGE_HOPS):
        if pm is None or pm.merged_into_id is None:
            break
        pm = session.get(Pm, pm.merged_into_id)
    if pm is None:
        raise NotFound(f"PM {pm_id} not found")
    return pm


def pm_for_new_case(session, pm: dict, created_by: str | None, pm_id: int | None = None,
                    parent_case_id: int | None = None) -> Pm:
    """Whose case a new case is: the parent case's PM for a case response, the named PM for a
    new case of someone registered before, else a new PM record."""
    if parent_case_id is not None:
        parent_pm = session.scalar(select(Case.pm_id).where(Case.id == parent_case_id))
        if parent_pm is not None:
            return current(session, parent_pm)
    if pm_id is not None:
        if session.get(Pm, pm_id) is None:
            raise InvalidInput("no such PM", {"pm_id": [f"no PM has the id {pm_id}"]})
        record = current(session, pm_id)
        _fill_missing(record, pm)
        return record
    record = new_pm(pm, created_by)
    session.add(record)
    session.flush()
    return record


def _fill_missing(record: Pm, pm: dict) -> None:
    """What the earlier registration did not know yet (an emergency without NIK), this one adds."""
    for attribute, key in (("nik", "nik"), ("birth_date", "tanggal_lahir"), ("sex", "jenis_kelamin")):
        if getattr(record, attribute) is None and pm.get(key):
            setattr(record, attribute, pm[key])


def show_on_case(case: Case, record: Pm) -> None:
    """The case lists the PM as its record says."""
    case.pm_id, case.pm_name, case.pm_nik, case.pm_birth_date = record.id, record.name, record.nik, record.birth_date
