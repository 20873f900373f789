"""Users, roles and units. Passwords are hashed with Argon2id, at the costs the settings give."""
from __future__ import annotations

from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.config import Settings
from engine.errors import Conflict, InvalidInput, NotFound
from engine.people.access import Actor
from engine.storage.models import Unit, User, UserRole
from engine.vocabulary import ROLES

UNIT_KINDS = ("balai", "ipwl", "lks")


class Passwords:
    """Argon2id hashing and checking at the costs of Settings (tests pass cheap ones)."""

    def __init__(self, settings: Settings):
        self._hasher = PasswordHasher(time_cost=settings.password_time_cost,
                                      memory_cost=settings.password_memory_kib,
                                      parallelism=settings.password_parallelism)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def matches(self, password_hash: str | None, password: str) -> bool:
        """Without a hash (no such user) it checks a dummy one and says no: a wrong username takes as long
        as a wrong password."""
        try:
            return self._hasher.verify(password_hash or self._dummy_hash, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    @cached_property
    def _dummy_hash(self) -> str:
        return self._hasher.hash("not-a-real-password")


def create_unit(session: Session, code: str, name: str, kind: str, parent_unit_id: int | None = None) -> Unit:
    """A unit; ``parent_unit_id`` names the Balai over it, whose koordinator wilayah reads its dashboard."""
    if kind not in UNIT_KINDS:
        raise InvalidInput("unknown unit kind", {"kind": [f"must be one of {', '.join(UNIT_KINDS)}"]})
    if parent_unit_id is not None and session.get(Unit, parent_unit_id) is None:
        raise InvalidInput("no such parent unit", {"parent_unit_id": ["no such unit"]})
    if session.scalars(select(Unit).where(Unit.code == code)).first() is not None:
        raise Conflict(f"unit {code} exists")
    unit = Unit(code=code, name=name, kind=kind, parent_unit_id=parent_unit_id)
    session.add(unit)
    session.flush()
    return unit


def create_user(session: Session, username: str, password: str, roles: list[str], unit_id: int,
                full_name: str = "", email: str | None = None, *, passwords: Passwords) -> User:
    _check_roles(roles)
    _check_password(password)
    if session.scalars(select(User).where(User.username == username)).first() is not None:
        raise Conflict(f"user {username} exists")
    if session.get(Unit, unit_id) is None:
        raise InvalidInput("unknown unit", {"unit_id": ["no such unit"]})
    user = User(username=username, full_name=full_name or username, email=email,
                password_hash=passwords.hash(password), unit_id=unit_id,
                role_rows=[UserRole(role=r) for r in sorted(set(roles))])
    session.add(user)
    session.flush()
    return user


def update_user(session: Session, username: str, *, passwords: Passwords, roles: list[str] | None = None,
                unit_id: int | None = None, active: bool | None = None, password: str | None = None,
                full_name: str | None = None) -> User:
    """A change of roles, unit, password or the active flag ends the user's sessions."""
    user = get_user(session, username)
    before = (user.roles, user.unit_id, user.active)
    if roles is not None:
        _check_roles(roles)
        user.role_rows = [UserRole(role=r) for r in sorted(set(roles))]
    if unit_id is not None:
        if session.get(Unit, unit_id) is None:
            raise InvalidInput("unknown unit", {"unit_id": ["no such unit"]})
        user.unit_id = unit_id
    if active is not None:
        user.active = active
    if password is not None:
        _check_password(password)
        user.password_hash = passwords.hash(password)
    if full_name is not None:
        user.full_name = full_name
    if password is not None or before != (user.roles, user.unit_id, user.active):
        end_sessions(user)
    session.flush()
    return user


def end_sessions(user: User) -> None:
    """Every token and cookie issued to the user stops working at its next request."""
    user.session_version = (user.session_version or 0) + 1


def get_user(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"user {username} not found")
    return user


def authenticate(session: Session, username: str, password: str, *, passwords: Passwords) -> User | None:
    user = session.scalars(select(User).where(User.username == username)).first()
    if not passwords.matches(user.password_hash if user else None, password):
        return None
    return user if user is not None and user.active else None


def _check_password(password: str) -> None:
    if len(password) < 8:
        raise InvalidInput("password too short", {"password": ["at least 8 characters"]})


def actor_for(user: User) -> Actor:
    return Actor(user.username, tuple(user.roles), user.unit_id)


def _check_roles(roles: list[str]) -> None:
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise InvalidInput("unknown role", {"roles": [f"roles must be among {', '.join(ROLES)}"]})
