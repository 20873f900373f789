"""On PostgreSQL with several processes, a case's row lock is held no longer than the sandbox's wall
clock plus a small margin, however many scripts the operation runs: gunicorn (one sandbox worker,
a 2 s wall clock) completes a task followed by eight scripts that each take half the limit, while
this test process watches the case's row lock from its own connection."""
from __future__ import annotations

import threading
import time

import pytest
import requests
import sqlalchemy as sa

from tests.api.test_postgres_sandbox_start import _answers, gunicorn, wait_until  # noqa: F401 - a fixture
from tests.case_driver import CaseDriver, registration
from tests.conftest import PASSWORD, is_postgres_run
from tests.engine.test_sandbox_deadline import MARGIN_SECONDS, scripts_deployed
from tests.engine.test_sandbox_limits import incident_of

pytestmark = [pytest.mark.postgres, pytest.mark.slow,
              pytest.mark.skipif(not is_postgres_run(), reason="several server processes need PostgreSQL")]
WALL_SECONDS = 2.0


@pytest.fixture
def sandbox_env() -> dict:
    return {"ATENSI_SANDBOX_WORKERS": "1", "ATENSI_SANDBOX_WALL_SECONDS": str(WALL_SECONDS),
            "ATENSI_SANDBOX_CPU_SECONDS": "30"}


def lock_held_seconds(database_url: str, case_id: int, timeout: float) -> float | None:
    """From this process: how long another transaction held the case's row lock (None: never seen)."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            deadline, taken = time.monotonic() + timeout, None
            while taken is None and time.monotonic() < deadline:
                try:
                    conn.execute(sa.text("SELECT id FROM cases WHERE id = :id FOR UPDATE NOWAIT"), {"id": case_id})
                    conn.rollback()
                    time.sleep(0.005)
                except sa.exc.OperationalError:  # somebody holds it
                    conn.rollback()
                    taken = time.monotonic()
            if taken is None:
                return None
            conn.execute(sa.text("SELECT id FROM cases WHERE id = :id FOR UPDATE"), {"id": case_id})
            released = time.monotonic()
            conn.rollback()
            return released - taken
    finally:
        engine.dispose()


def test_a_case_row_lock_is_held_no_longer_than_the_limit_however_many_scripts_run(
        runtime, staff, gunicorn, database_url):  # noqa: F811
    server, base, _hold = gunicorn
    scripts_deployed(runtime, WALL_SECONDS * 0.5)
    peksos = staff.actor("peksos")
    case = CaseDriver(runtime, staff, runtime.start_case("skrip", registration(), peksos))
    client, api = requests.Session(), f"{base}/api/v1"
    assert wait_until(lambda: _answers(base), timeout=60)
    token = client.post(f"{api}/auth/login", json={"username": "peksos", "password": PASSWORD}).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    task_id, replies = case.task("Isi data").id, {}
    time.sleep(3)  # create_app starts the sandbox worker in the background: let it be idle first
    request = threading.Thread(target=lambda: replies.update(
        done=client.post(f"{api}/tasks/{task_id}/complete", json={"data": {}}, timeout=120)))
    request.start()
    held = lock_held_seconds(database_url, case.case_id, timeout=10)
    request.join(timeout=120)
    assert replies["done"].status_code == 200
    incident = incident_of(runtime, case.case_id)
    assert "time limit" in incident.message and incident.element_id.startswith("hitung")
    assert held is not None and held < WALL_SECONDS + MARGIN_SECONDS  # eight scripts at half of it would be 8 s
