"""The case number every list, inbox row and page shows: one place for its form."""
from __future__ import annotations

import re

PREFIX = "K-"  # product default: K for kasus, the id zero-padded to six digits
NUMBER = re.compile(r"^\s*(?:K-?)?0*(\d{1,10})\s*$", re.IGNORECASE)


def case_number(case_id: int | None) -> str | None:
    return None if case_id is None else f"{PREFIX}{case_id:06d}"


def case_id_of(text: str) -> int | None:
    """The id a typed case number (``K-000123``, ``k123``) names, or None when it names none."""
    found = NUMBER.fullmatch(text or "")
    return int(found.group(1)) if found and text.strip()[:1].upper() == "K" else None
