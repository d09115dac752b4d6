"""The revolving package keeps the money core's purity rules (STYLE.md; see test_purity.py)."""

import ast
import sys
from pathlib import Path

import pytest

import loans.domain.revolving
from tests.unit.domain.test_purity import FORBIDDEN_CALLS, module_tree

SOURCES = sorted(Path(loans.domain.revolving.__file__).parent.glob("*.py"))


def test_the_package_has_its_modules():
    assert len(SOURCES) >= 10


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_imports_only_the_standard_library_and_the_domain(path):
    for node in ast.walk(module_tree(path)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            for name in names:
                assert name.split(".")[0] in sys.stdlib_module_names or name.startswith(
                    "loans.domain"
                ), name


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_float_and_no_clock(path):
    for node in ast.walk(module_tree(path)):
        assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), node.lineno
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert name not in FORBIDDEN_CALLS, f"{path.name}:{node.lineno} calls {name}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_modules_stay_small(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 300
