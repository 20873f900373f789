"""Demo data for a fresh install: a demo unit, one user per role, and the ATENSI processes deployed.

Idempotent: running it again creates nothing that exists and redeploys nothing that is unchanged.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from . import people
from .access import SYSTEM_ACTOR
from .config import BPMN_DIR
from .deployments import folder_bundles
from .models import Unit, User
from .runtime import Runtime

DEMO_UNIT = ("BALAI-DEMO", "Balai Rehabilitasi Sosial (demo)", "balai")
DEMO_USERS = {
    "peksos": ("Pekerja Sosial Demo", ["pekerja_sosial"]),
    "konselor": ("Konselor Adiksi Demo", ["konselor_adiksi"]),
    "supervisor": ("Supervisor Demo", ["supervisor"]),
    "admin": ("Admin Demo", ["admin"]),
}


@dataclass
class DemoResult:
    unit_code: str
    created_users: list[str] = field(default_factory=list)
    deployed: list[str] = field(default_factory=list)  # "key v<version>" of new versions
    password: str | None = None  # set when users were created


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def ensure_demo(session_factory: sessionmaker, passwords: people.Passwords, password: str | None = None,
                bpmn_dir: Path = BPMN_DIR) -> DemoResult:
    result = DemoResult(DEMO_UNIT[0])
    with session_factory() as session:
        unit = session.scalars(select(Unit).where(Unit.code == DEMO_UNIT[0])).first()
        if unit is None:
            unit = people.create_unit(session, *DEMO_UNIT)
        existing = set(session.scalars(select(User.username).where(User.username.in_(DEMO_USERS))))
        missing = [name for name in DEMO_USERS if name not in existing]
        if missing:
            result.password = password or generate_password()
        for username in missing:
            full_name, roles = DEMO_USERS[username]
            people.create_user(session, username, result.password, roles, unit.id, full_name, passwords=passwords)
            result.created_users.append(username)
        session.commit()
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
