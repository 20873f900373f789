"""Throughput under concurrency: real HTTP on loopback against gunicorn on PostgreSQL, the scheduler
running beside it. Prints figures beside the goal; asserts nothing.

    python bench/load.py                              # steps of 1, 2, 4, 8 and 16 clients, 20 s each
    python bench/load.py --clients 2,8 --seconds 10   # a quicker run

It creates a throwaway database (`atensi_load_bench`) in the PostgreSQL at ATENSI_BENCH_PG_URL (default
the local server, user postgres), migrates it, deploys the shipped processes, registers a few hundred
cases, then starts `gunicorn 'atensi:create_app()'` (--workers, gthread --threads) and the scheduler
(`python -m workers`). Each client is its own process with one keep-alive connection and its own
logged-in pekerja sosial (one per unit), looping with no pause over a mix of:
  inbox     GET  /api/v1/tasks                       (60 %)
  register  POST /api/v1/cases                       (20 %; a new PM each time)
  complete  POST /api/v1/tasks/{id}/complete         (20 %; an identifikasi of its own unit)
For each step it prints requests/s, p50/p95/p99 per kind, the errors (anything but the expected 200/201)
and the machine's CPU busy share. The step where requests/s stops growing is where the CPU is saturated;
the goal there: 0 errors, p99 < 100 ms. The database is dropped at the end (--keep keeps it).
The clients share the machine's CPUs with the server: at saturation they take a share of it too.
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from engine.cases.runtime import Runtime  # noqa: E402
from engine.config import BPMN_DIR, Settings  # noqa: E402
from engine.definitions.deployments import folder_bundles  # noqa: E402
from engine.people import accounts  # noqa: E402
from engine.people.access import SYSTEM_ACTOR  # noqa: E402
from engine.storage.db import make_engine, make_session_factory  # noqa: E402
from engine.vocabulary import INTAKE, PEKERJA_SOSIAL  # noqa: E402

SERVER_URL = os.environ.get("ATENSI_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DATABASE = "atensi_load_bench"
PASSWORD = "bench-rahasia-1"
SECRET = "load-bench-secret-key-not-for-production-0123456789"
IDENTIFIKASI = {"persetujuan_layanan": True, "kondisi_awal": "Tenang"}
MIX = (("inbox", 0.6), ("register", 0.2), ("complete", 0.2))
KINDS = [kind for kind, _ in MIX]
GOAL_P99_MS = 100


# --- the database and the server ------------------------------------------------------------------


def database_url() -> str:
    return sa.engine.make_url(SERVER_URL).set(database=DATABASE).render_as_string(hide_password=False)


def _admin(sql: str) -> None:
    admin = make_engine(SERVER_URL)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(sql))
    admin.dispose()


def prepare(url: str, units: int, cases_per_unit: int) -> tuple[list[int], dict[int, list[str]]]:
    """A migrated database with units, one pekerja sosial each and open identifikasi tasks per unit."""
    _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{DATABASE}"')
    from engine.storage.upgrade import upgrade

    upgrade(url)
    engine = make_engine(url)
    session_factory = make_session_factory(engine)
    with session_factory() as session:
        unit_ids = [accounts.create_unit(session, f"L{n:02d}", f"Unit beban {n}", "ipwl").id for n in range(units)]
        passwords = accounts.Passwords(Settings.from_env())
        actors = [accounts.actor_for(accounts.create_user(session, f"peksos{n}", PASSWORD, [PEKERJA_SOSIAL], unit_id,
                                                          passwords=passwords)) for n, unit_id in enumerate(unit_ids)]
        session.commit()
    runtime = Runtime(session_factory)
    for bundle in folder_bundles(BPMN_DIR):
        runtime.deploy(bundle, SYSTEM_ACTOR, note="bench")
    open_tasks = {}
    for n, actor in enumerate(actors):
        for k in range(cases_per_unit):
            runtime.start_case(INTAKE, {"pm": pm_of(9900 + n, k)}, actor)
        with session_factory() as session:
            open_tasks[n] = list(session.execute(sa.text(
                "SELECT id FROM human_tasks WHERE unit_id = :u AND status = 'open' AND role = :r ORDER BY id"),
                {"u": unit_ids[n], "r": PEKERJA_SOSIAL}).scalars())
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    engine.dispose()
    return unit_ids, open_tasks


def pm_of(prefix: int, n: int) -> dict:
    """A PM with a NIK of its own: ``prefix`` (4 digits) tells the seeds and each step's clients apart."""
    rng = random.Random(prefix * 1_000_003 + n)
    name = f"{rng.choice(('Budi', 'Siti', 'Agus', 'Dewi', 'Rizky'))} {rng.choice(('Santoso', 'Lubis', 'Putra'))}"
    return {"nama": name,
            "nik": f"{prefix:04d}{n:012d}", "tanggal_lahir": "1990-01-15", "jenis_kelamin": "L",
            "alamat": "Jl. Melati 5", "sumber_rujukan": "keluarga", "kontak_keluarga": "0812000000"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_services(url: str, port: int, workers: int, threads: int, log) -> list[subprocess.Popen]:
    env = {**os.environ, "DATABASE_URL": url, "ATENSI_SECRET_KEY": SECRET, "ATENSI_SANDBOX_WORKERS": "1"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
                               "--worker-class", "gthread", "--keep-alive", "30",  # as behind a load balancer
                               "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
                               "atensi:create_app()"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    scheduler = subprocess.Popen([sys.executable, "-m", "workers", "--log-level", "WARNING"], cwd=ROOT, env=env,
                                 stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if Client(port).call("GET", "/healthz")[0] == 200:
                return [server, scheduler]
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 90 s (see its log)")


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


# --- the clients -------------------------------------------------------------------------------------


class Client:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Content-Type": "application/json"}

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        self.connection.request(method, path, body=json.dumps(body) if body is not None else None,
                                headers=self.headers)
        response = self.connection.getresponse()
        raw = response.read()
        return response.status, (json.loads(raw) if raw and "json" in response.getheader("Content-Type", "") else {})


def client_loop(job: dict, results) -> None:
    """One client: log in, wait for the common start, then send requests until the step ends."""
    client, rng = Client(job["port"]), random.Random(job["number"])
    status, body = client.call("POST", "/api/v1/auth/login", {"username": f"peksos{job['unit']}", "password": PASSWORD})
    client.headers["Authorization"] = f"Bearer {body.get('access_token')}"
    tasks, seen, counter = list(job["tasks"]), [], iter(range(10**9))
    job["start"].wait(300)  # every client has logged in
    stop_at = time.time() + job["seconds"]
    while time.time() < stop_at:
        kind = rng.choices(KINDS, weights=[w for _, w in MIX])[0]
        if kind == "complete" and not tasks:
            kind = "register"
        started = time.perf_counter()
        try:
            ok, status, body = one_request(client, kind, job, tasks, next(counter))
        except (OSError, http.client.HTTPException) as exc:
            ok, status, body = False, repr(exc), ""
            client = _reconnect(client, job["port"])
        seen.append((kind, (time.perf_counter() - started) * 1000, ok, status if ok else f"{status} {body}"[:300]))
    results.put((job["unit"], seen, tasks))  # the tasks left open go to the next step


def one_request(client: Client, kind: str, job: dict, tasks: list[str], n: int) -> tuple[bool, int, dict]:
    if kind == "inbox":
        status, body = client.call("GET", "/api/v1/tasks")
        return status == 200, status, body
    if kind == "register":
        status, body = client.call("POST", "/api/v1/cases", {"unit_id": job["unit_id"], "pm": pm_of(job["prefix"], n)})
        tasks += [t["id"] for t in body.get("open_tasks", []) if t.get("role") == PEKERJA_SOSIAL]
        return status == 201, status, body
    status, body = client.call("POST", f"/api/v1/tasks/{tasks.pop()}/complete", {"data": IDENTIFIKASI})
    return status == 200, status, body


def _reconnect(client: Client, port: int) -> Client:
    fresh = Client(port)
    fresh.headers = client.headers
    return fresh


def run_step(step: int, clients: int, seconds: float, port: int, unit_ids: list[int],
             open_tasks: dict[int, list[str]]) -> tuple[list, float]:
    context = mp.get_context("fork")
    results = context.Queue()
    units = len(open_tasks)
    start = context.Barrier(clients + 1)
    processes = []
    for n in range(clients):
        unit = n % units
        share = open_tasks[unit][n // units::max(1, (clients + units - 1) // units)]
        job = {"number": n, "prefix": 1000 + step * 100 + n, "port": port, "unit": unit, "unit_id": unit_ids[unit],
               "tasks": share, "start": start, "seconds": seconds}
        processes.append(context.Process(target=client_loop, args=(job, results)))
    for process in processes:
        process.start()
    start.wait(300)
    busy_before = cpu_times()
    time.sleep(seconds)
    busy = busy_share(busy_before, cpu_times())
    seen = []
    for unit in {n % units for n in range(clients)}:
        open_tasks[unit] = []
    for _ in processes:
        unit, rows, left = results.get(timeout=120)
        seen += rows
        open_tasks[unit] += left
    for process in processes:
        process.join(30)
    return seen, busy


def cpu_times() -> tuple[int, int]:
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def busy_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    return (after[0] - before[0]) / max(1, after[1] - before[1])


# --- the report --------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * share))] if values else float("nan")


def report(clients: int, seconds: float, seen: list, busy: float) -> dict:
    errors = [row for row in seen if not row[2]]
    rate = len(seen) / seconds
    p99 = percentile([ms for _, ms, _, _ in seen], 0.99)
    print(f"\n{clients} clients: {rate:7.1f} requests/s, {len(errors)} errors, CPU busy {busy:.0%} "
          f"(load average {os.getloadavg()[0]:.1f}: other work shares the machine), p99 of all {p99:.1f} ms")
    print(f"  {'kind':10} {'count':>7} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for kind in KINDS:
        times = [ms for k, ms, _, _ in seen if k == kind]
        print(f"  {kind:10} {len(times):7} {len(times) / seconds:7.1f} {percentile(times, 0.5):8.1f} "
              f"{percentile(times, 0.95):8.1f} {percentile(times, 0.99):8.1f}")
    for kind, _, _, status in errors[:5]:
        print(f"  error: {kind} answered {status}")
    return {"clients": clients, "rate": rate, "errors": len(errors), "p99": p99, "busy": busy}


def summary(steps: list[dict]) -> None:
    saturated = steps[-1]
    for previous, step in zip(steps, steps[1:], strict=False):
        if step["rate"] < previous["rate"] * 1.1:  # one more client adds less than a tenth: the CPU is full
            saturated = previous
            break
    met = saturated["errors"] == 0 and saturated["p99"] < GOAL_P99_MS
    print(f"\nsaturated at {saturated['clients']} clients: {saturated['rate']:.1f} requests/s, "
          f"CPU busy {saturated['busy']:.0%}, {saturated['errors']} errors, p99 {saturated['p99']:.1f} ms "
          f"(goal: 0 errors, p99 < {GOAL_P99_MS} ms): {'met' if met else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", default="1,2,4,8,16", help="client counts, one step each")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per step")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--units", type=int, default=4)
    parser.add_argument("--cases", type=int, default=150, help="open cases registered per unit beforehand")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    url = database_url()
    started = time.perf_counter()
    unit_ids, open_tasks = prepare(url, args.units, args.cases)
    print(f"prepared {DATABASE}: {args.units} units, {args.units * args.cases} open cases "
          f"in {time.perf_counter() - started:.0f} s; gunicorn {args.workers} workers × {args.threads} threads, "
          f"scheduler running; {os.cpu_count()} CPUs")
    port = free_port()
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"atensi-load-{port}.log"
    with log_path.open("w") as log:
        services = start_services(url, port, args.workers, args.threads, log)
        try:
            steps = []
            for step, clients in enumerate(int(n) for n in args.clients.split(",")):
                seen, busy = run_step(step, clients, args.seconds, port, unit_ids, open_tasks)
                steps.append(report(clients, args.seconds, seen, busy))
            summary(steps)
        finally:
            stop(services)
            if not args.keep:
                _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    print(f"server and scheduler log: {log_path}")


if __name__ == "__main__":
    main()
