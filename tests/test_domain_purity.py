"""studio/domain is pure Python: nothing in it may import Django or Celery."""

from __future__ import annotations

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parent.parent / "studio" / "domain"
FORBIDDEN = ("django", "celery")


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_no_domain_module_imports_django_or_celery():
    offenders = []
    files = sorted(DOMAIN.rglob("*.py"))
    assert files, "studio/domain has no Python files"
    for path in files:
        for name in imported_modules(path):
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(DOMAIN.parent.parent)} imports {name}")
    assert offenders == []


def test_the_purity_check_would_catch_an_offender(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom django.db import models\nimport celery.app\n")
    assert [n for n in imported_modules(bad) if n.split(".")[0] in FORBIDDEN] == ["django.db", "celery.app"]
