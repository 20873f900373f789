"""Units and users as operations with their access rules: an admin manages them, everyone may
look up the people of their own unit (to pick an assignee), and logging in checks a password."""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import sessionmaker

from engine.errors import Forbidden, NotFound
from engine.people import accounts
from engine.people.access import Actor, require_role
from engine.read.reading import detached_read
from engine.storage.models import Unit, User, UserRole
from engine.storage.unit_of_work import UnitOfWork
from engine.vocabulary import ADMIN, ROLES

# A user's row with one row per role (left join: a user without roles still signs in as nobody).
_ACTOR = (select(User.active, User.session_version, User.unit_id, UserRole.role)
          .outerjoin(UserRole, UserRole.user_id == User.id).where(User.username == bindparam("username")))


class Directory:
    def __init__(self, session_factory: sessionmaker, passwords: accounts.Passwords):
        self.session_factory = session_factory
        self.passwords = passwords

    def _uow(self, write: bool = True):
        return UnitOfWork(self.session_factory) if write else detached_read(self.session_factory)

    # --- signing in --------------------------------------------------------------------------------

    def login(self, username: str, password: str) -> User | None:
        """The active user with this password, or None. As slow for a wrong username as a wrong password."""
        with self._uow(write=False) as uow:
            return accounts.authenticate(uow.session, username, password, passwords=self.passwords)

    def actor(self, username: str, session_version: int | None = None) -> Actor | None:
        """The actor an active user acts as, or None when there is no such active user or, given the
        session version a token or cookie was issued under, when that session has been ended.

        Every request asks this, so it is one prebuilt statement on a plain connection (no ORM
        session, no user object): the ORM version cost about a fifth of a task completion's CPU."""
        with self.session_factory.kw["bind"].connect() as connection:
            rows = connection.execute(_ACTOR, {"username": username}).all()
        if not rows or not rows[0].active:
            return None
        if session_version is not None and session_version != rows[0].session_version:
            return None
        return Actor(username, tuple(sorted(row.role for row in rows if row.role is not None)), rows[0].unit_id)

    def end_sessions(self, actor: Actor) -> None:
        """Signing out: every token and cookie of the caller stops working, on every server process."""
        with self._uow() as uow:
            accounts.end_sessions(accounts.get_user(uow.session, actor.username))
            uow.commit()

    def me(self, actor: Actor) -> User:
        with self._uow(write=False) as uow:
            return accounts.get_user(uow.session, actor.username)

    # --- units -------------------------------------------------------------------------------------

    def units(self, actor: Actor) -> list[Unit]:
        with self._uow(write=False) as uow:
            query = select(Unit).order_by(Unit.code)
            if not actor.has(ADMIN) and not actor.is_system:
                query = query.where(Unit.id == actor.unit_id)
            return list(uow.session.scalars(query))

    def create_unit(self, actor: Actor, code: str, name: str, kind: str, parent_unit_id: int | None = None) -> Unit:
        require_role(actor, ADMIN)
        with self._uow() as uow:
            unit = accounts.create_unit(uow.session, code, name, kind, parent_unit_id)
            uow.commit()
            uow.session.expunge_all()
            return unit

    # --- users -------------------------------------------------------------------------------------

    def users(self, actor: Actor, unit_id: int | None = None, role: str | None = None) -> list[User]:
        """An admin sees every unit's users; anyone else sees the users of their own unit."""
        if not actor.has(ADMIN) and not actor.is_system:
            if unit_id is not None and unit_id != actor.unit_id:
                raise Forbidden("you may only list the users of your own unit")
            unit_id = actor.unit_id
        with self._uow(write=False) as uow:
            query = select(User).order_by(User.username)
            if unit_id is not None:
                query = query.where(User.unit_id == unit_id)
            users = list(uow.session.scalars(query))
            return [u for u in users if role is None or role in u.roles]

    def user(self, actor: Actor, username: str) -> User:
        with self._uow(write=False) as uow:
            user = accounts.get_user(uow.session, username)
            if not actor.has(ADMIN) and not actor.is_system and user.unit_id != actor.unit_id:
                raise NotFound(f"user {username} not found")
            return user

    def create_user(self, actor: Actor, username: str, password: str, roles: list[str], unit_id: int,
                    full_name: str = "", email: str | None = None) -> User:
        require_role(actor, ADMIN)
        with self._uow() as uow:
            user = accounts.create_user(uow.session, username, password, roles, unit_id, full_name, email,
                                      passwords=self.passwords)
            uow.commit()
            return _loaded(uow, user)

    def update_user(self, actor: Actor, username: str, **changes) -> User:
        require_role(actor, ADMIN)
        if username == actor.username and (changes.get("active") is False
                                           or ("roles" in changes and changes["roles"] is not None
                                               and ADMIN not in changes["roles"])):
            raise Forbidden("an admin may not lock themselves out")
        with self._uow() as uow:
            user = accounts.update_user(uow.session, username, passwords=self.passwords, **changes)
            uow.commit()
            return _loaded(uow, user)


def _loaded(uow: UnitOfWork, user: User) -> User:
    """Reload after commit and detach, so the unit and roles can be read once the session is closed."""
    uow.session.refresh(user)
    _ = (user.unit, user.roles)
    uow.session.expunge_all()
    return user


def roles() -> tuple[str, ...]:
    return ROLES


def unit_by_code(session, code: str) -> Unit:
    unit = session.scalars(select(Unit).where(Unit.code == code)).first()
    if unit is None:
        raise NotFound(f"unit {code} not found")
    return unit
