"""Timer lateness and idle cost of the ATENSI scheduler, beside a naive "poll and load every open
case" loop (what SpiffArena does by default).

    python bench/timers.py                      # SQLite file in a temporary folder
    python bench/timers.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

It prints, in one run:
1. lateness p50/p99/max of timers coming due over a window, with 10,000 waiting cases, for our
   scheduler (`python -m workers`, its own process) and then for the naive loop (its own process,
   looping with no pause at all, the most favourable setting for it), and the ratio;
2. the scheduler process's CPU while nothing is due, at 10,000 and at 100,000 waiting cases.
Waiting cases are clones of one real `timer_only` case (tests/scheduler/timer_only.bpmn), each
with its own due time in its stored state, so the bench takes minutes rather than hours.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from engine import clock  # noqa: E402
from engine.cases import state as workflow_state  # noqa: E402
from engine.cases.runtime import Runtime  # noqa: E402
from engine.definitions import versions  # noqa: E402
from engine.people import accounts  # noqa: E402
from engine.storage.db import make_engine, make_session_factory  # noqa: E402
from engine.storage.models import Case, HistoryEvent  # noqa: E402
from engine.storage.upgrade import upgrade  # noqa: E402
from tests.scheduler import bulk  # noqa: E402

COPY_COLUMNS = ("process_version_id", "process_key", "unit_id", "pm_name", "profile", "stage", "status", "state",
                "serializer_version", "next_timer_at", "completed_elements", "created_by",
                "created_at", "updated_at")


# --- the database ------------------------------------------------------------------------------


def fresh_database(url: str | None) -> tuple[str, callable]:
    """A migrated, empty database: a SQLite file, or a new schema in the given PostgreSQL database."""
    if not url:
        folder = tempfile.mkdtemp(prefix="atensi-bench-")
        url = f"sqlite:///{folder}/bench.db"
        upgrade(url)
        return url, lambda: None
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    scoped = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    upgrade(scoped)

    def drop():
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    return scoped, drop


def seed(session_factory) -> int:
    """A unit, the timer process, and the template case every other case is cloned from."""
    runtime = Runtime(session_factory)
    with session_factory() as session:
        unit = accounts.create_unit(session, "BENCH", "Balai bench", "balai")
        session.commit()
        unit_id = unit.id
    bulk.deploy_timer_process(runtime)
    return bulk.start_template(runtime, unit_id, clock.now() + timedelta(days=400))


def add_far_future(session_factory, template_id: int, count: int) -> None:
    now = clock.now()
    dues = [now + timedelta(days=random.uniform(30, 365)) for _ in range(count)]
    bulk.clone_cases(session_factory, template_id, dues)


def grow_to(session_factory, total: int) -> None:
    """Copy waiting cases inside the database (no Python per row) until there are `total`."""
    columns = ", ".join(COPY_COLUMNS)
    while (have := waiting_count(session_factory)) < total:
        with session_factory() as session:
            session.execute(sa.text(
                f"INSERT INTO cases ({columns}) SELECT {columns} FROM cases "
                "WHERE status = 'active' AND next_timer_at IS NOT NULL ORDER BY id LIMIT :n"), {"n": total - have})
            session.commit()


def waiting_count(session_factory) -> int:
    with session_factory() as session:
        return session.scalar(select(func.count()).select_from(Case).where(Case.status == "active"))


def add_due_window(session_factory, template_id: int, count: int, start_in: float, window: float) -> dict:
    """`count` cases due evenly over `window` seconds from `start_in` seconds from now. {id: due}."""
    with session_factory() as session:
        before = session.scalar(select(func.max(Case.id)))
    first = clock.now() + timedelta(seconds=start_in)
    dues = [first + timedelta(seconds=window * i / count + random.uniform(0, 0.01)) for i in range(count)]
    bulk.clone_cases(session_factory, template_id, dues)
    with session_factory() as session:
        return dict(session.execute(select(Case.id, Case.next_timer_at).where(Case.id > before)).all())


def fired_times(session_factory, ids) -> dict:
    with session_factory() as session:
        rows = session.execute(select(HistoryEvent.case_id, HistoryEvent.at).where(
            HistoryEvent.kind == "timer_fired", HistoryEvent.case_id.in_(list(ids))))
        return {case_id: clock.as_utc(at) for case_id, at in rows}


def wait_all_fired(session_factory, dues: dict, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fired = fired_times(session_factory, dues)
        if len(fired) == len(dues):
            return fired
        time.sleep(0.5)
    return fired_times(session_factory, dues)


# --- measuring ---------------------------------------------------------------------------------


def lateness(dues: dict, fired: dict) -> dict:
    late = sorted((fired[i] - dues[i]).total_seconds() for i in dues if i in fired)
    if len(late) < 2:
        return {"fired": len(late), "of": len(dues), "p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    cuts = statistics.quantiles(late, n=100, method="inclusive")
    return {"fired": len(late), "of": len(dues), "p50": cuts[49], "p99": cuts[98], "max": late[-1]}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cpu(pid: int, seconds: float) -> float:
    start = cpu_seconds(pid)
    time.sleep(seconds)
    return cpu_seconds(pid) - start


def start_process(url: str, *args: str) -> subprocess.Popen:
    # the worker refuses the built-in secret outside development (it would exit at once: nothing fires)
    env = {"ATENSI_SECRET_KEY": "timer-bench-secret-key-not-for-production-0123456789", **os.environ,
           "DATABASE_URL": url, "ATENSI_SCHEDULER_POLL_SECONDS": "0.5"}
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- the naive loop: what we compare against ---------------------------------------------------


def naive_loop(url: str, duration: float) -> None:
    """Load and deserialize every open case, refresh its timers, fire the due ones; again at once."""
    session_factory = make_session_factory(make_engine(url))
    runtime = Runtime(session_factory)
    deadline = time.monotonic() + duration
    while time.monotonic() < deadline:
        with session_factory() as session:
            ids = list(session.scalars(select(Case.id).where(Case.status == "active").order_by(Case.id)))
        for chunk in range(0, len(ids), 500):
            for case_id in _due_by_loading(session_factory, ids[chunk:chunk + 500]):
                runtime.fire_timers(case_id)


def _due_by_loading(session_factory, ids: list[int]) -> list[int]:
    due = []
    with session_factory() as session:
        for case in session.scalars(select(Case).where(Case.id.in_(ids))):
            wf = workflow_state.load(case.state, versions.compiled(session, case.process_version_id).specs)
            wf.refresh_timers()
            if wf.get_tasks(state=TaskState.READY):
                due.append(case.id)
    return due


# --- the run -----------------------------------------------------------------------------------


def measure_lateness(url, session_factory, template_id, args, *command) -> dict:
    process = start_process(url, *command)
    try:
        time.sleep(3)  # started and asleep (or polling) before the timers are created
        dues = add_due_window(session_factory, template_id, args.due, start_in=5, window=args.window)
        fired = wait_all_fired(session_factory, dues, timeout=args.window + 5 + args.drain_timeout)
    finally:
        stop(process)
    return lateness(dues, fired)


def report_lateness(name: str, stats: dict) -> None:
    if stats["fired"] < 2:  # the naive loop at 100,000 cases: one sweep outlasts the wait
        print(f"  {name:<28} {stats['fired']}/{stats['of']} fired before the bench stopped waiting")
        return
    print(f"  {name:<28} p50 {stats['p50']:8.3f} s   p99 {stats['p99']:8.3f} s   max {stats['max']:8.3f} s"
          f"   ({stats['fired']}/{stats['of']} fired)")


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.naive_loop:
        naive_loop(args.database_url, args.duration)
        return
    url, drop = fresh_database(args.database_url)
    session_factory = make_session_factory(make_engine(url))
    try:
        run(url, session_factory, args)
    finally:
        session_factory.kw["bind"].dispose()
        drop()


def run(url, session_factory, args) -> None:
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite (WAL)"
    print(f"ATENSI timer bench on {backend}; {os.cpu_count()} CPUs")
    started = time.monotonic()
    template_id = seed(session_factory)
    add_far_future(session_factory, template_id, args.waiting - args.due - 1)
    print(f"- {waiting_count(session_factory):,} cases waiting on far-future timers, made in "
          f"{time.monotonic() - started:.1f} s")
    print(f"- lateness: {args.due} timers due over {args.window:.0f} s, "
          f"{args.waiting:,} waiting cases (lateness = fired - due)")
    ours = measure_lateness(url, session_factory, template_id, args, "-m", "workers", "--log-level", "WARNING")
    report_lateness("scheduler (python -m workers)", ours)
    naive = measure_lateness(url, session_factory, template_id, args, str(Path(__file__).resolve()), "--naive-loop",
                             "--database-url", url, "--duration", str(args.window + 5 + args.drain_timeout))
    report_lateness("naive poll-every-case loop", naive)
    if naive["fired"] >= 2 and ours["fired"] >= 2:
        print(f"  ratio naive/ours: p50 {naive['p50'] / ours['p50']:,.0f}x   p99 {naive['p99'] / ours['p99']:,.0f}x")
    print(f"- scheduler CPU while nothing is due ({args.idle_seconds:.0f} s windows):")
    worker = start_process(url, "-m", "workers", "--log-level", "WARNING")
    try:
        time.sleep(3)
        for total in (args.waiting, args.big):
            grow_to(session_factory, total)
            time.sleep(2)
            used = idle_cpu(worker.pid, args.idle_seconds)
            print(f"  {waiting_count(session_factory):>9,} waiting cases: {used:.3f} CPU s "
                  f"({100 * used / args.idle_seconds:.2f} % of one core)")
    finally:
        stop(worker)
    print(f"total bench time {time.monotonic() - started:.0f} s")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; default: a temporary SQLite file")
    parser.add_argument("--waiting", type=int, default=10_000, help="waiting cases for the lateness run")
    parser.add_argument("--due", type=int, default=300, help="timers coming due in the window")
    parser.add_argument("--window", type=float, default=30.0, help="seconds over which they come due")
    parser.add_argument("--drain-timeout", type=float, default=120.0)
    parser.add_argument("--big", type=int, default=100_000, help="waiting cases for the second idle figure")
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--naive-loop", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--duration", type=float, default=60.0, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    main()
