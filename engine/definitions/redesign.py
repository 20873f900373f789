"""What a supervisor does to a process definition from the editor: read a version's files, validate
a draft, compare versions, run the scenarios, and deploy a draft as a new version.

A draft is the files the editor sends (usually the edited BPMN, maybe an edited form) laid over
the files of the version it started from, so that DMN, forms and scenarios the editor did not
touch go into the new version unchanged.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from engine.config import BPMN_DIR
from engine.definitions import archives, deployments
from engine.definitions.bundle_files import BPMN_SUFFIXES
from engine.definitions.diff import VersionDiff, diff_files, find_version, stored_files
from engine.definitions.parsing import parse_bundle
from engine.definitions.scenarios import ScenarioRun, run_isolated, run_scenarios
from engine.errors import DeployError, NotFound
from engine.people.access import Actor, require_role
from engine.storage.models import ProcessFile, ProcessVersion
from engine.storage.unit_of_work import UnitOfWork
from engine.vocabulary import EDITORS

BUNDLE_SUFFIXES = (*BPMN_SUFFIXES, ".dmn", ".json")
ScenarioRunner = Callable[[dict, str | None, tuple], ScenarioRun]


@dataclass
class Validation:
    process_key: str | None
    problems: list
    warnings: list
    unmapped_lanes: list = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {"valid": self.valid, "process_key": self.process_key,
                "problems": [p.to_dict() for p in self.problems], "warnings": [w.to_dict() for w in self.warnings],
                "unmapped_lanes": self.unmapped_lanes}


class ScenariosFailed(DeployError):
    """The draft's scenarios failed and the deploy was not told to override them."""

    def __init__(self, run: ScenarioRun):
        super().__init__(list(run.problems))
        self.run = run

    def __str__(self) -> str:
        failed = [r.name for r in self.run.results if not r.passed]
        return f"{len(failed)} scenario(s) failed: {', '.join(failed)}" if failed else "the scenarios could not run"


@dataclass
class DeployOutcome:
    version: ProcessVersion
    created: bool
    scenarios: ScenarioRun
    overridden: bool


class Redesign:
    def __init__(self, session_factory: sessionmaker, isolated_scenarios: bool = True):
        self.session_factory = session_factory
        self.run_scenarios: ScenarioRunner = run_isolated if isolated_scenarios else run_scenarios

    # --- reading ---------------------------------------------------------------------------------

    def files(self, process_key: str, version: int, actor: Actor | None = None) -> list[dict]:
        with UnitOfWork(self.session_factory, write=False) as uow:
            version_id = find_version(uow.session, process_key, version, actor).id
            rows = uow.session.execute(select(ProcessFile.name, ProcessFile.kind, ProcessFile.content)
                                       .where(ProcessFile.version_id == version_id).order_by(ProcessFile.name))
            return [{"name": name, "kind": kind, "size": len(content)} for name, kind, content in rows]

    def file(self, process_key: str, version: int, name: str, actor: Actor | None = None) -> tuple[str, bytes]:
        """(kind, content) of one file of a version."""
        with UnitOfWork(self.session_factory, write=False) as uow:
            row = uow.session.get(ProcessFile, (find_version(uow.session, process_key, version, actor).id, name))
            if row is None:
                raise NotFound(f"version {version} of {process_key!r} has no file {name!r}")
            return row.kind, bytes(row.content)

    def diff(self, process_key: str, old: int, new: int, actor: Actor | None = None) -> VersionDiff:
        with UnitOfWork(self.session_factory, write=False) as uow:
            return diff_files(stored_files(find_version(uow.session, process_key, old, actor)),
                              stored_files(find_version(uow.session, process_key, new, actor)))

    def diff_draft(self, process_key: str, files: dict[str, bytes], base_version: int | None,
                   actor: Actor | None = None) -> VersionDiff:
        base = self._base_files(process_key, base_version, actor)
        return diff_files(base, {**base, **files})

    def unpack(self, files: dict[str, bytes], actor: Actor) -> list[dict]:
        """Uploaded files (zips expanded, safely) as text, for the editor to import as one bundle."""
        require_role(actor, *EDITORS)
        unpacked = []
        for name, raw in sorted(archives.expand(files).items()):
            kind = deployments.file_kind(name) if name.lower().endswith(BUNDLE_SUFFIXES) else None
            if kind is not None:
                unpacked.append({"name": name, "kind": kind, "text": archives.as_text(name, raw)})
        return unpacked

    # --- checking a draft --------------------------------------------------------------------------

    def validate(self, files: dict[str, bytes], actor: Actor, process_key: str | None = None,
                 base_version: int | None = None, lane_roles: dict[str, str] | None = None) -> Validation:
        """The deploy checks, without deploying: every problem with its file, element and line, and
        the lanes that need a role."""
        require_role(actor, *EDITORS)
        bundle = self.draft(process_key, files, base_version, actor) if process_key else files
        try:
            parsed = parse_bundle(bundle, process_key, lane_roles)
        except DeployError as exc:
            return Validation(process_key, exc.problems, list(getattr(exc, "warnings", [])),
                              list(getattr(exc, "unmapped_lanes", [])))
        return Validation(parsed.process_key, [], parsed.warnings)

    def scenarios(self, process_key: str, actor: Actor, files: dict[str, bytes] | None = None,
                  base_version: int | None = None) -> ScenarioRun:
        require_role(actor, *EDITORS)  # a run costs a process and seconds of CPU
        return self.run_scenarios(self.draft(process_key, files or {}, base_version, actor), process_key,
                                  self._companions(process_key, actor))

    def draft(self, process_key: str, files: dict[str, bytes], base_version: int | None,
              actor: Actor | None = None) -> dict[str, bytes]:
        """The draft's files over its base version's (by default the one the actor's deploy would
        replace: their unit's newest, else the national newest; none for a new key)."""
        return {**self._base_files(process_key, base_version, actor), **files}

    # --- deploying ---------------------------------------------------------------------------------

    def deploy(self, process_key: str, files: dict[str, bytes], actor: Actor, note: str = "",
               base_version: int | None = None, override_scenarios: bool = False,
               lane_roles: dict[str, str] | None = None) -> DeployOutcome:
        """Validate, run the scenarios, then deploy in one transaction. Nothing changes on failure."""
        require_role(actor, *EDITORS)
        bundle = self.draft(process_key, files, base_version, actor)
        # A DeployError names every problem before anything runs; the lanes' roles go into the files.
        bundle = parse_bundle(bundle, process_key, lane_roles).files
        run = self.run_scenarios(bundle, process_key, self._companions(process_key, actor))
        overridden = not run.passed
        if overridden and not override_scenarios:
            raise ScenariosFailed(run)
        if overridden:
            failed = sum(1 for r in run.results if not r.passed) + len(run.problems)
            note = f"{note} [skenario gagal ({failed}) dilewati oleh {actor.username}]".strip()
        with UnitOfWork(self.session_factory) as uow:
            version, created = deployments.deploy(uow.session, bundle, actor, note, process_key)
            uow.commit()
        return DeployOutcome(version, created, run, overridden)

    def _companions(self, process_key: str, actor: Actor | None) -> tuple[dict[str, bytes], ...]:
        """The other processes the draft's cases may start (a crisis starts a case response), for its
        scenarios: the newest deployed version of each, else the shipped diagram (bpmn/)."""
        with UnitOfWork(self.session_factory, write=False) as uow:
            keys = set(uow.session.scalars(select(ProcessVersion.process_key).distinct()))
            scope = deployments.scope_of(actor) if actor else None
            newest = [deployments.newest(uow.session, key, scope) for key in sorted(keys - {process_key})]
            deployed = [stored_files(version) for version in newest if version is not None]
        shipped = [bundle for name, bundle in deployments.named_folder_bundles(BPMN_DIR)
                   if name.removesuffix(".bpmn") not in keys | {process_key}]
        return (*deployed, *shipped)

    def _base_files(self, process_key: str, base_version: int | None, actor: Actor | None) -> dict[str, bytes]:
        with UnitOfWork(self.session_factory, write=False) as uow:
            if base_version is not None:
                return stored_files(find_version(uow.session, process_key, base_version, actor))
            newest = deployments.newest(uow.session, process_key, deployments.scope_of(actor) if actor else None)
            return stored_files(newest) if newest is not None else {}
