"""The `atensi` command. Each command is a thin wrapper over a plain function of engine/ or of the
composition root (atensi.server)."""
from __future__ import annotations

import errno
import os
import socket
import sys
from dataclasses import replace
from pathlib import Path

import click

from atensi import server
from engine import demo, instance_secret
from engine.cases.runtime import Runtime
from engine.config import BPMN_DIR, Settings
from engine.definitions.deployments import list_versions, named_folder_bundles
from engine.errors import DeployError, EngineError
from engine.people import accounts
from engine.people.access import SYSTEM_ACTOR
from engine.people.directory import unit_by_code
from engine.vocabulary import ROLES

from .database import session_factory as _session_factory
from .migrate import migrate
from .retention import retention


@click.group(help="ATENSI: case management for social rehabilitation (KP Napza).")
@click.pass_context
def cli(ctx):
    ctx.obj = Settings.from_env()


@cli.group(help="Database commands.")
def db():
    pass


@db.command("upgrade", help="Migrate the database to the newest schema (Alembic).")
@click.pass_obj
def db_upgrade(settings: Settings):
    _session_factory(settings)
    click.echo(f"database at {_safe_url(settings.database_url)} is up to date")


@cli.command(help="Deploy every BPMN file in FOLDER (*.bpmn, *.bpmn20.xml) with the DMN files it calls and "
                  "forms/ as new versions. A refused bundle is reported and the rest go on (exit 1 if any).")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--note", default="", help="Why this version was deployed.")
@click.option("--unit", "unit_code", default=None,
              help="Deploy as this unit's own version (its new cases start on it); default: the national version.")
@click.pass_obj
def deploy(settings: Settings, folder: Path, note: str, unit_code: str | None):
    factory = _session_factory(settings)
    runtime = Runtime(factory)
    unit_id = None
    if unit_code:
        with factory() as session:
            try:
                unit_id = unit_by_code(session, unit_code).id
            except EngineError as exc:
                raise click.ClickException(str(exc)) from exc
    bundles = named_folder_bundles(folder)
    refused = [name for name, bundle in bundles if not _deploy_one(runtime, name, bundle, note, unit_id)]
    if refused:
        raise click.ClickException(f"{len(refused)} of {len(bundles)} bundles refused: {', '.join(refused)}")
    if not bundles:
        raise click.ClickException(f"no BPMN file (*.bpmn, *.bpmn20.xml) in {folder}")


def _deploy_one(runtime: Runtime, name: str, bundle: dict[str, bytes], note: str, unit_id: int | None) -> bool:
    try:
        version, created = runtime.deploy(bundle, SYSTEM_ACTOR, note=note, unit_id=unit_id)
    except DeployError as exc:
        click.echo(f"{name}: refused", err=True)
        for p in exc.problems:
            click.echo(f"  {p.file or name}:{p.line or '?'} {p.element_id or '-'}: {p.message}", err=True)
        return False
    except EngineError as exc:
        click.echo(f"{name}: refused: {exc}", err=True)
        return False
    scope = " for its unit" if version.unit_id is not None else ""
    click.echo(f"{version.process_key} v{version.version} {'deployed' if created else 'unchanged'}{scope} ({name})")
    return True


@cli.command(help="List process keys and versions with who deployed them and running cases.")
@click.pass_obj
def definitions(settings: Settings):
    with _session_factory(settings)() as session:
        rows = list_versions(session)
        for version, running in rows:
            click.echo(f"{version.process_key:<20} v{version.version:<4} {version.deployed_at:%Y-%m-%d %H:%M} "
                       f"{version.deployed_by or '-':<12} running={running:<5} {version.note}")
        if not rows:
            click.echo("no process is deployed; try: atensi deploy bpmn/")


@cli.group(help="Users.")
def users():
    pass


@users.command("create", help="Create a user in a unit (by unit code).")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(ROLES))
@click.option("--unit", "unit_code", required=True, help="The unit's code, e.g. BALAI-DEMO.")
@click.option("--full-name", default="")
@click.option("--email", default=None)
@click.password_option(envvar="ATENSI_NEW_USER_PASSWORD")
@click.pass_obj
def users_create(settings, username, roles, unit_code, full_name, email, password):
    with _session_factory(settings)() as session:
        try:
            unit = unit_by_code(session, unit_code)
            accounts.create_user(session, username, password, list(roles), unit.id, full_name, email,
                               passwords=accounts.Passwords(settings))
            session.commit()
        except EngineError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"user {username} created in {unit_code} with roles {', '.join(roles)}")


@users.command("set-password", help="Set a user's password: asked twice, or read from standard input.")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.pass_obj
def users_set_password(settings: Settings, username: str, password_stdin: bool):
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    with _session_factory(settings)() as session:
        try:
            accounts.update_user(session, username, password=password, passwords=accounts.Passwords(settings))
            session.commit()
        except EngineError as exc:
            raise _explained(exc) from exc
    click.echo(f"the password of {username} is changed")


@cli.group(help="Units (Balai, IPWL, LKS).")
def units():
    pass


@units.command("create", help="Create a unit.")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--kind", type=click.Choice(accounts.UNIT_KINDS), required=True)
@click.pass_obj
def units_create(settings, code, name, kind):
    with _session_factory(settings)() as session:
        try:
            accounts.create_unit(session, code, name, kind)
            session.commit()
        except EngineError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"unit {code} created")


@cli.command("demo", help="Create the demo unit and users and deploy bpmn/ (idempotent).")
@click.pass_obj
def demo_command(settings: Settings):
    report(ensure_demo(settings), settings)


def ensure_demo(settings: Settings) -> demo.DemoResult:
    return demo.ensure_demo(_session_factory(settings), accounts.Passwords(settings),
                            os.environ.get("ATENSI_DEMO_PASSWORD") or None, BPMN_DIR,
                            instance_dir=settings.instance_dir)


def report(result: demo.DemoResult, settings: Settings) -> None:
    for line in result.deployed:
        click.echo(f"deployed {line}")
    if result.created_users:
        click.echo(f"demo users in unit {result.unit_code}: {', '.join(result.created_users)}")
        if result.password_file is None:
            click.echo("their password is the value of ATENSI_DEMO_PASSWORD")
        else:
            click.echo(f"their generated password is: {result.password}  (kept in {result.password_file})")
    else:
        click.echo(f"demo users in unit {result.unit_code} exist already")
        remind_demo_password(settings)


def remind_demo_password(settings: Settings) -> None:
    kept = demo.kept_password_file(settings.instance_dir)
    if kept is not None:
        click.echo(f"the demo users' generated password is kept in {kept} "
                   "(to change a user's: atensi users set-password USERNAME)")


@cli.command(help="Serve the API, the web pages and the scheduler (waitress).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="Run the scheduler elsewhere (atensi worker).")
@click.pass_obj
def serve(settings: Settings, host: str, port: int, threads: int, no_scheduler: bool):
    check_port_is_free(host, port)  # before the scheduler starts, so a second copy does nothing
    settings = with_own_secret(settings, host)
    app = prepare_server(settings, scheduler=not no_scheduler)
    try:
        waitress = server.make_server(app, host, port, threads)
    except OSError as exc:
        raise click.ClickException(_cannot_listen(host, port, exc)) from exc
    click.echo(f"ATENSI on http://{host}:{port}/  (API docs: http://{host}:{port}/api/v1/docs)")
    waitress.run()


def with_own_secret(settings: Settings, host: str | None) -> Settings:
    """The first start without ATENSI_SECRET_KEY generates a secret and keeps it in the instance
    folder; the built-in one is refused unless in development on loopback."""
    if settings.secret_key == instance_secret.BUILTIN_SECRET and not os.environ.get("ATENSI_SECRET_KEY"):
        path = instance_secret.keep_new_secret(settings.instance_dir)
        click.echo(f"generated a secret key for tokens and cookies, kept in {path}")
        if not settings.database_url.startswith("sqlite"):  # a shared database: maybe several hosts
            click.echo("  every host on this database needs the same secret (ATENSI_SECRET_KEY, or this file): "
                       "cookies and tokens signed by a host with its own are refused by the others")
        settings = replace(settings, secret_key=instance_secret.kept_secret(settings.instance_dir))
    try:
        instance_secret.refuse_builtin(settings.secret_key, settings.development, host)
    except instance_secret.BuiltinSecretRefused as exc:
        raise click.ClickException(str(exc)) from exc
    return settings


def check_port_is_free(host: str, port: int) -> None:
    try:
        socket.create_server((host, port)).close()
    except OSError as exc:
        raise click.ClickException(_cannot_listen(host, port, exc)) from exc


def _cannot_listen(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (f"port {port} on {host} is in use by another program; choose another port: "
                f"make run PORT=8090 (or atensi serve --port 8090)")
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another: make run HOST=... PORT=..."


def prepare_server(settings: Settings, scheduler: bool = True):
    """Upgrade the database, create demo data on a fresh one, build the app, start the scheduler."""
    if demo.is_fresh(_session_factory(settings)):
        report(ensure_demo(settings), settings)
    else:
        remind_demo_password(settings)
    return server.app_with_scheduler(settings, scheduler)


@cli.command(help="Run the scheduler as its own process.")
@click.option("--once", is_flag=True, help="Do everything due now, then exit.")
def worker(once: bool):
    server.run_worker(once)


def _explained(exc: EngineError) -> click.ClickException:
    """The error with what is wrong per field, e.g. "password too short (password: at least 8 characters)"."""
    details = "; ".join(f"{name}: {', '.join(messages)}" for name, messages in getattr(exc, "fields", {}).items())
    return click.ClickException(f"{exc} ({details})" if details else str(exc))


def _safe_url(url: str) -> str:
    """The URL without its password, for printing."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"


cli.add_command(migrate)
cli.add_command(retention)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="atensi")
