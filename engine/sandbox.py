"""Run diagram scripts and expressions as untrusted code.

Supervisors upload BPMN, so every script, condition, timer expression and DMN cell is compiled
with RestrictedPython (no imports, no names starting with ``_``, guarded attribute and item
access), runs with a small whitelist of builtins, and is stopped after a budget of executed steps
or seconds, so that ``while True: pass`` fails its task instead of hanging a worker.
"""
from __future__ import annotations

import ast
import sys
import time
from functools import lru_cache

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
    safer_getattr,
)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from . import clock, durations
from .errors import ScriptError

MAX_STEPS = 1_000_000
MAX_SECONDS = 2.0
# SpiffWorkflow finds the failing line by this file name in the traceback.
_FILENAME = "<string>"


def now_iso() -> str:
    return clock.now().isoformat()


def add_duration(iso_datetime: str, iso_duration: str) -> str:
    return durations.add_duration(durations.parse_datetime(iso_datetime), iso_duration).isoformat()


FUNCTIONS = {"now_iso": now_iso, "add_duration": add_duration}

_BUILTINS = dict(safe_builtins)
for _name in ("setattr", "delattr", "__build_class__", "id"):
    _BUILTINS.pop(_name, None)
_BUILTINS.update(
    {
        "dict": dict, "list": list, "tuple": tuple, "set": set, "frozenset": frozenset,
        "min": min, "max": max, "sum": sum, "any": any, "all": all, "sorted": sorted,
        "enumerate": enumerate, "zip": zip, "map": map, "filter": filter, "reversed": reversed,
    }
)


def _guarded_getitem(obj, key):
    return obj[key]


def _guarded_getiter(obj):
    return iter(obj)


def _inplacevar(op, x, y):
    ops = {"+=": lambda: x + y, "-=": lambda: x - y, "*=": lambda: x * y, "/=": lambda: x / y,
           "//=": lambda: x // y, "%=": lambda: x % y}
    if op not in ops:
        raise ScriptError(f"operator {op} is not allowed in scripts")
    return ops[op]()


_GUARDS = {
    "__builtins__": _BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": _guarded_getitem,
    "_getiter_": _guarded_getiter,
    "_write_": full_write_guard,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_inplacevar_": _inplacevar,
}


def syntax_errors(source: str, mode: str = "exec") -> list[tuple[int | None, str]]:
    """Every reason ``source`` would be refused, as (line, message). Empty when it is fine."""
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        return [(exc.lineno, f"syntax error: {exc.msg}")]
    problems = [
        (node.lineno, "imports are not allowed in scripts")
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    compiled = (compile_restricted_exec if mode == "exec" else compile_restricted_eval)(source, _FILENAME)
    problems += [_split_line(message) for message in compiled.errors]
    return problems


def _split_line(message: str) -> tuple[int | None, str]:
    # RestrictedPython reports "Line 2: ..."
    head, _, rest = message.partition(": ")
    if head.startswith("Line ") and head[5:].isdigit():
        return int(head[5:]), rest
    return None, message


@lru_cache(maxsize=4096)
def _compile(source: str, mode: str):
    problems = syntax_errors(source, mode)
    if problems:
        line, message = problems[0]
        raise ScriptError(f"line {line}: {message}" if line else message)
    compiled = (compile_restricted_exec if mode == "exec" else compile_restricted_eval)(source, _FILENAME)
    return compiled.code


class _Budget:
    """A trace function that stops code after too many steps or too much time."""

    def __init__(self):
        self.steps = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def __call__(self, frame, event, arg):
        if frame.f_code.co_filename != _FILENAME:
            return None
        # Opcode events, because a one-line `while True: pass` raises no line events.
        frame.f_trace_opcodes = True
        return self._step

    def _step(self, frame, event, arg):
        self.steps += 1
        if self.steps > MAX_STEPS or (self.steps % 1000 == 0 and time.monotonic() > self.deadline):
            raise ScriptError("script exceeded its execution budget (endless loop?)")
        return self._step


def _run_budgeted(code, namespace):
    previous = sys.gettrace()
    sys.settrace(_Budget())
    try:
        return eval(code, namespace)  # noqa: S307 - code is RestrictedPython-compiled
    finally:
        sys.settrace(previous)


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow script environment that runs everything through RestrictedPython."""

    def __init__(self, functions: dict | None = None):
        super().__init__({**FUNCTIONS, **(functions or {})})

    def _namespace(self, context, external_context):
        namespace = dict(_GUARDS)
        namespace.update(self.globals)
        namespace.update(external_context or {})
        namespace.update(context)
        return namespace

    def evaluate(self, expression, context, external_context=None):
        return _run_budgeted(_compile(expression, "eval"), self._namespace(context, external_context))

    def execute(self, script, context, external_context=None):
        namespace = self._namespace(context, external_context)
        before = set(namespace)
        _run_budgeted(_compile(script, "exec"), namespace)
        for key, value in namespace.items():
            if key.startswith("_") or callable(value) and key not in context:
                continue
            if key in context or key not in before:
                context[key] = value
        for key in [k for k in context if k not in namespace]:
            del context[key]  # the script deleted it
        return True


def script_engine() -> PythonScriptEngine:
    return PythonScriptEngine(environment=SandboxEnvironment())
