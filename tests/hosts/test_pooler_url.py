"""PgBouncer in transaction pooling (before 1.21) cannot keep psycopg's server-side prepared statements:
``DATABASE_URL=…?prepare_threshold=none`` turns them off, for the app, the workers and the migrations."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.storage.db import make_engine, server_url
from engine.storage.upgrade import upgrade
from tests.conftest import is_postgres_run

BASE = "postgresql+psycopg://atensi@db.example:6432/atensi"


@pytest.mark.unit
@pytest.mark.parametrize(("query", "expected"), [
    ("?prepare_threshold=none", {"prepare_threshold": None}), ("?prepare_threshold=OFF", {"prepare_threshold": None}),
    ("?prepare_threshold=3", {"prepare_threshold": 3}), ("", {}), ("?application_name=web1", {}),
])
def test_prepare_threshold_in_the_url_becomes_psycopgs_own_argument(query, expected):
    url, connect_args = server_url(BASE + query)
    assert connect_args == expected
    assert "prepare_threshold" not in url.query


@pytest.mark.unit
def test_a_prepare_threshold_that_is_neither_a_number_nor_none_is_refused_by_name():
    with pytest.raises(ValueError, match="prepare_threshold must be a number or none, not 'sometimes'"):
        server_url(BASE + "?prepare_threshold=sometimes")


def _prepared_after_ten_runs(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            for _ in range(10):
                conn.execute(sa.text("SELECT count(*) FROM units WHERE id > :n"), {"n": 0}).scalar()
            return conn.execute(sa.text("SELECT count(*) FROM pg_prepared_statements")).scalar()
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres_run(), reason="prepared statements are PostgreSQL's")
def test_with_prepare_threshold_none_nothing_is_prepared_on_the_server(database_url):
    joined = "&" if "?" in database_url else "?"
    assert _prepared_after_ten_runs(database_url) > 0  # psycopg's default: prepared on the 5th run
    assert _prepared_after_ten_runs(f"{database_url}{joined}prepare_threshold=none") == 0
    upgrade(f"{database_url}{joined}prepare_threshold=none")  # the migrations read it too (up to date: no-op)
