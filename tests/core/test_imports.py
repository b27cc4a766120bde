"""The house rules on imports: no cycle between legaldesk modules, no private name imported."""

from __future__ import annotations

import ast
from pathlib import Path

import legaldesk

PACKAGE_ROOT = Path(legaldesk.__file__).parent


def module_name(path: Path) -> str:
    """The dotted module name of a file under the package."""
    parts = path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    """Every legaldesk module, by dotted name."""
    return {module_name(path): path for path in PACKAGE_ROOT.rglob("*.py")}


def imported(node: ast.AST, current: str, is_package: bool) -> list[tuple[str, str | None]]:
    """(module, name) pairs an import statement brings in; name is None for `import x`."""
    if isinstance(node, ast.Import):
        return [(alias.name, None) for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        anchor = current.split(".")
        anchor = anchor if is_package else anchor[:-1]
        anchor = anchor[: len(anchor) - node.level + 1]
        base = ".".join(anchor + ([base] if base else []))
    return [(base, alias.name) for alias in node.names]


def import_graph() -> tuple[dict[str, set[str]], list[str]]:
    """Edges between legaldesk modules (every import, lazy ones too) and private-name imports."""
    modules = all_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    private: list[str] = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            for target, symbol in imported(node, name, path.name == "__init__.py"):
                if not target.startswith("legaldesk"):
                    continue
                submodule = f"{target}.{symbol}" if symbol else None
                graph[name].add(submodule if submodule in modules else target)
                if symbol and symbol.startswith("_") and submodule not in modules:
                    private.append(f"{name} imports {target}.{symbol}")
    return graph, private


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), as sorted lists."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_find_cycles_sees_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycle_between_modules():
    graph, _ = import_graph()
    assert find_cycles(graph) == []


def test_no_module_imports_a_private_name_of_another():
    _, private = import_graph()
    assert private == []


def test_tests_and_benches_import_no_private_name():
    """Tests and benchmarks use the public surface too (a private helper is free to change)."""
    found = []
    for folder in ("tests", "bench"):
        for path in (PACKAGE_ROOT.parent / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                        ("legaldesk", "tests")):
                    found += [f"{path.name}: {node.module}.{alias.name}" for alias in node.names
                              if alias.name.startswith("_")]
    assert found == []


# Domain packages from the bottom up: a module may import its own package and those below it.
LAYER_ORDER = ("core", "audit", "auth", "notify", "sla", "tickets", "kb", "intake", "account",
               "admin", "privacy", "jobs", "demo")
# Data modules (tables, files, and who may read them) that any package above auth may read:
# tickets.access holds the need-to-know rules, which the SLA notices ask per recipient.
DATA_MODULES = ("models", "attachments", "access")
# Callers at the top of each package: they may use any package's services.
CALLER_MODULES = ("views", "forms", "cli")


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    """Imports that point up the layer order (outside callers and data modules)."""
    rank = {name: position for position, name in enumerate(LAYER_ORDER)}
    wrong = []
    for source, targets in graph.items():
        parts = source.split(".")
        if len(parts) < 3 or parts[1] not in rank or parts[2] in CALLER_MODULES:
            continue
        for target in targets:
            tparts = target.split(".")
            if len(tparts) < 2 or tparts[1] not in rank:
                continue
            data = len(tparts) > 2 and tparts[2] in DATA_MODULES and tparts[1] != "core"
            if rank[tparts[1]] > rank[parts[1]] and not (data and parts[1] not in ("core", "auth")):
                wrong.append(f"{source} -> {target}")
    return sorted(wrong)


def test_layer_check_sees_an_upward_import():
    graph = {"legaldesk.sla.services": {"legaldesk.tickets.services", "legaldesk.tickets.models"}}
    assert layer_violations(graph) == ["legaldesk.sla.services -> legaldesk.tickets.services"]


def test_dependencies_point_one_way():
    graph, _ = import_graph()
    assert layer_violations(graph) == []


def test_every_imported_name_exists():
    """`from legaldesk.x import y` names something real, lazy imports inside functions too."""
    import importlib

    missing = []
    for name, path in sorted(all_modules().items()):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            for target, symbol in imported(node, name, path.name == "__init__.py"):
                if not target.startswith("legaldesk") or symbol is None:
                    continue
                module = importlib.import_module(target)
                if not hasattr(module, symbol) and f"{target}.{symbol}" not in all_modules():
                    missing.append(f"{name}: {target}.{symbol}")
    assert missing == []

