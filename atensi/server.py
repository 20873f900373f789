"""Running the product: the app with the scheduler inside it (`atensi serve`), or the scheduler as
its own process (`atensi worker`). The command line calls these, so it never imports the adapters."""
from __future__ import annotations

from flask import Flask

from engine.cases import sandbox_pool
from engine.config import Settings

from .app import create_app
from .services import services_of


def app_with_scheduler(settings: Settings, scheduler: bool = True) -> Flask:
    """The app on ``settings``, with the scheduler started on daemon threads unless ``scheduler`` is false."""
    app = create_app({"ATENSI_SETTINGS": settings})
    sandbox_pool.start(settings)
    if scheduler:
        from workers import embedded

        embedded.start(app, services_of(app).session_factory)
    return app


def run_worker(once: bool = False) -> None:
    from workers.__main__ import main

    main(["--once"] if once else [])
