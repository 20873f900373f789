"""API benchmark: prints figures, asserts nothing.

1. SQLite, one client, a real waitress server on loopback (in its own process):
   - task completions per second over HTTP against the engine called directly, and the ratio
     (they alternate in blocks, so that all see the same load on a shared machine);
   - the median HTTP completion time (goal < 3 ms), the median time to create and run a case over
     HTTP (goal < 5 ms), and the server's CPU time per completion, its sandbox workers included
     (goal < 2.5 ms);
   - a fixed reference in the same blocks: a plain Flask no-op request to a plain Flask app behind
     the same waitress (its own process), so that a figure taken on a loaded machine can be read as
     "so many no-op requests" (a ratio that the machine's load changes much less).
2. PostgreSQL: the inbox query at 100,000 open tasks (synthetic rows, bulk-inserted), p50/p95 of
   the engine query and of GET /api/v1/tasks (goal p95 < 50 ms). Skipped when PostgreSQL is not
   reachable at ATENSI_BENCH_PG_URL (default: the test database).

    python bench/api.py [--tasks 300] [--open-tasks 100000]
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import secrets
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from engine.cases.runtime import Runtime  # noqa: E402
from engine.config import BPMN_DIR, Settings  # noqa: E402
from engine.definitions.deployments import folder_bundles  # noqa: E402
from engine.people import accounts
from engine.people.access import SYSTEM_ACTOR  # noqa: E402
from engine.storage.db import make_engine, make_session_factory  # noqa: E402
from engine.storage.models import HumanTask  # noqa: E402
from engine.storage.upgrade import upgrade  # noqa: E402

PASSWORD = "bench-rahasia-1"
PG_URL = os.environ.get("ATENSI_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IDENTIFIKASI = {"persetujuan_layanan": True, "kondisi_awal": "Tenang"}
PM = {"nama": "Budi Santoso", "nik": "3171011501900001", "tanggal_lahir": "1990-01-15", "jenis_kelamin": "L",
      "alamat": "Jl. Melati 5", "sumber_rujukan": "keluarga", "kontak_keluarga": "0812000000"}
_registered = iter(range(1, 10**9))


def new_pm() -> dict:
    """Another PM each time: a NIK registered before is refused as a duplicate."""
    return {**PM, "nik": f"{3171011501900000 + next(_registered)}"}


# --- a server in its own process -----------------------------------------------------------------


def _serve(database_url: str, port: int, ready) -> None:
    import logging

    from waitress import serve

    from atensi import create_app

    logging.getLogger("waitress").setLevel(logging.ERROR)
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": secrets.token_urlsafe(48)})
    ready.set()
    serve(app, host="127.0.0.1", port=port, threads=4, _quiet=True)


def _serve_reference(_database_url: str, port: int, ready) -> None:
    """The reference: a plain Flask app with one no-op JSON route, behind the same waitress."""
    import logging

    from flask import Flask
    from waitress import serve

    app = Flask("reference")
    app.add_url_rule("/healthz", "noop", lambda: {"status": "ok"})
    app.add_url_rule("/noop", "noop_post", lambda: {"ok": True}, methods=["POST"])
    logging.getLogger("waitress").setLevel(logging.ERROR)
    ready.set()
    serve(app, host="127.0.0.1", port=port, threads=4, _quiet=True)


def start_server(database_url: str, target=_serve):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    context = mp.get_context("spawn")
    ready = context.Event()
    process = context.Process(target=target, args=(database_url, port, ready), daemon=True)
    process.start()
    ready.wait(60)
    client = Client(port)
    for _ in range(200):
        try:
            if client.call("GET", "/healthz")[0] == 200:
                return process, client
        except OSError:
            client.reconnect()
            time.sleep(0.05)
    raise RuntimeError("the server did not start")


class Client:
    """One keep-alive HTTP/1.1 connection: the cheapest honest client."""

    def __init__(self, port: int):
        self.port = port
        self.token: str | None = None
        self.reconnect()

    def reconnect(self) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        self.connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = self.connection.getresponse()
        raw = response.read()
        kind = response.getheader("Content-Type", "")
        return response.status, (json.loads(raw) if "json" in kind and raw else {})

    def login(self, username: str) -> None:
        status, body = self.call("POST", "/api/v1/auth/login", {"username": username, "password": PASSWORD})
        assert status == 200, body
        self.token = body["access_token"]


# --- SQLite: HTTP against the engine -------------------------------------------------------------


def prepare(database_url: str):
    upgrade(database_url)
    session_factory = make_session_factory(make_engine(database_url))
    with session_factory() as session:
        unit = accounts.create_unit(session, "BALAI-BENCH", "Balai (bench)", "balai")
        user = accounts.create_user(session, "peksos", PASSWORD, ["pekerja_sosial"], unit.id,
                                  passwords=accounts.Passwords(Settings.from_env()))
        session.commit()
        actor, unit_id = accounts.actor_for(user), unit.id
    runtime = Runtime(session_factory)
    for bundle in folder_bundles(BPMN_DIR):
        runtime.deploy(bundle, SYSTEM_ACTOR, note="bench")
    return runtime, actor, unit_id


def open_tasks(runtime: Runtime, actor, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        case_id = runtime.start_case("atensi_intake", {"pm": new_pm()}, actor)
        with runtime.session_factory() as session:
            ids.append(session.scalars(select(HumanTask.id).where(HumanTask.case_id == case_id)).one())
    return ids


def timed(action, items) -> list[float]:
    times = []
    for item in items:
        started = time.perf_counter()
        action(item)
        times.append(time.perf_counter() - started)
    return times


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by the server process and its children (the sandbox workers)."""
    import psutil

    process = psutil.Process(pid)
    total = sum(process.cpu_times()[:2])
    for child in process.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:2])
        except psutil.Error:  # ended meanwhile
            continue
    return total


def interleaved(actions: dict, block: int = 25, cpu_of: dict | None = None) -> tuple[dict, dict]:
    """Alternate blocks of each named (action, items) so that all see the same machine load (timings
    on a shared box are noisy). Blocks, not single calls: with SQLite, every switch between two
    processes writing the file makes the next one re-read what the other changed. `cpu_of` names a
    server process per action whose CPU time is summed over that action's blocks."""
    items = {name: list(its) for name, (_, its) in actions.items()}
    times, cpu = {name: [] for name in actions}, {name: 0.0 for name in cpu_of or {}}
    for start in range(0, max(len(its) for its in items.values()), block):
        for name, (action, _) in actions.items():
            pid = (cpu_of or {}).get(name)
            before = server_cpu(pid) if pid else 0.0
            times[name] += timed(action, items[name][start:start + block])
            if pid:
                cpu[name] += server_cpu(pid) - before
    return times, cpu


def http_against_engine(count: int) -> None:
    folder = tempfile.mkdtemp(prefix="atensi-bench-")
    database_url = f"sqlite:///{folder}/bench.db"
    runtime, actor, unit_id = prepare(database_url)
    server, client = start_server(database_url)
    reference, plain = start_server("", _serve_reference)
    try:
        client.login("peksos")

        def complete(task_id):
            status, body = client.call("POST", f"/api/v1/tasks/{task_id}/complete", {"data": IDENTIFIKASI})
            assert status == 200, body

        def create(_):
            status, body = client.call("POST", "/api/v1/cases", {"unit_id": unit_id, "pm": new_pm()})
            assert status == 201, body

        def start(_):
            runtime.start_case("atensi_intake", {"pm": new_pm()}, actor, unit_id)

        def noop(_):
            assert plain.call("POST", "/noop", {"data": IDENTIFIKASI})[0] == 200

        def engine_complete(task_id):
            runtime.complete_task(task_id, IDENTIFIKASI, actor)

        warm = open_tasks(runtime, actor, 40)
        interleaved({"engine": (engine_complete, warm[:20]), "http": (complete, warm[20:]), "noop": (noop, range(20))})
        completions, cpu = interleaved(
            {"engine": (engine_complete, open_tasks(runtime, actor, count)),
             "http": (complete, open_tasks(runtime, actor, count)), "noop": (noop, range(count))},
            cpu_of={"http": server.pid})
        creations, _ = interleaved({"engine": (start, range(count)), "http": (create, range(count)),
                                    "noop": (noop, range(count))})
    finally:
        for process in (server, reference):
            process.terminate()
            process.join(10)
    report_sqlite(count, completions, cpu["http"] / count, creations)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def report_sqlite(count: int, completions: dict, cpu_per_completion: float, creations: dict) -> None:
    median = {name: statistics.median(times) for name, times in completions.items()}
    created = {name: statistics.median(times) for name, times in creations.items()}
    noop = statistics.median(completions["noop"] + creations["noop"])
    print(f"SQLite, one client, {count} task completions each way; load average now "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"  reference, a plain Flask no-op POST: median {ms(noop)} (all figures below also as multiples of it)")
    print(f"  engine called directly: {count / sum(completions['engine']):8.1f} completions/s   "
          f"median {ms(median['engine'])} = {median['engine'] / noop:5.1f} no-ops")
    print(f"  over HTTP (waitress):   {count / sum(completions['http']):8.1f} completions/s   "
          f"median {ms(median['http'])} = {median['http'] / noop:5.1f} no-ops   (goal < 3 ms)")
    print(f"  HTTP / engine ratio:    {median['engine'] / median['http']:8.2f}")
    print(f"  HTTP completion p95:    {ms(statistics.quantiles(completions['http'], n=20)[-1])}")
    print(f"  server CPU per HTTP completion (sandbox workers included): {ms(cpu_per_completion)} = "
          f"{cpu_per_completion / noop:5.1f} no-ops   (goal < 2.5 ms)")
    print(f"  create and run a case:  engine median {ms(created['engine'])}, HTTP median {ms(created['http'])} = "
          f"{created['http'] / noop:5.1f} no-ops   (goal < 5 ms)")


# --- PostgreSQL: the inbox at 100,000 open tasks -------------------------------------------------


def inbox_on_postgres(open_count: int) -> None:
    import sqlalchemy as sa

    try:
        admin = sa.create_engine(PG_URL)
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        print(f"\nPostgreSQL inbox: skipped, no database at {PG_URL} ({type(exc).__name__})")
        return
    schema = f"bench_{os.getpid()}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    try:
        upgrade(url)
        facts = fill(url, open_count, PASSWORD)
        measure_inbox(url, facts, open_count)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def fill(url: str, open_count: int, password: str, units: int = 10, per_case: int = 5) -> dict:
    """Synthetic units, users, cases and human tasks, bulk-inserted; then ANALYZE and VACUUM."""
    import random
    import uuid
    from datetime import UTC, datetime, timedelta

    import sqlalchemy as sa

    from engine.storage.models import Case, ProcessVersion

    rng = random.Random(7)
    engine = make_engine(url)
    session_factory = make_session_factory(engine)
    runtime = Runtime(session_factory)
    for bundle in folder_bundles(BPMN_DIR):
        runtime.deploy(bundle, SYSTEM_ACTOR, note="bench")
    with session_factory() as session:
        unit_ids = [accounts.create_unit(session, f"U{i:02d}", f"Unit {i}", "balai").id for i in range(units)]
        accounts.create_user(session, "peksos", password, ["pekerja_sosial"], unit_ids[0],
                           passwords=accounts.Passwords(Settings.from_env()))
        version = session.scalars(select(ProcessVersion).where(ProcessVersion.process_key == "atensi_intake")).one()
        session.commit()
    now = datetime.now(UTC)
    roles, stages = ("pekerja_sosial", "konselor_adiksi", "supervisor"), ("identifikasi", "asesmen", "intervensi")
    case_count = open_count // per_case
    cases = [{"process_version_id": version.id, "process_key": "atensi_intake", "unit_id": unit_ids[i % units],
              "pm_name": f"PM {i}", "pm_nik": f"{3171000000000000 + i}", "kategori_usia": "dewasa", "profile": {},
              "state": {}, "serializer_version": "", "status": "active", "stage": rng.choice(stages),
              "risk_level": rng.choice(("rendah", "sedang", "tinggi")),
              "completed_elements": [], "created_at": now, "updated_at": now} for i in range(case_count)]
    with session_factory() as session:
        for start in range(0, len(cases), 5000):
            session.execute(sa.insert(Case), cases[start:start + 5000])
        session.commit()
        case_units = session.execute(select(Case.id, Case.unit_id)).all()
    tasks = []
    for case_id, unit_id in case_units:
        for _ in range(per_case):
            assigned = rng.random() < 0.2
            mine = unit_id == unit_ids[0] and rng.random() < 0.05
            assignee = "peksos" if mine else f"u{unit_id}_{rng.randint(1, 9)}"
            tasks.append({"id": str(uuid.uuid4()), "case_id": case_id, "unit_id": unit_id,
                          "process_key": "atensi_intake", "element_id": "Task_identifikasi",
                          "name": "Identifikasi & orientasi", "stage": rng.choice(stages), "role": rng.choice(roles),
                          "assignee": assignee if assigned else None, "status": "open",
                          "priority": rng.randint(1, 3), "form": "identifikasi.json", "alerts_sent": 0,
                          "due_at": now + timedelta(hours=rng.randint(-24 * 30, 24 * 30)),
                          "created_at": now - timedelta(minutes=rng.randint(0, 60 * 24 * 90))})
    with session_factory() as session:
        for start in range(0, len(tasks), 10000):
            session.execute(sa.insert(HumanTask), tasks[start:start + 10000])
        session.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE human_tasks")
        connection.exec_driver_sql("VACUUM ANALYZE cases")
    engine.dispose()
    return {"username": "peksos", "unit_id": unit_ids[0], "units": units}


def measure_inbox(url: str, facts: dict, open_count: int, rounds: int = 200) -> None:
    from engine.people.access import Actor
    from engine.read.inbox import TaskFilter
    from engine.read.queries import Queries

    queries = Queries(make_session_factory(make_engine(url)))
    actor = Actor(facts["username"], ("pekerja_sosial",), facts["unit_id"])
    variants = {
        "default inbox (mine + my roles' unclaimed)": TaskFilter(),
        "overdue, by priority": TaskFilter(overdue=True, sort="priority"),
        "unassigned pekerja_sosial, newest": TaskFilter(role="pekerja_sosial", unassigned=True, sort="-created"),
        "assignee=me": TaskFilter(assignee="me"),
    }
    print(f"\nPostgreSQL inbox, {open_count:,} open tasks in {facts['units']} units; caller sees "
          f"{queries.inbox(actor, TaskFilter()).total:,} (page of 50 with total)")
    for name, wanted in variants.items():
        times = timed(lambda _, w=wanted: queries.inbox(actor, w), range(rounds))
        print(f"  engine query, {name:<45} p50 {ms(statistics.median(times))}  "
              f"p95 {ms(statistics.quantiles(times, n=20)[-1])}   (goal p95 < 50 ms)")
    server, client = start_server(url)
    try:
        client.login(facts["username"])
        times = timed(lambda _: client.call("GET", "/api/v1/tasks"), range(rounds))
        print(f"  GET /api/v1/tasks over HTTP{'':<30} p50 {ms(statistics.median(times))}  "
              f"p95 {ms(statistics.quantiles(times, n=20)[-1])}")
    finally:
        server.terminate()
        server.join(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=300, help="completions and cases timed each way")
    parser.add_argument("--open-tasks", type=int, default=100_000)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    http_against_engine(args.tasks)
    if not args.skip_postgres:
        inbox_on_postgres(args.open_tasks)


if __name__ == "__main__":
    main()
