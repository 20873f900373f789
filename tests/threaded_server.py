"""A waitress server in a thread of the test process, stopped cleanly.

waitress has no stop call: closing the server from the test's thread closes the sockets its loop may
be waiting on in select(), which then fails with EBADF in the server's thread (pytest reports it
against whichever test runs next). A failure of the loop after we asked it to stop is that, and
nothing else; before, it is a real error and is raised."""
from __future__ import annotations

import threading
from contextlib import contextmanager


@contextmanager
def serving(server):
    """Run ``server`` (a waitress server) until the block ends; yields its base URL."""
    stopping = threading.Event()

    def run():
        try:
            server.run()
        except (OSError, ValueError):
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stopping.set()
        server.close()
        thread.join(timeout=5)
