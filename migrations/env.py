"""Alembic environment: the URL comes from the caller (engine.storage.upgrade) or DATABASE_URL."""
from alembic import context
from sqlalchemy import create_engine, pool

from engine.config import Settings
from engine.storage.db import server_url
from engine.storage.models import Base

config = context.config
if not config.get_main_option("sqlalchemy.url"):
    config.set_main_option("sqlalchemy.url", Settings.from_env().database_url)


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=Base.metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        connectable = _engine(config.get_main_option("sqlalchemy.url"))
        with connectable.connect() as connection:
            _run(connection)
    else:
        _run(connectable)


def _engine(url: str):
    if url.startswith("sqlite"):
        return create_engine(url, poolclass=pool.NullPool)
    url, connect_args = server_url(url)  # ?prepare_threshold=none, as the app reads it
    return create_engine(url, poolclass=pool.NullPool, connect_args=connect_args)


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
