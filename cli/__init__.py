"""The `atensi` command line: an adapter over engine/ and the composition root (atensi.server)."""
from __future__ import annotations

from .commands import cli, main

__all__ = ["cli", "main"]
