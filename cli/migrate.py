"""`atensi migrate`: move running cases to another version of their process (dry run by default)."""
from __future__ import annotations

import sys

import click

from engine.cases.migration import MOVE_FAILED, MOVE_STATUSES, CaseMigrations, MigrationReport
from engine.config import Settings
from engine.errors import EngineError
from engine.people.access import SYSTEM_ACTOR

from .database import session_factory as migrated_session_factory


@click.command("migrate", help="Move the running cases of PROCESS_KEY to another version (default: the newest). "
                               "Without --apply this is a dry run that says, per case, whether it can move and why "
                               "not. Every move is recorded in the case's history and can be undone with --undo.")
@click.argument("process_key", required=False)
@click.option("--to", "to_version", type=int,
              help="Target version (default: each case's unit's newest version, else the newest national one).")
@click.option("--from", "from_version", type=int, help="Only cases on this version (default: every other one).")
@click.option("--case", "case_ids", type=int, multiple=True, help="Only these cases (repeatable).")
@click.option("--apply", is_flag=True, help="Migrate the cases that can move (a progress bar goes to stderr).")
@click.option("--undo", "undo_id", metavar="MIGRATION_ID", help="Move the cases of a migration back.")
@click.pass_obj
def migrate(settings: Settings, process_key, to_version, from_version, case_ids, apply, undo_id):
    session_factory = migrated_session_factory(settings)
    migrations = CaseMigrations(session_factory)
    try:
        if undo_id:
            report = _with_progress(lambda progress: migrations.undo(undo_id, SYSTEM_ACTOR, progress), None)
        elif not process_key:
            raise click.UsageError("name the PROCESS_KEY (or give --undo MIGRATION_ID)")
        else:
            kwargs = {"to_version": to_version, "from_version": from_version, "case_ids": list(case_ids) or None}
            if apply:
                report = _with_progress(
                    lambda progress: migrations.migrate(process_key, SYSTEM_ACTOR, progress=progress, **kwargs),
                    migrations.count(process_key, SYSTEM_ACTOR, **kwargs))
            else:
                report = migrations.dry_run(process_key, SYSTEM_ACTOR, **kwargs)
    except EngineError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        session_factory.kw["bind"].dispose()  # no pooled connection outlives the command
    _print(report)
    if report.count(MOVE_FAILED):
        raise SystemExit(1)


def _with_progress(run, total: int | None) -> MigrationReport:
    with click.progressbar(length=total or 0, label="migrating cases", file=sys.stderr, show_pos=True) as bar:
        return run(bar.update)


def _print(report: MigrationReport) -> None:
    title = "dry run" if report.dry_run else "migration"
    targets = {case.to_version for case in report.cases}
    target = f"version {report.to_version}" if len(targets) <= 1 else "each unit's newest version"
    click.echo(f"{title} {report.migration_id}: {report.process_key} -> {target}")
    for case in report.cases:
        reasons = "; ".join(f"{r.element_id + ': ' if r.element_id else ''}{r.message}" for r in case.blockers)
        tasks = ", ".join(case.open_tasks) or "-"
        click.echo(f"  case {case.case_id:<6} v{case.from_version} -> v{case.to_version}  {case.status:<8} "
                   f"open: {tasks}" + (f"  [{reasons}]" if reasons else ""))
    counts = {s: report.count(s) for s in MOVE_STATUSES}
    click.echo("  " + ", ".join(f"{n} {s}" for s, n in counts.items() if n) if any(counts.values())
               else "  no running case to move")
    if report.dry_run and counts["movable"]:
        click.echo("run again with --apply to migrate the movable cases")
