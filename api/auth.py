"""The caller of the API as an engine Actor, from the bearer token (atensi.tokens).

A token names its user and the user's session version. Roles, unit, the active flag and the
session version are read from the database on every request, so a password change, a
deactivation, a role change or a sign-out ends the user's tokens at once on every server process.
"""
from __future__ import annotations

from flask import g, request
from werkzeug.exceptions import Unauthorized

from atensi.services import services
from atensi.tokens import session_of_token
from engine.people.access import Actor


def require_login() -> None:
    """before_request of every protected blueprint: sets g.actor or answers 401."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("a bearer token is required: POST /api/v1/auth/login")
    actor = services().directory.actor(*session_of_token(token.strip()))
    if actor is None:
        raise Unauthorized("this token has been ended (sign-out, password or role change) or its user is inactive")
    g.actor = actor


def current_actor() -> Actor:
    return g.actor
