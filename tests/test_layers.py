"""The import fence: each layer imports only what its place in the tree allows.

ingest/ is pure (no Whoosh, no Flask, nothing from the engine or the web); only engine/
imports Whoosh; only web/, the app factory and the CLI import Flask. Checked on the source
(imports inside functions too), so a lazy import cannot slip through.
"""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "searchapp"
FLASK = {"flask", "werkzeug"}
WHOOSH = {"whoosh"}
# Top-level modules that may import Flask: the app factory and the CLI (a flask command).
FLASK_AT_TOP = {"searchapp", "searchapp.cli"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports(path: Path) -> set[str]:
    """The absolute names of everything a module imports, relative imports resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                parent = ".".join([*base, node.module] if node.module else base)
                # `from . import store` names the module searchapp.store itself
                found.update(
                    f"{parent}.{alias.name}" if is_module(f"{parent}.{alias.name}") else parent
                    for alias in node.names
                )
            else:
                found.add(node.module)
    return found


MODULES = {module_name(p): imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def roots(names: set[str]) -> set[str]:
    return {n.split(".")[0] for n in names}


def test_the_layers_exist():
    for layer in ("ingest", "engine", "web"):
        assert any(m.startswith(f"searchapp.{layer}.") for m in MODULES), layer


@pytest.mark.parametrize("module", sorted(MODULES))
def test_only_the_engine_imports_whoosh(module):
    if module.startswith("searchapp.engine"):
        return
    assert not roots(MODULES[module]) & WHOOSH, f"{module} imports Whoosh outside engine/"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_only_the_web_layer_imports_flask(module):
    if module.startswith("searchapp.web") or module in FLASK_AT_TOP:
        return
    assert not roots(MODULES[module]) & FLASK, f"{module} imports Flask outside web/"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("searchapp.ingest")))
def test_ingest_imports_only_ingest_and_the_model(module):
    ours = {n for n in MODULES[module] if n.split(".")[0] == "searchapp"}
    outside = {n for n in ours if not n.startswith("searchapp.ingest") and n != "searchapp.model"}
    assert not outside, f"{module} reaches out of ingest/: {sorted(outside)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("searchapp.engine")))
def test_the_engine_does_not_reach_up(module):
    up = {
        n
        for n in MODULES[module]
        if n.startswith(("searchapp.web", "searchapp.cli", "searchapp.server", "searchapp.build"))
    }
    assert not up, f"{module} imports the layers above it: {sorted(up)}"


def test_the_checker_sees_imports():
    """The checker itself finds known imports, absolute and relative (not a blind walk)."""
    assert "whoosh" in roots(MODULES["searchapp.engine.schema"])
    assert "flask" in roots(MODULES["searchapp.web.pages"])
    assert "searchapp.ingest.clean" in MODULES["searchapp.ingest.pipeline"]
    assert "searchapp.store" in MODULES["searchapp.engine.live_index"]
    assert "searchapp.model" in MODULES["searchapp.ingest.clean"]


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if not m.startswith("searchapp.engine"))
)
def test_the_rest_calls_the_engine_through_its_surface(module):
    """Outside engine/, only `searchapp.engine` itself is imported, never its modules."""
    inner = {n for n in MODULES[module] if n.startswith("searchapp.engine.")}
    assert not inner, f"{module} reaches past the engine's surface: {sorted(inner)}"


def whoosh_private_names() -> set[str]:
    """Every _name Whoosh defines (functions, methods), dunders aside."""
    import whoosh

    names: set[str] = set()
    for path in Path(whoosh.__file__).parent.rglob("*.py"):
        with warnings.catch_warnings():  # Whoosh's old sources have invalid escapes
            warnings.simplefilter("ignore")
            tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("_"):
                if not node.name.startswith("__"):
                    names.add(node.name)
    return names


def test_private_whoosh_api_is_used_in_one_module_only():
    """x._name, or a def _name overriding one, for a name of Whoosh's own, is fenced."""
    ours: set[str] = set()  # our own private helpers may share a name with Whoosh's
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in PACKAGE.rglob("*.py")}
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("_"):
                if path.name != "whoosh_private.py":
                    ours.add(node.name)
    private = whoosh_private_names()
    found = []
    for path, tree in trees.items():
        if path.name == "whoosh_private.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in private - ours:
                found.append(f"{path.name}: .{node.attr}")
            if isinstance(node, ast.ClassDef):
                found += [
                    f"{path.name}: {node.name}.{item.name}"
                    for item in node.body
                    if isinstance(item, ast.FunctionDef)
                    and item.name in private
                    and not item.name.startswith("__")
                ]
    assert not found, f"private Whoosh API outside engine/whoosh_private.py: {found}"
