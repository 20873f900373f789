"""A search by name reads the database's lower-cased copy of the name (cases.pm_name_folded, migration
0013) and finds what ILIKE on the name found: any case, anywhere in the name, % and _ as themselves,
newest first, within the caller's unit, every page of a common name."""
from __future__ import annotations

import sqlalchemy as sa

from engine.people import accounts
from engine.people.access import SYSTEM_ACTOR
from engine.read.case_search import CaseFilter
from engine.read.queries import Queries
from engine.read.reading import COUNT_CAP, Paging
from engine.storage.models import Case, ProcessVersion
from engine.vocabulary import INTAKE


def _insert_cases(runtime, unit_id: int, names: list[str]) -> list[int]:
    with runtime.session_factory() as session:
        version_id = session.scalars(sa.select(ProcessVersion.id).where(ProcessVersion.process_key == INTAKE)).first()
        ids = session.scalars(sa.insert(Case).returning(Case.id), [
            {"process_version_id": version_id, "process_key": INTAKE, "unit_id": unit_id, "pm_name": name,
             "state": {}, "serializer_version": "", "status": "completed"} for name in names]).all()
        session.commit()
    return list(ids)


def _names(page) -> list[str]:
    return [row.pm_name for row in page.items]


def test_a_name_is_found_in_any_case_anywhere_in_it_newest_first(runtime, deployed, staff):
    _insert_cases(runtime, staff.unit_id, ["Budi Santoso", "SITI RAHAYU", "Ni Made Sari", "Made Wijaya", "Eko"])
    queries, supervisor = Queries(runtime.session_factory), staff.actor("supervisor")
    assert _names(queries.cases(supervisor, CaseFilter(text="made"))) == ["Made Wijaya", "Ni Made Sari"]
    assert _names(queries.cases(supervisor, CaseFilter(text="  rAhAyU "))) == ["SITI RAHAYU"]
    assert _names(queries.cases(supervisor, CaseFilter(text="di san"))) == ["Budi Santoso"]
    assert _names(queries.cases(supervisor, CaseFilter(text="budi x"))) == []
    # shorter than a trigram: read from the names themselves, same matches
    assert _names(queries.cases(supervisor, CaseFilter(text="Ad"))) == ["Made Wijaya", "Ni Made Sari"]
    assert _names(queries.cases(supervisor, CaseFilter(text="k"))) == ["Eko"]


def test_percent_and_underscore_in_a_search_match_only_themselves(runtime, deployed, staff):
    _insert_cases(runtime, staff.unit_id, ["Ayu 100% Sehat", "Ayu 1000 Sehat", "Dewi_Lestari", "Dewi Lestari"])
    queries, supervisor = Queries(runtime.session_factory), staff.actor("supervisor")
    assert _names(queries.cases(supervisor, CaseFilter(text="u 100%"))) == ["Ayu 100% Sehat"]
    assert _names(queries.cases(supervisor, CaseFilter(text="dewi_"))) == ["Dewi_Lestari"]
    # across the country a name is looked up through its trigrams (PostgreSQL): the same matches
    assert _names(queries.cases(SYSTEM_ACTOR, CaseFilter(text="u 100%"))) == ["Ayu 100% Sehat"]
    assert _names(queries.cases(SYSTEM_ACTOR, CaseFilter(text="dewi_"))) == ["Dewi_Lestari"]
    assert _names(queries.cases(SYSTEM_ACTOR, CaseFilter(text="_"))) == ["Dewi_Lestari"]


def test_a_search_by_name_keeps_to_the_callers_unit_and_the_whole_country_sees_every_unit(runtime, deployed, staff):
    with runtime.session_factory() as session:
        other = accounts.create_unit(session, "LAIN", "Balai lain", "balai").id
        session.commit()
    _insert_cases(runtime, other, ["Rina Halim"])
    _insert_cases(runtime, staff.unit_id, ["Rina Utami"])
    queries = Queries(runtime.session_factory)
    assert _names(queries.cases(staff.actor("supervisor"), CaseFilter(text="rina"))) == ["Rina Utami"]
    assert _names(queries.cases(SYSTEM_ACTOR, CaseFilter(text="rina"))) == ["Rina Utami", "Rina Halim"]


def test_every_page_of_a_common_name_is_read_past_the_counted_thousand_in_order(runtime, deployed, staff):
    ids = _insert_cases(runtime, staff.unit_id, [f"Sri Wahyuni {n}" for n in range(COUNT_CAP + 130)])
    queries, supervisor = Queries(runtime.session_factory), staff.actor("supervisor")
    read = []
    for number in range(1, 8):  # 200 a page, as the CSV export reads: the last pages lie beyond the count
        page = queries.cases(supervisor, CaseFilter(text="wahyuni", paging=Paging(number, 200)))
        assert (page.total, page.total_exact) == (COUNT_CAP, False)
        read += [row.id for row in page.items]
    assert read == sorted(ids, reverse=True)
    beyond = queries.cases(supervisor, CaseFilter(text="wahyuni", paging=Paging(8, 200)))
    assert beyond.items == []


def test_a_renamed_pm_is_found_by_the_new_name_only(runtime, deployed, staff):
    [case_id] = _insert_cases(runtime, staff.unit_id, ["Joko Purba"])
    with runtime.session_factory() as session:
        session.get(Case, case_id).pm_name = "Joko Sembiring"
        session.commit()
    queries, supervisor = Queries(runtime.session_factory), staff.actor("supervisor")
    assert _names(queries.cases(supervisor, CaseFilter(text="sembiring"))) == ["Joko Sembiring"]
    assert queries.cases(supervisor, CaseFilter(text="purba")).items == []
