"""The caller of the API as an engine Actor, from the bearer token (atensi.tokens), and the keys of
the login limits (atensi.limits).

A token names its user only. Roles, unit and the active flag are read from the database and
kept for a few seconds per process, so a deactivated user or a changed role takes effect quickly
without a database round trip on every request.
"""
from __future__ import annotations

import threading
import time

from flask import current_app, g, request
from werkzeug.exceptions import Unauthorized

from atensi.services import services
from atensi.tokens import username_from_token
from engine.people.access import Actor

ACTOR_CACHE_SECONDS = 10.0

def require_login() -> None:
    """before_request of every protected blueprint: sets g.actor or answers 401."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("a bearer token is required: POST /api/v1/auth/login")
    actor = _actors().get(username_from_token(token.strip()))
    if actor is None:
        raise Unauthorized("the user of this token is unknown or inactive")
    g.actor = actor


def current_actor() -> Actor:
    return g.actor


class ActorCache:
    """username -> Actor for a few seconds. One per app."""

    def __init__(self, ttl: float = ACTOR_CACHE_SECONDS):
        self.ttl = ttl
        self._entries: dict[str, tuple[float, Actor | None]] = {}
        self._lock = threading.Lock()

    def get(self, username: str) -> Actor | None:
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(username)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        actor = services().directory.actor(username)
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[username] = (now, actor)
        return actor

    def forget(self, username: str | None = None) -> None:
        with self._lock:
            if username is None:
                self._entries.clear()
            else:
                self._entries.pop(username, None)


def _actors() -> ActorCache:
    return current_app.extensions["atensi.actors"]


def login_rate_key() -> str:
    body = request.get_json(silent=True)
    username = body.get("username") if isinstance(body, dict) else None
    return f"login:{request.remote_addr or 'local'}:{str(username or '')[:80].lower()}"


def address_rate_key() -> str:
    return f"login-address:{request.remote_addr or 'local'}"


def init_app(app) -> None:
    app.extensions["atensi.actors"] = ActorCache(app.config.get("ACTOR_CACHE_SECONDS", ACTOR_CACHE_SECONDS))
