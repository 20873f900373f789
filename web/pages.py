"""What every page blueprint shares: the signed-in user from the session cookie, CSRF protection of
every POST, HTML error pages (the API answers problem+json; pages answer pages). Security headers
are the app's (atensi.headers).
"""
from __future__ import annotations

import logging
import time
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from atensi.http_status import status_of
from atensi.services import services
from engine.errors import EngineError, Forbidden
from engine.people.access import Actor
from engine.read.inbox import TaskFilter
from engine.read.reading import Paging

csrf = CSRFProtect()
log = logging.getLogger("atensi.web")
USER_KEY = "user"
VERSION_KEY = "sv"
SINCE_KEY = "since"

def page_blueprint(name: str, import_name: str, *, public: bool = False, **options) -> Blueprint:
    """A blueprint of pages: every POST needs the CSRF token, every page but ``public`` ones a login."""
    bp = Blueprint(name, import_name, **options)
    bp.before_request(_protect)
    if not public:
        bp.before_request(require_login)
    bp.context_processor(_page_context)
    bp.register_error_handler(HTTPException, _http_error)
    bp.register_error_handler(EngineError, _engine_error)
    bp.register_error_handler(DataError, _database_refused)
    bp.register_error_handler(Exception, _unexpected)
    return bp


def _protect() -> None:
    """400 for a POST without the session's CSRF token; a no-op for GET and HEAD. Only pages are
    checked: the API authenticates with bearer tokens, which a browser never sends by itself."""
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


def require_login():
    actor = actor_of_session()
    if actor is None:
        session.pop(USER_KEY, None)
        return redirect(url_for("web.login", next=safe_next(request.full_path)))
    g.actor = actor
    return None


def start_session(user) -> None:
    """Signs ``user`` in: the cookie carries the session version and when the sign-in began."""
    session[USER_KEY] = user.username
    session[VERSION_KEY] = user.session_version
    session[SINCE_KEY] = int(time.time())


def actor_of_session() -> Actor | None:
    """The signed-in actor; None once the sign-in is older than the absolute lifetime, or was ended
    by a sign-out, password, role or unit change or a deactivation (read from the database)."""
    username, version, since = session.get(USER_KEY), session.get(VERSION_KEY), session.get(SINCE_KEY)
    if not username or not isinstance(version, int) or not isinstance(since, int):
        return None
    if time.time() - since > current_app.permanent_session_lifetime.total_seconds():
        return None
    return services().directory.actor(username, version)


def current_actor() -> Actor:
    return g.actor


def require_roles(*roles: str):
    """A view decorator: 403 unless the signed-in user holds one of ``roles``."""
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_actor().has(*roles):
                raise Forbidden(gettext("This page is for: %(roles)s", roles=", ".join(roles)))
            return view(*args, **kwargs)
        return wrapped
    return decorate


def _page_context() -> dict:
    actor = g.get("actor")
    if actor is None or g.get("failed"):  # an error page asks nothing more of what just failed
        return {"current_user": actor, "open_tasks": 0}
    # the badge on "My tasks" counts what the page lists there: my tasks and my roles' open queue
    return {"current_user": actor, "open_tasks": services().queries.inbox(actor, TaskFilter(paging=Paging(1, 1))).total}


def safe_next(target: str | None, default: str = "") -> str:
    """Only a path on this site: never another host (no open redirect)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target.rstrip("?")


def error_page(status: int, title: str, detail: str = ""):
    return render_template("error.html", status=status, title=title, detail=detail), status


def _http_error(error: HTTPException):
    if isinstance(error, CSRFError):
        return error_page(400, gettext("The form has expired"),
                          gettext("Reload the page and send the form again."))
    titles = {403: gettext("Not allowed"), 404: gettext("Not found"), 405: gettext("Not allowed"),
              429: gettext("Too many attempts"), 400: gettext("Bad request")}
    details = {429: gettext("Wait a minute and try again.")}
    code = error.code or 500
    return error_page(code, titles.get(code, gettext("Something went wrong")), details.get(code, ""))


def _engine_error(error: EngineError):
    status = status_of(error)
    titles = {404: gettext("Not found"), 403: gettext("Not allowed"), 409: gettext("Already changed"),
              422: gettext("Invalid input")}
    return error_page(status, titles.get(status, gettext("Something went wrong")), str(error))


def _database_refused(error: DataError):
    """A value no form caught and the database refused (a NUL character in text, a number out of its
    range): the reader's to change, like the API's 422."""
    log.warning("database refused a value on %s %s: %s", request.method, request.path, error.orig)
    return error_page(422, gettext("Invalid input"), gettext("A value is out of range or cannot be stored."))


def _unexpected(error: Exception):
    log.exception("unexpected error on %s %s", request.method, request.path)
    g.failed = True
    return error_page(500, gettext("Something went wrong"), gettext("The error has been logged. Try again later."))
