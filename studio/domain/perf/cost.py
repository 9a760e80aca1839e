"""Cost per million tokens and per training run: amortised capital plus electricity.

Capital prices are not in the catalog (they are quotes, not specifications): the table below
holds default list prices, every one tagged [M] (background knowledge of public reporting,
2024–2025), and every function takes an override. Electricity comes from the site.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.domain.catalog import System

from .energy import DEFAULT_PUE

#: Default purchase price per system in USD [M: press and reseller reports 2024–2025; replace
#: with a quote]. Rack-scale systems include their NVLink switch trays and power shelves.
SYSTEM_PRICE_USD: dict[str, float] = {
    "dgx-a100": 200_000, "dgx-h100": 300_000, "dgx-h200": 350_000, "dgx-b200": 450_000,
    "dgx-b300": 550_000, "gb200-nvl72": 3_300_000, "gb300-nvl72": 4_000_000,
    "mi300x-oam8": 250_000, "mi325x-oam8": 300_000, "mi355x-oam8": 400_000, "gaudi3-oam8": 160_000,
}
#: Fallback price per accelerator by family when a system is not in the table [M].
PRICE_PER_ACCELERATOR_USD: dict[str, float] = {
    "ampere": 25_000, "hopper": 40_000, "blackwell": 55_000, "blackwell-ultra": 65_000,
    "cdna3": 32_000, "cdna4": 50_000, "gaudi3": 20_000,
}
DEFAULT_PRICE_PER_ACCELERATOR_USD = 40_000
#: Straight-line depreciation period of accelerator servers: 4 years [M: hyperscaler filings
#: use 5–6 years for servers; GPU clouds commonly 4].
AMORTIZATION_YEARS = 4.0
#: Share of hours the cluster does billable work [M].
UTILIZATION = 0.8
#: Network, storage and facility fit-out as a share of system price [M].
INFRASTRUCTURE_OVERHEAD = 0.25
#: Electricity price when no site gives one: the design-file default 0.08 USD/kWh.
DEFAULT_ELECTRICITY_USD_PER_KWH = 0.08
HOURS_PER_YEAR = 8766.0


@dataclass(frozen=True)
class CostInputs:
    """Everything cost depends on besides the system; all overridable."""

    electricity_usd_per_kwh: float = DEFAULT_ELECTRICITY_USD_PER_KWH
    pue: float = DEFAULT_PUE
    amortization_years: float = AMORTIZATION_YEARS
    utilization: float = UTILIZATION
    infrastructure_overhead: float = INFRASTRUCTURE_OVERHEAD
    system_price_usd: float | None = None


def system_price_usd(system: System, family: str, inputs: CostInputs = CostInputs()) -> float:
    """Price of one system: the override, else the table, else accelerators × family price."""
    if inputs.system_price_usd is not None:
        return inputs.system_price_usd
    if system.slug in SYSTEM_PRICE_USD:
        return SYSTEM_PRICE_USD[system.slug]
    return system.accelerators * PRICE_PER_ACCELERATOR_USD.get(family, DEFAULT_PRICE_PER_ACCELERATOR_USD)


def usd_per_hour(systems: float, price_usd: float, it_power_w: float, inputs: CostInputs = CostInputs()) -> float:
    """Hourly cost: ``systems · price · (1 + overhead) / (years · 8,766 h)`` + ``kW · PUE · $/kWh``.

    One DGX H100 (300 k$, +25 %, 4 years) at 7.5 kW, PUE 1.3, 0.08 $/kWh:
    375,000 / 35,064 = 10.69 $/h + 0.78 $/h = 11.47 $/h.
    """
    capital = systems * price_usd * (1 + inputs.infrastructure_overhead) / (inputs.amortization_years * HOURS_PER_YEAR)
    energy = it_power_w / 1000.0 * inputs.pue * inputs.electricity_usd_per_kwh
    return capital + energy


def usd_per_million_tokens(hourly_usd: float, tokens_per_s: float, inputs: CostInputs = CostInputs()) -> float:
    """``$/h ÷ (tok/s · 3,600 · utilisation) × 10⁶``. 11.47 $/h at 24,525 tok/s, 80 %:
    11.47 / 70.6 M × 10⁶ = 0.162 $ per million tokens."""
    if tokens_per_s <= 0:
        return float("inf")
    return hourly_usd / (tokens_per_s * 3600.0 * inputs.utilization) * 1e6


def usd_per_run(hourly_usd: float, seconds: float) -> float:
    """Cost of a run that occupies the cluster ``seconds``: ``$/h × s / 3,600``."""
    return hourly_usd * seconds / 3600.0
