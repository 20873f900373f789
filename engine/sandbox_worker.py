"""A sandbox worker process: runs diagram code sent by engine.sandbox_pool under OS limits.

Run as ``python -m engine.sandbox_worker MEMORY_MIB``. It reads requests from stdin and writes
replies to stdout, each a length-prefixed JSON document, so only plain data crosses. Limits:
- memory: RLIMIT_AS at what the worker uses after start-up plus MEMORY_MIB, so an allocation
  beyond it fails (MemoryError), even inside a C builtin such as ``'x' * 3 * 10**9``;
- CPU: before each request RLIMIT_CPU is moved to the CPU time used so far plus the request's
  allowance; past it the kernel ends the process (SIGXCPU), whatever code is running;
- wall clock: the parent kills the process when a reply is late.
After a memory failure the worker answers and exits; the parent starts a fresh one.
"""
from __future__ import annotations

import math
import resource
import struct
import sys
import traceback

import orjson

from . import sandbox

_HEADER = struct.Struct(">I")


def read_frame(stream) -> bytes | None:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    return stream.read(_HEADER.unpack(header)[0])


def write_frame(stream, payload: bytes) -> None:
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def plain(value):
    """orjson's fallback: sets become lists; anything else is not plain data."""
    if isinstance(value, set | frozenset):
        return list(value)
    raise TypeError(f"a {type(value).__name__} is not plain data (use numbers, text, lists and dicts)")


def encode(value) -> bytes:
    return orjson.dumps(value, default=plain, option=orjson.OPT_NON_STR_KEYS)


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
        request = orjson.loads(frame)
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
