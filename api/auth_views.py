"""POST /auth/login: a bearer token for a username and password. Failed logins are rate limited."""
from __future__ import annotations

from flask_smorest import Blueprint
from werkzeug.exceptions import Unauthorized

from atensi.limits import address_rate_limit, failed_login, limiter, login_rate_limit
from atensi.services import services
from atensi.tokens import issue_token
from engine.people.accounts import actor_for

from .auth import address_rate_key, current_actor, login_rate_key, require_login
from .schemas.people import LoginSchema, TokenSchema

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Logging in")


@blp.post("/login")
@limiter.limit(login_rate_limit, key_func=login_rate_key, deduct_when=failed_login)
@limiter.limit(address_rate_limit, key_func=address_rate_key, deduct_when=failed_login)
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
