"""No forgeable tokens: the built-in secret is refused by `atensi serve`, gunicorn's create_app and
the worker, unless in development on loopback; the first start generates a secret of its own."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from atensi import create_app
from cli import cli
from cli.commands import with_own_secret
from engine.config import Settings
from engine.instance_secret import BUILTIN_SECRET, SECRET_FILE, BuiltinSecretRefused

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def instance(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/atensi.db")
    monkeypatch.setenv("ATENSI_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.delenv("ATENSI_SECRET_KEY", raising=False)
    monkeypatch.delenv("ATENSI_ENV", raising=False)
    return tmp_path / "instance"


def test_the_first_start_generates_a_secret_only_its_owner_can_read_and_later_starts_reuse_it(instance):
    first = with_own_secret(Settings.from_env(), "127.0.0.1")
    kept = instance / SECRET_FILE
    assert first.secret_key != BUILTIN_SECRET and len(first.secret_key) >= 40
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    again = with_own_secret(Settings.from_env(), "0.0.0.0")
    assert Settings.from_env().secret_key == first.secret_key == again.secret_key


def test_a_secret_generated_on_a_shared_database_says_every_host_needs_the_same(instance, monkeypatch, capsys):
    with_own_secret(Settings.from_env(), "127.0.0.1")
    assert "every host" not in capsys.readouterr().out  # SQLite: one host
    (instance / SECRET_FILE).unlink()
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://atensi@db.example/atensi")  # not connected to
    with_own_secret(Settings.from_env(), "0.0.0.0")
    assert "every host on this database needs the same secret (ATENSI_SECRET_KEY" in capsys.readouterr().out


@pytest.mark.parametrize("development", ["", "development"])
def test_serve_refuses_the_builtin_secret_on_a_public_address_even_in_development(instance, monkeypatch,
                                                                                  development):
    monkeypatch.setenv("ATENSI_SECRET_KEY", BUILTIN_SECRET)
    monkeypatch.setenv("ATENSI_ENV", development)
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--port", "0", "--no-scheduler"])
    assert result.exit_code == 1 and "ATENSI_SECRET_KEY" in result.output


def test_the_builtin_secret_is_allowed_in_development_on_loopback_only(instance, monkeypatch):
    monkeypatch.setenv("ATENSI_SECRET_KEY", BUILTIN_SECRET)
    monkeypatch.setenv("ATENSI_ENV", "development")
    assert with_own_secret(Settings.from_env(), "127.0.0.1").secret_key == BUILTIN_SECRET
    with pytest.raises(Exception, match="ATENSI_SECRET_KEY"):
        with_own_secret(Settings.from_env(), "192.168.1.10")


def test_create_app_for_gunicorn_refuses_the_builtin_secret(instance):
    with pytest.raises(BuiltinSecretRefused):
        create_app()
    assert create_app({"SECRET_KEY": "our-own-secret-for-this-test"}).config["SECRET_KEY"] == \
        "our-own-secret-for-this-test"


def test_the_worker_refuses_the_builtin_secret(instance):
    env = {**os.environ, "ATENSI_SECRET_KEY": BUILTIN_SECRET}
    done = subprocess.run([sys.executable, "-m", "workers", "--once"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0 and "ATENSI_SECRET_KEY" in done.stderr
