"""The duplicate check of a registration (engine.pms.duplicates.find) at a million PM and cases.

    python bench/duplicates.py                                   # SQLite, 100,000 PM
    python bench/duplicates.py --count 1000000 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

One real intake case is registered, then PM records and one case each are copied inside the
database (generate_series / a recursive CTE: no Python per row). It times lookups by a NIK that
exists, by one that does not, and (without NIK) by name and birth date, and prints p50/p95 beside
the goal (p95 under 20 ms, issue 15).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.timers import fresh_database  # noqa: E402
from engine.cases.runtime import Runtime  # noqa: E402
from engine.config import BPMN_DIR  # noqa: E402
from engine.definitions.deployments import folder_bundles  # noqa: E402
from engine.people import accounts  # noqa: E402
from engine.people.access import SYSTEM_ACTOR, Actor  # noqa: E402
from engine.pms import duplicates  # noqa: E402
from engine.storage.db import make_engine, make_session_factory  # noqa: E402
from engine.vocabulary import PEKERJA_SOSIAL  # noqa: E402

GOAL_MS = 20.0
CASE_COLUMNS = ("process_version_id", "process_key", "unit_id", "kategori_usia", "profile", "stage", "status",
                "state", "serializer_version", "completed_elements", "created_by", "created_at", "updated_at")


def nik(n: int) -> str:
    return f"{3171000000000000 + n:016d}"


def seed(session_factory, count: int) -> Actor:
    runtime = Runtime(session_factory)
    with session_factory() as session:
        unit_id = accounts.create_unit(session, "BENCH", "Balai bench", "balai").id
        session.commit()
    for bundle in folder_bundles(BPMN_DIR):
        runtime.deploy(bundle, SYSTEM_ACTOR, note="bench")
    pm = {"nama": "Template", "nik": nik(0), "tanggal_lahir": "1990-01-15", "jenis_kelamin": "L"}
    template = runtime.start_case("atensi_intake", {"pm": pm}, SYSTEM_ACTOR, unit_id)
    with session_factory() as session:
        numbers = ("SELECT generate_series(1, :n) AS n" if session.bind.dialect.name == "postgresql" else
                   "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < :n) SELECT n FROM s")
        concat = "||"
        session.execute(sa.text(
            f"INSERT INTO pms (name, name_key, nik, birth_date, sex, address, family_contact, guardian, created_at) "
            f"SELECT 'PM ' {concat} n, 'pm ' {concat} n, CAST(3171000000000000 + n AS TEXT), '1990-01-15', 'L', "
            f"'', '', '{{}}', CURRENT_TIMESTAMP FROM ({numbers}) AS numbers"), {"n": count})
        columns = ", ".join(CASE_COLUMNS)
        source = ", ".join(f"c.{name}" for name in CASE_COLUMNS)
        session.execute(sa.text(
            f"INSERT INTO cases ({columns}, pm_id, pm_name, pm_nik, pm_birth_date) "
            f"SELECT {source}, p.id, p.name, p.nik, p.birth_date FROM pms p, cases c "
            f"WHERE c.id = :template AND p.nik <> :template_nik"), {"template": template, "template_nik": nik(0)})
        session.commit()
        if session.bind.dialect.name == "postgresql":
            session.execute(sa.text("ANALYZE pms")), session.execute(sa.text("ANALYZE cases"))
            session.commit()
    return Actor("bench", (PEKERJA_SOSIAL,), unit_id)


def timed(session_factory, actor: Actor, pms: list[dict]) -> list[float]:
    took = []
    with session_factory() as session:
        for pm in pms:
            start = time.perf_counter()
            duplicates.find(session, pm, actor)
            took.append((time.perf_counter() - start) * 1000)
            session.rollback()
    return took


def report(name: str, took: list[float]) -> None:
    p95 = statistics.quantiles(took, n=100)[94]
    verdict = "meets" if p95 < GOAL_MS else "MISSES"
    print(f"{name:<34} p50 {statistics.median(took):6.2f} ms  p95 {p95:6.2f} ms"
          f"   goal p95 < {GOAL_MS:.0f} ms: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=500)
    args = parser.parse_args()
    url, drop = fresh_database(args.database_url)
    try:
        session_factory = make_session_factory(make_engine(url))
        began = time.perf_counter()
        actor = seed(session_factory, args.count)
        print(f"{args.count:,} PM and cases on {url.split(':')[0]} (seeded in {time.perf_counter() - began:.0f} s)")
        picks = [random.randint(1, args.count) for _ in range(args.lookups)]
        report("registered NIK", timed(session_factory, actor, [{"nik": nik(n)} for n in picks]))
        report("unknown NIK", timed(session_factory, actor, [{"nik": f"{9000000000000000 + n:016d}"} for n in picks]))
        report("name + birth date (no NIK)", timed(session_factory, actor, [
            {"nama": f"PM {n}", "tanggal_lahir": "1990-01-15"} for n in picks]))
    finally:
        drop()


if __name__ == "__main__":
    main()
