"""The secret that signs tokens and cookies: never the built-in one outside development on loopback.

``ATENSI_SECRET_KEY`` wins; else the secret kept in the instance folder (``secret-key``, mode 0600),
which the first ``atensi serve`` (``make run``) generates; else the built-in development value, with
which the app, the server and the worker refuse to start unless ``ATENSI_ENV=development`` says
this is a developer's machine (and, for ``atensi serve``, it listens on loopback only).
"""
from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

BUILTIN_SECRET = "dev-only-change-me"
SECRET_FILE = "secret-key"
REFUSAL = ("the built-in secret key signs tokens and cookies that anyone can forge: set ATENSI_SECRET_KEY "
           "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'), or for development on this "
           "machine only set ATENSI_ENV=development and listen on 127.0.0.1")


class BuiltinSecretRefused(RuntimeError):
    pass


def kept_secret(instance_dir: Path) -> str | None:
    try:
        return (instance_dir / SECRET_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def keep_new_secret(instance_dir: Path) -> Path:
    """A random secret kept where only this user may read it (mode 0600)."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / SECRET_FILE
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(secrets.token_urlsafe(48) + "\n")
    return path


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refuse_builtin(secret_key: str, development: bool, host: str | None = None) -> None:
    """Raises unless the secret is our own, or this is declared development (on loopback, given a host)."""
    if secret_key != BUILTIN_SECRET:
        return
    if development and (host is None or is_loopback(host)):
        return
    raise BuiltinSecretRefused(REFUSAL)
