"""Errors the engine raises. Adapters map them to their own vocabulary (HTTP statuses, exit codes)."""
from __future__ import annotations

from dataclasses import dataclass, field


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""


class NotFound(EngineError):
    pass


class Conflict(EngineError):
    """The thing exists but is not in a state that allows the operation (a 409)."""


class Forbidden(EngineError):
    pass


class InvalidInput(EngineError):
    """Bad input, with one message per field."""

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.fields = fields or {}


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
