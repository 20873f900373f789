"""Two hosts of the web tier behind one load balancer: a failed login counts wherever it lands when
both keep their rate limits in the same Redis. Each host is its own process with its own app and HTTP
server on loopback, over one database."""
from __future__ import annotations

import multiprocessing as mp
import socket
import threading
import uuid

import pytest

from tests.conftest import PASSWORD, settings_for

REDIS = ("127.0.0.1", 6379)


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


def _host(database_url, prefix, logins, results):
    """One host: serves until it has answered its share of the logins, in the order given."""
    import os

    os.environ["ATENSI_RATELIMIT_STORAGE_URI"] = f"redis://{REDIS[0]}:{REDIS[1]}/0"
    os.environ["ATENSI_RATELIMIT_KEY_PREFIX"] = prefix
    import requests
    from waitress.server import create_server

    from atensi import create_app

    app = create_app({"ATENSI_SETTINGS": settings_for(database_url)})
    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}/api/v1/auth/login"
    try:
        for password in logins:
            response = requests.post(url, json={"username": "peksos", "password": password}, timeout=60)
            results.put(response.status_code)
    finally:
        server.close()


def _run_host(context, database_url, prefix, logins) -> list[int]:
    results = context.Queue()
    process = context.Process(target=_host, args=(database_url, prefix, logins, results))
    process.start()
    statuses = [results.get(timeout=120) for _ in logins]
    process.join(timeout=60)
    return statuses


@pytest.mark.slow
@pytest.mark.database
@pytest.mark.skipif(not _redis_reachable(), reason="needs Redis at 127.0.0.1:6379")
def test_failed_logins_on_one_host_hold_back_the_other(staff, database_url):
    context = mp.get_context("spawn")
    prefix = f"atensi-test-{uuid.uuid4().hex[:8]}"
    assert _run_host(context, database_url, prefix, ["salah-salah"] * 10) == [401] * 10
    # The right password, on the other host: without the shared count this would be a 200.
    assert _run_host(context, database_url, prefix, [PASSWORD]) == [429]
    # A fresh prefix (another install on the same Redis) is not held back.
    assert _run_host(context, database_url, f"{prefix}-other", [PASSWORD]) == [200]
