"""The DNS seam's shape: the contract imports no implementation, and lookup/ has no import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "mailcheck" / "lookup"


def _imports() -> dict[str, set[str]]:
    """module -> the lookup modules it imports anywhere (top level, TYPE_CHECKING, function bodies)."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.glob("*.py"):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            found |= {n.split(".")[2] for n in names
                      if n.startswith("mailcheck.lookup.") and (PACKAGE / f"{n.split('.')[2]}.py").exists()}
        graph[path.stem] = found - {path.stem}
    return graph


def test_the_contract_imports_no_implementation() -> None:
    assert _imports()["contract"] == set()


def test_no_import_cycle_in_lookup() -> None:
    graph = _imports()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import cycle: {' -> '.join((*path, module))}"
        if module in done:
            return
        for imported in sorted(graph[module]):
            visit(imported, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())


def test_no_module_getattr_in_lookup() -> None:
    # A module __getattr__ hides what a module offers from mypy and editors (it used to fake an import).
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not any(isinstance(n, ast.FunctionDef) and n.name == "__getattr__" for n in tree.body), path
