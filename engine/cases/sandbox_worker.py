"""A sandbox worker process: runs diagram code sent by engine.cases.sandbox_pool under OS limits.

Run as ``python -m engine.cases.sandbox_worker MEMORY_MIB``. It reads requests from stdin and writes
replies to stdout, each a length-prefixed JSON document, so only plain data crosses. Limits:
- memory: RLIMIT_AS at what the worker uses after start-up plus MEMORY_MIB, so an allocation
  beyond it fails (MemoryError), even inside a C builtin such as ``'x' * 3 * 10**9``;
- CPU: before each request RLIMIT_CPU is moved to the CPU time used so far plus the request's
  allowance; past it the kernel ends the process (SIGXCPU), whatever code is running;
- wall clock: the parent kills the process when a reply is late.
After a memory failure the worker answers and exits; the parent starts a fresh one.
"""
from __future__ import annotations

import json
import math
import resource
import sys
import traceback

from engine.cases import sandbox
from engine.cases.sandbox_pool import encode, read_frame, write_frame


def _limit_memory(extra_mib: int) -> None:
    with open("/proc/self/statm") as statm:
        used = int(statm.read().split()[0]) * resource.getpagesize()
    limit = used + extra_mib * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _allow_cpu(seconds: float) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(usage.ru_utime + usage.ru_stime + seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.RLIM_INFINITY))


def answer(request: dict) -> dict:
    functions = {**sandbox.FUNCTIONS, "now_iso": lambda: request["now"]}  # the caller's clock
    context = request["context"]
    if request["mode"] == "eval":
        return {"value": sandbox.evaluate_restricted(request["source"], context, request["external"], functions)}
    sandbox.execute_restricted(request["source"], context, request["external"], functions)
    return {"context": context}


def _failure(exc: BaseException) -> dict:
    line = next((f.lineno for f in reversed(traceback.extract_tb(exc.__traceback__))
                 if f.filename == sandbox.FILENAME), None)
    return {"error": type(exc).__name__, "message": str(exc), "line": line,
            "memory": isinstance(exc, MemoryError)}


def serve(stdin, stdout) -> None:
    while (frame := read_frame(stdin)) is not None:
        request = json.loads(frame)
        _allow_cpu(request["cpu_seconds"])
        reply, out_of_memory = _reply(request)
        write_frame(stdout, reply)
        if out_of_memory:
            return  # the parent starts a fresh worker


def _reply(request: dict) -> tuple[bytes, bool]:
    try:
        return encode({"ok": True, **answer(request)}), False
    except BaseException as exc:  # noqa: BLE001 - SystemExit from a script is the script's failure
        failure = _failure(exc)
        return encode({"ok": False, **failure}), failure["memory"]


def main() -> None:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the replies
    _limit_memory(int(sys.argv[1]))
    write_frame(stdout, b'"ready"')
    serve(stdin, stdout)


if __name__ == "__main__":
    main()
