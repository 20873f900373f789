"""The service container: the engine services one app talks to, built once per app in create_app
and kept on the app, where every adapter finds them with ``services()``."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from engine.alerts.acknowledge import AlertActions
from engine.casefile import CaseFile
from engine.cases.assignment import Reassignments
from engine.cases.handover import Handovers
from engine.cases.runtime import Runtime
from engine.config import Settings
from engine.people.accounts import Passwords
from engine.people.directory import Directory
from engine.people.saved_filters import SavedFilters
from engine.pms.service import PmRecords
from engine.privacy.access_log import AccessLog
from engine.privacy.consent import Consents
from engine.privacy.subject_access import SubjectAccess
from engine.read.queries import Queries
from engine.storage.db import make_engine, make_session_factory

KEY = "atensi"


@dataclass
class Privacy:
    """UU PDP: the record of processing, consent, subject access."""

    consents: Consents
    access_log: AccessLog
    subject_access: SubjectAccess

    @classmethod
    def build(cls, session_factory: sessionmaker) -> Privacy:
        return cls(Consents(session_factory), AccessLog(session_factory), SubjectAccess(session_factory))


@dataclass
class Services:
    settings: Settings
    db: Engine
    session_factory: sessionmaker
    runtime: Runtime
    queries: Queries
    directory: Directory
    alerts: AlertActions
    privacy: Privacy
    casefile: CaseFile  # notes and documents
    handovers: Handovers  # transfers and referrals between units
    pms: PmRecords
    reassignments: Reassignments  # an absent worker's open tasks handed to others
    saved_filters: SavedFilters  # each user's named inbox filters

    @classmethod
    def build(cls, settings: Settings) -> Services:
        db = make_engine(settings.database_url)  # lazy: no connection until the first request
        session_factory = make_session_factory(db)
        runtime = Runtime(session_factory)
        return cls(settings, db, session_factory, runtime, Queries(session_factory),
                   Directory(session_factory, Passwords(settings)),
                   AlertActions(session_factory), Privacy.build(session_factory),
                   CaseFile.build(session_factory, settings), Handovers(session_factory, settings),
                   PmRecords(session_factory), Reassignments(session_factory),
                   SavedFilters(session_factory))


def services() -> Services:
    return current_app.extensions[KEY]


def services_of(app) -> Services:
    return app.extensions[KEY]
