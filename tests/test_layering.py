"""What may import what (docs/architecture.md, "What may import what"), read from the code.

* api/ imports nothing of bot/; console/ only bot/preview.py, its one seam (what a member reads).
* The domain (rewards, content, insights, messaging, privacy) imports no edge and no web or LINE
  library; core/ (the ground floor: Base, column types, time helpers, config, clock, database) imports
  no edge and no domain.
* handlers/ write no SQL (no sqlalchemy): they call the domain.
* simulator/ knows only LINE's specs: it imports nothing of the project.
* No arrow points back up: insights/ and content/ never import messaging/ (messaging sends what they
  hold and measure).
* No import cycle between the project's modules, anywhere.
* One reader of the environment (core/config.py) and one of the clock (core/clock.py).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

EDGES = {"bot", "handlers", "api", "console", "simulator", "app", "worker", "cli", "demo"}
DOMAIN = {"rewards", "content", "insights", "messaging", "privacy"}
WEB_AND_LINE = {"flask", "linebot", "werkzeug"}
CONSOLE_SEAM = "bot.preview"


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the project's packages and its top-level modules, by dotted name."""
    modules = {}
    for init in root.glob("*/__init__.py"):
        for path in init.parent.rglob("*.py"):
            name = ".".join(path.relative_to(root).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    for path in root.glob("*.py"):
        modules[path.stem] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """What the module imports, absolute. `from a import b` is the module a.b when there is one,
    else a (and `from . import x` in a.b is a.x); `import a.b` is a.b."""
    base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            module = ".".join(base[:len(base) - node.level + 1] + ([node.module] if node.module else [])) \
                if node.level else node.module or ""
            submodules = {f"{module}.{alias.name}" for alias in node.names} & set(modules)
            found |= submodules or {module}
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__" and node.args \
                and isinstance(node.args[0], ast.Constant):
            found.add(str(node.args[0].value))
    return found


MODULES = project_modules()
IMPORTS = {name: imports_of(name, path, MODULES) for name, path in MODULES.items()}


def project_imports(name: str) -> set[str]:
    return {target for target in IMPORTS[name] if target in MODULES}


def top(name: str) -> str:
    return name.split(".")[0]


def offenders(rule) -> list[str]:
    return sorted(f"{name} imports {target}" for name in MODULES for target in IMPORTS[name] if rule(name, target))


def test_api_imports_nothing_of_bot():
    assert offenders(lambda m, t: top(m) == "api" and top(t) == "bot") == []


def test_the_console_reaches_bot_only_through_its_preview_seam():
    assert offenders(lambda m, t: top(m) == "console" and top(t) == "bot" and t not in ("bot", CONSOLE_SEAM)
                     and not t.startswith(CONSOLE_SEAM + ".")) == []


@pytest.mark.parametrize("package", sorted(DOMAIN))
def test_the_domain_imports_no_edge_and_no_web_or_line_library(package):
    assert offenders(lambda m, t: top(m) == package and (top(t) in EDGES or top(t) in WEB_AND_LINE)) == []


def test_insights_and_content_never_import_messaging():
    assert offenders(lambda m, t: top(m) in ("insights", "content") and t in MODULES and top(t) == "messaging") == []


def test_core_is_the_ground_floor_it_imports_no_edge_and_no_domain():
    assert offenders(lambda m, t: top(m) == "core" and (top(t) in EDGES or top(t) in DOMAIN)) == []


def test_handlers_do_not_write_sql():
    assert offenders(lambda m, t: top(m) == "handlers" and top(t) == "sqlalchemy") == []


def test_the_simulator_imports_nothing_of_the_project():
    assert offenders(lambda m, t: top(m) == "simulator" and t in MODULES and top(t) != "simulator") == []


# simulator/ is a program of its own (LINE's, an SMS gateway's); tests/ and bench/ run the app from outside;
# gunicorn.conf.py is gunicorn's, and
# sets the variable prometheus-client reads itself
OWN_ENVIRONMENT = ("simulator", "gunicorn.conf", "tests", "bench")
ENVIRONMENT_READS = {("os", "environ"), ("os", "getenv"), ("os", "putenv")}
CLOCK_READS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
               ("time", "time"), ("time", "time_ns")}


def reads(path: Path, wanted: set[tuple[str, str]]) -> list[int]:
    """The lines where `a.b` of `wanted` is used (os.environ, datetime.now, ...)."""
    def owner(node) -> str | None:  # os of os.environ, datetime of datetime.datetime.now
        return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None

    return [node.lineno for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Attribute) and (owner(node.value), node.attr) in wanted]


@pytest.mark.parametrize(("wanted", "reader"), [(ENVIRONMENT_READS, "core.config"), (CLOCK_READS, "core.clock")],
                         ids=["environment", "clock"])
def test_one_module_reads_the_environment_and_one_the_clock(wanted, reader):
    found = [f"{name}:{line}" for name, path in sorted(MODULES.items())
             if name != reader and not name.startswith(OWN_ENVIRONMENT) for line in reads(path, wanted)]
    assert found == []


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles():
    graph = {name: project_imports(name) - {name} for name in MODULES}
    assert cycles(graph) == []


def test_the_checks_see_what_they_look_for(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text("from . import b\nfrom flask import Flask\n__import__('linebot.v3')\n")
    (tmp_path / "pkg" / "b.py").write_text("from pkg.a import thing\n")
    modules = project_modules(tmp_path)
    seen = {name: imports_of(name, path, modules) for name, path in modules.items()}
    assert {"pkg.b", "flask", "linebot.v3"} <= seen["pkg.a"] and "pkg.a" in seen["pkg.b"]
    graph = {name: {t for t in targets if t in modules} - {name} for name, targets in seen.items()}
    assert cycles(graph) == [["pkg.a", "pkg.b"]]
    (tmp_path / "pkg" / "c.py").write_text("import os, datetime\nx = os.environ.get('A')\ny = datetime.datetime.now()\n"
                                           "from datetime import datetime\nz = datetime.now()\n")
    assert reads(tmp_path / "pkg" / "c.py", ENVIRONMENT_READS) == [2]
    assert reads(tmp_path / "pkg" / "c.py", CLOCK_READS) == [3, 5]
