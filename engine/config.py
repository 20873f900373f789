"""Settings, read once from the environment. Nothing here touches a database."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import argon2

from engine.instance_secret import BUILTIN_SECRET, kept_secret

ROOT = Path(__file__).resolve().parent.parent
BPMN_DIR = ROOT / "bpmn"


def _instance_dir() -> Path:
    """Where this installation keeps its own files: the SQLite database, the demo password."""
    return Path(os.environ.get("ATENSI_INSTANCE_DIR", ROOT / "instance"))


def _default_database_url() -> str:
    return f"sqlite:///{_instance_dir() / 'atensi.db'}"


def _default_documents_url() -> str:
    """Where uploaded documents are kept: a folder, or s3://bucket/prefix (see engine.casefile.blobs)."""
    return os.environ.get("ATENSI_DOCUMENTS_URL") or str(_instance_dir() / "documents")


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=_default_database_url)
    instance_dir: Path = field(default_factory=_instance_dir)
    timezone: str = "Asia/Jakarta"
    secret_key: str = BUILTIN_SECRET  # see engine.instance_secret: refused outside development
    development: bool = False  # ATENSI_ENV=development: the built-in secret is allowed on loopback
    metrics_token: str | None = None  # GET /metrics needs it as a bearer token; unset: loopback callers only
    token_ttl_minutes: int = 12 * 60  # product default: an API token ends 12 h after login, never extended
    session_hours: float = 12.0  # product default: a web sign-in ends 12 h after it began, however active
    overdue_reminder_hours: float = 24.0
    escalation_grace_hours: float = 48.0
    assign_first_task: bool = True  # the worker who registers a case takes its first task (of their role)
    handover_due_hours: float = 72.0  # product default: a unit answers a transfer or referral within 3 days
    base_url: str = "http://127.0.0.1:8080"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_tls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "atensi@localhost"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    smtp_ssl: bool = False  # implicit TLS (port 465); smtp_tls is STARTTLS
    scheduler_poll_seconds: float = 0.5  # how often the scheduler checks for an earlier due time
    delivery_retry_base_seconds: float = 30.0  # first retry of a failed delivery; doubles each time
    delivery_retry_max_seconds: float = 3600.0
    # Argon2id costs of password hashes (argon2-cffi's defaults); tests use the smallest ones
    password_time_cost: int = argon2.DEFAULT_TIME_COST
    password_memory_kib: int = argon2.DEFAULT_MEMORY_COST
    password_parallelism: int = argon2.DEFAULT_PARALLELISM
    retention_years: float = 5.0  # product default: closed cases are anonymised five years after closing
    retention_automatic: bool = False  # the scheduler anonymises them daily (irreversible: off unless asked)
    # Diagram code that is not bounded by construction runs in sandbox worker processes with these
    # limits (product defaults); a case's lock is never held much longer than the wall clock.
    sandbox_wall_seconds: float = 2.0
    sandbox_cpu_seconds: float = 1.0
    sandbox_memory_mib: int = 256  # above what a worker uses after start-up
    sandbox_workers: int = 2  # per server or scheduler process
    # The case file: notes and documents (product defaults)
    note_correction_minutes: float = 15.0  # a note's author may correct it this long; then it is immutable
    documents_url: str = field(default_factory=_default_documents_url)
    document_max_bytes: int = 10 * 1024 * 1024
    s3_endpoint_url: str | None = field(default_factory=lambda: os.environ.get("ATENSI_S3_ENDPOINT_URL") or None)

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        env = os.environ
        values = {
            "database_url": env.get("DATABASE_URL") or _default_database_url(),
            "instance_dir": _instance_dir(),
            "timezone": env.get("ATENSI_TIMEZONE", "Asia/Jakarta"),
            "secret_key": env.get("ATENSI_SECRET_KEY") or kept_secret(_instance_dir()) or BUILTIN_SECRET,
            "development": env.get("ATENSI_ENV", "").lower() == "development",
            "metrics_token": env.get("ATENSI_METRICS_TOKEN") or None,
            "token_ttl_minutes": int(env.get("ATENSI_TOKEN_TTL_MINUTES", 12 * 60)),
            "session_hours": float(env.get("ATENSI_SESSION_HOURS", 12)),
            "overdue_reminder_hours": float(env.get("ATENSI_REMINDER_HOURS", 24)),
            "escalation_grace_hours": float(env.get("ATENSI_ESCALATION_HOURS", 48)),
            "assign_first_task": env.get("ATENSI_ASSIGN_FIRST_TASK", "1").lower() not in ("0", "false", "no"),
            "handover_due_hours": float(env.get("ATENSI_HANDOVER_DUE_HOURS", 72)),
            "base_url": env.get("ATENSI_BASE_URL", "http://127.0.0.1:8080"),
            "smtp_host": env.get("ATENSI_SMTP_HOST") or None,
            "smtp_port": int(env.get("ATENSI_SMTP_PORT", 25)),
            "smtp_tls": env.get("ATENSI_SMTP_TLS", "").lower() in ("1", "true", "yes"),
            "smtp_username": env.get("ATENSI_SMTP_USERNAME") or None,
            "smtp_password": env.get("ATENSI_SMTP_PASSWORD") or None,
            "smtp_from": env.get("ATENSI_SMTP_FROM", "atensi@localhost"),
            "webhook_url": env.get("ATENSI_WEBHOOK_URL") or None,
            "webhook_secret": env.get("ATENSI_WEBHOOK_SECRET") or None,
            "smtp_ssl": env.get("ATENSI_SMTP_SSL", "").lower() in ("1", "true", "yes"),
            "scheduler_poll_seconds": float(env.get("ATENSI_SCHEDULER_POLL_SECONDS", 0.5)),
            "delivery_retry_base_seconds": float(env.get("ATENSI_DELIVERY_RETRY_BASE_SECONDS", 30)),
            "delivery_retry_max_seconds": float(env.get("ATENSI_DELIVERY_RETRY_MAX_SECONDS", 3600)),
            "password_time_cost": int(env.get("ATENSI_PASSWORD_TIME_COST", argon2.DEFAULT_TIME_COST)),
            "password_memory_kib": int(env.get("ATENSI_PASSWORD_MEMORY_KIB", argon2.DEFAULT_MEMORY_COST)),
            "password_parallelism": int(env.get("ATENSI_PASSWORD_PARALLELISM", argon2.DEFAULT_PARALLELISM)),
            "retention_years": float(env.get("ATENSI_RETENTION_YEARS", 5)),
            "retention_automatic": env.get("ATENSI_RETENTION_AUTOMATIC", "").lower() in ("1", "true", "yes"),
            "sandbox_wall_seconds": float(env.get("ATENSI_SANDBOX_WALL_SECONDS", 2)),
            "sandbox_cpu_seconds": float(env.get("ATENSI_SANDBOX_CPU_SECONDS", 1)),
            "sandbox_memory_mib": int(env.get("ATENSI_SANDBOX_MEMORY_MIB", 256)),
            "sandbox_workers": int(env.get("ATENSI_SANDBOX_WORKERS", 2)),
            "note_correction_minutes": float(env.get("ATENSI_NOTE_CORRECTION_MINUTES", 15)),
            "documents_url": _default_documents_url(),
            "document_max_bytes": int(float(env.get("ATENSI_DOCUMENT_MAX_MB", 10)) * 1024 * 1024),
        }
        values.update(overrides)
        return cls(**values)
