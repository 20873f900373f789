"""Several machines, for real: PostgreSQL, two API hosts (gunicorn), two scheduler hosts (`atensi worker`)
and a client each in its own network namespace, linked by veth pairs to one bridge (tests/hosts/netns.py).
The database host also runs PgBouncer (transaction pooling; api2 and w2 go through it), Redis (both API
hosts' login limits) and an S3-compatible server (the documents), each when installed.
The client (tests/hosts/driver.py) drives registrations, completions and inbox reads through both API
hosts, with a 3-second timer started by every completion, and deploys a new version through the first
host while the load runs. Mid-run one API host and one worker host lose power (SIGKILL to every process
on them). Then: no acknowledged write is lost, no timer fires twice, every due timer fires, and every
case registered after the new deploy was acknowledged runs on it, whichever host took it; every
acknowledged document reads back whole; ten failed logins spread over both hosts hold back both.

Needs root and iproute2 (network namespaces) and PostgreSQL's server binaries; it runs in the
PostgreSQL pass of scripts/test.sh (make test). Nothing in it talks to the machine's own network."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import is_postgres_run

from .netns import Lan, why_not_available

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "hosts"  # the last run's figures: several_hosts.json
BIN = Path(sys.executable).parent
LOAD_SECONDS = 20
CRASH_AFTER_SECONDS = 8  # after the load started (the second deploy is at a quarter of it)
SECRET = "one-secret-for-every-host-of-this-test"
BUCKET = "atensi-dokumen"
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "uji", "AWS_SECRET_ACCESS_KEY": "rahasia-uji", "AWS_DEFAULT_REGION": "us-east-1"}
REDIS = shutil.which("redis-server")  # the login limits, shared by the API hosts, when installed
PGBOUNCER = shutil.which("pgbouncer") or next(iter(Path("/usr/sbin").glob("pgbouncer")), None)
VIA_PGBOUNCER = ("api2", "w2")  # when it is installed; api1 and w1 connect to PostgreSQL directly
PGBOUNCER_INI = """[databases]
postgres = host={db} port=5432 dbname=postgres
[pgbouncer]
listen_addr = {db}
listen_port = 6432
unix_socket_dir =
auth_type = trust
auth_file = {scratch}/userlist.txt
pool_mode = transaction
max_client_conn = 400
default_pool_size = 10
"""


def _pg_bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


def _why_skip() -> str | None:
    if not is_postgres_run():
        return "runs in the PostgreSQL pass (several hosts need PostgreSQL)"
    if (reason := why_not_available()) is not None:
        return reason
    if _pg_bindir() is None:
        return "needs PostgreSQL's server binaries (apt-get install postgresql)"
    return None


pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.database, pytest.mark.timeout(240),
              pytest.mark.skipif(_why_skip() is not None, reason=_why_skip() or "")]


class Machines:
    """The network, the processes on it and their logs; torn down whatever happens."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        self.lan = Lan()
        self.address = {host: self.lan.add(host, number) for host, number in
                        [("db", 1), ("api1", 11), ("api2", 12), ("w1", 21), ("w2", 22), ("client", 100)]}
        self.db_url = f"postgresql+psycopg://postgres@{self.address['db']}:5432/postgres"
        # transaction pooling: no server-side prepared statements (see engine.storage.db.server_url)
        self.pooled_url = f"postgresql+psycopg://postgres@{self.address['db']}:6432/postgres?prepare_threshold=none"
        self.pooled = False
        self.redis_url: str | None = None
        self.s3_url: str | None = None

    def popen(self, host: str, argv: list[str], **kwargs) -> None:
        """Runs ``argv`` on ``host``, its output in the host's log."""
        with (self.scratch / f"{host}.log").open("w") as log:
            self.lan.popen(host, argv, stdout=log, stderr=subprocess.STDOUT, **kwargs)

    def env(self, host: str) -> dict:
        home = self.scratch / host
        home.mkdir(exist_ok=True)
        url = self.pooled_url if self.pooled and host in VIA_PGBOUNCER else self.db_url
        shared_limits = {"ATENSI_RATELIMIT_STORAGE_URI": self.redis_url} if self.redis_url else {}
        documents = {"ATENSI_DOCUMENTS_URL": f"s3://{BUCKET}/atensi", "ATENSI_S3_ENDPOINT_URL": self.s3_url,
                     **S3_CREDENTIALS} if self.s3_url else {"ATENSI_DOCUMENTS_URL": str(home / "documents")}
        return {**os.environ, **shared_limits, **documents, "DATABASE_URL": url, "ATENSI_SECRET_KEY": SECRET,
                "ATENSI_INSTANCE_DIR": str(home),
                "ATENSI_SANDBOX_WORKERS": "1", "ATENSI_SCHEDULER_POLL_SECONDS": "0.5",
                "ATENSI_TEST_DATABASE_URL": ""}

    def start_postgres(self) -> None:
        bindir, data = _pg_bindir(), self.scratch / "pg"
        shutil.chown(self.scratch, "postgres")
        subprocess.run(["runuser", "-u", "postgres", "--", str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                        "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                       check=True, capture_output=True, timeout=120)
        with (data / "pg_hba.conf").open("a") as hba:
            hba.write("host all all 10.77.0.0/24 trust\n")
        self.popen("db", ["runuser", "-u", "postgres", "--", str(bindir / "postgres"), "-D", str(data),
                          "-p", "5432", "-k", str(self.scratch), "-c", f"listen_addresses={self.address['db']}",
                          "-c", "fsync=off", "-c", "max_connections=200"])

    def start_pgbouncer(self) -> None:
        if PGBOUNCER is None:
            return
        (self.scratch / "userlist.txt").write_text('"postgres" ""\n')
        ini = self.scratch / "pgbouncer.ini"
        ini.write_text(PGBOUNCER_INI.format(db=self.address["db"], scratch=self.scratch))
        self.popen("db", ["runuser", "-u", "postgres", "--", str(PGBOUNCER), str(ini)])
        self.pooled = True

    def start_redis(self) -> None:
        if REDIS is None:
            return
        self.popen("db", [REDIS, "--bind", self.address["db"], "--port", "6379", "--save", "", "--appendonly", "no",
                          "--protected-mode", "no", "--dir", str(self.scratch)])
        self.redis_url = f"redis://{self.address['db']}:6379/0"

    def start_s3(self) -> None:
        """moto's S3 server (a dev dependency) on the database host: the documents' shared bucket."""
        self.popen("db", [str(BIN / "python"), "-m", "moto.server", "-H", self.address["db"], "-p", "9000"])
        self.s3_url = f"http://{self.address['db']}:9000"

    def client(self, *args: str) -> list[str]:
        return [str(BIN / "python"), "-m", "tests.hosts.driver", *args]

    def start_api(self, host: str) -> None:
        self.popen(host, [str(BIN / "gunicorn"), "--workers", "2", "--threads", "4", "--worker-class", "gthread",
                          "--bind", f"{self.address[host]}:8000", "--graceful-timeout", "5",
                          "atensi:create_app()"],
                   cwd=ROOT, env=self.env(host))

    def start_worker(self, host: str) -> None:
        self.popen(host, [str(BIN / "python"), "-m", "workers"], cwd=ROOT, env=self.env(host))

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
                         for p in sorted(self.scratch.glob("*.log")))


@pytest.fixture
def machines():
    scratch = Path(tempfile.mkdtemp(prefix="atensi-hosts-"))
    scratch.chmod(0o755)
    built = None
    try:
        built = Machines(scratch)
        yield built
    finally:
        if built is not None:
            built.lan.remove()
        shutil.rmtree(scratch, ignore_errors=True)


def _wait_for_line(path: Path, text: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(errors="replace"):
            return True
        time.sleep(0.2)
    return False


def start_everything(machines: Machines) -> None:
    machines.start_postgres()
    machines.start_pgbouncer()
    machines.start_redis()
    machines.start_s3()
    setup = machines.lan.run("client", machines.client("setup", machines.db_url), cwd=ROOT,
                             env=machines.env("client"), capture_output=True, text=True, timeout=120)
    assert setup.returncode == 0, setup.stderr[-3000:] + machines.logs()
    for host in ("api1", "api2"):
        machines.start_api(host)
    for host in ("w1", "w2"):
        machines.start_worker(host)


def load_with_a_crash(machines: Machines) -> dict:
    """The client's load; once it runs and the deploy through api1 is answered, api1 and w1 lose power."""
    urls = [f"http://{machines.address[h]}:8000" for h in ("api1", "api2")]
    progress = machines.scratch / "client.log"
    with progress.open("w") as err:
        driver = machines.lan.popen("client", machines.client("load", machines.db_url, str(LOAD_SECONDS), *urls),
                                    cwd=ROOT, env=machines.env("client"), stdout=subprocess.PIPE, stderr=err,
                                    text=True)
    try:
        assert _wait_for_line(progress, "load started", 120), machines.logs()
        time.sleep(CRASH_AFTER_SECONDS)
        # the kill must not cut the deploy through the first host short: the check needs its answer
        assert _wait_for_line(progress, "second version deployed", 60), machines.logs()
        killed = {"api1": machines.lan.crash("api1"), "w1": machines.lan.crash("w1")}
        out, _ = driver.communicate(timeout=150)
    finally:
        driver.kill()
        driver.communicate()
    assert driver.returncode == 0, machines.logs()
    assert all(killed.values()), killed
    report = json.loads(out.strip().splitlines()[-1])
    report["killed_processes"] = killed
    report["via_pgbouncer"] = list(VIA_PGBOUNCER) if machines.pooled else []
    report["limits_in_redis"], report["documents_in_s3"] = bool(machines.redis_url), bool(machines.s3_url)
    return report


def test_two_api_hosts_and_two_workers_lose_nothing_when_one_of_each_is_killed_mid_run(machines):
    began = time.monotonic()
    start_everything(machines)
    report = load_with_a_crash(machines)
    report["total_seconds"] = round(time.monotonic() - began, 1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "several_hosts.json").write_text(json.dumps(report, indent=1))
    print("\nseveral hosts:", json.dumps(report, indent=1))
    if machines.redis_url:  # ten failed logins alternating between the hosts hold back both
        assert report["login_limit"] == {"failed_logins": [401] * 10, "then_right_password": [429, 429]}, report
    assert report["answered_after_a_host_failed"] > 0, report  # the hosts still up took the load
    assert report["registrations_acknowledged"] > 0 and report["completions_acknowledged"] > 0, report
    assert report["lost_registrations"] == [] and report["lost_completions"] == [], report
    assert report["timers_fired_twice"] == [] and report["follow_ups_opened_twice"] == [], report
    assert report["timers_not_fired"] == [] and report["timers_fired"] == report["timers_started"] > 0, report
    assert report["documents_acknowledged"] > 0 and report["documents_unreadable"] == [], report
    assert report["registered_after_second_deploy"] > 0, report
    assert report["old_version_after_second_deploy"] == [], report
    assert not any(status.startswith("5") for kind in report["requests"].values() for status in kind), report
