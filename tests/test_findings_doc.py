"""docs/findings.md lists every finding code the rules can emit, with a level and a reason."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "studio" / "domain" / "rules"
LEVELS = {"error", "warning", "info", "error / warning", "error / info", "warning / info"}
CODE = re.compile(r'"((?:rack|floor|layout|site|fabric|network|storage)\.[a-z_.]+)"')
# codes built from a template: site.cooling.{code}_capacity / _redundancy for CDUs and CRAHs (rules/site.py)
TEMPLATE = re.compile(r'f"(site\.cooling)\.\{code\}_([a-z]+)"')
TEMPLATE_UNITS = ("cdu", "crah")


def rule_codes() -> set[str]:
    codes: set[str] = set()
    for path in RULES.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes.update(CODE.findall(text))
        for prefix, suffix in TEMPLATE.findall(text):
            codes.update(f"{prefix}.{unit}_{suffix}" for unit in TEMPLATE_UNITS)
    return codes


def table() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in (ROOT / "docs" / "findings.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `([a-z_.]+)` \| ([a-z /]+) \| (.+) \|$", line)
        if match:
            rows[match.group(1)] = (match.group(2).strip(), match.group(3).strip())
    return rows


def test_the_table_lists_every_code_the_rules_can_emit():
    codes = rule_codes()
    assert len(codes) > 30 and "site.cooling.cdu_redundancy" in codes
    assert sorted(codes - set(table())) == []


def test_every_row_has_a_known_level_and_a_reason():
    for code, (level, why) in table().items():
        assert level in LEVELS, code
        assert len(why) > 20, code


def test_the_table_names_no_code_the_rules_do_not_have():
    assert sorted(set(table()) - rule_codes()) == []


def test_storage_throughput_is_an_error_only_for_declared_training():
    level, why = table()["storage.throughput.insufficient"]
    assert level == "error / warning" and "declared training workload" in why
