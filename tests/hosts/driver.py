"""The client host of tests/hosts/test_several_hosts.py; it runs inside the client's network namespace.

    python -m tests.hosts.driver setup DB_URL              schema, a unit and two users
    python -m tests.hosts.driver load DB_URL SECONDS URL…  the mixed load through every API host, then the
                                                           checks; prints one JSON report on stdout

The load acts as a load balancer without sticky sessions would: each request goes to the next host,
a host that refused or dropped a connection is left out for a second, and a token issued by one host
is used on every other. Only answers the client saw (2xx) count as acknowledged writes."""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
PASSWORD = "rahasia-host-123"
PROCESS = "uji_host"
FIRST, SECOND, TIMER = "Task_catat", "Task_tindak_lanjut", "Timer_tunggu"
TIMER_SECONDS = 3
CLIENT_THREADS = 4
SETTLE_SECONDS = 40  # after the load: every due timer fires within this
LIMITED, LOGIN_LIMIT = "penguji", 10  # a user for the login limit (atensi.limits: 10 failed a minute)
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
PM = {"nama": "Uji Host", "tanggal_lahir": "1990-01-15", "jenis_kelamin": "L", "sumber_rujukan": "keluarga"}


def setup(db_url: str) -> None:
    from engine.config import Settings
    from engine.people import accounts
    from engine.storage.db import make_engine, make_session_factory
    from engine.storage.upgrade import upgrade

    _wait_for_database(db_url)
    upgrade(db_url)
    _make_bucket()
    engine = make_engine(db_url)
    quick = accounts.Passwords(Settings(password_time_cost=1, password_memory_kib=8, password_parallelism=1))
    with make_session_factory(engine)() as session:
        unit = accounts.create_unit(session, "BALAI-01", "Balai Uji Host", "balai")
        for username, roles in [("peksos", ["pekerja_sosial"]), ("admin", ["admin"]),
                                (LIMITED, ["pekerja_sosial"])]:
            accounts.create_user(session, username, PASSWORD, roles, unit.id, passwords=quick)
        session.commit()
        print(json.dumps({"unit_id": unit.id}))
    engine.dispose()


def _make_bucket() -> None:
    """The shared bucket of the documents, when they go to one (ATENSI_DOCUMENTS_URL=s3://…)."""
    url, endpoint = os.environ.get("ATENSI_DOCUMENTS_URL", ""), os.environ.get("ATENSI_S3_ENDPOINT_URL")
    if not url.startswith("s3://"):
        return
    import boto3

    client, deadline = boto3.client("s3", endpoint_url=endpoint), time.monotonic() + 60
    while True:
        try:
            client.create_bucket(Bucket=url[5:].split("/")[0])
            return
        except Exception:  # the S3 server is still starting
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _wait_for_database(db_url: str, seconds: float = 30) -> None:
    engine, deadline = sa.create_engine(db_url), time.monotonic() + seconds
    try:
        while True:
            try:
                with engine.connect():
                    return
            except sa.exc.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        engine.dispose()


def bundle(name: str) -> list:
    """The test process's files; ``name`` changes its content (a new version when deployed again)."""
    bpmn = (HERE / "uji_host.bpmn").read_text().replace('name="Uji beberapa host', f'name="{name}')
    return [("files", ("uji_host.bpmn", bpmn.encode(), "application/xml")),
            ("files", ("catatan.json", (HERE / "catatan.json").read_bytes(), "application/json"))]


class Balancer:
    """Round robin over the hosts; a host that failed a connection sits out for a second."""

    def __init__(self, urls: list[str]):
        self.urls, self.down_until = urls, dict.fromkeys(urls, 0.0)
        self.turn, self.lock = itertools.count(), threading.Lock()

    def pick(self) -> str:
        with self.lock:
            now = time.monotonic()
            for _ in self.urls:
                url = self.urls[next(self.turn) % len(self.urls)]
                if self.down_until[url] <= now:
                    return url
            return self.urls[next(self.turn) % len(self.urls)]

    def failed(self, url: str) -> None:
        with self.lock:
            self.down_until[url] = time.monotonic() + 1.0


@dataclass
class Tally:
    requests: dict = field(default_factory=dict)  # kind -> {status or "connection": count}
    registered: list = field(default_factory=list)  # (case_id, nik, version, sent after the second deploy)
    completed: list = field(default_factory=list)  # (task_id, case_id, element_id)
    documents: list = field(default_factory=list)  # (case_id, document_id, sha256 of the content)
    first_failure: float | None = None  # monotonic time a host first failed to answer
    answered_after_failure: int = 0  # 2xx answers since then (by the hosts still up)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, kind: str, outcome) -> None:
        with self.lock:
            if outcome == "connection" and self.first_failure is None:
                self.first_failure = time.monotonic()
            elif self.first_failure is not None and str(outcome).startswith("2"):
                self.answered_after_failure += 1
            per_kind = self.requests.setdefault(kind, {})
            per_kind[str(outcome)] = per_kind.get(str(outcome), 0) + 1


class Load:
    def __init__(self, urls: list[str], unit_id: int, seconds: float):
        self.balancer, self.unit_id, self.seconds = Balancer(urls), unit_id, seconds
        self.tally, self.serial = Tally(), itertools.count(1)
        self.second_deploy_at: float | None = None  # monotonic time the second version was acknowledged
        self.second_version: int | None = None
        self.headers: dict[str, dict] = {}
        self.deadline = 0.0  # monotonic end of the load

    def call(self, kind: str, method: str, path: str, token_of: str, **kwargs):
        """One request to the next host: the response, or None when the host could not answer."""
        url = self.balancer.pick()
        try:
            response = requests.request(method, f"{url}/api/v1{path}", headers=self.headers[token_of],
                                        timeout=15, **kwargs)
        except requests.RequestException:
            self.balancer.failed(url)
            self.tally.count(kind, "connection")
            return None
        self.tally.count(kind, response.status_code)
        return response

    def login(self, username: str) -> None:
        for _ in range(50):
            url = self.balancer.pick()
            try:
                answer = requests.post(f"{url}/api/v1/auth/login", json={"username": username, "password": PASSWORD},
                                       timeout=15)
            except requests.RequestException:
                time.sleep(0.2)
                continue
            if answer.status_code == 200:
                self.headers[username] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
                return
        raise RuntimeError(f"{username} could not log in on any host")

    def deploy(self, name: str) -> int:
        """Through the first host only: the others must use what it deployed."""
        url = self.balancer.urls[0]
        answer = requests.post(f"{url}/api/v1/process-definitions", headers=self.headers["admin"],
                               files=bundle(name), data={"note": name}, timeout=60)
        answer.raise_for_status()
        return answer.json()["version"]

    def register(self, worker: int) -> dict | None:
        nik = f"31710{worker}{next(self.serial):010d}"
        sent_after_deploy = self.second_deploy_at is not None
        answer = self.call("registration", "POST", "/cases", "peksos", json={
            "process": PROCESS, "unit_id": self.unit_id, "pm": {**PM, "nik": nik}})
        if answer is None or answer.status_code != 201:
            return None
        case = answer.json()
        with self.tally.lock:
            self.tally.registered.append((case["id"], nik, case["version"], sent_after_deploy))
        return case

    def upload(self, case_id: int) -> None:
        content = PDF + f"% kasus {case_id}\n".encode()
        answer = self.call("document", "POST", f"/cases/{case_id}/documents", "peksos", data={"kind": "lainnya"},
                           files={"file": ("surat.pdf", content, "application/pdf")})
        if answer is not None and answer.status_code == 201:
            with self.tally.lock:
                self.tally.documents.append((case_id, answer.json()["id"], hashlib.sha256(content).hexdigest()))

    def complete(self, task_id: str, case_id: int, element_id: str) -> None:
        answer = self.call("completion", "POST", f"/tasks/{task_id}/complete", "peksos",
                           json={"data": {"catatan": "selesai"}})
        if answer is not None and answer.status_code == 200:
            with self.tally.lock:
                self.tally.completed.append((task_id, case_id, element_id))

    def follow_up(self) -> None:
        """An inbox read, and one follow-up task (opened by a fired timer) completed from it."""
        answer = self.call("inbox", "GET", "/tasks", "peksos", params={"process": PROCESS, "per_page": 20})
        if answer is None or answer.status_code != 200:
            return
        open_ = [t for t in answer.json()["items"] if t["element_id"] == SECOND]
        if open_:
            task = open_[hash(threading.current_thread().name) % len(open_)]
            self.complete(task["id"], task["case_id"], SECOND)

    def client(self, worker: int) -> None:
        while time.monotonic() < self.deadline:
            case = self.register(worker)
            if case is not None and case["id"] % 3 == 0:
                self.upload(case["id"])
            if case is not None:
                first = next((t for t in case["open_tasks"] if t["element_id"] == FIRST), None)
                if first is not None:
                    self.complete(first["id"], case["id"], FIRST)
            self.follow_up()

    def wait_healthy(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        for url in self.balancer.urls:
            while True:
                try:
                    if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} did not come up")
                time.sleep(0.2)

    def login_limit_across_hosts(self) -> dict:
        """Failed logins alternate between the hosts; then the right password, on each host."""
        def attempt(url: str, password: str) -> int:
            return requests.post(f"{url}/api/v1/auth/login", json={"username": LIMITED, "password": password},
                                 timeout=15).status_code

        urls = self.balancer.urls
        failed = [attempt(urls[n % len(urls)], "salah-salah") for n in range(LOGIN_LIMIT)]
        return {"failed_logins": failed, "then_right_password": [attempt(url, PASSWORD) for url in urls]}

    def run(self) -> dict:
        """The load; the second version is deployed through the first host a quarter in, and the load
        goes on for at least half its length after that (the test kills hosts once it is deployed)."""
        self.wait_healthy()
        self.login("admin")
        self.login("peksos")
        limits = self.login_limit_across_hosts()
        first_version = self.deploy("Uji beberapa host")
        started = time.monotonic()
        self.deadline = started + self.seconds
        clients = [threading.Thread(target=self.client, args=(n,), name=f"client-{n}") for n in range(CLIENT_THREADS)]
        for thread in clients:
            thread.start()
        print("load started", file=sys.stderr, flush=True)
        time.sleep(self.seconds * 0.25)
        self.second_version = self.deploy("Uji beberapa host, versi kedua")
        self.second_deploy_at = time.monotonic()
        self.deadline = max(self.deadline, self.second_deploy_at + self.seconds * 0.5)
        print("second version deployed", file=sys.stderr, flush=True)
        for thread in clients:
            thread.join()
        return {"seconds": round(time.monotonic() - started, 1), "versions": [first_version, self.second_version],
                "login_limit": limits, "requests": self.tally.requests,
                "answered_after_a_host_failed": self.tally.answered_after_failure}


# --- the checks, on the database, once the load is over --------------------------------------------


def _rows(db: sa.Engine, sql: str, **params) -> list:
    with db.connect() as conn:
        return list(conn.execute(sa.text(sql), params))


def timer_progress(db: sa.Engine) -> tuple[int, int]:
    """(cases whose timer is due or past, cases whose timer fired)."""
    started = _rows(db, "SELECT count(*) FROM human_tasks WHERE element_id = :e AND status = 'completed'", e=FIRST)
    fired = _rows(db, "SELECT count(DISTINCT case_id) FROM history_events WHERE kind = 'timer_fired' "
                      "AND element_id = :e", e=TIMER)
    return started[0][0], fired[0][0]


def settle(db: sa.Engine) -> float:
    """Wait until every started timer fired (or SETTLE_SECONDS); how long it took."""
    began = time.monotonic()
    while time.monotonic() - began < SETTLE_SECONDS:
        started, fired = timer_progress(db)
        if fired >= started:
            break
        time.sleep(0.5)
    return round(time.monotonic() - began, 1)


def check(db: sa.Engine, load: Load) -> dict:
    tally = load.tally
    cases = dict(_rows(db, "SELECT id, pm_nik FROM cases WHERE process_key = :p", p=PROCESS))
    lost_registrations = [c for c, nik, _, _ in tally.registered if cases.get(c) != nik]
    done = {row[0] for row in _rows(db, "SELECT id FROM human_tasks WHERE status = 'completed'")}
    lost_completions = [t for t, _, _ in tally.completed if t not in done]
    fired = dict(_rows(db, "SELECT case_id, count(*) FROM history_events WHERE kind = 'timer_fired' "
                           "AND element_id = :e GROUP BY case_id", e=TIMER))
    opened = dict(_rows(db, "SELECT case_id, count(*) FROM human_tasks WHERE element_id = :e GROUP BY case_id",
                        e=SECOND))
    waited = {case_id: at for case_id, at in _rows(
        db, "SELECT case_id, completed_at FROM human_tasks WHERE element_id = :e AND status = 'completed'", e=FIRST)}
    late = _lateness(db, waited)
    second = load.second_version
    unreadable = _unreadable_documents(load)
    return {
        "registrations_acknowledged": len(tally.registered),
        "completions_acknowledged": len(tally.completed),
        "lost_registrations": lost_registrations,
        "lost_completions": lost_completions,
        "timers_started": len(waited),
        "timers_fired": len(fired),
        "timers_fired_twice": sorted(c for c, n in fired.items() if n > 1),
        "follow_ups_opened_twice": sorted(c for c, n in opened.items() if n > 1),
        "timers_not_fired": sorted(set(waited) - set(fired)),
        "registered_after_second_deploy": sum(1 for *_, after in tally.registered if after),
        "old_version_after_second_deploy": [c for c, _, v, after in tally.registered if after and v != second],
        "timer_lateness_ms": late,
        "documents_acknowledged": len(tally.documents),
        "documents_unreadable": unreadable,
    }


def _unreadable_documents(load: Load) -> list:
    """Acknowledged documents that a host still up does not give back byte for byte."""
    unreadable = []
    for case_id, document_id, digest in load.tally.documents:
        for _ in load.balancer.urls:  # a host that is down is left out for the next try
            answer = load.call("document_read", "GET", f"/cases/{case_id}/documents/{document_id}", "peksos")
            if answer is not None:
                break
        if answer is None or answer.status_code != 200 or hashlib.sha256(answer.content).hexdigest() != digest:
            unreadable.append(document_id)
    return unreadable


def _lateness(db: sa.Engine, waited: dict) -> dict:
    """How long after its due time (completion of the first task + TIMER_SECONDS) each timer fired."""
    fired_at = dict(_rows(db, "SELECT case_id, min(at) FROM history_events WHERE kind = 'timer_fired' "
                              "AND element_id = :e GROUP BY case_id", e=TIMER))
    late = sorted((fired_at[c] - waited[c]).total_seconds() * 1000 - TIMER_SECONDS * 1000
                  for c in fired_at if c in waited and waited[c] is not None)
    if not late:
        return {}
    return {"p50": round(statistics.median(late)), "p99": round(late[int(len(late) * 0.99) - 1 or 0]),
            "max": round(late[-1])}


def main(argv: list[str]) -> None:
    command, db_url = argv[0], argv[1]
    if command == "setup":
        setup(db_url)
        return
    seconds, urls = float(argv[2]), argv[3:]
    db = sa.create_engine(db_url)
    unit_id = _rows(db, "SELECT id FROM units WHERE code = 'BALAI-01'")[0][0]
    load = Load(urls, unit_id, seconds)
    report = load.run()
    report["settle_seconds"] = settle(db)
    report.update(check(db, load))
    db.dispose()
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1:])
