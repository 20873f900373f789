"""`atensi serve` (waitress as make_server builds it) keeps answering while many connections sit idle
or send their request a byte at a time: tested with real sockets."""
from __future__ import annotations

import socket
import time

import pytest
import requests

from atensi import server
from tests.threaded_server import serving


@pytest.fixture
def served(app):
    with serving(server.make_server(app, "127.0.0.1", 0, threads=4)) as url:
        yield url


def open_sockets(base: str, count: int, first_bytes: bytes = b"") -> list[socket.socket]:
    host, port = base.removeprefix("http://").split(":")
    sockets = []
    for _ in range(count):
        sock = socket.create_connection((host, int(port)), timeout=5)
        if first_bytes:
            sock.sendall(first_bytes)
        sockets.append(sock)
    return sockets


def test_150_idle_and_50_half_sent_connections_do_not_lock_anyone_out(served):
    idle = open_sockets(served, 150)
    slow = open_sockets(served, 50, b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # headers never finished
    try:
        started = time.monotonic()
        answer = requests.get(f"{served}/healthz", timeout=5)
        assert answer.status_code == 200 and time.monotonic() - started < 2
    finally:
        for sock in idle + slow:
            sock.close()


def test_an_idle_connection_is_closed_after_the_channel_timeout(served):
    assert server.CHANNEL_TIMEOUT_SECONDS <= 60 and server.CONNECTION_LIMIT >= 500
    [sock] = open_sockets(served, 1)
    sock.settimeout(server.CHANNEL_TIMEOUT_SECONDS + 2 * server.CLEANUP_INTERVAL_SECONDS + 5)
    started = time.monotonic()
    assert sock.recv(1) == b""  # closed by the server
    assert time.monotonic() - started <= server.CHANNEL_TIMEOUT_SECONDS + 2 * server.CLEANUP_INTERVAL_SECONDS + 1
    sock.close()
