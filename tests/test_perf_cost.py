"""Cost: list prices from the catalog (one place), capital amortisation plus power at the wall."""

from __future__ import annotations

import pytest

from catalog.datafiles import file_catalog
from studio.domain.catalog import Catalog, System
from studio.domain.perf import cost as cost_module
from studio.domain.perf.cost import CostInputs, system_price_usd, usd_per_hour, usd_per_million_tokens, usd_per_run
from studio.domain.perf.errors import EstimateError
from tests.test_perf_fixtures import DGX, H100


def test_every_catalog_system_is_priced_from_its_catalog_list_price():
    for system in file_catalog().of_kind(System):
        assert system_price_usd(system) == system.price.list_usd


def test_the_price_table_is_gone_so_a_price_lives_in_one_place():
    assert not hasattr(cost_module, "SYSTEM_PRICE_USD")
    assert not hasattr(cost_module, "PRICE_PER_ACCELERATOR_USD")


def test_a_quote_overrides_the_list_price():
    dgx = file_catalog().get("dgx-h100", System)
    assert system_price_usd(dgx, "hopper", CostInputs(system_price_usd=123_000)) == 123_000


def test_a_system_without_a_price_is_an_error_that_names_it():
    unpriced = {k: v for k, v in DGX.items() if k != "price"}
    system = Catalog.from_records([H100, unpriced]).get("dgx", System)
    with pytest.raises(EstimateError, match="'dgx' has no list price"):
        system_price_usd(system)


def test_hourly_cost_follows_the_docstring_example():
    hourly = usd_per_hour(1, 300_000, 7_500, CostInputs(pue=1.3, electricity_usd_per_kwh=0.08))
    assert hourly == pytest.approx(375_000 / 35_064 + 7.5 * 1.06 * 1.3 * 0.08)
    assert hourly == pytest.approx(11.522, abs=1e-3)


def test_cost_per_million_tokens_follows_the_docstring_example():
    assert usd_per_million_tokens(11.522, 24_525) == pytest.approx(0.163, abs=1e-3)
    assert usd_per_million_tokens(11.522, 0) == float("inf")
    assert usd_per_run(11.522, 7200) == pytest.approx(23.044)
