"""Running the product: the app with the scheduler inside it (`atensi serve`), or the scheduler as
its own process (`atensi worker`). The command line calls these, so it never imports the adapters."""
from __future__ import annotations

from flask import Flask

from engine.config import Settings

from .app import create_app
from .services import services_of


def app_with_scheduler(settings: Settings, scheduler: bool = True) -> Flask:
    """The app on ``settings``, with the scheduler started on daemon threads unless ``scheduler`` is false."""
    app = create_app({"ATENSI_SETTINGS": settings})  # starts the sandbox's workers too
    if scheduler:
        from workers import embedded

        embedded.start(app, services_of(app).session_factory)
    return app


# waitress answers from one event loop and hands only complete requests to its threads, so idle and
# slow connections cost a socket each, not a thread. Its default of 100 connections let 100 idle
# sockets lock everyone out: allow many more, and close a connection idle for 30 s (checked every 5 s).
CONNECTION_LIMIT = 1000
CHANNEL_TIMEOUT_SECONDS = 30
CLEANUP_INTERVAL_SECONDS = 5


def make_server(app, host: str, port: int, threads: int = 8):
    """The waitress server `atensi serve` runs; call ``.run()`` on it."""
    from waitress import create_server

    return create_server(app, host=host, port=port, threads=threads, ident="atensi",
                         connection_limit=CONNECTION_LIMIT, channel_timeout=CHANNEL_TIMEOUT_SECONDS,
                         cleanup_interval=CLEANUP_INTERVAL_SECONDS)


def run_worker(once: bool = False) -> None:
    from workers.__main__ import main

    main(["--once"] if once else [])
