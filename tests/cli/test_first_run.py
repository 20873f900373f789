"""A first run with no surprises: the demo password can be found again and reset, and a taken port
is one line that says what to do."""
from __future__ import annotations

import socket
import stat

import pytest
from click.testing import CliRunner

from cli import cli
from engine.config import Settings
from engine.demo import PASSWORD_FILE
from engine.people import accounts
from engine.storage.db import make_engine, make_session_factory
from tests.conftest import QUICK_HASHING, QUICK_PASSWORDS


@pytest.fixture
def runner(tmp_path, monkeypatch):
    """The command line on a SQLite file and an instance folder of this test, hashing quickly."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/atensi.db")
    monkeypatch.setenv("ATENSI_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.delenv("ATENSI_DEMO_PASSWORD", raising=False)
    for name, value in QUICK_HASHING.items():
        monkeypatch.setenv(f"ATENSI_{name.upper()}", str(value))
    return CliRunner()


def logs_in(username: str, password: str) -> bool:
    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            return accounts.authenticate(session, username, password, passwords=QUICK_PASSWORDS) is not None
    finally:
        engine.dispose()


def test_the_generated_demo_password_is_kept_for_its_owner_and_pointed_at_on_later_runs(runner, tmp_path):
    first = runner.invoke(cli, ["demo"])
    kept = tmp_path / "instance" / PASSWORD_FILE
    password = kept.read_text().strip()
    assert first.exit_code == 0 and f"generated password is: {password}  (kept in {kept})" in first.output
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and logs_in("peksos", password)
    again = runner.invoke(cli, ["demo"])
    assert f"password is kept in {kept}" in again.output and password not in again.output


def test_a_password_from_the_environment_is_neither_printed_nor_kept(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("ATENSI_DEMO_PASSWORD", "dari-lingkungan-1")
    made = runner.invoke(cli, ["demo"])
    assert "value of ATENSI_DEMO_PASSWORD" in made.output and "dari-lingkungan-1" not in made.output
    assert not (tmp_path / "instance" / PASSWORD_FILE).exists() and logs_in("admin", "dari-lingkungan-1")


@pytest.fixture
def rina(runner):
    runner.invoke(cli, ["units", "create", "IPWL-7", "--name", "IPWL Tujuh", "--kind", "ipwl"])
    made = runner.invoke(cli, ["users", "create", "rina", "--role", "pekerja_sosial", "--unit", "IPWL-7",
                               "--password", "rahasia-lama"])
    assert made.exit_code == 0, made.output
    return "rina"


def test_set_password_asks_twice_and_the_new_password_logs_in(runner, rina):
    changed = runner.invoke(cli, ["users", "set-password", rina], input="rahasia-baru\nrahasia-baru\n")
    assert changed.exit_code == 0 and "password of rina is changed" in changed.output
    assert logs_in(rina, "rahasia-baru") and not logs_in(rina, "rahasia-lama")


def test_set_password_refuses_two_different_entries(runner, rina):
    refused = runner.invoke(cli, ["users", "set-password", rina], input="rahasia-baru\nrahasia-lain\n")
    assert refused.exit_code != 0 and "do not match" in refused.output and logs_in(rina, "rahasia-lama")


def test_set_password_reads_standard_input_for_scripts(runner, rina):
    changed = runner.invoke(cli, ["users", "set-password", rina, "--password-stdin"], input="dari-skrip-1\n")
    assert changed.exit_code == 0 and logs_in(rina, "dari-skrip-1")


@pytest.mark.parametrize("who, password, expected", [
    ("rina", "pendek", "password too short (password: at least 8 characters)"),
    ("tidak_ada", "rahasia-baru", "user tidak_ada not found"),
])
def test_set_password_says_what_is_wrong(runner, rina, who, password, expected):
    refused = runner.invoke(cli, ["users", "set-password", who, "--password-stdin"], input=password + "\n")
    assert refused.exit_code == 1 and f"Error: {expected}" in refused.output and logs_in(rina, "rahasia-lama")


def test_serve_on_a_taken_port_says_so_in_one_line_and_how_to_choose_another(runner):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = runner.invoke(cli, ["serve", "--port", str(port), "--no-scheduler"])
    assert result.exit_code == 1 and result.exception is not None and isinstance(result.exception, SystemExit)
    assert result.output.strip().splitlines() == [
        f"Error: port {port} on 127.0.0.1 is in use by another program; choose another port: "
        "make run PORT=8090 (or atensi serve --port 8090)"]
