"""The money core stays pure (STYLE.md): no framework, no clock, no float."""

import ast
import sys
from pathlib import Path

import pytest

import loans.domain

DOMAIN = Path(loans.domain.__file__).parent
SOURCES = sorted(DOMAIN.glob("*.py"))
FORBIDDEN_CALLS = {"today", "now", "utcnow", "time", "float", "getcontext", "setcontext"}


def module_tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_imports_only_the_standard_library_and_the_domain(path):
    for node in ast.walk(module_tree(path)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names or name.startswith("loans.domain"), name


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_float_and_no_clock(path):
    for node in ast.walk(module_tree(path)):
        assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), node.lineno
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert name not in FORBIDDEN_CALLS, f"{path.name}:{node.lineno} calls {name}"
