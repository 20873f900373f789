"""The login rate limits, shared by the API's POST /auth/login and the pages' /login: one count per
address and normalised username (stripped, casefolded) and one per address, whichever door the
attempts come through."""
from __future__ import annotations

import os

from flask import current_app, request
from flask_limiter import Limiter

# The documented flask-limiter pattern: one extension object, bound to the app in create_app. The
# storage comes from the app's config (config() below): an argument here would override it.
limiter = Limiter(key_func=lambda: request.remote_addr or "local", default_limits=[], headers_enabled=True)

CONFIG = {
    "LOGIN_RATE_LIMIT": "10/minute",  # failed logins per username and address
    "LOGIN_ADDRESS_RATE_LIMIT": "60/minute",  # failed logins per address
    "RATELIMIT_HEADERS_ENABLED": True,
}


def config() -> dict:
    """Per process by default. With several gunicorn workers or hosts, point every one at the same Redis
    (ATENSI_RATELIMIT_STORAGE_URI=redis://host:6379/0), so that an attempt counts wherever it lands; the
    key prefix keeps installs (or test runs) that share one Redis apart."""
    return {**CONFIG, "RATELIMIT_STORAGE_URI": os.environ.get("ATENSI_RATELIMIT_STORAGE_URI", "memory://"),
            "RATELIMIT_KEY_PREFIX": os.environ.get("ATENSI_RATELIMIT_KEY_PREFIX", "atensi")}


def login_rate_limit() -> str:
    """Failed logins per username and address (guessing one user's password)."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def address_rate_limit() -> str:
    """Failed logins per address, whatever the username (trying many users)."""
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def failed_login(response) -> bool:
    return response.status_code == 401


def normalised_username(raw) -> str:
    """" Admin" and "admin " are the same user to the limiter, as they are to a person."""
    return str(raw or "").strip().casefold()[:80]


def submitted_username() -> str:
    body = request.get_json(silent=True) if request.is_json else None
    raw = body.get("username") if isinstance(body, dict) else request.form.get("username")
    return normalised_username(raw if isinstance(raw, str) else "")


def user_key() -> str:
    return f"{request.remote_addr or 'local'}:{submitted_username()}"


def address_key() -> str:
    return request.remote_addr or "local"


# Decorators for both login views; a shared limit counts under its scope, not per view.
per_user = limiter.shared_limit(login_rate_limit, scope="login-user", key_func=user_key, methods=["POST"],
                                deduct_when=failed_login)
per_address = limiter.shared_limit(address_rate_limit, scope="login-address", key_func=address_key,
                                   methods=["POST"], deduct_when=failed_login)
