"""The public interop corpus: real diagrams drawn by other tools, kept byte-for-byte in
tests/data/interop (its README.md says where each file comes from and under which licence)."""
from __future__ import annotations

from pathlib import Path

INTEROP = Path(__file__).resolve().parent / "data" / "interop"
DIAGRAMS = sorted(p.name for p in INTEROP.iterdir() if p.suffix in (".bpmn", ".xml"))


def interop_bytes(name: str) -> bytes:
    return (INTEROP / name).read_bytes()


def interop(*names: str) -> dict[str, bytes]:
    return {name: interop_bytes(name) for name in names}
