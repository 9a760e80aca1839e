"""Site power, facility power (IT × PUE), site cooling and CDU capacity/redundancy."""

from __future__ import annotations

import pytest

from studio.domain.rules import validate
from studio.domain.rules.site import SiteLoads, equipment_capacity, site_cooling, site_power
from tests.test_rules_support import codes, dgx_stack, make_design, rack, small_catalog


def test_it_load_above_the_site_power_is_an_error():
    (finding,) = site_power(SiteLoads(it_kw_max=2100), 2000, 1.3, 0)
    assert (finding.code, finding.severity, finding.value, finding.limit) == ("site.power.exceeded", "error",
                                                                              2100, 2000)


def test_it_load_times_pue_above_the_facility_power_is_an_error():
    # 2,000 kW × 1.4 = 2,800 kW > 2,700 kW
    found = site_power(SiteLoads(it_kw_max=1990), 2000, 1.4, 2700)
    assert codes(found) == ["site.power.exceeded", "site.facility_power.exceeded"]
    assert codes(found, "warning") == ["site.power.exceeded"]


def test_no_site_power_limit_is_only_noted():
    assert codes(site_power(SiteLoads(it_kw_max=100), 0, 1.3, 0)) == ["site.power.unspecified"]


def test_rear_door_heat_counts_against_the_sites_liquid_cooling():
    # 8 racks × 40.8 kW on active RDHx = 326.4 kW to water > 300 kW
    (finding,) = site_cooling(SiteLoads(facility_liquid_kw=326.4), 600, 300)
    assert (finding.code, finding.severity) == ("site.cooling.exceeded", "error")


def test_heat_to_a_medium_the_site_does_not_cool_is_an_error():
    (finding,) = site_cooling(SiteLoads(room_air_kw=10, facility_liquid_kw=50), 600, 0)
    assert finding.code == "site.cooling.exceeded" and finding.limit == 0


def test_two_1350_kw_cdus_carry_900_kw_with_one_out():
    assert equipment_capacity("cdu", "facility", 900, [1350, 1350], "N+1", "cold-plate") == []


def test_one_cdu_loses_n_plus_1_redundancy():
    (finding,) = equipment_capacity("cdu", "facility", 900, [1350], "N+1", "cold-plate")
    assert (finding.code, finding.severity) == ("site.cooling.cdu_redundancy", "warning")


def test_cold_plate_heat_above_the_cdus_is_an_error():
    (finding,) = equipment_capacity("cdu", "facility", 1500, [1350], "N", "cold-plate")
    assert (finding.code, finding.severity) == ("site.cooling.cdu_capacity", "error")


def test_2n_needs_twice_the_load_in_cdus():
    assert codes(equipment_capacity("cdu", "facility", 900, [1350, 1350], "2N", "x")) == []
    assert codes(equipment_capacity("cdu", "facility", 900, [1350], "2N", "x")) == ["site.cooling.cdu_redundancy"]


def test_liquid_cooled_racks_without_any_cdu_get_a_warning():
    design = make_design([rack(model="gb200-nvl72", cooling="dlc", pdus=[])])
    assert "site.cooling.no_cdu" in codes(validate(design, small_catalog()).findings, "warning")


def test_totals_add_up_it_power_and_facility_power():
    design = make_design([rack("A01", x=2, y=5, devices=dgx_stack(4)), rack("A02", x=3, y=5, devices=dgx_stack(4))])
    totals = validate(design, small_catalog()).totals
    assert totals.it_kw_max == pytest.approx(81.6)
    assert totals.facility_kw == pytest.approx(81.6 * 1.3)
    assert totals.facility_liquid_kw == pytest.approx(81.6)  # rear doors carry it all to water
    assert totals.gpus == 64 and totals.systems == 8 and totals.racks == 2


def nvl72_hall(n, per_row=32):
    """n GB200 NVL72 racks on dlc, rows of ``per_row`` with a 2-tile aisle between rows."""
    return [rack(f"G{i:03d}", model="gb200-nvl72", cooling="dlc", pdus=[], x=2 + i % per_row, y=2 + 4 * (i // per_row))
            for i in range(n)]


def test_the_totals_bar_and_the_site_cooling_rule_share_one_heat_computation():
    totals = validate(make_design(nvl72_hall(1)), small_catalog()).totals
    # 125 kW max: 85 % (106.25 kW) to cold plates, the 15 % air share (18.75 kW) to the room under dlc
    assert totals.heat_liquid_kw == totals.facility_liquid_kw == pytest.approx(106.25)
    assert totals.heat_air_kw == totals.room_air_kw == pytest.approx(18.75)


def test_a_hall_of_128_nvl72_over_the_air_capacity_raises_the_site_cooling_finding():
    site = {"width_m": 24, "depth_m": 18, "it_power_kw": 20000, "facility_power_kw": 30000,
            "cooling": {"air_kw": 2000, "liquid_kw": 20000}}
    report = validate(make_design(nvl72_hall(128), site=site), small_catalog())
    assert report.totals.heat_air_kw == pytest.approx(128 * 18.75)  # 2,400 kW to air
    (finding,) = [f for f in report.findings if f.code == "site.cooling.exceeded"]
    assert finding.severity == "error" and (finding.value, finding.limit) == (2400, 2000)
