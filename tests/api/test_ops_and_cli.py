"""Health, metrics, the OpenAPI document and its offline docs page; the atensi command."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from atensi import create_app
from cli import cli

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_answers_ok_when_the_database_answers(api):
    response = api.anonymous.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_healthz_is_a_503_problem_when_the_database_does_not_answer():
    app = create_app({"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2",
                      "TESTING": True})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    app.extensions["atensi"].db.dispose()


def test_metrics_count_requests_by_route_and_report_open_work(api, staff, deployed):
    api.as_("peksos").post("/cases", json={"unit_id": staff.unit_id, "pm": {
        "nama": "A", "nik": "3171011501900001", "tanggal_lahir": "1990-01-15", "jenis_kelamin": "L"}})
    text = api.anonymous.get("/metrics").get_data(as_text=True)
    assert 'atensi_http_requests_total{method="POST",route="/api/v1/cases",status="201"} 1.0' in text
    assert 'atensi_open_tasks{overdue="false"} 1.0' in text
    assert 'atensi_cases{status="active"} 1.0' in text


def test_the_openapi_document_describes_bearer_auth_and_problem_details(api):
    document = api.anonymous.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "Problem" in document["components"]["schemas"]
    error = document["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert list(error) == ["application/problem+json"]
    assert document["paths"]["/api/v1/auth/login"]["post"]["security"] == []


def test_the_docs_page_loads_only_local_assets(api):
    page = api.anonymous.get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in page and "https://" not in page
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        response = api.anonymous.get(f"/api/v1/docs/assets/{asset}")
        assert response.status_code == 200 and len(response.data) > 1000
        response.close()


def test_atensi_demo_creates_users_and_processes_once(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/demo.db")
    monkeypatch.setenv("ATENSI_INSTANCE_DIR", str(tmp_path))
    monkeypatch.delenv("ATENSI_DEMO_PASSWORD", raising=False)
    runner = CliRunner()
    first = runner.invoke(cli, ["demo"])
    assert first.exit_code == 0, first.output
    assert "peksos, konselor, supervisor, admin" in first.output and "generated password is:" in first.output
    assert "deployed atensi_intake v1" in first.output
    again = runner.invoke(cli, ["demo"])
    assert again.exit_code == 0 and "exist already" in again.output and "deployed" not in again.output
    listed = runner.invoke(cli, ["definitions"])
    assert "atensi_intake" in listed.output and "case_response" in listed.output


def test_atensi_users_create_adds_a_user_to_a_unit(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/users.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["units", "create", "IPWL-7", "--name", "IPWL Tujuh", "--kind", "ipwl"]).exit_code == 0
    made = runner.invoke(cli, ["users", "create", "rina", "--role", "pekerja_sosial", "--unit", "IPWL-7",
                               "--password", "rahasia-123"])
    assert made.exit_code == 0, made.output
    missing = runner.invoke(cli, ["users", "create", "x", "--role", "admin", "--unit", "TIDAK-ADA",
                                  "--password", "rahasia-123"])
    assert missing.exit_code != 0 and "TIDAK-ADA" in missing.output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_a_fresh_atensi_serve_lets_a_demo_user_log_in_and_register_a_case(tmp_path):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/serve.db", "ATENSI_DEMO_PASSWORD": "demo-rahasia-1",
           "ATENSI_INSTANCE_DIR": str(tmp_path)}
    server = subprocess.Popen([sys.executable, "-c", "from cli import main; main()", "serve", "--port", str(port)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        login = requests.post(f"{base}/api/v1/auth/login", json={"username": "peksos", "password": "demo-rahasia-1"})
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        unit_id = requests.get(f"{base}/api/v1/me", headers=headers).json()["unit_id"]
        created = requests.post(f"{base}/api/v1/cases", headers=headers, json={"unit_id": unit_id, "pm": {
            "nama": "Pertama", "nik": "3171011501900001", "tanggal_lahir": "1990-01-15", "jenis_kelamin": "L"}})
        assert created.status_code == 201 and created.json()["stage"] == "identifikasi"
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "demo users in unit BALAI-DEMO" in output and "demo-rahasia-1" not in output
    assert "generated a secret key" in output and (tmp_path / "secret-key").stat().st_mode & 0o077 == 0
