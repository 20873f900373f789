"""No case's lock waits for a sandbox worker's start-up. A server run as gunicorn runs it
(`atensi:create_app()`, one sandbox worker, a 1 s wall clock) on PostgreSQL: its create_app starts
the worker before any request; a runaway script gets that worker killed, and its replacement's
start-up is held (a gate in the worker processes' sitecustomize) while another case's task is
completed. That request waits for the start-up before it takes its case's lock, so another process
writes that case meanwhile; once the replacement starts, the request finishes the case."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
import requests
from sqlalchemy import select

from engine.storage.models import Incident
from tests.case_driver import CaseDriver, registration
from tests.conftest import PASSWORD, TEST_SECRET, is_postgres_run
from tests.engine.test_untrusted_input import deploy_script

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.slow,
              pytest.mark.skipif(not is_postgres_run(), reason="several server processes need PostgreSQL")]
SCRIPT = "if lari:\n    x = sum(range(10**12))\ndaftar = [i for i in range(3)]"  # a loop: it runs in a worker
WORKER_MODULE = "engine.cases.sandbox_worker"
GATE = f"""import os, time
_hold = os.environ.get("ATENSI_TEST_HOLD_SANDBOX_START")
if _hold:
    import psutil
    if {WORKER_MODULE!r} in " ".join(psutil.Process().cmdline()):
        while os.path.exists(_hold):
            time.sleep(0.02)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sandbox_workers_under(pid: int) -> list[int]:
    """The sandbox worker processes descending from `pid`."""
    workers = []
    for child in psutil.Process(pid).children(recursive=True):
        try:
            if WORKER_MODULE in " ".join(child.cmdline()):
                workers.append(child.pid)
        except psutil.Error:  # ended meanwhile
            continue
    return workers


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def sandbox_env() -> dict:
    """The server's sandbox settings; a test module may override this fixture."""
    return {"ATENSI_SANDBOX_WORKERS": "1", "ATENSI_SANDBOX_WALL_SECONDS": "1", "ATENSI_SANDBOX_CPU_SECONDS": "30"}


@pytest.fixture
def gunicorn(database_url, tmp_path, sandbox_env):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(GATE)
    hold, port = tmp_path / "hold-sandbox-start", free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "ATENSI_SECRET_KEY": TEST_SECRET,
           **sandbox_env,
           "PYTHONPATH": str(site), "ATENSI_TEST_HOLD_SANDBOX_START": str(hold)}
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "4",
                               "--bind", f"127.0.0.1:{port}", "atensi:create_app()"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield server, f"http://127.0.0.1:{port}", hold
    finally:
        hold.unlink(missing_ok=True)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def test_a_killed_sandbox_worker_start_up_never_holds_another_cases_lock(runtime, staff, gunicorn):
    server, base, hold = gunicorn
    deploy_script(runtime, SCRIPT)
    peksos = staff.actor("peksos")
    warm, runaway, other = (CaseDriver(runtime, staff, runtime.start_case("skrip", registration(), peksos))
                            for _ in range(3))
    client, api = requests.Session(), f"{base}/api/v1"
    assert wait_until(lambda: _answers(base), timeout=60)
    # create_app alone started the sandbox worker: no request has run a script yet
    assert wait_until(lambda: sandbox_workers_under(server.pid), timeout=60)
    token = client.post(f"{api}/auth/login", json={"username": "peksos", "password": PASSWORD}).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"

    def complete(case: CaseDriver, lari: bool) -> requests.Response:
        return client.post(f"{api}/tasks/{case.task('Isi data').id}/complete", json={"data": {"lari": lari}},
                           timeout=120)

    assert complete(warm, False).status_code == 200 and warm.case().status == "completed"
    hold.touch()  # from now on a sandbox worker's start-up waits for the test
    assert complete(runaway, True).status_code == 200 and runaway.case().status == "incident"
    other_task = other.task("Isi data").id
    pending = {}
    request = threading.Thread(target=lambda: pending.update(response=complete(other, False)))
    request.start()
    request.join(timeout=2)
    assert request.is_alive()  # it needs the sandbox, whose only worker cannot start yet
    claim = threading.Thread(target=runtime.claim, args=(other_task, peksos))
    claim.start()
    claim.join(timeout=60)
    written_while_held = not claim.is_alive() and request.is_alive()
    hold.unlink()
    request.join(timeout=60)
    claim.join(timeout=60)
    assert written_while_held  # the other process wrote the case while the start-up was held
    assert pending["response"].status_code == 200 and other.case().status == "completed"
    with runtime.session_factory() as session:
        incident = session.scalars(select(Incident.message).where(Incident.case_id == runaway.case_id)).one()
    assert "time limit" in incident


def _answers(base: str) -> bool:
    try:
        return requests.get(f"{base}/healthz", timeout=5).status_code == 200
    except requests.RequestException:
        return False
