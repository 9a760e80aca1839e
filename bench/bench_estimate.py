"""Time the estimator against a trivial baseline (parsing the cases file).

    .venv/bin/python bench/bench_estimate.py [--repeats N]

Times (median of N repeats, CPU seconds via time.process_time): one inference case, one
training case at 16,384 GPUs, and the full scaling path of a 100,000-GPU factory (SU by SU,
training at every step, fabric sized at every step), each next to the baseline of parsing
bench/data/calibration.json; and the throughput–interactivity frontier of DeepSeek-R1 (8k in / 1k out,
interactive, TPOT p99 ≤ 20 ms) on a 1,008-GPU GB200 NVL72 design (14 racks), every layout and batch
searched; prints the ratios. Targets: a case in milliseconds; the frontier and the 100,000-GPU path
each under 2 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog.datafiles import file_catalog  # noqa: E402
from studio.domain.design import Fabric, Site, SiteCooling, Workload  # noqa: E402
from studio.domain.perf import estimate_case, scaling_path  # noqa: E402

CASES = ROOT / "bench" / "data" / "calibration.json"
INFERENCE = {"id": "bench-inference", "workload": {"kind": "inference", "model": "llama-3.1-70b", "precision": "fp8",
             "scenario": "server", "input_tokens": 1000, "output_tokens": 300, "ttft_p99_limit_ms": 2000,
             "tpot_p99_limit_ms": 100}, "cluster": {"system": "dgx-h100", "gpus": 8}}
TRAINING = {"id": "bench-training", "workload": {"kind": "training", "model": "llama-3.1-405b", "precision": "bf16",
            "sequence_length": 8192, "global_batch_sequences": 2048},
            "cluster": {"system": "dgx-h100", "gpus": 16384}}
FRONTIER = {"id": "bench-frontier", "workload": {"kind": "inference", "model": "deepseek-r1", "precision": "fp4",
            "scenario": "interactive", "input_tokens": 8192, "output_tokens": 1024, "tpot_p99_limit_ms": 20},
            "cluster": {"system": "gb200-nvl72", "gpus": 1008}}
FACTORY = Workload(kind="training", model="llama-3.1-405b", precision="bf16", sequence_length=8192,
                   global_batch_sequences=2048, train_tokens=15e12)
SITE = Site(width_m=400, depth_m=250, it_power_kw=150_000, pue=1.2, facility_power_kw=180_000,
            cooling=SiteCooling(air_kw=160_000, liquid_kw=0))


def median_cpu_s(fn, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        t = time.process_time()
        fn()
        samples.append(time.process_time() - t)
    return statistics.median(samples)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    catalog = file_catalog()
    text = CASES.read_text(encoding="utf-8")
    baseline = median_cpu_s(lambda: json.loads(text), max(args.repeats, 21))
    rows = [
        ("one inference case (8 × H100, server)", median_cpu_s(lambda: estimate_case(INFERENCE, catalog), args.repeats)),
        ("one training case (16,384 × H100)", median_cpu_s(lambda: estimate_case(TRAINING, catalog), args.repeats)),
    ]
    frontier_holder = {}

    def frontier():
        frontier_holder["f"] = estimate_case(FRONTIER, catalog, frontier=True)

    rows.append(("frontier, DeepSeek-R1 on 1,008 × GB200", median_cpu_s(frontier, max(3, args.repeats // 2))))
    path_holder = {}

    def factory():
        path_holder["p"] = scaling_path("dgx-h100", FACTORY, catalog, site=SITE, fabric=Fabric("quantum-2-ndr"),
                                        max_gpus=100_000)

    rows.append(("scaling path to 100,000 GPUs (391 SUs)", median_cpu_s(factory, max(3, args.repeats // 2))))
    print(f"baseline: parse {CASES.name} ({len(text) // 1024} KiB): {baseline * 1e3:.3f} ms CPU (median)")
    print(f"{'task':42s} {'median CPU':>12s} {'× baseline':>12s}")
    for name, secs in rows:
        print(f"{name:42s} {secs * 1e3:10.2f} ms {secs / baseline:12.1f}")
    f = frontier_holder["f"]
    print(f"frontier: {len(f['frontier'])} Pareto points; chosen {f['layout']} at "
          f"{f['output_tokens_per_s'] / 1008:,.0f} tok/s per GPU, TPOT p99 {f['tpot_p99_ms']:.1f} ms")
    p = path_holder["p"]
    print(f"path: {len(p.steps)} steps, last {p.steps[-1].gpus} GPUs, {p.steps[-1].tokens_per_s:,.0f} tokens/s; "
          f"first wall: {p.first_wall}; walls: {list(p.walls)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
