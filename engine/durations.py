"""ISO-8601 durations, computed the way SpiffWorkflow's timers compute them (P3M from 31 Jan is 1 May).

Durations and dates are bounded (`MAX_YEARS`): SpiffWorkflow walks a duration month by month, so
``P999999999Y`` would never return, and ``P1000000Y`` overflows a datetime.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

MAX_YEARS = 100  # product default: no due time, timer or date in a diagram reaches further
_DAYS_PER = {"Y": 366, "M": 30.5, "W": 7, "D": 1}  # generous: P100Y and P1200M pass, P101Y does not
_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
_CYCLE = re.compile(r"^R\d*/")


def is_duration(text: str) -> bool:
    return bool(_DURATION.match(text.strip().upper()))


def is_iso_literal(text: str) -> bool:
    """Looks like an unquoted ISO duration, cycle or date: what other modelers write in timers."""
    t = text.strip().upper()
    return is_duration(t) or bool(_CYCLE.match(t)) or bool(re.match(r"^\d{4}-\d{2}-\d{2}", t))


def too_long(duration: str) -> bool:
    """More than MAX_YEARS; decided from the text alone, in constant time."""
    match = _DURATION.match(duration.strip().upper())
    if not match:
        return False
    date_part = match.group(1, 2, 3, 4)
    days = sum(float(g[:-1]) * _DAYS_PER[g[-1]] for g in date_part if g)
    hours, minutes, seconds = (float(g.rstrip("HMS")) if g else 0.0 for g in match.group(6, 7, 8))
    days += hours / 24 + minutes / 1440 + seconds / 86400
    return days > MAX_YEARS * 366


def too_far(moment: datetime, now: datetime) -> bool:
    return abs(moment - now) > timedelta(days=MAX_YEARS * 366)


def add_duration(start: datetime, duration: str) -> datetime:
    if not is_duration(duration):
        raise ValueError(f"not an ISO-8601 duration: {duration!r}")
    if too_long(duration):
        raise ValueError(f"duration {duration.strip()} is longer than {MAX_YEARS} years")
    parsed = TimerEventDefinition.parse_iso_duration(duration.strip().upper())
    return start + TimerEventDefinition.get_timedelta_from_start(parsed, start)


def parse_datetime(text: str) -> datetime:
    """An ISO datetime; a naive one is taken as UTC, never as the server's local time."""
    value = datetime.fromisoformat(text)
    return TimerEventDefinition.get_datetime(value.isoformat() if value.tzinfo else value.isoformat() + "+00:00")


# --- in words, as a supervisor says them (the editor's panel does the same: web/frontend/src/durations.js) ---

# ISO part -> (Bahasa Indonesia, English singular, English plural); "MIN" is the minutes after T
UNITS = {"Y": ("tahun", "year", "years"), "M": ("bulan", "month", "months"), "W": ("minggu", "week", "weeks"),
         "D": ("hari", "day", "days"), "H": ("jam", "hour", "hours"), "MIN": ("menit", "minute", "minutes")}
_PLAIN = re.compile(r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?)?$")


_CYCLE = re.compile(r"^R(\d*)/(P[^/]+)$")


def in_words(iso: str, lang: str = "id") -> str:
    """'P14D' -> '2 minggu' ('2 weeks' in English); a cycle 'R4/P1M' -> 'setiap 1 bulan, 4 kali'
    ('every 1 month, 4 times'); text that is neither comes back as it is."""
    cycle = _CYCLE.match((iso or "").strip().upper())
    if cycle:
        period = in_words(cycle.group(2), lang)
        if period == cycle.group(2):
            return iso
        every = f"every {period}" if lang == "en" else f"setiap {period}"
        times = int(cycle.group(1)) if cycle.group(1) else None
        if times is None:
            return every
        return f"{every}, {times} {'time' if times == 1 else 'times'}" if lang == "en" else f"{every}, {times} kali"
    match = _PLAIN.match((iso or "").strip().upper())
    if not match:
        return iso
    y, m, w, d, h, minutes = (int(g) if g else 0 for g in match.groups())
    d += w * 7
    w, d = (d // 7, 0) if d and d % 7 == 0 else (0, d)
    words = []
    for unit, n in zip(UNITS, (y, m, w, d, h, minutes), strict=True):
        if n:
            indonesian, one, many = UNITS[unit]
            words.append(f"{n} {(one if n == 1 else many) if lang == 'en' else indonesian}")
    return " ".join(words) or iso


_CYCLE_WORDS = re.compile(r"^(?:setiap|every)\s+(.+?)(?:,?\s+(\d+)\s+(?:kali|times?))?$")


def cycle_from_words(text: str) -> str | None:
    """'setiap 1 bulan, 4 kali' -> 'R4/P1M', 'every 2 weeks' -> 'R/P14D'; an ISO cycle as it is; None
    when the text is neither."""
    raw = (text or "").strip()
    if _CYCLE.match(raw.upper()) and _PLAIN.match(raw.upper().split("/", 1)[1]):
        return raw.upper()
    match = _CYCLE_WORDS.match(raw.lower())
    words = match.group(1) if match else ""
    period = from_words(words if " " in words else f"1 {words}")  # "setiap bulan" is every 1 month
    if period is None:
        return None
    return f"R{match.group(2) or ''}/{period}"


def lateness_in_words(late: timedelta, lang: str = "id") -> str:
    """How late work is, in its largest whole unit and never under a minute: '3 hari', '5 jam',
    '1 menit' ('3 days' in English). The one wording of alerts and pages alike."""
    seconds = late.total_seconds()
    for unit, size in (("D", 86400), ("H", 3600), ("MIN", 60)):
        count = int(seconds // size)
        if count >= 1 or unit == "MIN":
            count = max(count, 1)
            indonesian, one, many = UNITS[unit]
            return f"{count} {(one if count == 1 else many) if lang == 'en' else indonesian}"
    raise AssertionError("unreachable")


def from_words(text: str) -> str | None:
    """'2 minggu' -> 'P14D', '1 bulan 2 minggu' -> 'P1M14D', '24 hours' -> 'PT24H'; an ISO duration as it
    is; None when the text is neither."""
    raw = (text or "").strip()
    if _PLAIN.match(raw.upper()):
        return raw.upper()
    parts = re.sub(r"\b(dan|and)\b|,", " ", raw.lower()).split()
    if not parts or len(parts) % 2:
        return None
    by_word = {word: unit for unit, words in UNITS.items() for word in words}
    amounts: dict[str, int] = {}
    for number, word in zip(parts[::2], parts[1::2], strict=True):
        unit = by_word.get(word)
        if not number.isdigit() or unit is None or unit in amounts:
            return None
        amounts[unit] = int(number)
    days = amounts.get("W", 0) * 7 + amounts.get("D", 0)
    date = "".join(f"{n}{u}" for u, n in (("Y", amounts.get("Y")), ("M", amounts.get("M")), ("D", days)) if n)
    time = "".join(f"{n}{u}" for u, n in (("H", amounts.get("H")), ("M", amounts.get("MIN"))) if n)
    iso = "P" + date + (f"T{time}" if time else "")
    return iso if iso != "P" else None
