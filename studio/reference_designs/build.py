"""Generate the reference design files in this folder from the catalog data.

    .venv/bin/python -m studio.reference_designs.build          # rewrite the JSON files
    .venv/bin/python -m studio.reference_designs.build --check  # fail if a file is stale

Each design is drawn the way its reference architecture draws it: compute racks in rows facing
shared cold aisles (1.2 m) with hot aisles behind (1.2 m), and the network racks holding every
switch the fabric sizing asks for (``studio.domain.fabric.size_fabric``, found by
validating the design and adding switches until placed = needed). Rack PDUs are chosen so that
either feed alone carries the rack (2N power); the site limits are the design's loads with a
named margin. The result must validate with no error and no warning.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from catalog.datafiles import file_catalog
from studio.domain.catalog import Catalog
from studio.domain.designfile import dump_design_text, load_design
from studio.domain.rules import validate

HERE = Path(__file__).resolve().parent

# Margins and planning values used to set each reference site's limits [M]
SITE_POWER_MARGIN = 1.3  # IT capacity 30 % above the design's max IT load
COOLING_MARGIN = 1.3
FLOOR_SLAB_KG_PER_M2 = 1500.0  # a slab floor (hardware.md §4: NVL-class racks go on slab)
PDU = "pdu-415v-60a-3ph"
PDU_FILL = 0.85  # load each feed to at most 85 % of its PDUs' usable power
NETWORK_RACK_BUDGET_W = 25_000.0  # keep network racks under ~25 kW (air-coolable with margin)
NETWORK_RACK = "rack-48u-600x1200"
RACK_TILES_DEEP = 2  # 1,200 mm racks on 600 mm tiles
AISLE_TILES = 2  # 1.2 m aisles on 600 mm tiles


def _power_w(catalog: Catalog, slugs: list[str]) -> float:
    total = 0.0
    for slug in slugs:
        item = catalog.get(slug)
        total += getattr(item, "power_max_w", 0.0) or getattr(item, "power_w", 0.0)
    return total


def _pdus(catalog: Catalog, load_w: float) -> list[dict]:
    per_feed = max(1, math.ceil(load_w / (PDU_FILL * catalog.get(PDU).usable_power_w)))
    return [{"model": PDU, "feed": feed} for feed in ("A", "B") for _ in range(per_feed)]


def _stack(catalog: Catalog, slugs: list[str], start_u: int = 1) -> list[dict]:
    devices, u = [], start_u
    for slug in slugs:
        devices.append({"model": slug, "u": u})
        u += max(1, catalog.get(slug).u_height)
    return devices


def _rack(catalog: Catalog, rack_id: str, model: str, cooling: str, slugs: list[str]) -> dict:
    load = _power_w(catalog, slugs) + catalog.get(cooling).power_w
    rack = {"id": rack_id, "model": model, "x_tiles": 0, "y_tiles": 0, "rotation": 0, "cooling": cooling,
            "pdus": _pdus(catalog, load) if slugs else [], "devices": _stack(catalog, slugs)}
    return rack


def _rack_scale(rack_id: str, model: str, cooling: str) -> dict:
    return {"id": rack_id, "model": model, "x_tiles": 0, "y_tiles": 0, "rotation": 0, "cooling": cooling,
            "pdus": [], "devices": []}


def _network_racks(catalog: Catalog, slugs: list[str], prefix: str = "N") -> list[dict]:
    """Pack switches and storage into network racks under a power and U budget."""
    racks, current, power, units = [], [], 0.0, 0
    usable_u = catalog.get(NETWORK_RACK).u_height - 2
    for slug in slugs:
        item = catalog.get(slug)
        p = _power_w(catalog, [slug])
        if current and (power + p > NETWORK_RACK_BUDGET_W or units + item.u_height > usable_u):
            racks.append(current)
            current, power, units = [], 0.0, 0
        current.append(slug)
        power += p
        units += item.u_height
    if current:
        racks.append(current)
    out = []
    for i, content in enumerate(racks, 1):
        cooling = "air" if _power_w(catalog, content) <= 0.85 * catalog.get("air").max_air_heat_kw * 1000 \
            else "rdhx-active"
        out.append(_rack(catalog, f"{prefix}{i:02d}", NETWORK_RACK, cooling, content))
    return out


def _place_rows(racks: list[dict], per_row: int) -> tuple[int, int]:
    """Rows along x, alternately facing −y and +y, sharing cold and hot aisles; returns the hall
    size in tiles (width, depth) with an aisle around the rows."""
    period = 2 * (RACK_TILES_DEEP + AISLE_TILES)
    rows = math.ceil(len(racks) / per_row)
    for i, rack in enumerate(racks):
        row, col = divmod(i, per_row)
        pair, second = divmod(row, 2)
        rack["x_tiles"] = AISLE_TILES + col
        rack["y_tiles"] = AISLE_TILES + pair * period + (RACK_TILES_DEEP + AISLE_TILES if second else 0)
        rack["rotation"] = 180 if second else 0
    width = 2 * AISLE_TILES + min(per_row, len(racks))
    last_pair, last_second = divmod(rows - 1, 2)
    depth = AISLE_TILES + last_pair * period + (RACK_TILES_DEEP + AISLE_TILES if last_second else 0) \
        + RACK_TILES_DEEP + AISLE_TILES
    return width, depth


def _round_up(value: float, step: float) -> float:
    return float(math.ceil(value / step) * step)


def build(catalog: Catalog, *, name: str, compute_racks: list[dict], fabrics: dict, storage: list[dict],
          facility: list[dict], workloads: list[dict], per_row: int, pue: float, redundancy: str = "N+1",
          extra_network: list[str] | None = None) -> dict:
    """Add network racks until every fabric's switches are placed, then set the site limits."""
    placed: dict[str, int] = {role: 0 for role in fabrics}
    storage_slugs = [s["model"] for s in storage for _ in range(s["count"])]
    for _ in range(8):
        network = []
        for role, fabric in fabrics.items():
            network += [fabric["model"]] * placed[role]
        network += storage_slugs + list(extra_network or [])
        racks = compute_racks + _network_racks(catalog, network)
        width, depth = _place_rows(racks, per_row)
        tile_m = 0.6
        data = {
            "format": "ai-factory-design/1", "name": name,
            "site": {"width_m": round(width * tile_m, 1), "depth_m": round(depth * tile_m, 1), "tile_mm": 600,
                     "it_power_kw": 0, "pue": pue, "facility_power_kw": 0,
                     "cooling": {"air_kw": 0, "liquid_kw": 0}, "floor_max_kg_per_m2": FLOOR_SLAB_KG_PER_M2,
                     "redundancy": redundancy, "electricity_usd_per_kwh": 0.08},
            "racks": racks, "fabrics": fabrics, "storage": storage, "facility": facility, "workloads": workloads,
        }
        totals = validate(load_design(data, catalog), catalog).totals
        needed = {role: v["leaf"] + v["spine"] + v["core"] for role, v in totals.switches.items()}
        if needed == placed:
            break
        placed = needed
    site = data["site"]
    site["it_power_kw"] = _round_up(totals.it_kw_max * SITE_POWER_MARGIN, 50)
    site["facility_power_kw"] = _round_up(site["it_power_kw"] * pue, 50)
    site["cooling"] = {"air_kw": _round_up(max(totals.room_air_kw, 10) * COOLING_MARGIN, 50),
                       "liquid_kw": _round_up(totals.facility_liquid_kw * COOLING_MARGIN, 50)}
    return data


def dgx_su(catalog: Catalog, system: str, name: str) -> dict:
    """A DGX SuperPOD scalable unit: 32 DGX, 4 per rack on active rear doors (40.8 kW for H100),
    NDR rail-optimized compute fabric, InfiniBand storage, in-band and out-of-band Ethernet."""
    compute = [_rack(catalog, f"C{i:02d}", "rack-48u-600x1200", "rdhx-active", [system] * 4) for i in range(1, 9)]
    return build(
        catalog, name=name, compute_racks=compute,
        fabrics={"compute": {"model": "quantum-2-ndr", "topology": "rail-optimized", "oversubscription": 1.0},
                 "storage": {"model": "quantum-2-ndr", "topology": "fat-tree", "oversubscription": 1.0},
                 "inband": {"model": "sn4600c", "topology": "fat-tree", "oversubscription": 1.0},
                 "oob": {"model": "sn2201", "topology": "fat-tree", "oversubscription": 1.0}},
        storage=[{"model": "ddn-ai400x2t", "count": 3}], facility=[],
        workloads=[{"kind": "training", "model": "llama-3.1-70b", "precision": "bf16", "sequence_length": 8192,
                    "global_batch_sequences": 512}],
        per_row=6, pue=1.3)


def gb200_su(catalog: Catalog) -> dict:
    """A DGX GB200 scalable unit: 8 NVL72 racks (576 GPUs, ~1.2 MW with the network), cold plates
    on two 1,350 kW CDUs (N+1), NDR compute fabric, 800G Ethernet storage and in-band."""
    compute = [_rack_scale(f"G{i:02d}", "gb200-nvl72", "dlc") for i in range(1, 9)]
    return build(
        catalog, name="DGX GB200 NVL72 scalable unit (8 racks)", compute_racks=compute,
        fabrics={"compute": {"model": "quantum-2-ndr", "topology": "rail-optimized", "oversubscription": 1.0},
                 "storage": {"model": "spectrum-x-800g", "topology": "fat-tree", "oversubscription": 1.0},
                 "inband": {"model": "spectrum-x-800g", "topology": "fat-tree", "oversubscription": 1.0},
                 "oob": {"model": "sn2201", "topology": "fat-tree", "oversubscription": 1.0}},
        storage=[{"model": "ddn-ai400x2t", "count": 6}], facility=[{"model": "cdu-1350kw", "count": 2}],
        workloads=[{"kind": "training", "model": "llama-3.1-405b", "precision": "fp8", "sequence_length": 8192,
                    "global_batch_sequences": 1024}],
        per_row=8, pue=1.2)


def mi300x_pod(catalog: Catalog) -> dict:
    """An inference pod of 8 AMD MI300X 8-GPU servers (64 GPUs), two per air-cooled rack, on one
    Spectrum-X switch (RoCE)."""
    compute = [_rack(catalog, f"M{i:02d}", "rack-48u-600x1200", "air", ["mi300x-oam8"] * 2) for i in range(1, 5)]
    return build(
        catalog, name="AMD MI300X inference pod (8 servers)", compute_racks=compute,
        fabrics={"compute": {"model": "spectrum-x-800g", "topology": "rail-optimized", "oversubscription": 1.0},
                 "storage": {"model": "sn4600c", "topology": "fat-tree", "oversubscription": 1.0},
                 "oob": {"model": "sn2201", "topology": "fat-tree", "oversubscription": 1.0}},
        storage=[{"model": "ddn-ai400x2t", "count": 1}], facility=[],
        workloads=[{"kind": "inference", "model": "llama-3.1-70b", "precision": "fp8", "scenario": "server",
                    "input_tokens": 1000, "output_tokens": 300, "ttft_p99_limit_ms": 2000,
                    "tpot_p99_limit_ms": 100}],
        per_row=5, pue=1.4)


def starter(catalog: Catalog) -> dict:
    """A four-rack starter: three racks of two DGX H100 (20.4 kW, plain air) and one rack with the
    switches and a storage appliance."""
    compute = [_rack(catalog, f"S{i:02d}", "rack-48u-600x1200", "air", ["dgx-h100"] * 2) for i in range(1, 4)]
    return build(
        catalog, name="Four-rack DGX H100 starter", compute_racks=compute,
        fabrics={"compute": {"model": "quantum-2-ndr", "topology": "rail-optimized", "oversubscription": 1.0},
                 "storage": {"model": "quantum-2-ndr", "topology": "fat-tree", "oversubscription": 1.0},
                 "inband": {"model": "sn4600c", "topology": "fat-tree", "oversubscription": 1.0},
                 "oob": {"model": "sn2201", "topology": "fat-tree", "oversubscription": 1.0}},
        storage=[{"model": "ddn-ai400x2t", "count": 1}], facility=[],
        workloads=[{"kind": "training", "model": "llama-3.1-8b", "precision": "bf16", "sequence_length": 8192,
                    "global_batch_sequences": 256}],
        per_row=4, pue=1.5)


def designs(catalog: Catalog) -> dict[str, dict]:
    return {
        "dgx-h100-su": dgx_su(catalog, "dgx-h100", "DGX SuperPOD H100 scalable unit (32 nodes)"),
        "dgx-b200-su": dgx_su(catalog, "dgx-b200", "DGX SuperPOD B200 scalable unit (32 nodes)"),
        "gb200-nvl72-su": gb200_su(catalog),
        "mi300x-inference-pod": mi300x_pod(catalog),
        "starter-4-racks": starter(catalog),
    }


def main(argv: list[str]) -> int:
    catalog = file_catalog()
    stale = []
    for slug, data in designs(catalog).items():
        design = load_design(data, catalog)
        report = validate(design, catalog)
        bad = [f for f in report.findings if f.severity in ("error", "warning")]
        if bad:
            for f in bad:
                print(f"{slug}: {f.severity} {f.code} {f.message}", file=sys.stderr)
            return 1
        text = dump_design_text(design)
        path = HERE / f"{slug}.json"
        if "--check" in argv:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
            continue
        path.write_text(text, encoding="utf-8")
        t = report.totals
        print(f"{path.name}: {t.racks} racks, {t.gpus} GPUs, {t.it_kw_max:.0f} kW IT, "
              f"{report.totals.findings['info']} notes")
    if stale:
        print(f"stale reference designs: {', '.join(stale)} (run python -m studio.reference_designs.build)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
