"""The layers only depend downwards. engine/ knows nothing of HTTP, the scheduler, the web or the
command line; the adapters (api, web, workers, cli) are siblings that import engine/ and the
composition root's shared parts (atensi.services, .tokens, .limits), never each other. Only the
root's atensi.app and atensi.server put adapters together; the command line starts the product
through atensi.server, and no other adapter imports either."""
import ast
from itertools import permutations
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADAPTERS = ("api", "web", "workers", "cli")
LIBRARIES_OF_ADAPTERS = {"flask", "flask_smorest", "flask_babel", "flask_wtf", "flask_limiter", "werkzeug",
                         "marshmallow", "apscheduler", "click", "jwt"}
FORBIDDEN_IN_ENGINE = {*ADAPTERS, "atensi"} | LIBRARIES_OF_ADAPTERS
COMPOSING = {"atensi.app", "atensi.server"}  # the root's modules that import adapters
STARTS_THE_PRODUCT = {"cli": {"atensi.server"}}  # `atensi serve` and `atensi worker`


def _imports(path: Path) -> set[str]:
    """Every absolute module a file imports, anywhere in it (also inside functions), in full:
    ``from a.b import c`` gives ``a.b`` and ``a.b.c``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _packages(path: Path) -> set[str]:
    return {name.split(".")[0] for name in _imports(path)}


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _ids(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", _modules("engine"), ids=_ids)
def test_engine_modules_never_import_the_adapters_the_root_or_their_libraries(path):
    assert not (_packages(path) & FORBIDDEN_IN_ENGINE)


@pytest.mark.parametrize(("adapter", "other"), list(permutations(ADAPTERS, 2)), ids="-".join)
def test_an_adapter_never_imports_another_adapter(adapter, other):
    offenders = [_ids(path) for path in _modules(adapter) if other in _packages(path)]
    assert offenders == [], f"{adapter} imports {other} in {offenders}"


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_an_adapter_never_imports_the_modules_of_the_root_that_compose_the_adapters(adapter):
    composing = (COMPOSING | {"atensi.create_app"}) - STARTS_THE_PRODUCT.get(adapter, set())
    offenders = [_ids(path) for path in _modules(adapter) if _imports(path) & composing]
    assert offenders == [], offenders


@pytest.mark.parametrize("path", [p for p in _modules("atensi") if f"atensi.{p.stem}" not in COMPOSING],
                         ids=_ids)
def test_the_shared_parts_of_the_root_import_no_adapter(path):
    assert not (_packages(path) & set(ADAPTERS))


def test_every_top_level_package_is_placed_in_the_layers():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages <= {"engine", "atensi", "migrations", "tests", "bench", *ADAPTERS}, packages


def test_the_architecture_check_sees_a_forbidden_import_even_inside_a_function(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import Flask\n\ndef f():\n    from web.pages import csrf\n    import atensi.app\n")
    assert _packages(bad) & FORBIDDEN_IN_ENGINE == {"flask", "web", "atensi"}
    assert _imports(bad) & COMPOSING == {"atensi.app"}
