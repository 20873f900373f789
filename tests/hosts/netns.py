"""A private network of hosts on this machine: one network namespace per host, each with a veth link
to a bridge in a namespace of its own, on 10.77.0.0/24. Nothing here is reachable from the machine's
own network, and nothing in it reaches out (there is no route but the bridge).

Removing a Lan kills every process inside its namespaces and deletes them, so a crashed test leaves
nothing behind (it is also registered with atexit)."""
from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import signal
import subprocess
import time

SUBNET = "10.77.0"
OURS = re.compile(r"^atn(\d+)-")  # atn<pid of the test process>-<host>


def why_not_available() -> str | None:
    """Why network namespaces cannot be made here, or None."""
    if os.geteuid() != 0:
        return "network namespaces need root (ip netns add)"
    if shutil.which("ip") is None:
        return "needs iproute2's `ip` command"
    return None


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=30)


class Lan:
    """``lan.add("api1", 11)`` makes host ``api1`` at 10.77.0.11; ``lan.popen("api1", [...])`` runs a
    process on it; ``lan.crash("api1")`` is a power cut: every process on it gets SIGKILL."""

    def __init__(self):
        remove_stale()
        self.prefix = f"atn{os.getpid()}"
        self.switch = f"{self.prefix}-lan"
        self.hosts: dict[str, str] = {}  # name -> address
        self.processes: list[subprocess.Popen] = []
        _ip("netns", "add", self.switch)
        atexit.register(self.remove)
        _ip("-n", self.switch, "link", "set", "lo", "up")
        _ip("-n", self.switch, "link", "add", "br0", "type", "bridge")
        _ip("-n", self.switch, "link", "set", "br0", "up")

    def namespace(self, host: str) -> str:
        return f"{self.prefix}-{host}"

    def add(self, host: str, number: int) -> str:
        ns, address = self.namespace(host), f"{SUBNET}.{number}"
        _ip("netns", "add", ns)
        self.hosts[host] = address
        _ip("-n", ns, "link", "set", "lo", "up")
        _ip("-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", f"v-{host}", "netns", self.switch)
        _ip("-n", ns, "addr", "add", f"{address}/24", "dev", "eth0")
        _ip("-n", ns, "link", "set", "eth0", "up")
        _ip("-n", self.switch, "link", "set", f"v-{host}", "master", "br0", "up")
        return address

    def command(self, host: str, argv: list[str]) -> list[str]:
        return ["ip", "netns", "exec", self.namespace(host), *argv]

    def popen(self, host: str, argv: list[str], **kwargs) -> subprocess.Popen:
        process = subprocess.Popen(self.command(host, argv), **kwargs)
        self.processes.append(process)
        return process

    def run(self, host: str, argv: list[str], **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(self.command(host, argv), **kwargs)

    def pids(self, host: str) -> list[int]:
        found = subprocess.run(["ip", "netns", "pids", self.namespace(host)], capture_output=True, text=True)
        return [int(p) for p in found.stdout.split()]

    def crash(self, host: str) -> int:
        """SIGKILL to every process on the host at once; how many there were."""
        pids = self.pids(host)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return len(pids)

    def remove(self) -> None:
        for host in list(self.hosts):
            self.crash(host)
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        self.processes.clear()
        for ns in [self.namespace(h) for h in self.hosts] + [self.switch]:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        self.hosts.clear()
        atexit.unregister(self.remove)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def remove_stale() -> None:
    """Namespaces a test process that was itself killed left behind, with whatever still runs in them."""
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout.split("\n")
    for ns in (line.split()[0] for line in listed if line.strip()):
        match = OURS.match(ns)
        if match is None or _alive(int(match.group(1))):
            continue
        pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        time.sleep(0.2 if pids else 0)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
