"""Numbers a page reads from its query string or form: a row id or a page number. Anything else (text,
zero, a number beyond the database's INTEGER) is a ValueError, so that ``request.args.get(name,
type=row_id)`` gives its default: an unreadable filter is left out, never a database error."""
from __future__ import annotations

from engine.read.reading import MAX_PAGE
from engine.storage.models import MAX_INTEGER


def row_id(value) -> int:
    return _within(value, MAX_INTEGER)


def page_number(value) -> int:
    return _within(value, MAX_PAGE)


def _within(value, largest: int) -> int:
    number = int(value)
    if not 1 <= number <= largest:
        raise ValueError(f"{value!r} is not between 1 and {largest}")
    return number
