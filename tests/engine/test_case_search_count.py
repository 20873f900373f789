"""A search by name counts its matches up to a cap (a common name country-wide at a million cases);
other lists count exactly."""
from __future__ import annotations

import sqlalchemy as sa

from engine.read.case_search import CaseFilter
from engine.read.queries import Queries
from engine.read.reading import COUNT_CAP
from engine.storage.models import Case, ProcessVersion
from engine.vocabulary import INTAKE


def test_a_search_by_a_common_name_counts_up_to_the_cap_and_says_there_are_more(runtime, deployed, staff):
    with runtime.session_factory() as session:
        version_id = session.scalars(sa.select(ProcessVersion.id).where(ProcessVersion.process_key == INTAKE)).first()
        session.execute(sa.insert(Case), [
            {"process_version_id": version_id, "process_key": INTAKE, "unit_id": staff.unit_id,
             "pm_name": f"Siti Rahayu {n}", "pm_nik": f"{3171000000000000 + n}", "state": {},
             "serializer_version": "", "status": "completed"} for n in range(COUNT_CAP + 5)])
        session.commit()
    queries, supervisor = Queries(runtime.session_factory), staff.actor("supervisor")
    by_name = queries.cases(supervisor, CaseFilter(text="siti"))
    assert (by_name.total, by_name.total_exact, len(by_name.items)) == (COUNT_CAP, False, 50)
    few = queries.cases(supervisor, CaseFilter(text="Rahayu 100"))  # 100 and 1000..1004: counted exactly
    assert (few.total, few.total_exact) == (6, True)
    by_nik = queries.cases(supervisor, CaseFilter(text="317100000000"))  # a NIK prefix: exact
    assert (by_nik.total, by_nik.total_exact) == (COUNT_CAP + 5, True)
    listed = queries.cases(supervisor, CaseFilter())
    assert (listed.total, listed.total_exact) == (COUNT_CAP + 5, True)
