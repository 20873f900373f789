"""The process editor pages: /editor, /editor/new, /editor/<key> and /editor/<key>/<version>.

The pages are static shells; everything they show comes from the JSON API (api.redesign,
api.definitions, api.migrations) with the bearer token the page's own small login form obtains.
Every asset is served from this package: the page loads nothing from the internet.
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

bp = Blueprint("editor", __name__, url_prefix="/editor", template_folder="templates",
               static_folder="static", static_url_path="/assets")

LANGS = ("id", "en")
# No CDN, no inline scripts: the policy makes any attempt to load from elsewhere fail loudly.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")


@bp.after_request
def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _page(mode: str, key: str = "", version: int | None = None):
    lang = request.args.get("lang", "")
    return render_template("editor.html", mode=mode, key=key, version=version or "",
                           lang=lang if lang in LANGS else "")


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


def _valid_key(key: str) -> str:
    if not key.replace("_", "").replace("-", "").replace(".", "").isalnum() or len(key) > 120:
        abort(404)
    return key
