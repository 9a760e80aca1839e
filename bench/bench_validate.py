"""Benchmark: validating a hall must stay linear in racks and cheap next to parsing its file.

    .venv/bin/python bench/bench_validate.py [--repeat 5] [--sizes 100,1000,2000]

For halls of 100, 1,000 and 2,000 racks (DGX H100 scalable units: 8 compute racks of 4 × DGX
H100 on rear doors + 2 network racks per SU, in rows facing shared aisles), it reports in one run
the median time to parse the design file (``json.loads`` + ``load_design``), the median time to
``validate`` it, their ratio (target: validate ≤ 10 × parse), and the time per rack, whose
flatness across sizes shows linear growth. No assertion: this prints figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalog.datafiles import file_catalog  # noqa: E402
from studio.domain.designfile import load_design  # noqa: E402
from studio.domain.rules import validate  # noqa: E402

RACKS_PER_ROW = 40
PDUS = [{"model": "pdu-415v-60a-3ph", "feed": f} for f in ("A", "A", "B", "B")]


def hall(n_racks: int) -> dict:
    """A design dict of ``n_racks`` racks: per group of 10, 8 compute racks and 2 network racks."""
    racks = []
    for i in range(n_racks):
        row, col = divmod(i, RACKS_PER_ROW)
        pair, second = divmod(row, 2)
        kind = i % 10
        if kind < 8:
            devices = [{"model": "dgx-h100", "u": 1 + 8 * k} for k in range(4)]
            cooling = "rdhx-active"
        elif kind == 8:
            devices = [{"model": "quantum-2-ndr", "u": 1 + k} for k in range(12)]
            cooling = "air"
        else:
            devices = ([{"model": "quantum-2-ndr", "u": 1 + k} for k in range(5)]
                       + [{"model": "sn4600c", "u": 6}, {"model": "sn2201", "u": 8}, {"model": "sn2201", "u": 9}]
                       + [{"model": "ddn-ai400x2t", "u": 10 + 2 * k} for k in range(3)])
            cooling = "air"
        racks.append({"id": f"R{i:05d}", "model": "rack-48u-600x1200", "x_tiles": 2 + col,
                      "y_tiles": 2 + pair * 8 + (4 if second else 0), "rotation": 180 if second else 0,
                      "cooling": cooling, "pdus": PDUS, "devices": devices})
    rows = -(-n_racks // RACKS_PER_ROW)
    depth_tiles = 2 + ((rows + 1) // 2) * 8 + 2
    width_tiles = RACKS_PER_ROW + 4
    return {"format": "ai-factory-design/1", "name": f"bench hall {n_racks}",
            "site": {"width_m": width_tiles * 0.6, "depth_m": depth_tiles * 0.6, "tile_mm": 600,
                     "it_power_kw": 50 * n_racks, "pue": 1.3, "facility_power_kw": 70 * n_racks,
                     "cooling": {"air_kw": 30 * n_racks, "liquid_kw": 50 * n_racks},
                     "floor_max_kg_per_m2": 1500, "redundancy": "N+1"},
            "racks": racks,
            "fabrics": {"compute": {"model": "quantum-2-ndr"}, "storage": {"model": "quantum-2-ndr"},
                        "inband": {"model": "sn4600c"}, "oob": {"model": "sn2201"}},
            "storage": [{"model": "ddn-ai400x2t", "count": 3 * (n_racks // 10)}],
            "workloads": [{"kind": "training", "model": "llama-3.1-405b"}]}


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", default="100,1000,2000")
    args = parser.parse_args()
    catalog = file_catalog()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for n in sizes:
        text = json.dumps(hall(n))
        design = load_design(json.loads(text), catalog)
        validate(design, catalog)  # warm-up
        parse_s = median_time(lambda text=text: load_design(json.loads(text), catalog), args.repeat)
        validate_s = median_time(lambda design=design: validate(design, catalog), args.repeat)
        report = validate(design, catalog)
        rows.append((n, len(text), parse_s, validate_s, report))
    print(f"{'racks':>6} {'file MB':>8} {'parse ms':>9} {'validate ms':>12} {'ratio':>6} {'µs/rack':>8} findings")
    for n, size, parse_s, validate_s, report in rows:
        counts = report.totals.findings
        print(f"{n:>6} {size / 1e6:>8.2f} {parse_s * 1e3:>9.1f} {validate_s * 1e3:>12.1f} "
              f"{validate_s / parse_s:>6.2f} {validate_s / n * 1e6:>8.0f} "
              f"{counts['error']}E/{counts['warning']}W/{counts['info']}I")
    first, last = rows[0], rows[-1]
    growth = (last[3] / last[0]) / (first[3] / first[0])
    worst_ratio = max(r[3] / r[2] for r in rows)
    print(f"time per rack at {last[0]} racks / at {first[0]} racks = {growth:.2f} "
          f"({'linear' if growth < 1.5 else 'NOT linear'}: 1.0 is perfectly linear)")
    print(f"worst validate/parse ratio = {worst_ratio:.2f} (target ≤ 10: {'met' if worst_ratio <= 10 else 'MISSED'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
