"""The process editor pages: /editor, /editor/new, /editor/<key> and /editor/<key>/<version>.

The pages are static shells; everything they show comes from the JSON API (api.redesign,
api.definitions, api.migrations) with a bearer token. A user signed in to the web pages (session
cookie) gets that token from POST /editor/session-token; otherwise the page's own small login form
obtains it from POST /api/v1/auth/login. Every asset is served from this package: the page loads
nothing from the internet.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request, session, url_for

from atensi.tokens import issue_token

bp = Blueprint("editor", __name__, url_prefix="/editor", template_folder="templates",
               static_folder="static", static_url_path="/assets")

LANGS = ("id", "en")
def _page(mode: str, key: str = "", version: int | None = None):
    # the language chosen here (?lang=), else the one chosen on the web pages (their session)
    lang = request.args.get("lang", "") or session.get("lang", "")
    web_login = app_nav = lang_url = None
    if "web.login" in current_app.view_functions:  # the web pages' sign-in, when they run
        web_login = url_for("web.login", next=request.full_path)
        app_nav = {"inbox": url_for("web_inbox.inbox"), "dashboard": url_for("web_dashboard.dashboard")}
        lang_url = url_for("web.language")
    return render_template("editor.html", mode=mode, key=key, version=version or "",
                           lang=lang if lang in LANGS else "", web_login=web_login, app_nav=app_nav,
                           lang_url=lang_url or "")


@bp.get("")
@bp.get("/")
def index():
    return _page("index")


@bp.get("/new")
def new():
    return _page("new")


@bp.get("/<string:key>")
def latest(key: str):
    return _page("edit", _valid_key(key))


@bp.get("/<string:key>/<int:version>")
def version(key: str, version: int):
    return _page("edit", _valid_key(key), version)


@bp.post("/session-token")
def session_token():
    """A bearer token for the user signed in to the web pages, so that the editor needs no second
    login. The session cookie is SameSite=Lax and the answer is readable same-origin only; the
    CSRF token of the session is checked too when the web pages are installed."""
    from web.pages import USER_KEY, VERSION_KEY, actor_of_session, csrf  # the web pages' session, when they run

    actor = actor_of_session() if session.get(USER_KEY) else None
    if actor is None:
        return jsonify({"detail": "not signed in to the web pages"}), 401
    if "csrf" in current_app.extensions and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    token, expires_at = issue_token(actor.username, session[VERSION_KEY])  # ends with the sign-in
    return jsonify({"access_token": token, "token_type": "Bearer", "expires_at": expires_at.isoformat(),
                    "user": {"username": actor.username, "roles": list(actor.roles)}})


def _valid_key(key: str) -> str:
    if not key.replace("_", "").replace("-", "").replace(".", "").isalnum() or len(key) > 120:
        abort(404)
    return key
