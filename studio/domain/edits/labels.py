"""Rack ids for new racks: a row's letter prefix and the next free number (``A01``, ``A02``, …)."""

from __future__ import annotations

from string import ascii_uppercase


def prefix(label: str) -> str:
    """The row part of a rack id: 'A07' → 'A', 'GPU12' → 'GPU', '42' → 'R'."""
    return label.rstrip("0123456789") or "R"


def next_labels(existing: set[str], row: str, count: int) -> list[str]:
    """``count`` new ids in row ``row`` after the highest number the row uses, skipping taken ids.

    Worked example: existing {A01, A02, A05} → next_labels(…, 'A', 2) = ['A06', 'A07'].
    """
    numbers = [int(label[len(row):]) for label in existing if label.startswith(row) and label[len(row):].isdigit()]
    out: list[str] = []
    n = max(numbers, default=0) + 1
    while len(out) < count:
        label = f"{row}{n:02d}"
        if label not in existing:
            out.append(label)
        n += 1
    return out


def new_row_prefix(existing: set[str]) -> str:
    """The first letter (then letter pair) no row uses yet: {A01, B01} → 'C'; 'R' when all 702 are taken."""
    used = {prefix(label) for label in existing}
    for first in ascii_uppercase:
        if first not in used:
            return first
    for first in ascii_uppercase:
        for second in ascii_uppercase:
            if first + second not in used:
                return first + second
    return "R"
