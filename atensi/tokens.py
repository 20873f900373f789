"""Bearer tokens: signed JWTs that name a user and expire. Issued by the API's login and by the
editor page for a user signed in to the web pages; checked by the API."""
from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import jwt
from werkzeug.exceptions import Unauthorized

from .services import services

ALGORITHM = "HS256"
ISSUER = "atensi"


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
