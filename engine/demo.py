"""Demo data for a fresh install: a demo unit, one user per role, and the ATENSI processes deployed.

Idempotent: running it again creates nothing that exists and redeploys nothing that is unchanged.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from engine.cases.runtime import Runtime
from engine.config import BPMN_DIR
from engine.definitions.deployments import folder_bundles
from engine.people import accounts
from engine.people.access import SYSTEM_ACTOR
from engine.storage.models import Unit, User
from engine.vocabulary import ADMIN, KONSELOR_ADIKSI, PEKERJA_SOSIAL, SUPERVISOR

DEMO_UNIT = ("BALAI-DEMO", "Balai Rehabilitasi Sosial (demo)", "balai")
DEMO_USERS = {
    "peksos": ("Pekerja Sosial Demo", [PEKERJA_SOSIAL]),
    "konselor": ("Konselor Adiksi Demo", [KONSELOR_ADIKSI]),
    "supervisor": ("Supervisor Demo", [SUPERVISOR]),
    "admin": ("Admin Demo", [ADMIN]),
}
PASSWORD_FILE = "demo-password"  # in the instance folder, when the password was generated


@dataclass
class DemoResult:
    unit_code: str
    created_users: list[str] = field(default_factory=list)
    deployed: list[str] = field(default_factory=list)  # "key v<version>" of new versions
    password: str | None = None  # set when users were created
    password_file: Path | None = None  # where a generated password is kept


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def keep_password(instance_dir: Path, password: str) -> Path:
    """Keep the generated password where only this user may read it (mode 0600), to find it later."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / PASSWORD_FILE
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # a file kept before may have been readable by others
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(password + "\n")
    return path


def kept_password_file(instance_dir: Path) -> Path | None:
    path = instance_dir / PASSWORD_FILE
    return path if path.is_file() else None


def ensure_demo(session_factory: sessionmaker, passwords: accounts.Passwords, password: str | None = None,
                bpmn_dir: Path = BPMN_DIR, instance_dir: Path | None = None) -> DemoResult:
    """With ``instance_dir``, a generated password is kept there (see keep_password)."""
    result = DemoResult(DEMO_UNIT[0])
    with session_factory() as session:
        unit = session.scalars(select(Unit).where(Unit.code == DEMO_UNIT[0])).first()
        if unit is None:
            unit = accounts.create_unit(session, *DEMO_UNIT)
        existing = set(session.scalars(select(User.username).where(User.username.in_(DEMO_USERS))))
        missing = [name for name in DEMO_USERS if name not in existing]
        if missing:
            result.password = password or generate_password()
        for username in missing:
            full_name, roles = DEMO_USERS[username]
            accounts.create_user(session, username, result.password, roles, unit.id, full_name, passwords=passwords)
            result.created_users.append(username)
        session.commit()
    if result.password and password is None and instance_dir is not None:
        result.password_file = keep_password(instance_dir, result.password)
    runtime = Runtime(session_factory)
    for bundle in folder_bundles(bpmn_dir):
        version, created = runtime.deploy(bundle, SYSTEM_ACTOR, note="ATENSI demo")
        if created:
            result.deployed.append(f"{version.process_key} v{version.version}")
    return result


def is_fresh(session_factory: sessionmaker) -> bool:
    """No user at all: the database was just created."""
    with session_factory() as session:
        return session.scalars(select(User.id).limit(1)).first() is None
