"""Database engine and sessions. SQLite runs in WAL mode; PostgreSQL comes from DATABASE_URL."""
from __future__ import annotations

import math
from pathlib import Path

import orjson
from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import sessionmaker


def json_dumps(value) -> str:
    # orjson keeps key order, which SpiffWorkflow's restore relies on, and is several times faster
    # than the json module: every case operation writes the case's state.
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


JSON_OPTIONS = {"json_serializer": json_dumps, "json_deserializer": orjson.loads}

# What a number in stored JSON (case data, forms) may be: orjson writes 64-bit integers and finite floats.
LARGEST_STORED_INTEGER = 2**63 - 1


def storable_number(value: int | float) -> bool:
    if isinstance(value, int):
        return -LARGEST_STORED_INTEGER - 1 <= value <= LARGEST_STORED_INTEGER
    return math.isfinite(value)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    url, connect_args = server_url(url)
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args=connect_args,
                         **JSON_OPTIONS)


def server_url(url: str) -> tuple[URL, dict]:
    """A PostgreSQL URL and its psycopg connection arguments. ``?prepare_threshold=none`` turns off
    psycopg's server-side prepared statements (it prepares a query on its 5th run on a connection):
    behind PgBouncer in transaction pooling before 1.21, the next transaction may run on another
    server connection, which lacks them. A number sets the threshold. psycopg itself would take the
    URL's text as the threshold and fail on the first query."""
    parsed = make_url(url)
    raw = parsed.query.get("prepare_threshold")
    if raw is None:
        return parsed, {}
    raw = raw if isinstance(raw, str) else raw[-1]
    if raw.strip().lower() in ("none", "off", "false"):
        threshold = None
    elif raw.strip().isdigit():
        threshold = int(raw)
    else:
        raise ValueError(f"DATABASE_URL: prepare_threshold must be a number or none, not {raw!r}")
    return parsed.difference_update_query(["prepare_threshold"]), {"prepare_threshold": threshold}


def _sqlite_engine(url: str) -> Engine:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **JSON_OPTIONS)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A writing unit of work takes SQLite's write lock up front, so that its reads
        # are never of a snapshot that another writer has already moved past.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("atensi_write") else "BEGIN")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
