"""The deployed process definitions, their versions and their BPMN files."""
from __future__ import annotations

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import deployments
from engine.errors import NotFound
from engine.people.access import Actor
from engine.read.reading import Reader
from engine.storage.models import (
    ProcessFile,
    ProcessVersion,
)


class DefinitionQueries(Reader):
    def definitions(self, actor: Actor | None = None) -> list[dict]:
        """Each process key with its versions (those the actor may see), oldest first, and the cases
        running on each."""
        with self._read() as uow:
            by_key: dict[str, dict] = {}
            for version, running in deployments.list_versions(uow.session, actor):
                entry = by_key.setdefault(version.process_key, {"key": version.process_key, "versions": []})
                entry.update(name=version.name)
                entry["versions"].append({**_columns(version), "running_cases": running})
            scope = deployments.scope_of(actor) if actor is not None else None
            for key, entry in by_key.items():  # the version the caller's new cases start on
                current = deployments.newest(uow.session, key, scope)
                entry["latest_version"] = current.version if current else entry["versions"][-1]["version"]
            return list(by_key.values())

    def version_bpmn(self, process_key: str, version: int, actor: Actor | None = None) -> str:
        with self._read() as uow:
            query = select(ProcessVersion.id).where(ProcessVersion.process_key == process_key,
                                                    ProcessVersion.version == version)
            version_id = uow.session.scalar(query.where(deployments.visible_to(actor)) if actor else query)
            if version_id is None:
                raise NotFound(f"process {process_key!r} has no version {version}")
            return bpmn_xml(uow.session, version_id, process_key)


UNREAD_COLUMNS = {"spec", "meta", "state"}  # large; never part of a listing


def _columns(row) -> dict:
    mapper = sa_inspect(row).mapper
    return {attr.key: getattr(row, attr.key) for attr in mapper.column_attrs if attr.key not in UNREAD_COLUMNS}

def bpmn_xml(session: Session, version_id: int, process_key: str) -> str:
    """The BPMN file of a version that defines the process (a bundle may hold several)."""
    files = session.scalars(select(ProcessFile).where(
        ProcessFile.version_id == version_id, ProcessFile.kind == "bpmn").order_by(ProcessFile.name)).all()
    marker = f'id="{process_key}"'.encode()
    chosen = next((f for f in files if marker in f.content), files[0] if files else None)
    if chosen is None:
        raise NotFound(f"version {version_id} has no BPMN file")
    return chosen.content.decode("utf-8")
