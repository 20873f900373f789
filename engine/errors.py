"""Errors the engine raises. Adapters map them to their own vocabulary (HTTP statuses, exit codes)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""


class NotFound(EngineError):
    pass


class Conflict(EngineError):
    """The thing exists but is not in a state that allows the operation (a 409)."""


class ProcessFailure(Conflict):
    """SpiffWorkflow could not run the operation on this diagram; nothing changed (the text says why)."""


class StillFailing(Conflict):
    """A retried incident failed again: it stays open, with this reason."""


class Forbidden(EngineError):
    pass


class Unavailable(EngineError):
    """Something the operation needs is not there for this server (a 503): its set-up, not the request."""


class InvalidInput(EngineError):
    """Bad input, with one message per field."""

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.fields = fields or {}


class TooLarge(InvalidInput):
    """An upload over the size limit (a 413), naming the field."""


class UnsupportedType(InvalidInput):
    """An upload whose content is of a type not accepted (a 415), naming the field."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a deployment, located as precisely as we can."""

    message: str
    file: str | None = None
    element_id: str | None = None
    line: int | None = None

    def to_dict(self) -> dict:
        return {"file": self.file, "element_id": self.element_id, "line": self.line, "message": self.message}


@dataclass
class DeployError(EngineError):
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(
            f"{p.file or '?'}:{p.line or '?'} {p.element_id or ''} {p.message}".strip() for p in self.problems
        )


class ScriptError(EngineError):
    """A diagram's script or expression broke a sandbox rule or its budget."""


# SpiffWorkflow's and RestrictedPython's own words, and what they mean to a supervisor. Each pattern
# is tried in order on the raw text; the replacement may use the pattern's groups.
_PLAIN = [
    (re.compile(r"<Element \{[^}]*\}(\w+) at 0x[0-9a-fA-F]+>"), r"a bpmn:\1 element"),
    (re.compile(r"<Element (\w+) at 0x[0-9a-fA-F]+>"), r"a \1 element"),
    (re.compile(r"\bSubWorkflow Task\b"), "sub-process"),
    (re.compile(r"KeyError: '(id|sourceRef|targetRef|name)'"),
     r"an element lacks its \1 attribute"),
    (re.compile(r"name '_print_' is not defined"),
     "print() is not available in scripts: store the value in a variable instead"),
    (re.compile(r"name '(_\w*)' is not defined"), r"names starting with _ (\1) are not allowed in scripts"),
    (re.compile(r"Expected an output item\.?"), "the task's result variable was not filled in"),
    (re.compile(r"No output task connected\.*"), "the element leads nowhere (no outgoing flow)"),
    (re.compile(r"\.\.(\s|$)"), r".\1"),
]


def plain_message(text: str) -> str:
    """A raw error text from inside SpiffWorkflow, said in terms of the diagram (one place for all)."""
    for pattern, replacement in _PLAIN:
        text = pattern.sub(replacement, text)
    return text.strip()
