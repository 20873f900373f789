"""Facts the engine derives and nobody sets: the PM's age category (anak/dewasa) from the date of
birth, and the risk level (the asesmen's DMN). The age category is checked again at every operation
on a case, so a PM who turns 18 during the case is dewasa from the first operation on or after the
birthday (the clock is engine.clock, so tests move it)."""
from __future__ import annotations

from datetime import date

from SpiffWorkflow.util.task import TaskState

from engine import clock

ANAK, DEWASA = "anak", "dewasa"
ADULT_AGE = 18
# Registration data may not set these: the engine derives them.
DERIVED_FIELDS = ("kategori_usia", "risk_level")


def age_category(born: date, today: date) -> str:
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return ANAK if age < ADULT_AGE else DEWASA


def age_category_of(birth_date) -> str | None:
    """From a date or an ISO date text; None when the date of birth is not known."""
    if not birth_date:
        return None
    born = birth_date if isinstance(birth_date, date) else date.fromisoformat(str(birth_date))
    return age_category(born, clock.now().date())


def refresh_age(case, wf) -> str | None:
    """Recompute the case's age category; when it changed (the PM turned 18), write it to the case
    and to the data of its live tasks. Returns the new category, or None when nothing changed."""
    current = age_category_of(case.pm_birth_date)
    if current is None or current == case.kategori_usia:
        return None
    case.kategori_usia = current
    for task in wf.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED):
        if "kategori_usia" in task.data:
            task.data["kategori_usia"] = current
    return current
