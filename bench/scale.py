"""A national install on PostgreSQL: a million cases. Prints figures beside goals; asserts nothing.

    python bench/scale.py                       # 1,000,000 cases, 60,000 of them active, 100 units
    python bench/scale.py --cases 100000        # a quicker run
    python bench/scale.py --reuse               # measure again on the rows of the last run

It works in its own schema (`scale_bench`) of the database at ATENSI_BENCH_PG_URL (default: the test
database), migrated like a real install, with the shipped ATENSI processes deployed.

1. Generate: a few dozen cases are registered through the engine for real (their state, open task
   and history are what the product writes), then cloned with COPY into `--cases` cases spread over
   `--units` units and five years: most closed (their tasks completed), `--active` active (an open
   task each, some overdue, each with a waiting timer), every case with its history rows. A clone's
   state is a registered case's state; a finished case's state is larger (see the printed sizes).
2. Measure, through the product's own query layer, for one unit (about cases/units cases) and for the
   whole country (an admin's search): the default inbox and a role queue (goal p95 < 50 ms), the
   case list and its search by name and by NIK (goal p95 < 100 ms), the dashboard (goal < 2 s), and
   the database's size per case. The scheduler's lateness and idle CPU with 100,000 waiting timers
   are measured by bench/timers.py (`--waiting 100000 --database-url ...`).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from engine import clock  # noqa: E402
from engine.cases.runtime import Runtime  # noqa: E402
from engine.config import BPMN_DIR, Settings  # noqa: E402
from engine.definitions.deployments import folder_bundles  # noqa: E402
from engine.people import accounts  # noqa: E402
from engine.people.access import SYSTEM_ACTOR, Actor  # noqa: E402
from engine.read.case_search import CaseFilter  # noqa: E402
from engine.read.dashboard import Dashboard  # noqa: E402
from engine.read.inbox import TaskFilter  # noqa: E402
from engine.read.monthly import MonthlyReport  # noqa: E402
from engine.read.queries import Queries  # noqa: E402
from engine.storage.db import make_engine, make_session_factory  # noqa: E402
from engine.storage.models import Base  # noqa: E402
from engine.storage.upgrade import upgrade  # noqa: E402
from engine.vocabulary import (  # noqa: E402
    CASE_ACTIVE,
    CASE_COMPLETED,
    INTAKE,
    KONSELOR_ADIKSI,
    PEKERJA_SOSIAL,
    SUPERVISOR,
    TASK_COMPLETED,
    TASK_OPEN,
)

PG_URL = os.environ.get("ATENSI_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SCHEMA = "scale_bench"
TEMPLATES = 40
FIRST = ["Budi", "Siti", "Agus", "Dewi", "Rizky", "Putri", "Andi", "Nur", "Hendra", "Wahyu", "Rina", "Yusuf",
         "Fitri", "Bayu", "Indah", "Dimas", "Ayu", "Fajar", "Lestari", "Eko", "Sri", "Joko", "Made", "Ketut"]
LAST = ["Santoso", "Wijaya", "Saputra", "Hidayat", "Pratama", "Kurniawan", "Lubis", "Siregar", "Nasution",
        "Simanjuntak", "Purba", "Sembiring", "Harahap", "Rahman", "Setiawan", "Susanto", "Gunawan", "Halim",
        "Wibowo", "Putra", "Sari", "Utami", "Manurung", "Tanjung"]
# written by the database (cases.pm_name_folded), never by COPY
COMPUTED = {c.key for table in Base.metadata.tables.values() for c in table.c if c.computed is not None}
STAGES = ("identifikasi", "asesmen", "rencana_intervensi", "intervensi", "reintegrasi", "terminasi", "aftercare")


def schema_url(schema: str) -> str:
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


def fresh_schema(admin: sa.Engine, schema: str) -> None:
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))


def templates(url: str, units: int):
    """Units, a supervisor and workers for the measured unit, the processes, and a few real cases."""
    upgrade(url)
    session_factory = make_session_factory(make_engine(url))
    passwords = accounts.Passwords(Settings.from_env())
    with session_factory() as session:
        unit_ids = [accounts.create_unit(session, f"U{n:03d}", f"Unit {n}", "ipwl" if n else "balai").id
                    for n in range(units)]
        for name, role in (("peksos", PEKERJA_SOSIAL), ("konselor", KONSELOR_ADIKSI), ("supervisor", SUPERVISOR)):
            accounts.create_user(session, name, "bench-rahasia-1", [role], unit_ids[0], passwords=passwords)
        session.commit()
    runtime = Runtime(session_factory)
    for bundle in folder_bundles(BPMN_DIR):
        runtime.deploy(bundle, SYSTEM_ACTOR, note="bench")
    worker = Actor("peksos", (PEKERJA_SOSIAL,), unit_ids[0])
    for n in range(TEMPLATES):
        pm = {"nama": "Templat", "nik": f"{3171000000000000 + n}", "tanggal_lahir": "1990-01-15",
              "jenis_kelamin": "L", "alamat": "Jl. Melati 5", "sumber_rujukan": "keluarga",
              "kontak_keluarga": "0812000000"}
        runtime.start_case(INTAKE, {"pm": pm}, worker)
    return session_factory, unit_ids


def rows(conn, table: str) -> list[dict]:
    return [dict(r._mapping) for r in conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1"))]


def generate(session_factory, unit_ids: list[int], cases: int, active: int) -> float:
    """Clone the registered cases into ``cases`` cases with COPY; returns the seconds it took."""
    started = time.perf_counter()
    engine = session_factory.kw["bind"]
    with engine.connect() as conn:
        # JSON columns serialised once per template, not once per clone
        case_rows, task_rows, history_rows = ([{k: _json(v) for k, v in r.items() if k not in COMPUTED}
                                               for r in rows(conn, table)]
                                              for table in ("cases", "human_tasks", "history_events"))
        next_id = conn.execute(sa.text("SELECT max(id) FROM cases")).scalar() + 1
    tasks_of = {c["id"]: [t for t in task_rows if t["case_id"] == c["id"]] for c in case_rows}
    history_of = {c["id"]: [h for h in history_rows if h["case_id"] == c["id"]] for c in case_rows}
    case_columns = [k for k in case_rows[0] if k != "id"] + ["id"]
    task_columns = list(task_rows[0])
    history_columns = [k for k in history_rows[0] if k != "id"]
    rng = random.Random(7)
    now = clock.now()
    active_ids = set(rng.sample(range(cases), active))
    bulk_tables = ("cases", "human_tasks", "history_events")
    with engine.begin() as conn:  # a bulk load: indexes are built once at the end, not row by row
        indexes = conn.execute(sa.text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname "
            "AND c.relnamespace = i.schemaname::regnamespace JOIN pg_index x ON x.indexrelid = c.oid "
            "WHERE i.tablename = ANY(:t) AND i.schemaname = current_schema() AND NOT x.indisprimary"),
            {"t": list(bulk_tables)}).all()
        for name, _ in indexes:
            conn.execute(sa.text(f'DROP INDEX "{name}"'))
    raw = engine.raw_connection()
    try:
        # Foreign keys are not checked row by row: the clones point at rows that exist by construction.
        raw.driver_connection.execute("SET session_replication_role = replica")
        plan = []
        for n in range(cases):
            template = case_rows[n % len(case_rows)]
            created = now - timedelta(days=rng.uniform(0, 5 * 365))
            plan.append((next_id + n, template, created, n in active_ids))
        _copy(raw, "cases", case_columns, (_case_row(t, cid, created, live, unit_ids, rng, now)
                                           for cid, t, created, live in plan))
        _copy(raw, "human_tasks", task_columns,
              (_task_row(task, cid, created, live, unit_ids, rng, now)
               for cid, t, created, live in plan for task in tasks_of[t["id"]]))
        _copy(raw, "history_events", history_columns,
              (_history_row(event, cid, created, history_columns)
               for cid, t, created, live in plan for event in history_of[t["id"]]))
        raw.driver_connection.execute("SET session_replication_role = DEFAULT")
        raw.commit()
    finally:
        raw.close()
    with engine.begin() as conn:
        for _, definition in indexes:
            conn.execute(sa.text(definition))
        conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))"))
    # the steady state autovacuum keeps: visibility maps set, statistics fresh
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    return time.perf_counter() - started


def _copy(raw, table: str, columns: list[str], values) -> None:
    with raw.driver_connection.cursor() as cursor, \
         cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in values:
            copy.write_row(row)


def _json(value):
    return orjson.dumps(value).decode() if isinstance(value, (dict, list)) else value


def _unit(case_id: int, unit_ids: list[int]) -> int:
    return unit_ids[case_id % len(unit_ids)]


def _case_row(template: dict, case_id: int, created, live: bool, unit_ids, rng, now) -> tuple:
    row = dict(template)
    row.update(id=case_id, unit_id=_unit(case_id, unit_ids),
               pm_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
               pm_nik=f"{rng.randrange(11, 95)}{rng.randrange(10**13, 10**14)}",
               created_at=created, updated_at=created)
    if live:
        # Waiting timers for the index to hold, none due within a day of generating: a clone's state is a
        # registered case's (same task ids, no timer of its own), so firing one fails and is retried
        # every 30 s, and those retries would stand in front of the timers the bench measures.
        row.update(status=CASE_ACTIVE, stage=rng.choice(STAGES),
                   next_timer_at=now + timedelta(days=rng.uniform(1, 90)))
    else:
        row.update(status=CASE_COMPLETED, stage=STAGES[-1], next_timer_at=None,
                   completed_at=created + timedelta(days=rng.uniform(90, 300)))
    return tuple(row[k] for k in row if k != "id") + (case_id,)


def _task_row(template: dict, case_id: int, created, live: bool, unit_ids, rng, now) -> tuple:
    row = dict(template)
    row.update(id=str(uuid.uuid4()), case_id=case_id, unit_id=_unit(case_id, unit_ids), created_at=created)
    if live:  # about one in five open tasks is overdue
        row.update(status=TASK_OPEN, due_at=now + timedelta(days=rng.uniform(-3, 12)))
    else:
        row.update(status=TASK_COMPLETED, completed_at=created + timedelta(days=1), next_alert_at=None)
    return tuple(row.values())


def _history_row(template: dict, case_id: int, created, columns: list[str]) -> tuple:
    row = dict(template, case_id=case_id, at=created) if "at" in template else dict(template, case_id=case_id)
    return tuple(row[k] for k in columns)


def timings(action, repeat: int, backends) -> tuple[float, float, float]:
    """p50 and p95 of the wall time, and the mean CPU per call of this process and of its PostgreSQL
    backends together: on a shared machine the wall time grows with the load, the CPU time hardly."""
    action()  # warm the connection pool and the plan cache
    times = []
    cpu_before = time.process_time() + sum(_cpu(pid) for pid in backends())
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    cpu = time.process_time() + sum(_cpu(pid) for pid in backends()) - cpu_before
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], cpu * 1000 / repeat


def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # not on this machine, or gone
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(session_factory, unit_ids: list[int], repeat: int) -> None:
    queries, dashboard, monthly = Queries(session_factory), Dashboard(session_factory), MonthlyReport(session_factory)
    last_month = clock.now().replace(day=1) - timedelta(days=1)
    month = (last_month.year, last_month.month)
    unit = unit_ids[0]
    worker = Actor("peksos", (PEKERJA_SOSIAL,), unit)
    supervisor = Actor("supervisor", (SUPERVISOR,), unit)
    with session_factory() as session:
        sample_name = session.execute(  # a generated case's PM (not a clone of the scheduler run's timer case)
            sa.text("SELECT pm_name, pm_nik FROM cases WHERE unit_id = :u AND process_key = :p "
                    "ORDER BY id DESC LIMIT 1"),
            {"u": unit, "p": INTAKE}).one()
    first_name, nik = sample_name[0].split()[0].lower(), sample_name[1]
    checks = [
        ("default inbox (peksos)", 50, lambda: queries.inbox(worker, TaskFilter())),
        ("role queue (pekerja_sosial)", 50, lambda: queries.inbox(worker, TaskFilter(role=PEKERJA_SOSIAL))),
        ("overdue tasks of the unit", 50,
         lambda: queries.inbox(supervisor, TaskFilter(overdue=True, role=PEKERJA_SOSIAL))),
        ("case list, unit", 100, lambda: queries.cases(supervisor, CaseFilter())),
        (f"search by name '{first_name}', unit", 100, lambda: queries.cases(supervisor, CaseFilter(text=first_name))),
        ("search by NIK, unit", 100, lambda: queries.cases(supervisor, CaseFilter(text=nik))),
        (f"search by name '{first_name}', whole country", 100,
         lambda: queries.cases(SYSTEM_ACTOR, CaseFilter(text=first_name))),
        ("search by NIK, whole country", 100, lambda: queries.cases(SYSTEM_ACTOR, CaseFilter(text=nik))),
        ("dashboard (supervisor)", 2000, lambda: dashboard.summary(supervisor)),
        (f"monthly report {month[0]}-{month[1]:02d}, unit", 2000, lambda: monthly.build(supervisor, *month)),
    ]
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (the machine is shared)")
    print(f"{'query':46} {'p50 ms':>9} {'p95 ms':>9} {'goal p95':>10}        {'CPU ms':>7}")

    def backends() -> list[int]:  # this database's client backends: only this bench's connections
        with session_factory() as session:
            return list(session.execute(sa.text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend'")).scalars())
    for name, goal, action in checks:
        p50, p95, cpu = timings(action, repeat, backends)
        print(f"{name:46} {p50:9.1f} {p95:9.1f} {'< ' + str(goal) + ' ms':>10}  {'met' if p95 < goal else 'MISSED':6} "
              f"{cpu:7.1f}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


def sizes(session_factory) -> None:
    with session_factory() as session:
        cases = session.execute(sa.text("SELECT count(*) FROM cases")).scalar()
        total = 0
        print(f"{'table':22} {'rows':>12} {'MiB':>10}")
        for table in ("cases", "human_tasks", "history_events", "pms", "access_log", "alerts"):
            count = session.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
            size = session.execute(sa.text(f"SELECT pg_total_relation_size('{table}')")).scalar()
            total += size
            print(f"{table:22} {count:12,} {size / 2**20:10.1f}")
        state = session.execute(sa.text("SELECT avg(pg_column_size(state)) FROM cases")).scalar()
    print(f"database size per case: {total / cases / 1024:.2f} KiB (of which the stored state {state / 1024:.2f} KiB)")


def scheduler(url: str, session_factory, unit_id: int, idle_seconds: float, due: int, window: float) -> None:
    """The real scheduler (`python -m workers`) against the big database: its CPU while nothing is due,
    then the lateness of `due` timers coming due over `window` seconds among all the waiting ones."""
    from bench import timers
    from tests.scheduler import bulk

    with session_factory() as session:
        waiting = session.execute(sa.text("SELECT count(*) FROM cases WHERE next_timer_at IS NOT NULL")).scalar()
    runtime = Runtime(session_factory)  # one real timer_only case, cloned below
    bulk.deploy_timer_process(runtime)
    template_id = bulk.start_template(runtime, unit_id, clock.now() + timedelta(days=400))
    os.environ.setdefault("ATENSI_SECRET_KEY", "scale-bench-secret-key-not-for-production-0123456789")
    worker = timers.start_process(url, "-m", "workers", "--log-level", "WARNING")
    try:
        time.sleep(5)  # started, its first claims done
        used = timers.idle_cpu(worker.pid, idle_seconds)
        dues = timers.add_due_window(session_factory, template_id, due, start_in=3, window=window)
        stats = timers.lateness(dues, timers.wait_all_fired(session_factory, dues, timeout=window + 60))
    finally:
        timers.stop(worker)
    print(f"scheduler with {waiting:,} waiting timers: idle CPU {used:.2f} s in {idle_seconds:.0f} s "
          f"({100 * used / idle_seconds:.1f} % of one core)")
    print(f"timer lateness ({stats['fired']}/{stats['of']} fired over {window:.0f} s): "
          f"p50 {stats['p50'] * 1000:.0f} ms, "
          f"p99 {stats['p99'] * 1000:.0f} ms, max {stats['max'] * 1000:.0f} ms (goal p99 < 100 ms): "
          f"{'met' if stats['p99'] < 0.1 and stats['fired'] == stats['of'] else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--active", type=int, default=60_000)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--reuse", action="store_true", help="measure the rows of the last run again")
    parser.add_argument("--timers", type=int, default=200, help="timers coming due during the scheduler run")
    parser.add_argument("--window", type=float, default=20.0, help="seconds over which those timers come due")
    parser.add_argument("--scheduler-only", action="store_true", help="with --reuse: only the scheduler figures")
    parser.add_argument("--idle-seconds", type=float, default=20.0)
    parser.add_argument("--drop", action="store_true", help="drop the schema at the end")
    parser.add_argument("--schema", default=SCHEMA, help="the schema it works in (default: %(default)s)")
    args = parser.parse_args()
    url = schema_url(args.schema)
    if args.reuse:
        session_factory = make_session_factory(make_engine(url))
        with session_factory() as session:
            unit_ids = list(session.execute(sa.text("SELECT id FROM units ORDER BY id")).scalars())
    else:
        fresh_schema(make_engine(PG_URL), args.schema)
        session_factory, unit_ids = templates(url, args.units)
        seconds = generate(session_factory, unit_ids, args.cases - TEMPLATES, min(args.active, args.cases - TEMPLATES))
        print(f"generated {args.cases:,} cases ({args.active:,} active) in {seconds:.0f} s (goal: minutes, not hours)")
    if not args.scheduler_only:
        sizes(session_factory)
        measure(session_factory, unit_ids, args.repeat)
    scheduler(url, session_factory, unit_ids[0], args.idle_seconds, args.timers, window=args.window)
    if args.drop:
        session_factory.kw["bind"].dispose()
        with make_engine(PG_URL).begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{args.schema}" CASCADE'))


if __name__ == "__main__":
    main()
