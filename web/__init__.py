"""The case managers' web pages and the process editor, mounted by atensi.create_app with ``web.init_app(app)``.

Pages keep the login in a signed session cookie (HttpOnly, SameSite=Lax, Secure when
``ATENSI_COOKIE_SECURE`` is set), check a CSRF token on every POST, speak Bahasa Indonesia by
default (English on request), show times in the configured zone and load nothing from elsewhere.
The BPMN editor (web/editor.py) is a static shell over the JSON API.
"""
from __future__ import annotations

import os
from datetime import timedelta

from flask import Flask

from . import (
    auth_views,
    casefile,
    cases,
    dashboard,
    editor,
    handovers,
    i18n,
    inbox,
    pm_merge,
    privacy,
    reports,
    tasks,
    team,
)
from .pages import csrf

BLUEPRINTS = (editor.bp, auth_views.bp, inbox.bp, tasks.bp, cases.bp, dashboard.bp, privacy.bp, casefile.bp,
              handovers.bp, reports.bp, team.bp, pm_merge.bp)


def init_app(app: Flask) -> None:
    settings = app.config.get("ATENSI_SETTINGS")
    app.config.setdefault("WEB_TIMEZONE", getattr(settings, "timezone", "Asia/Jakarta"))
    app.config.update(
        SESSION_COOKIE_NAME=app.config.get("WEB_SESSION_COOKIE_NAME", "atensi_session"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # also the signed cookie's max age; web.pages ends a sign-in this long after it began
        PERMANENT_SESSION_LIFETIME=timedelta(hours=getattr(settings, "session_hours", 12.0)),
        WTF_CSRF_CHECK_DEFAULT=False,  # checked by the page blueprints only (the API uses bearer tokens)
        WTF_CSRF_TIME_LIMIT=None,  # valid as long as the session: a long form must not expire
        WTF_I18N_ENABLED=False,  # every message is ours, in web/translations
    )
    if os.environ.get("ATENSI_COOKIE_SECURE", "").lower() in ("1", "true", "yes"):
        app.config["SESSION_COOKIE_SECURE"] = True
    csrf.init_app(app)
    i18n.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
