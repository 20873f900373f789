"""The SQL statements an engine runs inside a block: for tests that check a statement's shape."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def recorded(engine):
    """Yields the list that fills with each statement text the engine sends while the block runs."""
    statements: list[str] = []

    def seen(conn, cursor, statement, *_):
        statements.append(statement)
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)
