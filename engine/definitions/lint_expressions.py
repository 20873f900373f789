"""Lint rules for the expressions a diagram holds: Python conditions and scripts, and timers."""
from __future__ import annotations

import ast
import re
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine import clock
from engine.cases.sandbox import syntax_errors
from engine.definitions import juel_feel
from engine.definitions.documents import (
    BPMN_NS,
    TIMER_KINDS,
    Document,
    Findings,
    LintContext,
    local,
    spiff_extension,
)
from engine.durations import MAX_YEARS, is_duration, is_iso_literal, too_far, too_long

_CRON_FIELD = re.compile(r"^[\d*?/,\-LW#]+$|^(MON|TUE|WED|THU|FRI|SAT|SUN|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP"
                         r"|OCT|NOV|DEC)([-,/][A-Z]{3})*$")


# --- Python expressions -------------------------------------------------------------------------


def check_python(doc: Document, holder, text: str | None, mode: str, what: str, findings: Findings) -> bool:
    """Report why `text` would not run in the sandbox; True when it is fine."""
    if text is None or not text.strip():
        findings.error(doc, holder, f"{what} is empty")
        return False
    stripped = text.strip()
    if stripped.startswith(("${", "#{")) or (mode == "eval" and stripped.startswith("=")):
        findings.error(doc, holder, foreign_expression_problem(what, stripped))
        return False
    problems = syntax_errors(text.strip() if mode == "eval" else text, mode)
    for line, message in problems:
        where = f" (line {line} of the {what})" if line else ""
        # The text starts on the holder's line, so script line n sits n-1 lines further down.
        absolute = holder.sourceline + line - 1 if line and holder.sourceline and mode == "exec" else None
        findings.error(doc, holder, f"{what}: {message}{where}", absolute)
    return not problems


def foreign_expression_problem(what: str, text: str) -> str:
    """Why a JUEL/FEEL expression cannot stay, and the Python to write instead."""
    try:
        return f"{what} {text} is a JUEL/FEEL expression: write it in Python: {juel_feel.translate(text)}"
    except juel_feel.Untranslatable as exc:
        reason = str(exc)
    hint = juel_feel.suggestion(text)
    write = f"write it in Python, such as {hint}" if hint else \
        "write it in Python over the case's data (Java beans, execution and method calls do not exist here)"
    return f"{what} {text} is a JUEL/FEEL expression that is not translated ({reason}): {write}"


# --- timers -------------------------------------------------------------------------------------


def timer(doc: Document, definition, ctx: LintContext, findings: Findings) -> None:
    holders = [c for c in definition if local(c) in TIMER_KINDS]
    if not holders or not (holders[0].text or "").strip():
        findings.error(doc, holders[0] if holders else definition, "timer has no expression: set a "
                       'quoted ISO-8601 date, duration or cycle such as "P3D"')
        return
    holder, text = holders[0], holders[0].text.strip()
    if _looks_like_cron(text):
        findings.error(doc, holder, f"timer expression {text} is a cron expression, which is not supported: "
                                    "use an ISO-8601 cycle such as \"R/P1D\"")
    elif is_iso_literal(text):
        findings.error(doc, holder, f"timer expression {text} must be a quoted Python string: \"{text}\"")
    elif check_python(doc, holder, text, "eval", "timer expression", findings):
        _check_timer_literal(doc, holder, text, findings)


def _looks_like_cron(text: str) -> bool:
    fields = text.upper().split()
    return 5 <= len(fields) <= 7 and all(_CRON_FIELD.match(f) for f in fields)


def _check_timer_literal(doc: Document, holder, text: str, findings: Findings) -> None:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return  # a variable or a computation: only known at runtime
    if not isinstance(value, str):
        findings.error(doc, holder, f"timer expression {text} must give a string, not {type(value).__name__}")
        return
    kind = local(holder)
    # The reach first: SpiffWorkflow's own parsing of a cycle never returns for a huge duration.
    message = _timer_reach_problem(kind, value.strip()) or _timer_value_problem(kind, value.strip())
    if message:
        findings.error(doc, holder, f"timer expression {text}: {message}")
    elif kind == "timeDate" and datetime.fromisoformat(value.strip()).tzinfo is None:
        findings.warn(doc, holder, f"timer date {text} has no UTC offset and will be read in the server's "
                                   "time zone: add one such as +07:00")


def _timer_reach_problem(kind: str, value: str) -> str | None:
    """A valid timer that reaches more than MAX_YEARS away (SpiffWorkflow would hang or overflow)."""
    parts = value.upper().replace("--", "/").split("/")
    durations = [p for p in parts if p.startswith("P")]
    dates = [p for p in parts if p and not p.startswith(("P", "R"))] if kind != "timeDuration" else []
    if any(too_long(d) for d in durations):
        return f"{value!r} is longer than {MAX_YEARS} years"
    try:
        far = any(too_far(TimerEventDefinition.get_datetime(d), clock.now()) for d in dates)
    except ValueError:
        return None  # not a plain date: _timer_value_problem says what is wrong
    return f"{value!r} is more than {MAX_YEARS} years away" if far else None


def _timer_value_problem(kind: str, value: str) -> str | None:
    try:
        if kind == "timeDuration":
            ok = is_duration(value)
        elif kind == "timeCycle":
            ok = value.upper().startswith("R") and TimerEventDefinition.parse_iso_recurring_interval(value)
        else:
            ok = isinstance(TimerEventDefinition.parse_time_or_duration(value), datetime)
    except Exception:  # Spiff's parsers raise bare Exception and ValueError alike
        ok = False
    names = {"timeDuration": "duration such as P3D", "timeCycle": "cycle such as R3/P1M",
             "timeDate": "date-time such as 2025-01-31T09:00:00+07:00"}
    return None if ok else f"{value!r} is not a valid ISO-8601 {names[kind]}"


# --- scripts and conditions ---------------------------------------------------------------------


def script_task(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    script_format = (el.get("scriptFormat") or "python").lower()
    if "python" not in script_format:
        findings.error(doc, el, f"script format {el.get('scriptFormat')} is not supported: "
                                "scripts are Python")
        return
    scripts = el.findall(f"{{{BPMN_NS}}}script")
    if not scripts:
        findings.error(doc, el, "script task has no script")
        return
    check_python(doc, scripts[0], scripts[0].text, "exec", "script", findings)


def pre_post_scripts(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    for name in ("preScript", "postScript"):
        holder = spiff_extension(el, name)
        if holder is not None and (holder.text or "").strip():
            check_python(doc, holder, holder.text, "exec", name, findings)


def flow_condition(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    for holder in el.findall(f"{{{BPMN_NS}}}conditionExpression"):
        check_python(doc, holder, holder.text, "eval", "condition", findings)


def expression_child(tag: str, what: str):
    def rule(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
        for holder in el.findall(f"{{{BPMN_NS}}}{tag}"):
            check_python(doc, holder, holder.text, "eval", what, findings)
    return rule


def event_condition(doc: Document, el, ctx: LintContext, findings: Findings) -> None:
    if el.find(f"{{{BPMN_NS}}}condition") is None:
        findings.error(doc, el, "conditional event has no condition")
    else:
        expression_child("condition", "event condition")(doc, el, ctx, findings)
