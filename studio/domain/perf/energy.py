"""Wall power under load, tokens per joule, facility power.

Power comes from the catalog's ``power_typical_w`` (the system's wall draw under a sustained AI
load: GPUs, CPUs, NICs, fans, PSU losses) — never GPU TDP alone. A partial system (1 GPU of a
DGX) is charged its pro-rata share.
"""

from __future__ import annotations

from studio.domain.catalog import System

#: Default power usage effectiveness when no site is given: new large builds ≤ 1.3
#: [V-3p: Uptime Institute survey, hardware.md §4].
DEFAULT_PUE = 1.3


def systems_for_gpus(system: System, gpus: int) -> float:
    """Systems (possibly fractional) that ``gpus`` occupy: 12 GPUs of DGX H100 = 1.5 systems."""
    return gpus / system.accelerators


def it_power_w(system: System, gpus: int) -> float:
    """IT power of ``gpus`` under load: ``power_typical_w × gpus / accelerators``.

    8 GPUs of DGX B200 (power_typical_w 10,446 W): 10,446 W; 4 GPUs: 5,223 W.
    """
    return (system.power_typical_w or system.power_max_w) * systems_for_gpus(system, gpus)


def tokens_per_joule(tokens_per_s: float, power_w: float) -> float:
    """Tokens per joule = tokens/s ÷ W. 102,909 tok/s at 10,446 W = 9.85 tok/J."""
    return tokens_per_s / power_w if power_w > 0 else 0.0


def facility_power_w(it_w: float, pue: float = DEFAULT_PUE) -> float:
    """Utility power = IT power × PUE: 1 MW IT at PUE 1.3 = 1.3 MW."""
    return it_w * pue
