"""The login rate limits, shared by the API's POST /auth/login and the pages' /login."""
from __future__ import annotations

import os

from flask import current_app, request
from flask_limiter import Limiter

# The documented flask-limiter pattern: one extension object, bound to the app in create_app.
limiter = Limiter(key_func=lambda: request.remote_addr or "local", default_limits=[],
                  storage_uri="memory://", headers_enabled=True)

CONFIG = {
    "LOGIN_RATE_LIMIT": "10/minute",  # failed logins per username and address
    "LOGIN_ADDRESS_RATE_LIMIT": "60/minute",  # failed logins per address
    "RATELIMIT_HEADERS_ENABLED": True,
}


def config() -> dict:
    # per process by default; with several gunicorn workers point it at Redis or Memcached
    return {**CONFIG, "RATELIMIT_STORAGE_URI": os.environ.get("ATENSI_RATELIMIT_STORAGE_URI", "memory://")}


def login_rate_limit() -> str:
    """Failed logins per username and address (guessing one user's password)."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def address_rate_limit() -> str:
    """Failed logins per address, whatever the username (trying many users)."""
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def failed_login(response) -> bool:
    return response.status_code == 401
