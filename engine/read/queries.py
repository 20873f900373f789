"""The read side's one entry point: what the inbox, the case lists and the case pages show.

Each part lives in a module of its own (engine.read.inbox, case_search, case_detail, alerts_incidents,
process_definitions); ``Queries`` joins them so that callers hold one object.
"""
from __future__ import annotations

from engine.read.alerts_incidents import AlertQueries
from engine.read.case_detail import CaseDetailQueries
from engine.read.case_search import CaseSearchQueries
from engine.read.inbox import InboxQueries
from engine.read.process_definitions import DefinitionQueries


class Queries(InboxQueries, CaseSearchQueries, CaseDetailQueries, AlertQueries, DefinitionQueries):
    pass
