"""A small, fixed catalog for the rule tests (contract slugs, hardware.md numbers), and helpers
to write designs as plain dicts. The rule tests use it instead of catalog/data so that their
worked examples do not move when the data files are refined."""

from __future__ import annotations

import copy

from studio.domain.catalog import Catalog
from studio.domain.designfile import load_design


def _item(slug, kind, **specs):
    return {"slug": slug, "kind": kind, "name": slug, "vendor": "test", "source": "hardware.md (test copy)",
            "confidence": "M", "specs": specs}


RECORDS = [
    _item("dgx-h100", "system", u_height=8, power_max_w=10200, power_typical_w=7500, weight_kg=130.45,
          width_mm=482.3, depth_mm=897.1, accelerators=8, compute_ports=8, compute_port_gbps=400, storage_ports=2,
          storage_port_gbps=400, inband_ports=2, oob_ports=1, psu_count=6, psu_redundant=2),
    _item("dgx-b200", "system", u_height=10, power_max_w=14300, power_typical_w=10446, weight_kg=142.4,
          accelerators=8, compute_ports=8, compute_port_gbps=400, storage_ports=2, inband_ports=2, oob_ports=1),
    _item("liquid-server", "system", u_height=4, power_max_w=10000, power_typical_w=8000, weight_kg=80,
          cooling="liquid", liquid_heat_fraction=0.8, accelerators=4, compute_ports=4, compute_port_gbps=400),
    _item("gb200-nvl72", "system", form_factor="rack-scale", u_height=48, rack_u=48, power_max_w=125000,
          power_typical_w=100000, weight_kg=1360, width_mm=600, depth_mm=1068, cooling="hybrid",
          liquid_heat_fraction=0.85, accelerators=72, compute_ports=72, compute_port_gbps=400, storage_ports=36,
          inband_ports=36, oob_ports=2, rack_power_capacity_w=132000, rack_max_load_kg=1500),
    _item("quantum-2-ndr", "switch", protocol="infiniband", role="compute", ports=64, port_speed_gbps=400,
          u_height=1, power_typical_w=750, power_max_w=1700, weight_kg=14.8),
    _item("sn4600c", "switch", role="inband", ports=64, port_speed_gbps=100, u_height=2, power_typical_w=466,
          power_max_w=690, weight_kg=13),
    _item("sn2201", "switch", role="oob", ports=48, port_speed_gbps=1, u_height=1, power_typical_w=100,
          power_max_w=300, weight_kg=7.41),
    _item("ddn-ai400x2t", "storage", u_height=2, power_max_w=2400, power_typical_w=1900, weight_kg=35,
          read_gb_s=120, write_gb_s=75, capacity_tb=500, ports=8, port_speed_gbps=400),
    _item("rack-48u-600x1200", "rack", u_height=48, width_mm=600, depth_mm=1200, weight_kg=128, max_load_kg=800),
    _item("rack-42u-600x1200", "rack", u_height=42, width_mm=600, depth_mm=1200, weight_kg=134, max_load_kg=1701),
    _item("rack-42u-750x1200", "rack", u_height=42, width_mm=750, depth_mm=1200, weight_kg=161, max_load_kg=1020),
    _item("pdu-415v-60a-3ph", "pdu", voltage_v=415, current_a=60, phases=3, weight_kg=15, outlets=36),
    _item("pdu-415v-32a-3ph", "pdu", voltage_v=415, current_a=32, phases=3, weight_kg=10, outlets=30),
    _item("air", "rack-cooling", max_air_heat_kw=30, max_liquid_heat_kw=0, power_w=0, weight_kg=0),
    _item("rdhx-active", "rack-cooling", max_air_heat_kw=75, to_liquid=True, power_w=0, weight_kg=50),
    _item("dlc", "rack-cooling", max_air_heat_kw=30, max_liquid_heat_kw=200, to_liquid=False, power_w=0,
          weight_kg=30),
    _item("cdu-1350kw", "facility-cooling", equipment="cdu", capacity_kw=1350, power_w=27000),
    _item("cdu-121kw", "facility-cooling", equipment="cdu", capacity_kw=121, power_w=875, u_height=4, weight_kg=80),
    _item("crah-250kw", "facility-cooling", equipment="crah", medium="air", capacity_kw=250, power_w=10000),
    _item("llama-3.1-70b", "model", params_total_b=70.6, params_active_b=70.6),
    _item("llama-3.1-405b", "model", params_total_b=405, params_active_b=405),
]


def small_catalog() -> Catalog:
    return Catalog.from_records(copy.deepcopy(RECORDS))


SITE = {"width_m": 24, "depth_m": 18, "tile_mm": 600, "it_power_kw": 2000, "pue": 1.3, "facility_power_kw": 2700,
        "cooling": {"air_kw": 600, "liquid_kw": 1600}, "floor_max_kg_per_m2": 1500, "redundancy": "N+1",
        "electricity_usd_per_kwh": 0.08}


def rack(rack_id="A01", *, model="rack-48u-600x1200", x=2, y=3, rotation=0, cooling="rdhx-active", pdus=None,
         devices=()):
    """A rack dict; ``pdus`` defaults to one pdu-415v-60a-3ph on each feed; ``devices`` is
    ``[(model, u), ...]``."""
    if pdus is None:
        pdus = [("pdu-415v-60a-3ph", "A"), ("pdu-415v-60a-3ph", "B")]
    return {"id": rack_id, "model": model, "x_tiles": x, "y_tiles": y, "rotation": rotation, "cooling": cooling,
            "pdus": [{"model": m, "feed": f} for m, f in pdus],
            "devices": [{"model": m, "u": u} for m, u in devices]}


def dgx_stack(n=4, model="dgx-h100", height=8, start=1):
    return [(model, start + i * height) for i in range(n)]


def design_dict(racks=(), **top):
    data = {"format": "ai-factory-design/1", "name": "test", "site": copy.deepcopy(SITE), "racks": list(racks)}
    site = top.pop("site", None)
    if site:
        data["site"].update(site)
    data.update(top)
    return data


def make_design(racks=(), catalog=None, **top):
    return load_design(design_dict(racks, **top), catalog or small_catalog())


def codes(findings, severity=None):
    return [f.code for f in findings if severity is None or f.severity == severity]


def test_the_small_catalog_builds_with_the_contract_slugs():
    catalog = small_catalog()
    assert "dgx-h100" in catalog and "quantum-2-ndr" in catalog and "pdu-415v-60a-3ph" in catalog
