"""Deployed versions, restored once per process and shared by every case on them.

A version's content never changes, so its restored spec and element facts are cached by content
hash; a case load costs one small indexed query instead of parsing the spec again.
"""
from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases import state as workflow_state
from engine.storage.models import ProcessFile, ProcessVersion

_CACHE_SIZE = 64


@dataclass(frozen=True)
class CompiledVersion:
    id: int
    process_key: str
    version: int
    specs: tuple
    elements: dict
    start_messages: list
    forms: dict  # form file name -> JSON Schema

    def element(self, element_id: str | None) -> dict:
        return self.elements.get(element_id or "", {})


_cache: OrderedDict[str, CompiledVersion] = OrderedDict()
_lock = Lock()


def remember_hash(session: Session, version_id: int, content_hash: str) -> None:
    """A version's content hash read along with something else, kept for this transaction."""
    session.info[("version_hash", version_id)] = content_hash


def compiled(session: Session, version_id: int) -> CompiledVersion:
    content_hash = session.info.get(("version_hash", version_id)) or session.scalar(
        select(ProcessVersion.content_hash).where(ProcessVersion.id == version_id))
    key = f"{version_id}:{content_hash}"
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    row = session.execute(
        select(ProcessVersion.process_key, ProcessVersion.version, ProcessVersion.spec, ProcessVersion.meta)
        .where(ProcessVersion.id == version_id)
    ).one()
    forms = {name: json.loads(content) for name, content in session.execute(
        select(ProcessFile.name, ProcessFile.content).where(ProcessFile.version_id == version_id,
                                                             ProcessFile.kind == "form"))}
    result = CompiledVersion(version_id, row.process_key, row.version, workflow_state.restore_specs(row.spec),
                             row.meta.get("elements") or {}, row.meta.get("start_messages") or [], forms)
    with _lock:
        _cache[key] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result
