"""The core never imports Qt, and no module imports itself back through others.

Without Qt, everything the GUI does is scriptable without a screen.  Without cycles, any module can be
imported first, alone, and means the same: what a module needs is what it imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "desktop_app"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_does_not_import_qt():
    offenders = {
        str(p.relative_to(CORE)): sorted(n for n in _imports(p) if n.split(".")[0] in ("PySide6", "ui"))
        for p in CORE.rglob("*.py")
    }
    offenders = {k: v for k, v in offenders.items() if v}
    # The one exception: with no command, the command line opens the GUI, importing it inside that function.
    assert offenders == {"cli/__init__.py": ["ui"]}
    module_level = import_graph(ROOT, ("desktop_app",))["desktop_app.cli"]
    assert not [name for name in module_level if name.split(".")[0] in ("PySide6", "ui")]
    assert len(list(CORE.rglob("*.py"))) > 10  # the walk really saw the package


def test_architecture_check_catches_a_qt_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
    assert "PySide6.QtCore" in _imports(bad)


# ----------------------------------------------------------------- import cycles


def _module_names(root: Path, packages: Iterable[str]) -> dict[str, tuple[Path, bool]]:
    """Dotted name → (file, is a package) for every module of ``packages`` under ``root``."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _runs_at_import(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements Python executes when the module is imported: not in functions, not for mypy."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from _runs_at_import(node.orelse)
        else:  # class bodies, if/try/with blocks at module level run at import time
            for block in ("body", "orelse", "finalbody", "handlers"):
                yield from _runs_at_import(getattr(node, block, None) or [])


def import_graph(root: Path, packages: Iterable[str]) -> dict[str, set[str]]:
    """Module → the modules of ``packages`` it imports at module level (relative imports resolved).

    ``from a.b import c`` is an edge to ``a.b.c`` when that is a module, else to ``a.b``.  Importing ``a.b`` first
    imports ``a``, so that is an edge too, except where ``a`` contains the importer: it is already being imported
    when the importer runs.
    """
    modules = _module_names(root, packages)
    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in modules.items():
        package = name if is_package else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in _runs_at_import(ast.parse(path.read_text(encoding="utf-8")).body):
            if isinstance(node, ast.Import):
                wanted = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([node.module] if node.module else []))
                wanted = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
            for target in wanted:
                if target not in modules:
                    continue  # the standard library or a third-party package
                if target != name:
                    targets.add(target)
                parts = target.split(".")
                targets.update(
                    ancestor
                    for ancestor in (".".join(parts[:depth]) for depth in range(1, len(parts)))
                    if not name.startswith(ancestor + ".")
                )
        graph[name] = targets
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (``[a, b, ..., a]``) through each group of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return [_cycle_through(group, graph) for group in groups]


def _cycle_through(group: list[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest way from the group's first module back to itself, staying inside the group."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        module = queue.pop(0)
        for target in sorted(graph[module] & members):
            if target == start:
                return paths[module] + [start]
            if target not in paths:
                paths[target] = paths[module] + [target]
                queue.append(target)
    raise AssertionError(f"{group} is not a cycle")


def test_no_import_cycles():
    graph = import_graph(ROOT, ("desktop_app", "ui"))
    assert len(graph) > 60 and graph["desktop_app.storage.database"]  # the walk saw both packages and their imports
    cycles = import_cycles(graph)
    assert cycles == [], "import cycles:\n" + "\n".join(" → ".join(cycle) for cycle in cycles)


def test_cycle_check_finds_a_cycle_through_a_package_and_a_relative_import(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "sub" / "__init__.py").write_text("from .. import c\n", encoding="utf-8")
    (package / "a.py").write_text("from .b import thing\n", encoding="utf-8")
    (package / "b.py").write_text(
        "import os\n\ndef later():\n    from . import a\n\nfrom .sub import x\n", encoding="utf-8"
    )
    (package / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import b\n"
        "class K:\n    from pkg.a import thing\n",
        encoding="utf-8",
    )
    graph = import_graph(tmp_path, ("pkg",))
    assert graph["pkg.b"] == {"pkg.sub"}  # the import inside a function does not count
    assert graph["pkg.c"] == {"pkg.a"}  # nor does the one for type checkers; a class body's does
    assert graph["pkg.sub"] == {"pkg.c"}  # "from .. import c": the module c, not the package being imported
    assert import_cycles(graph) == [["pkg.a", "pkg.b", "pkg.sub", "pkg.c", "pkg.a"]]
    (package / "c.py").write_text("", encoding="utf-8")
    assert import_cycles(import_graph(tmp_path, ("pkg",))) == []


def test_writes_go_through_the_one_translating_transaction():
    """``atomic()`` outside storage would be a write whose locked or full database reaches the user as a bug."""
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted(CORE.rglob("*.py"))
        if path.parent.name != "storage"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and node.attr in ("atomic", "transaction", "savepoint")
        and not (isinstance(node.value, ast.Name) and node.value.id == "storage")
    ]
    assert offenders == []
