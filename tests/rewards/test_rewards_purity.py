"""The domain never imports Flask or the LINE SDK."""
import ast
from pathlib import Path

import rewards

FORBIDDEN = ("flask", "linebot")
ROOT = Path(rewards.__file__).resolve().parent


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__" and node.args \
                and isinstance(node.args[0], ast.Constant):
            yield node.lineno, str(node.args[0].value)


def test_no_flask_or_linebot_in_rewards():
    files = sorted(ROOT.rglob("*.py"))
    assert files, "no python files found under rewards/"
    bad = [f"{p.relative_to(ROOT.parent)}:{line} imports {name}"
           for p in files for line, name in _imports(p)
           if name.split(".")[0] in FORBIDDEN]
    assert bad == []


def test_checker_catches_a_forbidden_import(tmp_path):
    p = tmp_path / "x.py"
    p.write_text("import os\nfrom flask import Flask\nimport linebot.v3 as lb\n", encoding="utf-8")
    assert [n for _l, n in _imports(p) if n.split(".")[0] in FORBIDDEN] == ["flask", "linebot.v3"]
