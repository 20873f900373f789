"""Bearer tokens: signed JWTs that name a user and the user's session version, and expire. Issued by
the API's login and by the editor page for a user signed in to the web pages; checked by the API."""
from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

import jwt
from werkzeug.exceptions import Unauthorized

from .services import services

ALGORITHM = "HS256"
ISSUER = "atensi"


def signing_key() -> bytes:
    """A 32-byte key derived from Settings.secret_key (whatever its length), for tokens only."""
    secret = services().settings.secret_key.encode("utf-8")
    return hmac.new(secret, b"atensi api token v1", hashlib.sha256).digest()


def issue_token(username: str, session_version: int) -> tuple[str, datetime]:
    """A token that ends at ``exp`` (never extended) or when the user's session version moves on."""
    settings = services().settings
    now = datetime.now(UTC)
    expires = now + timedelta(minutes=settings.token_ttl_minutes)
    claims = {"sub": username, "sv": session_version, "iss": ISSUER, "iat": int(now.timestamp()),
              "exp": int(expires.timestamp())}
    return jwt.encode(claims, signing_key(), algorithm=ALGORITHM), expires


class _Claims(NamedTuple):
    username: str
    session_version: int
    issued_at: int
    expires: int


def session_of_token(token: str) -> tuple[str, int]:
    """The username and session version a token was issued for; 401 when it is not valid.

    A token's signature is checked once per process (every request carries the same token again,
    and PyJWT's checks were a tenth of a task completion); its time limits are checked on every use."""
    claims = _verified(token, signing_key())
    now = datetime.now(UTC).timestamp()
    if claims.expires <= now:
        raise Unauthorized("the token has expired; log in again")
    if claims.issued_at > now:
        raise Unauthorized("the token is not valid")
    return claims.username, claims.session_version


@lru_cache(maxsize=4096)
def _verified(token: str, key: bytes) -> _Claims:
    """The claims of a token whose signature, issuer and claim types are right. Raises (and so caches
    nothing) for any other token."""
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["exp", "sub", "iss", "sv"]})
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the token has expired; log in again") from None
    except jwt.PyJWTError:
        raise Unauthorized("the token is not valid") from None
    if not isinstance(claims["sv"], int) or isinstance(claims["sv"], bool):
        raise Unauthorized("the token is not valid")
    return _Claims(str(claims["sub"]), claims["sv"], int(claims.get("iat") or 0), int(claims["exp"]))
