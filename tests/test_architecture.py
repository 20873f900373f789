"""The layers only depend downwards: engine/ knows nothing of HTTP, the scheduler or the web."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_ENGINE = {"flask", "flask_smorest", "marshmallow", "apscheduler", "api", "workers", "web", "werkzeug"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "engine").glob("*.py")), ids=lambda p: p.name)
def test_engine_modules_never_import_the_adapters(path):
    assert not (_imports(path) & FORBIDDEN_IN_ENGINE)


def test_the_architecture_check_sees_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import Flask\n")
    assert _imports(bad) & FORBIDDEN_IN_ENGINE == {"flask"}
