"""Energy at the IT load and at the wall: idle systems, network, storage, PUE; the chart says which."""

from __future__ import annotations

import pytest

from studio.domain.perf.energy import (
    DEFAULT_PUE,
    facility_power,
    idle_power_w,
    it_power_w,
    tokens_per_joule,
    tokens_per_joule_at_wall,
)
from studio.reports.charts import _pue, efficiency_chart
from tests.test_perf_fixtures import small_catalog

CAT = small_catalog()


def test_idle_gpus_draw_a_quarter_of_their_loaded_power():
    dgx = CAT.get("dgx")  # power_typical_w 7,500 W for 8 GPUs
    assert idle_power_w(dgx, 16) == pytest.approx(0.25 * 7500 * 2)
    assert idle_power_w(dgx, 0) == 0
    assert idle_power_w(dgx, 8) < it_power_w(dgx, 8)


def test_facility_power_follows_the_docstring_example():
    p = facility_power(100_000, pue=1.3)
    assert (p.network_w, p.storage_w) == pytest.approx((5_000, 1_000))
    assert p.it_w == pytest.approx(106_000)
    assert p.wall_w == pytest.approx(137_800)


def test_tokens_per_joule_at_the_wall_follows_the_docstring_example():
    assert tokens_per_joule(102_909, 10_446) == pytest.approx(9.85, abs=0.01)
    assert tokens_per_joule_at_wall(102_909, 10_446, pue=1.3) == pytest.approx(7.15, abs=0.01)


def test_idle_systems_lower_tokens_per_joule_at_the_wall():
    busy = tokens_per_joule_at_wall(10_000, 10_000)
    with_idle = tokens_per_joule_at_wall(10_000, 10_000, idle_w=2_500)
    assert with_idle < busy


def test_the_efficiency_chart_shows_both_levels_and_labels_them():
    rows = [{"id": "w1", "label": "Chat", "inference": {"tokens_per_joule": 9.85, "usd_per_million_tokens": 0.2}}]
    fig = efficiency_chart(rows, pue=1.3)
    bars = [t for t in fig["data"] if t.get("xaxis", "x") in ("x", None)]
    names = [t["name"] for t in bars]
    assert "at the IT load" in names and any(n.startswith("at the wall") for n in names)
    wall = next(t for t in bars if t["name"].startswith("at the wall"))
    assert wall["y"][0] == pytest.approx(9.85 / (1.06 * 1.3))
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert any("IT load" in t and "PUE 1.30" in t for t in titles)


def test_the_chart_takes_the_sites_pue_from_its_power_limits():
    assert _pue(2000, 2700) == pytest.approx(1.35)
    assert _pue(0, 0) == DEFAULT_PUE
