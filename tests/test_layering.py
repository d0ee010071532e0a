"""The domain (rewards/, content/) knows nothing of Flask or LINE; handlers touch no SQL."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", ["rewards", "content"])
def test_domain_imports_neither_flask_nor_linebot(package):
    offenders = {str(p.relative_to(ROOT)): imported_modules(p) & {"flask", "linebot", "bot", "handlers", "werkzeug"}
                 for p in (ROOT / package).rglob("*.py")}
    assert not {k: v for k, v in offenders.items() if v}


def test_handlers_do_not_write_sql():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "handlers").rglob("*.py")
                 if imported_modules(p) & {"sqlalchemy"}]
    assert offenders == []
