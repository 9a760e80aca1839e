"""Cost per million tokens and per training run: amortised capital plus electricity.

Capital prices come from the catalog: every purchasable item carries ``price`` (``Item.price``:
``list_usd``, currency, date, source, confidence), so a price lives in one place; every
function takes an override (``CostInputs.system_price_usd``) for a quote. Electricity comes
from the site.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.domain.catalog import System

from .energy import DEFAULT_PUE, facility_power
from .errors import EstimateError

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


def system_price_usd(system: System, family: str = "", inputs: CostInputs = CostInputs()) -> float:
    """Price of one system: the override, else the catalog's list price (``system.price.list_usd``).

    DGX H100 in the catalog (list_usd 300,000): 300,000. A hand-built catalog item without a
    price is an ``EstimateError`` naming it (the data files refuse such items).
    """
    if inputs.system_price_usd is not None:
        return inputs.system_price_usd
    price = getattr(system, "price", None)
    if price is not None and price.list_usd:
        return float(price.list_usd)
    raise EstimateError(f"system '{system.slug}' has no list price in the catalog: give a price "
                        f"(price.list_usd) or a quote")


def usd_per_hour(systems: float, price_usd: float, it_power_w: float, inputs: CostInputs = CostInputs()) -> float:
    """Hourly cost: capital ``systems · price · (1 + overhead) / (years · 8,766 h)`` plus power at
    the wall ``kW · (1 + network + storage shares) · PUE · $/kWh`` (``energy.facility_power``).

    One DGX H100 (300 k$, +25 %, 4 years) at 7.5 kW, PUE 1.3, 0.08 $/kWh:
    375,000 / 35,064 = 10.695 $/h + 7.5 × 1.06 × 1.3 × 0.08 = 0.827 $/h → 11.522 $/h.
    """
    capital = systems * price_usd * (1 + inputs.infrastructure_overhead) / (inputs.amortization_years * HOURS_PER_YEAR)
    energy = facility_power(it_power_w, pue=inputs.pue).wall_w / 1000.0 * inputs.electricity_usd_per_kwh
    return capital + energy


def usd_per_million_tokens(hourly_usd: float, tokens_per_s: float, inputs: CostInputs = CostInputs()) -> float:
    """``$/h ÷ (tok/s · 3,600 · utilisation) × 10⁶``. 11.522 $/h at 24,525 tok/s, 80 %:
    11.522 / 70.63 M × 10⁶ = 0.163 $ per million tokens."""
    if tokens_per_s <= 0:
        return float("inf")
    return hourly_usd / (tokens_per_s * 3600.0 * inputs.utilization) * 1e6


def usd_per_run(hourly_usd: float, seconds: float) -> float:
    """Cost of a run that occupies the cluster ``seconds``: ``$/h × s / 3,600``."""
    return hourly_usd * seconds / 3600.0
