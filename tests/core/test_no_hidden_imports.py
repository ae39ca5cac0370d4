"""No project import inside a function unless a comment says why (docs/architecture.md).

Imports inside functions once hid an import cycle between the apps; the layers contract
(import-linter) sees only what is imported, so a lazy import must say why it is lazy
(Django's ready(), the command line's start-up time) — in the function, or once for the
whole module in a top-level comment starting ``# Lazy imports:``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import socialinvest

ROOT = Path(socialinvest.__file__).parent


def _project_import(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").startswith("socialinvest")
    return isinstance(node, ast.Import) and any(a.name.startswith("socialinvest") for a in node.names)


def unexplained_imports(source: str) -> list[int]:
    """Line numbers of project imports in a function with no comment between the def and them."""
    lines = source.splitlines()
    if any(line.startswith("# Lazy imports:") for line in lines):
        return []
    found = []
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(fn):
            if _project_import(node):
                above = lines[fn.lineno - 1 : node.lineno]
                if not any(line.strip().startswith("#") or "  # " in line for line in above):
                    found.append(node.lineno)
    return sorted(set(found))


def test_every_lazy_project_import_says_why():
    problems = []
    for path in sorted(ROOT.rglob("*.py")):
        for line in unexplained_imports(path.read_text(encoding="utf-8")):
            problems.append(f"{path.relative_to(ROOT)}:{line}")
    assert problems == []


def test_the_check_finds_an_unexplained_one():
    source = "def f():\n    from socialinvest.ledger import models\n    return models\n"
    assert unexplained_imports(source) == [2]
    explained = "def f():\n    # Lazy: the registry is ready only now.\n    from . import models\n"
    assert unexplained_imports(explained) == []
    assert unexplained_imports("# Lazy imports: start-up time.\n" + source) == []
