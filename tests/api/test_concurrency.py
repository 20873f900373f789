"""The same task completed at once from several processes, each with its own app, engine and HTTP
server on loopback, against one PostgreSQL schema: exactly one 200, every other call a 409."""
from __future__ import annotations

import multiprocessing as mp
import threading

import pytest

from tests.api.http_case import pm
from tests.conftest import is_postgres_run, settings_for

WORKERS = 6


def _serve_and_complete(database_url, task_id, token, data, barrier, results):
    import requests
    from waitress.server import create_server

    from atensi import create_app

    app = create_app({"ATENSI_SETTINGS": settings_for(database_url)})
    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}/api/v1/tasks/{task_id}/complete"
    headers = {"Authorization": f"Bearer {token}"}
    requests.get(f"http://127.0.0.1:{server.effective_port}/healthz", timeout=30)  # warm: connected, cached
    try:
        barrier.wait(timeout=60)
        response = requests.post(url, json={"data": data}, headers=headers, timeout=60)
        body = response.json()
        results.put((response.status_code, body.get("detail", ""), response.headers.get("Content-Type")))
    except Exception as exc:  # reported, so the assertion shows it
        results.put((0, f"{type(exc).__name__}: {exc}", ""))
    finally:
        server.close()


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.skipif(not is_postgres_run(), reason="needs ATENSI_TEST_DATABASE_URL on PostgreSQL")
def test_one_task_completed_from_several_servers_at_once_succeeds_exactly_once(
        api, staff, deployed, database_url):
    case = api.as_("peksos").post("/cases", json={"unit_id": staff.unit_id, "pm": pm()}).json
    task_id = case["open_tasks"][0]["id"]
    data = {"persetujuan_layanan": True, "kondisi_awal": "Tenang"}
    context = mp.get_context("spawn")
    barrier, results = context.Barrier(WORKERS), context.Queue()
    processes = [context.Process(target=_serve_and_complete,
                                 args=(database_url, task_id, api.token("peksos"), data, barrier, results))
                 for _ in range(WORKERS)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    statuses = sorted(status for status, _, _ in outcomes)
    assert statuses == [200] + [409] * (WORKERS - 1), outcomes
    assert all(ctype.startswith("application/problem+json") for status, _, ctype in outcomes if status == 409)
    assert {detail for status, detail, _ in outcomes if status == 409} == {"task is no longer available"}
    after = api.as_("peksos").get(f"/cases/{case['id']}").json
    assert [t["name"] for t in after["open_tasks"]] == ["Skrining ASSIST"]
    history = api.as_("peksos").get(f"/cases/{case['id']}/history").json
    assert sum(e["kind"] == "task_completed" for e in history) == 1
