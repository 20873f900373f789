"""Deploying a set of BPMN, DMN and form files as a new version of a process key."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import clock
from engine.cases import state as workflow_state
from engine.definitions.parsing import ParsedBundle, parse_bundle
from engine.people.access import Actor, require_role
from engine.storage.models import Case, ProcessFile, ProcessVersion


def deploy(session: Session, files: dict[str, bytes], actor: Actor, note: str = "",
           process_key: str | None = None, lane_roles: dict[str, str] | None = None) -> tuple[ProcessVersion, bool]:
    """Returns the version and whether it is new. Identical content gives the existing version.
    `lane_roles` maps lanes that are not roles to roles (written into the stored diagram)."""
    require_role(actor, "supervisor", "admin")
    bundle = parse_bundle(files, process_key, lane_roles)
    existing = session.scalars(select(ProcessVersion).where(
        ProcessVersion.process_key == bundle.process_key, ProcessVersion.content_hash == bundle.content_hash
    )).first()
    if existing is not None:
        return existing, False
    version = _new_version(session, bundle, actor, note)
    session.add(version)
    session.flush()
    return version, True


def _new_version(session: Session, bundle: ParsedBundle, actor: Actor, note: str) -> ProcessVersion:
    latest = session.scalar(
        select(func.max(ProcessVersion.version)).where(ProcessVersion.process_key == bundle.process_key)
    )
    return ProcessVersion(
        process_key=bundle.process_key, version=(latest or 0) + 1, name=bundle.name,
        content_hash=bundle.content_hash,
        spec=workflow_state.spec_to_dict(bundle.spec, bundle.subprocess_specs),
        meta={"elements": bundle.elements, "start_messages": bundle.start_messages,
              "warnings": [w.to_dict() for w in bundle.warnings]},
        note=note, deployed_by=actor.username, deployed_at=clock.now(),
        files=[ProcessFile(name=name, kind=file_kind(name), content=content)
               for name, content in sorted(bundle.files.items())],
    )


def file_kind(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith(".dmn"):
        return "dmn"
    if lowered.endswith(".scenario.json") or lowered.endswith(".scenarios.json"):
        return "scenario"
    if lowered.endswith(".json"):
        return "form"
    return "bpmn"


def folder_bundles(folder: Path) -> list[dict[str, bytes]]:
    """One bundle per BPMN file in a folder, each with the folder's DMN and form files beside it,
    and its own scenarios (scenarios/<name>.scenario.json)."""
    shared = {p.name: p.read_bytes() for p in sorted(folder.glob("*.dmn"))}
    shared.update({p.name: p.read_bytes() for p in sorted((folder / "forms").glob("*.json"))})
    return [{p.name: p.read_bytes(), **shared, **{s.name: s.read_bytes() for s in (folder / "scenarios").glob(
        f"{p.stem}.scenario*.json")}} for p in sorted(folder.glob("*.bpmn"))]


def list_versions(session: Session) -> list[tuple[ProcessVersion, int]]:
    """Every version with the number of cases running on it."""
    running = (select(Case.process_version_id, func.count().label("n")).where(Case.status != "completed")
               .group_by(Case.process_version_id).subquery())
    rows = session.execute(
        select(ProcessVersion, func.coalesce(running.c.n, 0))
        .outerjoin(running, running.c.process_version_id == ProcessVersion.id)
        .order_by(ProcessVersion.process_key, ProcessVersion.version)
    )
    return [(version, count) for version, count in rows]
