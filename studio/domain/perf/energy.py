"""Wall power under load, tokens per joule, facility power.

Power comes from the catalog's ``power_typical_w`` (the system's wall draw under a sustained AI
load: GPUs, CPUs, NICs, fans, PSU losses) — never GPU TDP alone. A partial system (1 GPU of a
DGX) is charged its pro-rata share.

Two levels, always labelled: *at the IT load* (the systems' own power, what MLPerf Power
measures) and *at the wall* (IT load plus idle systems, network and storage, times the site's
PUE — what the utility bills).
"""

from __future__ import annotations

from dataclasses import dataclass

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


#: An idle accelerator system (GPUs at idle clocks, CPUs, fans, NICs still up) draws about a
#: quarter of its loaded power: H100 SXM idles near 70 W of its 700 W, while hosts, fans and
#: optics keep drawing [M: nvidia-smi idle readings; Latif et al. 2025, IEEE Access 13, measured
#: an 8 × H100 node at 8.4 kW peak under training].
IDLE_POWER_FRACTION = 0.25
#: Compute-fabric switches and optics per unit of accelerator IT power: a rail-optimised two-tier
#: fabric has 12 switches (≈ 1.5 kW each with optics) per 32 DGX (≈ 330 kW) ≈ 5 % [M: arithmetic
#: on the DGX SuperPOD H100 reference architecture's switch counts].
NETWORK_POWER_FRACTION = 0.05
#: Shared storage per unit of accelerator IT power: one DDN AI400X2T class appliance (≈ 3 kW) per
#: SU of 32 DGX (≈ 330 kW) ≈ 1 % [M: SuperPOD storage sizing].
STORAGE_POWER_FRACTION = 0.01


def idle_power_w(system: System, gpus: int) -> float:
    """Power of ``gpus`` that sit idle: ``IDLE_POWER_FRACTION × power_typical_w × gpus / accelerators``.

    16 idle GPUs of DGX H100 (power_typical_w 8,500 W): 0.25 × 8,500 × 2 = 4,250 W.
    """
    return IDLE_POWER_FRACTION * it_power_w(system, max(gpus, 0))


@dataclass(frozen=True)
class FacilityPower:
    """Where a deployment's power goes, in watts: busy and idle systems, network and storage (all
    IT load), and the utility draw at the wall (IT × PUE)."""

    busy_w: float
    idle_w: float
    network_w: float
    storage_w: float
    pue: float

    @property
    def it_w(self) -> float:
        return self.busy_w + self.idle_w + self.network_w + self.storage_w

    @property
    def wall_w(self) -> float:
        return self.it_w * self.pue


def facility_power(busy_w: float, idle_w: float = 0.0, pue: float = DEFAULT_PUE,
                   network_w: float | None = None, storage_w: float | None = None) -> FacilityPower:
    """Facility power of a deployment; network and storage default to their shares of the
    accelerator systems' power (busy + idle).

    100 kW busy, 0 idle, PUE 1.3: network 5 kW, storage 1 kW, IT 106 kW, wall 137.8 kW.
    """
    systems_w = busy_w + idle_w
    return FacilityPower(
        busy_w=busy_w, idle_w=idle_w,
        network_w=NETWORK_POWER_FRACTION * systems_w if network_w is None else network_w,
        storage_w=STORAGE_POWER_FRACTION * systems_w if storage_w is None else storage_w, pue=pue)


def tokens_per_joule_at_wall(tokens_per_s: float, busy_w: float, pue: float = DEFAULT_PUE,
                             idle_w: float = 0.0) -> float:
    """Tokens per joule at the utility meter: tokens/s ÷ ((busy + idle) × (1 + network + storage) × PUE).

    102,909 tok/s on 10,446 W, PUE 1.3: 102,909 / (10,446 × 1.06 × 1.3) = 7.15 tok/J (9.85 at the IT load).
    """
    return tokens_per_joule(tokens_per_s, facility_power(busy_w, idle_w, pue).wall_w)
