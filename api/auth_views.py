"""POST /auth/login: a bearer token for a username and password. Failed logins are rate limited."""
from __future__ import annotations

from flask_smorest import Blueprint
from werkzeug.exceptions import Unauthorized

from atensi import limits
from atensi.services import services
from atensi.tokens import issue_token
from engine.people.accounts import actor_for

from .auth import current_actor, require_login
from .schemas.people import LoginSchema, TokenSchema

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Logging in")


@blp.post("/login")
@limits.per_user
@limits.per_address
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.doc(security=[])
def login(credentials):
    """Exchange a username and password for a bearer token that expires."""
    user = services().directory.login(credentials["username"], credentials["password"])
    if user is None:
        raise Unauthorized("wrong username or password")
    token, expires_at = issue_token(actor_for(user).username, user.session_version)
    return {"access_token": token, "token_type": "Bearer", "expires_at": expires_at, "user": user}


@blp.post("/logout")
@blp.response(204)
def logout():
    """Sign out everywhere: every token and web session of the caller stops working at once."""
    require_login()
    services().directory.end_sessions(current_actor())
