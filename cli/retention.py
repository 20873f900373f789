"""`atensi retention`: anonymise closed cases past the retention period (dry run by default)."""
from __future__ import annotations

import click

from engine.casefile.blobs import store_for
from engine.config import Settings
from engine.privacy.retention import Retention

from .database import session_factory as migrated_session_factory


@click.command("retention", help="List the closed cases whose personal data is due to be anonymised (closed more "
                                 "than ATENSI_RETENTION_YEARS ago; product default 5). Without --apply nothing "
                                 "changes. Each anonymisation is recorded in the access log.")
@click.option("--years", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Override the retention period for this run (years after closing).")
@click.option("--apply", is_flag=True, help="Anonymise the cases listed.")
@click.pass_obj
def retention(settings: Settings, years: float | None, apply: bool):
    factory = migrated_session_factory(settings)
    keeper = Retention(factory, years if years is not None else settings.retention_years,
                       store_for(settings.documents_url, settings.s3_endpoint_url))
    try:
        due = keeper.apply() if apply else keeper.dry_run()
    finally:
        factory.kw["bind"].dispose()  # no pooled connection outlives the command
    verb = "anonymised" if apply else "would be anonymised"
    for case in due:
        click.echo(f"case {case.case_id:<8} unit {case.unit_id:<4} {case.process_key:<16} "
                   f"closed {case.completed_at:%Y-%m-%d} {verb}")
    click.echo(f"{len(due)} case(s) {verb} (retention: {keeper.years:g} years after closing)")
