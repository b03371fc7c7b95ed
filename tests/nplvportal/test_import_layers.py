"""Imports flow one way (STYLE.md): `accounts` ← `applications` ← `allocations`, the wiring (`nplvportal/`) on
top and imported by none of them, and no import cycle at module level, so a newcomer can read a module from its
imports down. Read from the source with ``ast``: an import inside a function is not counted (those few break a
cycle on purpose: a service that queues its own task, a model's save that calls its service)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "applications", "allocations", "nplvportal")
LAYER = {"accounts": 0, "applications": 1, "allocations": 2, "nplvportal": 3}


def _modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _graph() -> dict[str, set[str]]:
    modules = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.parse(path.read_text()).body:  # module level only
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package
                    for _ in range(node.level - 1):
                        anchor = anchor.rpartition(".")[0]
                    base = f"{anchor}.{base}" if base else anchor
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                if target.split(".")[0] in APPS and (module := resolve(target)) and module != name:
                    found.add(module)
        graph[name] = found
    return graph


def test_no_import_cycle_at_module_level():
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the path, 2: done
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for imported in sorted(graph[module]):
            if state.get(imported) == 1:
                cycles.append([*path[path.index(imported) :], imported])
            elif imported not in state:
                visit(imported, [*path, imported])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_imports_flow_one_way_and_the_wiring_is_on_top():
    upward = [
        (module, imported)
        for module, imports in _graph().items()
        for imported in imports
        if LAYER[imported.split(".")[0]] > LAYER[module.split(".")[0]]
    ]
    assert upward == []
