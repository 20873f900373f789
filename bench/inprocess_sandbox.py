"""The sandbox as it was before worker processes: every script and expression in the server's
process, under RestrictedPython and a step budget. Kept only so that bench/engine.py can measure
what the worker-process sandbox costs against it, in one run. Not safe: do not use it to serve."""
from __future__ import annotations

import sys
import time

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.cases import sandbox
from engine.errors import ScriptError

MAX_STEPS = 1_000_000
MAX_SECONDS = 2.0


class _Budget:
    def __init__(self):
        self.steps = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def __call__(self, frame, event, arg):
        if frame.f_code.co_filename != sandbox.FILENAME:
            return None
        frame.f_trace_opcodes = True
        return self._step

    def _step(self, frame, event, arg):
        self.steps += 1
        if self.steps > MAX_STEPS or (self.steps % 1000 == 0 and time.monotonic() > self.deadline):
            raise ScriptError("script exceeded its execution budget (endless loop?)")
        return self._step


def _budgeted(run, *args):
    previous = sys.gettrace()
    sys.settrace(_Budget())
    try:
        return run(*args)
    finally:
        sys.settrace(previous)


class InProcessEnvironment(BasePythonScriptEngineEnvironment):
    def __init__(self):
        super().__init__(dict(sandbox.FUNCTIONS))

    def evaluate(self, expression, context, external_context=None):
        return _budgeted(sandbox.evaluate_restricted, expression, context, external_context, self.globals)

    def execute(self, script, context, external_context=None):
        _budgeted(sandbox.execute_restricted, script, context, external_context, self.globals)
        return True


def script_engine() -> PythonScriptEngine:
    return PythonScriptEngine(environment=InProcessEnvironment())
