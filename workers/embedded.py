"""The scheduler inside `atensi serve`: the one-machine default, on daemon threads.

`start(app_or_settings)` takes the Flask app (its config may hold the Settings under
``ATENSI_SETTINGS``), a Settings, or nothing (the environment). It returns the running
`TimerScheduler`; call ``.shutdown()`` to stop it. Nothing starts at import time.
"""
from __future__ import annotations

import atexit

from engine.config import Settings

from .scheduler import TimerScheduler, build, quiet_apscheduler_logs


def start(app_or_settings=None, session_factory=None) -> TimerScheduler:
    settings = settings_of(app_or_settings)
    quiet_apscheduler_logs()
    scheduler = build(settings, session_factory).start()
    atexit.register(scheduler.shutdown, False)
    return scheduler


def settings_of(app_or_settings) -> Settings:
    if isinstance(app_or_settings, Settings):
        return app_or_settings
    config = getattr(app_or_settings, "config", None) or {}
    for key in ("ATENSI_SETTINGS", "SETTINGS"):
        if isinstance(config.get(key), Settings):
            return config[key]
    return Settings.from_env()
