"""Shared fixtures. The database comes from ATENSI_TEST_DATABASE_URL (default: SQLite files).

On PostgreSQL each test run works in its own schema, so runs never see each other's rows, and
every test starts from empty tables.
"""
from __future__ import annotations

import os
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from engine.cases.runtime import Runtime
from engine.config import BPMN_DIR, Settings
from engine.definitions.deployments import folder_bundles
from engine.people import accounts
from engine.people.access import SYSTEM_ACTOR
from engine.storage.db import make_engine, make_session_factory
from engine.storage.models import Base
from engine.storage.upgrade import upgrade

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "rahasia-demo-123"
# Argon2id still, at its smallest costs: the staff fixture hashes six passwords per test
QUICK_HASHING = {"password_time_cost": 1, "password_memory_kib": 8, "password_parallelism": 1}
QUICK_PASSWORDS = accounts.Passwords(Settings(**QUICK_HASHING))
TEST_SECRET = "the-tests-own-secret-not-for-production"


def settings_for(database_url: str, **overrides) -> Settings:
    """The environment's settings on a test database, with quick password hashing and a secret of
    the tests' own (the built-in one is refused outside development)."""
    return Settings.from_env(**{"database_url": database_url, "secret_key": TEST_SECRET, **QUICK_HASHING,
                                **overrides})


@pytest.fixture(autouse=True)
def documents_folder(tmp_path, monkeypatch):
    """Uploaded documents go to the test's own folder, never to the repository's instance/."""
    folder = tmp_path / "documents"
    monkeypatch.setenv("ATENSI_DOCUMENTS_URL", str(folder))
    return folder


def pytest_collection_modifyitems(items):
    """Tiers: a test that uses the test database is marked `database` (the PostgreSQL pass runs only
    those); a test marked `unit` must not use it."""
    for item in items:
        if "database_template" not in getattr(item, "fixturenames", ()):
            continue
        if item.get_closest_marker("unit"):
            raise pytest.UsageError(f"{item.nodeid} is marked unit but uses the database")
        item.add_marker(pytest.mark.database)


def _base_url() -> str:
    return os.environ.get("ATENSI_TEST_DATABASE_URL", "sqlite")


def is_postgres_run() -> bool:
    return _base_url().startswith("postgresql")


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrated once per run: a SQLite file to copy, or a PostgreSQL schema."""
    if is_postgres_run():
        schema = f"t_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        admin = sa.create_engine(_base_url())
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = f"{_base_url()}?options=-csearch_path%3D{schema}"
        upgrade(url)
        yield url
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("db") / "template.db"
        upgrade(f"sqlite:///{path}")
        yield path


@pytest.fixture
def database_url(database_template, tmp_path):
    if is_postgres_run():
        engine = sa.create_engine(database_template)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return database_template
    path = tmp_path / "atensi.db"
    shutil.copy(database_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def db_engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(db_engine):
    return make_session_factory(db_engine)


@pytest.fixture
def runtime(session_factory):
    return Runtime(session_factory)


@pytest.fixture
def clock():
    """A controllable clock: shift it to pass the months. SpiffWorkflow's timers see it too."""
    with time_machine.travel(datetime(2026, 1, 5, 2, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


class People:
    """A unit with one user per role, and a second unit for access tests."""

    def __init__(self, session_factory):
        with session_factory() as session:
            self.unit = accounts.create_unit(session, "BALAI-01", "Balai Rehabilitasi Sosial Demo", "balai")
            self.other_unit = accounts.create_unit(session, "LKS-02", "LKS Lain", "lks")
            self.users = {}
            for username, roles, unit in [
                ("peksos", ["pekerja_sosial"], self.unit), ("konselor", ["konselor_adiksi"], self.unit),
                ("supervisor", ["supervisor"], self.unit), ("admin", ["admin"], self.unit),
                ("peksos2", ["pekerja_sosial"], self.unit), ("asing", ["pekerja_sosial"], self.other_unit),
            ]:
                self.users[username] = accounts.create_user(session, username, PASSWORD, roles, unit.id,
                                                          passwords=QUICK_PASSWORDS)
            session.commit()
        self.unit_id, self.other_unit_id = self.unit.id, self.other_unit.id

    def actor(self, username: str):
        return accounts.actor_for(self.users[username])


@pytest.fixture
def staff(session_factory):
    return People(session_factory)


@pytest.fixture
def deployed(runtime):
    """The ATENSI processes from bpmn/, deployed as a supervisor would."""
    versions = {}
    for bundle in folder_bundles(BPMN_DIR):
        version, _ = runtime.deploy(bundle, SYSTEM_ACTOR, note="ATENSI")
        versions[version.process_key] = version
    return versions


@pytest.fixture
def every_state(runtime, staff, deployed, clock, database_url):
    """One case in each state the engine and scheduler produce (tests/every_state.py)."""
    from engine.config import Settings
    from tests.every_state import build_every_state

    settings = Settings(database_url=database_url, base_url="https://atensi.example.id")
    return build_every_state(runtime, staff, settings, clock)


def bpmn_path(name: str) -> Path:
    return BPMN_DIR / name
