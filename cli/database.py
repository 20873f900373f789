"""The command line's database: every command works on a database migrated to the newest schema."""
from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from engine.config import Settings
from engine.storage import upgrade as schema
from engine.storage.db import make_engine, make_session_factory


def session_factory(settings: Settings) -> sessionmaker:
    """A session factory on a database migrated to the newest schema (creating a SQLite file's folder)."""
    engine = make_engine(settings.database_url)
    schema.upgrade(settings.database_url)
    return make_session_factory(engine)
