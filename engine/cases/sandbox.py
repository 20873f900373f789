"""Run diagram scripts and expressions as untrusted code.

Supervisors upload BPMN, so every script, condition, timer expression and DMN cell is compiled
with RestrictedPython (no imports, no names starting with ``_``, guarded attribute and item
access) and runs with a small whitelist of builtins. Code that is bounded by construction
(engine.cases.sandbox_safety) runs here, in the server's process; everything else runs in a sandbox
worker process with CPU, wall-clock and memory limits (engine.cases.sandbox_pool), so that
``sum(range(10**9))`` or ``'x' * 3 * 10**9`` fails its task instead of stalling the server.
Whatever the code raises, SystemExit included, becomes the task's incident.
"""
from __future__ import annotations

import ast
from functools import lru_cache

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
    safer_getattr,
)
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine import clock, durations
from engine.cases import sandbox_pool
from engine.cases.sandbox_safety import bounded
from engine.errors import ScriptError

# SpiffWorkflow finds the failing line by this file name in the traceback.
FILENAME = "<string>"


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
    compiled = (compile_restricted_exec if mode == "exec" else compile_restricted_eval)(source, FILENAME)
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
    compiled = (compile_restricted_exec if mode == "exec" else compile_restricted_eval)(source, FILENAME)
    return compiled.code


def _namespace(context: dict, external: dict | None, functions: dict) -> dict:
    namespace = dict(_GUARDS)
    namespace.update(functions)
    namespace.update(external or {})
    namespace.update(context)
    return namespace


def evaluate_restricted(expression: str, context: dict, external: dict | None, functions: dict):
    """Run an expression here and now: the caller decides where (this process or a worker)."""
    return eval(_compile(expression, "eval"), _namespace(context, external, functions))  # noqa: S307


def execute_restricted(script: str, context: dict, external: dict | None, functions: dict) -> None:
    """Run a script; `context` (the task data) gets its new and changed names, loses deleted ones."""
    namespace = _namespace(context, external, functions)
    before = set(namespace)
    exec(_compile(script, "exec"), namespace)  # noqa: S102 - code is RestrictedPython-compiled
    for key, value in namespace.items():
        if key.startswith("_") or callable(value) and key not in context:
            continue
        if key in context or key not in before:
            context[key] = value
    for key in [k for k in context if k not in namespace]:
        del context[key]  # the script deleted it


# --- the script engine SpiffWorkflow calls -----------------------------------------------------


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """Bounded code runs here; anything else in a sandbox worker process, with plain data only."""

    def __init__(self):
        super().__init__(dict(FUNCTIONS))

    def evaluate(self, expression, context, external_context=None):
        if bounded(expression, "eval"):
            return _here(evaluate_restricted, expression, context, external_context, self.globals)
        return sandbox_pool.run("eval", expression, context, external_context, clock.now().isoformat())["value"]

    def execute(self, script, context, external_context=None):
        if bounded(script, "exec"):
            _here(execute_restricted, script, context, external_context, self.globals)
            return True
        data = sandbox_pool.run("exec", script, context, external_context, clock.now().isoformat())["context"]
        for key in [k for k in context if k not in data]:
            del context[key]
        context.update(data)
        return True


def _here(run, source, context, external, functions):
    try:
        return run(source, context, external, functions)
    except Exception:
        raise
    except BaseException as exc:  # SystemExit and the like are the script's failure, not ours
        raise ScriptError(f"{type(exc).__name__}: {exc}") from None


class SandboxScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's engine, naming the element whose code broke a limit and the line a worker
    reported, and refusing a timer value SpiffWorkflow could not compute."""

    def evaluate(self, task, expression, external_context=None):
        try:
            value = self.environment.evaluate(expression, task.data, external_context)
        except sandbox_pool.SandboxFailure as exc:
            raise self._failure(task, expression, exc) from None
        except SpiffWorkflowException as exc:
            exc.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as exc:
            raise WorkflowTaskException(f"Error evaluating expression '{expression}': {type(exc).__name__}: {exc}",
                                        task=task, exception=exc) from None
        _check_timer_value(task, expression, value)
        return value

    def execute(self, task, script, external_context=None):
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except sandbox_pool.SandboxFailure as exc:
            raise self._failure(task, script, exc) from None
        except Exception as err:
            raise self.create_task_exec_exception(task, script, err) from None

    @staticmethod
    def _failure(task, source: str, exc: sandbox_pool.SandboxFailure) -> WorkflowTaskException:
        line = exc.line or 0
        error_line = source.splitlines()[line - 1] if 0 < line <= len(source.splitlines()) else ""
        return WorkflowTaskException(f"{exc} (element {task.task_spec.bpmn_id})", task=task, exception=exc,
                                     line_number=line, error_line=error_line)


def _check_timer_value(task, expression: str, value) -> None:
    definition = getattr(getattr(task, "task_spec", None), "event_definition", None)  # a DMN cell has none
    if not isinstance(definition, TimerEventDefinition) or definition.expression != expression:
        return
    text = str(value).upper()
    if any(durations.too_long(part) for part in text.replace("--", "/").split("/") if part.startswith("P")):
        raise WorkflowTaskException(f"timer value {value!r} is longer than {durations.MAX_YEARS} years", task=task)


def script_engine() -> PythonScriptEngine:
    return SandboxScriptEngine(environment=SandboxEnvironment())
