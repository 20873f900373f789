"""Deploying a set of BPMN, DMN and form files as a new version of a process key.

Who changes which process for whom: an admin's deploy is the national version, or one unit's own
version when the admin names the unit; a supervisor's deploy is their own unit's version. New cases
of a unit start on the unit's newest version, and on the newest national one while the unit has
none. So one unit's redesign never changes another unit's cases, and only an admin changes the
process of every unit that has not made its own.
"""
from __future__ import annotations

from pathlib import Path

from lxml import etree
from sqlalchemy import bindparam, case, func, or_, select, true
from sqlalchemy.orm import Session

from engine import clock
from engine.cases import state as workflow_state
from engine.definitions.dialects import referenced_decisions
from engine.definitions.documents import BPMN_NS, local
from engine.definitions.parsing import ParsedBundle, parse_bundle
from engine.errors import Forbidden, NotFound, Problem
from engine.people.access import Actor, require_role
from engine.storage.models import Case, ProcessFile, ProcessVersion, Unit, User
from engine.vocabulary import ADMIN, CASE_COMPLETED, EDITORS


def deploy(session: Session, files: dict[str, bytes], actor: Actor, note: str = "",
           process_key: str | None = None, lane_roles: dict[str, str] | None = None,
           unit_id: int | None = None) -> tuple[ProcessVersion, bool]:
    """Returns the version and whether it is new. Identical content gives the existing version.
    `lane_roles` maps lanes that are not roles to roles (written into the stored diagram).
    `unit_id` deploys a unit's own version: an admin (or the system) for any unit, a supervisor
    only for their own."""
    require_role(actor, *EDITORS)
    unit_id = _chosen_unit(session, actor, unit_id) if unit_id is not None else scope_of(actor)
    bundle = parse_bundle(files, process_key, lane_roles)
    current = newest(session, bundle.process_key, unit_id)
    if current is not None and current.content_hash == bundle.content_hash:
        return _with_meta(current), False  # what this unit's new cases start on already
    existing = session.scalars(select(ProcessVersion).where(
        ProcessVersion.process_key == bundle.process_key, ProcessVersion.content_hash == bundle.content_hash,
        _in_scope(unit_id))).first()
    if existing is not None:
        return _with_meta(existing), False
    bundle.warnings.extend(unknown_assignees(session, bundle))
    version = _new_version(session, bundle, actor, note)
    version.unit_id = unit_id
    session.add(version)
    session.flush()
    return version, True


def _with_meta(version: ProcessVersion) -> ProcessVersion:
    """Loads the deferred meta (its warnings), so callers can read it once the session is closed."""
    _ = version.meta
    return version


def _chosen_unit(session: Session, actor: Actor, unit_id: int) -> int:
    if not (actor.is_system or actor.has(ADMIN) or actor.unit_id == unit_id):
        raise Forbidden("only an admin deploys a version for another unit")
    if session.get(Unit, unit_id) is None:
        raise NotFound(f"unit {unit_id} not found")
    return unit_id


def scope_of(actor: Actor) -> int | None:
    """The unit a deploy by this actor is for: None (national) for an admin or the system."""
    return None if actor.is_system or actor.has(ADMIN) else actor.unit_id


def newest(session: Session, process_key: str, unit_id: int | None) -> ProcessVersion | None:
    """The version new cases of the unit start on: its newest own one, else the newest national one."""
    found = newest_row(session, process_key, unit_id)
    return None if found is None else session.get(ProcessVersion, found.id)


def newest_row(session: Session, process_key: str, unit_id: int | None):
    """newest() as (id, content_hash), or None: what a registration needs, without loading the version."""
    return session.execute(_NEWEST, {"process_key": process_key, "unit_id": unit_id}).first()


# Built once: every registration asks it, and building the statement cost ten times running it.
# A unit's own versions sort before the national ones; with no unit, `unit_id = NULL` matches none.
_NEWEST = (select(ProcessVersion.id, ProcessVersion.content_hash)
           .where(ProcessVersion.process_key == bindparam("process_key"),
                  or_(ProcessVersion.unit_id.is_(None), ProcessVersion.unit_id == bindparam("unit_id")))
           .order_by(case((ProcessVersion.unit_id.is_(None), 1), else_=0), ProcessVersion.version.desc())
           .limit(1))


def visible_to(actor: Actor):
    """Which versions an actor may read and migrate to: national ones and their unit's (admin: all)."""
    if actor.is_system or actor.has(ADMIN):
        return true()
    return or_(ProcessVersion.unit_id.is_(None), ProcessVersion.unit_id == actor.unit_id)


def _in_scope(unit_id: int | None):
    return ProcessVersion.unit_id.is_(None) if unit_id is None else ProcessVersion.unit_id == unit_id


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


def unknown_assignees(session: Session, bundle: ParsedBundle) -> list[Problem]:
    """A warning for each assignee (often from another tool) who is not an active user here."""
    named = {element_id: fact["assignee"] for element_id, fact in bundle.elements.items() if fact.get("assignee")}
    known = set(session.scalars(select(User.username).where(User.username.in_(set(named.values())),
                                                            User.active.is_(True)))) if named else set()
    return [Problem(f"assignee {username!r} is not a user here: the task waits in the queue of its role "
                    f"({bundle.elements[element_id].get('role') or 'none'}) unless such a user exists when "
                    "it opens", *_where(bundle.files, element_id))
            for element_id, username in sorted(named.items()) if username not in known]


def _where(files: dict[str, bytes], element_id: str) -> tuple[str | None, str, int | None]:
    """(file, element id, line) of an element of the bundle's BPMN files."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for name, raw in sorted(files.items()):
        if file_kind(name) == "bpmn":
            found = etree.fromstring(raw, parser).xpath("//*[@id=$id]", id=element_id)
            if found:
                return name, element_id, found[0].sourceline
    return None, element_id, None


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
    return [bundle for _, bundle in named_folder_bundles(folder)]


def named_folder_bundles(folder: Path) -> list[tuple[str, dict[str, bytes]]]:
    """(BPMN file name, bundle) for each BPMN file in a folder (`*.bpmn`, `*.bpmn20.xml`), each with the
    BPMN files of the processes it calls, the DMN files whose decisions they call, the folder's forms
    (forms/*.json) and its own scenarios (scenarios/<name>.scenario.json)."""
    dmns = {p.name: p.read_bytes() for p in sorted(folder.glob("*.dmn"))}
    defines = {name: _decision_ids(raw) for name, raw in dmns.items()}
    forms = {p.name: p.read_bytes() for p in sorted((folder / "forms").glob("*.json"))}
    bpmns = {p.name: p.read_bytes() for p in sorted({*folder.glob("*.bpmn"), *folder.glob("*.bpmn20.xml")})}
    roots = {name: _xml(raw) for name, raw in bpmns.items()}
    bundles = []
    for name in bpmns:
        members = _with_called(name, roots)
        calls = set().union(*(referenced_decisions(roots[m]) for m in members if roots[m] is not None))
        stem = name.removesuffix(".bpmn20.xml").removesuffix(".bpmn")
        scenarios = {s.name: s.read_bytes() for s in sorted((folder / "scenarios").glob(f"{stem}.scenario*.json"))}
        bundles.append((name, {**{m: bpmns[m] for m in sorted(members)},
                               **{n: d for n, d in dmns.items() if defines[n] & calls}, **forms, **scenarios}))
    return bundles


def _with_called(name: str, roots: dict) -> set[str]:
    """The file and, transitively, the files defining the processes its call activities call."""
    defined_in = {p.get("id"): n for n, root in roots.items() if root is not None
                  for p in root.iter(f"{{{BPMN_NS}}}process")}
    members, pending = set(), [name]
    while pending:
        current = pending.pop()
        members.add(current)
        root = roots.get(current)
        called = {c.get("calledElement") for c in root.iter(f"{{{BPMN_NS}}}callActivity")} if root is not None else ()
        pending.extend(defined_in[c] for c in called if c in defined_in and defined_in[c] not in members)
    return members


def _xml(raw: bytes):
    try:
        return etree.fromstring(raw, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None  # the deploy reports it, with its line


def _decision_ids(raw: bytes) -> set[str]:
    root = _xml(raw)
    return {el.get("id") for el in root if local(el) == "decision"} if root is not None else set()


def list_versions(session: Session, actor: Actor | None = None) -> list[tuple[ProcessVersion, int]]:
    """Every version (the ones the actor may see) with the number of cases running on it."""
    running = (select(Case.process_version_id, func.count().label("n")).where(Case.status != CASE_COMPLETED)
               .group_by(Case.process_version_id).subquery())
    rows = session.execute(
        select(ProcessVersion, func.coalesce(running.c.n, 0))
        .outerjoin(running, running.c.process_version_id == ProcessVersion.id)
        .where(visible_to(actor) if actor is not None else true())
        .order_by(ProcessVersion.process_key, ProcessVersion.version)
    )
    return [(version, count) for version, count in rows]
