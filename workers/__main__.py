"""`python -m workers [--once]`: the scheduler as its own process (what `atensi worker` runs)."""
from __future__ import annotations

import argparse
import logging

from engine import instance_secret
from engine.config import Settings

from .scheduler import run_forever


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m workers", description="ATENSI scheduler worker")
    parser.add_argument("--once", action="store_true", help="do everything due now, then exit")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    try:  # the worker signs nothing itself, but shares the installation's secret: refuse as the server does
        instance_secret.refuse_builtin(settings.secret_key, settings.development)
    except instance_secret.BuiltinSecretRefused as exc:
        raise SystemExit(f"atensi worker: {exc}") from exc
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("spiff").setLevel(logging.WARNING)  # SpiffWorkflow logs every task state change at INFO
    run_forever(once=args.once)


if __name__ == "__main__":
    main()
