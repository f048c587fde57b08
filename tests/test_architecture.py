"""The house's shape, read from the source: imports point down only (shells -> app -> platforms,
control plane, dashboard -> core), with no circle anywhere in ``emulator/`` (imports inside
functions and under ``TYPE_CHECKING`` count), and no module over 400 lines."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "emulator"
MAX_LINES = 400
# What each layer may not import (a module of the layer named by its first segment below emulator).
FORBIDDEN = {
    "core": ("emulator.platforms", "emulator.control", "emulator.dashboard", "emulator.app", "emulator.cli",
             "emulator.pytest_plugin", "emulator.contract_report"),
    "platforms": ("emulator.control", "emulator.dashboard", "emulator.app", "emulator.cli", "emulator.pytest_plugin"),
    "control": ("emulator.app", "emulator.cli", "emulator.pytest_plugin"),
    "dashboard": ("emulator.app", "emulator.cli", "emulator.pytest_plugin"),
}


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, is_package: bool, source: str, known: dict[str, Path]) -> set[str]:
    """Every module of the package that ``name`` imports, wherever the import stands."""
    package = name if is_package else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            submodules = {f"{target}.{alias.name}" for alias in node.names} & known.keys()
            found.update(submodules)
            if len(submodules) < len(node.names) and target in known:
                found.add(target)
    found.discard(name)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path.name == "__init__.py", path.read_text(), known) for name, path in known.items()}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_the_circle_finder_finds_a_circle() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_in_the_package() -> None:
    found = circles(graph())
    assert found == [], "import circles: " + "; ".join(" <-> ".join(group) for group in found)


def test_imports_point_down_only() -> None:
    wrong = []
    for name, targets in graph().items():
        layer = name.split(".")[1] if name.count(".") else ""
        for target in targets:
            if any(target == banned or target.startswith(banned + ".") for banned in FORBIDDEN.get(layer, ())):
                wrong.append(f"{name} imports {target}")
    assert wrong == []


def test_function_level_and_type_checking_imports_count() -> None:
    known = {"emulator.core.x": Path("x"), "emulator.app": Path("app"), "emulator.core": Path("core")}
    under_type_checking = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..app import thing\n"
    in_a_function = "def f():\n    from .. import app\n"
    assert imports("emulator.core.x", False, under_type_checking, known) == {"emulator.app"}
    assert imports("emulator.core.x", False, in_a_function, known) == {"emulator.app"}


def test_no_module_over_400_lines() -> None:
    long = {str(path.relative_to(PACKAGE.parent)): n for path in PACKAGE.rglob("*.py")
            if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}
