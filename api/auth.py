"""Bearer tokens (signed JWTs that expire), the caller as an engine Actor, and the login limit.

A token names its user only. Roles, unit and the active flag are read from the database and
kept for a few seconds per process, so a deactivated user or a changed role takes effect quickly
without a database round trip on every request.
"""
from __future__ import annotations

import hashlib
import hmac
import threading
import time
from datetime import UTC, datetime, timedelta

import jwt
from flask import current_app, g, request
from flask_limiter import Limiter
from werkzeug.exceptions import Unauthorized

from engine.access import Actor

from .context import services

ALGORITHM = "HS256"
ISSUER = "atensi"
ACTOR_CACHE_SECONDS = 10.0

# The documented flask-limiter pattern: one extension object, bound to the app in create_app.
limiter = Limiter(key_func=lambda: request.remote_addr or "local", default_limits=[],
                  storage_uri="memory://", headers_enabled=True)


def signing_key() -> bytes:
    """A 32-byte key derived from Settings.secret_key (whatever its length), for tokens only."""
    secret = services().settings.secret_key.encode("utf-8")
    return hmac.new(secret, b"atensi api token v1", hashlib.sha256).digest()


def issue_token(username: str) -> tuple[str, datetime]:
    settings = services().settings
    now = datetime.now(UTC)
    expires = now + timedelta(minutes=settings.token_ttl_minutes)
    claims = {"sub": username, "iss": ISSUER, "iat": int(now.timestamp()), "exp": int(expires.timestamp())}
    return jwt.encode(claims, signing_key(), algorithm=ALGORITHM), expires


def username_from_token(token: str) -> str:
    try:
        claims = jwt.decode(token, signing_key(), algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["exp", "sub", "iss"]})
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the token has expired; log in again") from None
    except jwt.PyJWTError:
        raise Unauthorized("the token is not valid") from None
    return str(claims["sub"])


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


def login_rate_limit() -> str:
    """Failed logins per username and address (guessing one user's password)."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def address_rate_key() -> str:
    return f"login-address:{request.remote_addr or 'local'}"


def address_rate_limit() -> str:
    """Failed logins per address, whatever the username (trying many users)."""
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def failed_login(response) -> bool:
    return response.status_code == 401


def init_app(app) -> None:
    app.extensions["atensi.actors"] = ActorCache(app.config.get("ACTOR_CACHE_SECONDS", ACTOR_CACHE_SECONDS))
    limiter.init_app(app)
