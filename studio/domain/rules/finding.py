"""A finding: one thing the validation engine has to say about a design.

The UI, the PDF and the CLI all render this same object; ``as_dict()`` is the contract of
``manage.py validate`` (ARCHITECTURE.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..units import round_sig

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)
SEVERITY_RANK = {ERROR: 0, WARNING: 1, INFO: 2}

# A value above this share of its limit is a warning: "within 10 % of a limit" (house rule).
WARNING_FRACTION = 0.9


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str
    subject: str
    message: str
    value: float | None = None
    limit: float | None = None
    unit: str = ""

    def as_dict(self) -> dict:
        return {"severity": self.severity, "code": self.code, "subject": self.subject, "message": self.message,
                "value": self.value, "limit": self.limit, "unit": self.unit}

    @property
    def sort_key(self) -> tuple:
        return (SEVERITY_RANK[self.severity], self.code, self.subject)


def over_limit(code: str, subject: str, value: float, limit: float, unit: str, what: str,
               *, over_severity: str = ERROR, warn: bool = True) -> Finding | None:
    """``over_severity`` when value > limit, a warning when value > 0.9 × limit, else nothing.

    ``warn=False`` skips the warning band (for limits a vendor engineered around its own product).
    ``what`` completes the sentence, e.g. "load is above the usable capacity of its PDUs".
    Worked example: value 40.8, limit 34.5 → error; value 32, limit 34.5 (93 %) → warning.
    """
    v, lim = round_sig(value), round_sig(limit)
    if value > limit:
        return Finding(over_severity, code, subject, f"{subject}: {what} ({v:g} {unit} > {lim:g} {unit})",
                       v, lim, unit)
    if warn and value > WARNING_FRACTION * limit:
        share = 100.0 * value / limit if limit else 100.0
        return Finding(WARNING, code, subject,
                       f"{subject}: within 10 % of the limit: {v:g} of {lim:g} {unit} ({share:.0f} %)", v, lim, unit)
    return None
