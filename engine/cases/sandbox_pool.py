"""A small pool of sandbox worker processes (engine.cases.sandbox_worker), used from any thread.

Each request takes an idle worker, sends plain JSON data, and waits for the reply. The wall-clock
limit is one deadline per operation (`operation()`, opened by a unit of work): waiting for a busy
worker and running every script and condition of that operation share it, so a case's lock is held
no longer than the limit plus the engine's own work (see `operation`). A worker that breaks a limit
is killed and a fresh one is started in the background. A worker's start-up (about a second, more on
a busy machine) is never waited for while a case's lock is held: a writing unit of work calls
`ready()` before it takes the lock, which waits for a starting worker there; under the lock a
request waits for a worker at most until the deadline, and otherwise fails (an incident to retry).
Workers belong to the process that started them: after a fork the child starts its own.
"""
from __future__ import annotations

import atexit
import contextlib
import contextvars
import json
import os
import selectors
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

from engine.config import ROOT, Settings
from engine.errors import ScriptError

STARTUP_SECONDS = 60.0  # a cold start on a busy machine; not part of any script's allowance
MAX_REPLY_BYTES = 8 * 1024 * 1024  # task data is kilobytes; a script must not fill the server instead
WORKER_MODULE = f"{__package__}.sandbox_worker"


# --- the wire: length-prefixed JSON documents, so that only plain data crosses --------------

_HEADER = struct.Struct(">I")


def read_frame(stream) -> bytes | None:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    return stream.read(_HEADER.unpack(header)[0])


def write_frame(stream, payload: bytes) -> None:
    stream.write(_HEADER.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def plain(value):
    """The encoder's fallback: sets become lists; anything else is not plain data."""
    if isinstance(value, set | frozenset):
        return list(value)
    raise TypeError(f"a {type(value).__name__} is not plain data (use numbers, text, lists and dicts)")


def encode(value) -> bytes:
    # The json module, not orjson: under RLIMIT_AS orjson crashed the worker (SIGSEGV) on a 16 MiB
    # string, where json raises MemoryError.
    return json.dumps(value, default=plain, separators=(",", ":")).encode()


class SandboxFailure(ScriptError):
    """Code in a worker failed or broke a limit. `line` is the script's line, when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Limits:
    wall_seconds: float
    cpu_seconds: float
    memory_mib: int
    workers: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(settings.sandbox_wall_seconds, settings.sandbox_cpu_seconds, settings.sandbox_memory_mib,
                   settings.sandbox_workers)


class Worker:
    def __init__(self, memory_mib: int):
        self.process = subprocess.Popen(
            [sys.executable, "-m", WORKER_MODULE, str(memory_mib)], cwd=ROOT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True, start_new_session=True)
        self.broken = False
        if self._receive(time.monotonic() + STARTUP_SECONDS) != b'"ready"':
            self.kill()
            raise ScriptError("the sandbox worker process did not start")

    def call(self, payload: bytes, limits: Limits, deadline: float) -> dict:
        """The worker's reply; SandboxFailure when it broke a limit (it is then killed)."""
        try:
            write_frame(self.process.stdin, payload)
            frame = self._receive(deadline)
        except BrokenPipeError:
            frame = None
        if frame is None:
            self.kill()
            raise SandboxFailure(self._why_it_stopped(deadline, limits))
        reply = json.loads(frame)
        if reply.get("memory"):
            self.kill()
            raise SandboxFailure(f"exceeded its memory limit ({limits.memory_mib} MiB)", reply.get("line"))
        return reply

    def _why_it_stopped(self, deadline: float, limits: Limits) -> str:
        code = self.process.wait()
        if code == -signal.SIGXCPU:
            return f"exceeded its CPU time limit ({limits.cpu_seconds:g} s)"
        if code == -signal.SIGKILL and time.monotonic() >= deadline:
            return f"exceeded its time limit ({limits.wall_seconds:g} s)"
        return f"stopped the sandbox process (exit code {code}); memory limit {limits.memory_mib} MiB"

    def _receive(self, deadline: float) -> bytes | None:
        header = self._read_exact(4, deadline)
        if header is None:
            return None
        size = int.from_bytes(header, "big")
        if size > MAX_REPLY_BYTES:  # said from the header alone, without reading it into this process
            self.kill()
            raise SandboxFailure(f"produced more than {MAX_REPLY_BYTES // 2**20} MiB of data")
        return self._read_exact(size, deadline)

    def _read_exact(self, size: int, deadline: float) -> bytes | None:
        fd, chunks, missing = self.process.stdout.fileno(), [], size
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while missing:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    return None
                chunk = os.read(fd, missing)
                if not chunk:
                    return None
                chunks.append(chunk)
                missing -= len(chunk)
        return b"".join(chunks)

    def kill(self) -> None:
        self.broken = True
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()


class Pool:
    def __init__(self, limits: Limits):
        self.limits = limits
        self._idle: list[Worker] = []
        self._count = 0
        self._closed = False
        self._starting = 0  # workers being started in the background
        self._ready = threading.Condition()

    def run(self, payload: bytes, deadline: float | None = None) -> dict:
        """Wait for a worker and run `payload`, both before `deadline` (default: the wall clock from now)."""
        deadline = deadline or time.monotonic() + self.limits.wall_seconds
        if deadline <= time.monotonic():  # spent by the operation's earlier code: keep the worker
            raise SandboxFailure(self._spent())
        worker = self._acquire(deadline)
        try:
            return worker.call(payload, self.limits, deadline)
        finally:
            self._release(worker)

    def _spent(self) -> str:
        return f"exceeded its time limit ({self.limits.wall_seconds:g} s, shared by the operation's code)"

    def warm(self) -> None:
        """Start the workers now rather than on the first script."""
        while self._reserve():
            self._add_idle()

    def ready(self, timeout: float = STARTUP_SECONDS) -> None:
        """Before a case's lock is taken: when no worker is idle, start one if there is room, and
        wait (at most `timeout`) while one is starting. Busy workers are not waited for here."""
        if self._reserve():
            threading.Thread(target=self._add_idle, name="sandbox-worker-start", daemon=True).start()
        deadline = time.monotonic() + timeout
        with self._ready:
            while not self._idle and self._starting and not self._closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._ready.wait(remaining)

    def idle_count(self) -> int:
        with self._ready:
            return len(self._idle)

    def close(self) -> None:
        """Stop the idle workers now, and the busy ones when they finish."""
        with self._ready:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
        for worker in idle:
            worker.kill()

    def _acquire(self, deadline: float) -> Worker:
        # The caller may hold a case's lock: wait for a busy or starting worker no longer than the
        # deadline, and never start one here (a start-up can take longer than that).
        if self._reserve():
            threading.Thread(target=self._add_idle, name="sandbox-worker-start", daemon=True).start()
        with self._ready:
            while not self._idle:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise SandboxFailure("found no idle sandbox worker within its time limit "
                                         f"({self.limits.wall_seconds:g} s; all busy or starting); retry the incident")
                self._ready.wait(remaining)
            return self._idle.pop()

    def _release(self, worker: Worker) -> None:
        with self._ready:
            keep = not worker.broken and not self._closed
            if keep:
                self._idle.append(worker)
                self._ready.notify_all()
        if keep:
            return
        worker.kill()
        self._forget_one()
        if self._reserve():  # replace it, without making anyone wait for the start-up
            threading.Thread(target=self._add_idle, name="sandbox-worker-start", daemon=True).start()

    def _reserve(self) -> bool:
        """Count a worker about to start, if there is room; it counts as starting from now on."""
        with self._ready:
            if self._closed or self._count >= self.limits.workers:
                return False
            self._count += 1
            self._starting += 1
            return True

    def _add_idle(self) -> None:
        try:
            worker = Worker(self.limits.memory_mib)
        except BaseException:
            worker = None
        with self._ready:  # no longer starting and idle in one step, so that no waiter sees neither
            self._starting -= 1
            if worker is not None and not self._closed:
                self._idle.append(worker)
                self._ready.notify_all()
                return
            self._count -= 1
            self._ready.notify_all()
        if worker is not None:
            worker.kill()

    def _forget_one(self) -> None:
        with self._ready:
            self._count -= 1
            self._ready.notify_all()


_pool: Pool | None = None
_pool_pid: int | None = None
_pool_lock = threading.Lock()


def configure(limits: Limits | None = None) -> Pool:
    """Use these limits from now on (default: from Settings, that is the environment)."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is not None and _pool_pid == os.getpid():
            _pool.close()
        _pool, _pool_pid = Pool(limits or Limits.from_settings(Settings.from_env())), os.getpid()
        return _pool


def start(settings: Settings) -> Pool:
    """At app, server or worker start: these settings' limits (the pool is kept when they are the
    same), and the workers started in the background, so that the first requests find them warm."""
    limits = Limits.from_settings(settings)
    with _pool_lock:
        current = _pool if _pool_pid == os.getpid() and _pool.limits == limits else None
    current = current or configure(limits)
    threading.Thread(target=current.warm, name="sandbox-warm", daemon=True).start()
    return current


class _Operation:
    """When the current operation's clock started (None: at its first lock or sandbox call)."""

    __slots__ = ("started",)

    def __init__(self):
        self.started: float | None = None


_operation: contextvars.ContextVar[_Operation | None] = contextvars.ContextVar("sandbox_operation", default=None)


@contextlib.contextmanager
def operation():
    """One wall-clock deadline for all the sandboxed code of one operation (a unit of work).

    The clock starts when the operation takes its case's lock (`start_clock`) or, if it takes none,
    at its first sandbox call; waiting for a worker and running every script, condition and timer
    expression then share `wall_seconds` from there. A breach fails the element that was running
    (an incident), so no lock is held longer than the limit plus the engine's own work around the
    scripts (loading, recording the incident, committing: milliseconds). `restart_clock` after a
    commit, whose transaction released the locks. Nested operations share the outer clock."""
    if _operation.get() is not None:
        yield
        return
    token = _operation.set(_Operation())
    try:
        yield
    finally:
        _operation.reset(token)


def start_clock() -> None:
    """The operation now holds a lock: its deadline counts from here (if it did not start already)."""
    current = _operation.get()
    if current is not None and current.started is None:
        current.started = time.monotonic()


def restart_clock() -> None:
    current = _operation.get()
    if current is not None:
        current.started = None


def _deadline(limits: Limits) -> float:
    current = _operation.get()
    if current is None:
        return time.monotonic() + limits.wall_seconds
    start_clock()
    return current.started + limits.wall_seconds


def ready() -> None:
    """Called before a case's lock is taken (engine.storage.unit_of_work): see Pool.ready."""
    pool().ready()


def pool() -> Pool:
    with _pool_lock:
        current = _pool if _pool_pid == os.getpid() else None
    return current or configure()


def run(mode: str, source: str, context: dict, external: dict | None, now: str) -> dict:
    """Run code in a worker: {"value": ...} for an expression, {"context": ...} for a script."""
    current = pool()
    request = {"mode": mode, "source": source, "context": context, "external": external or {}, "now": now,
               "cpu_seconds": current.limits.cpu_seconds}
    try:
        payload = encode(request)
    except TypeError as exc:
        raise ScriptError(f"the task data cannot go to the sandbox: {exc}") from None
    reply = current.run(payload, _deadline(current.limits))
    if not reply["ok"]:
        raise SandboxFailure(f"{reply['error']}: {reply['message']}", reply.get("line"))
    return reply


@atexit.register
def _stop_workers() -> None:
    if _pool is not None and _pool_pid == os.getpid():
        _pool.close()
