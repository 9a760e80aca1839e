"""DeepSeek-R1 frontier against the published InferenceX points, and GB200 NVL72 against DGX B200.

    .venv/bin/python bench/accuracy_frontier.py [--ratios]

For each published point (``../shared/reference/inferencex-calibration.json``), the frontier
(``estimate_case(..., frontier=True)``) of DeepSeek-R1 on the point's system at its precision and
lengths — scenario ``interactive`` with a 1 s TPOT limit, no ``config``: every layout searched — on
8 × B200, 72 × GB200 or 24 × MI355X, read at the point's tokens/s per user: the most tok/s per GPU of
the frontier points at or above that speed (``at``), the layout that gives it. Published tok/s per GPU
= output tok/s ÷ the case's GPUs (prefill and decode). ``--ratios``: tok/s per GPU on the frontiers of
72 B200, 72 GB200 and 72 MI355X (FP8), without and with MTP, at 30, 50, 75 and 100 tok/s per user,
beside the capture's best published point at or above each speed (``published_best``: every DeepSeek-R1
row of ``bench/data/inferencex-benchmarks-dsr1.jsonl``, any engine, with or without MTP, read the
same way). Prints the markdown rows of docs/accuracy.md. About 8 s.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog.datafiles import file_catalog  # noqa: E402
from studio.domain.perf import estimate_case  # noqa: E402
from studio.domain.perf.layouts import config_label  # noqa: E402

POINTS = (("ix-dsr1-b200-sglang-fp8-1k8k-c4", "dgx-b200", 8), ("ix-dsr1-b200-sglang-fp4-1k8k-c128", "dgx-b200", 8),
          ("ix-dsr1-gb200-dynamo-trt-fp4-1k8k-c60", "gb200-nvl72", 72),
          ("ix-dsr1-gb200-dynamo-trt-fp4-1k8k-c4096", "gb200-nvl72", 72),
          ("ix-dsr1-mi355x-sglang-fp8-1k8k-c8", "mi355x-oam8", 24),
          ("ix-dsr1-mi355x-mori-sglang-fp8-1k8k-c1024", "mi355x-oam8", 24))


def reference_file() -> Path:
    shared = ROOT.parent / "shared" / "reference" / "inferencex-calibration.json"
    return shared if shared.exists() else ROOT / "bench" / "data" / "inferencex-calibration.json"


def frontier(catalog, system: str, gpus: int, precision: str, input_tokens: int, output_tokens: int,
             spec_decoding: str = "none") -> list[dict]:
    w = {"kind": "inference", "model": "deepseek-r1", "precision": precision, "scenario": "interactive",
         "input_tokens": input_tokens, "output_tokens": output_tokens, "tpot_p99_limit_ms": 1000,
         "spec_decoding": spec_decoding}
    return estimate_case({"id": "frontier", "workload": w, "cluster": {"system": system, "gpus": gpus}},
                         catalog, frontier=True)["frontier"]


def at(points: list[dict], per_user: float) -> dict | None:
    """The frontier at ``per_user`` tok/s per user: of the points at least that fast, the one with the
    most tok/s per GPU — what a deployment that must give every user ``per_user`` can run. None beyond
    the fastest point. A line drawn between two points of different layouts is no layout, so the
    frontier is not interpolated (``published_best`` reads the published points the same way).

    Example: points (40 tok/s per user, 685 per GPU) and (57, 366): at 50, 366; at 40, 685; at 60, None.
    """
    fast = [p for p in points if p["tokens_per_s_per_user"] >= per_user]
    return max(fast, key=lambda p: p["tokens_per_s_per_gpu"]) if fast else None


def published_best(cases: list[dict], system: str, precision: str, input_tokens: int, output_tokens: int,
                   per_user: float) -> dict | None:
    """The capture's best published point of DeepSeek-R1 on ``system`` at the precision and lengths, at or
    above ``per_user`` tok/s per user (1000 / TPOT): ``{"tokens_per_s_per_gpu", "id"}`` — output over every
    GPU of the run, prefill and decode — or None when no point is that fast."""
    best = None
    for c in cases:
        w, m = c["workload"], c["measured"]
        if (c["cluster"]["system"], w["precision"], w["input_tokens"], w["output_tokens"]) != (
                system, precision, input_tokens, output_tokens) or 1000.0 / m["tpot_ms"] < per_user:
            continue
        per_gpu = m["output_tokens_per_s"] / c["cluster"]["gpus"]
        if best is None or per_gpu > best["tokens_per_s_per_gpu"]:
            best = {"tokens_per_s_per_gpu": per_gpu, "id": c["id"]}
    return best


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if a and b else "n/a"


def main(argv: list[str]) -> int:
    catalog = file_catalog()
    cases = {c["id"]: c for c in json.loads(reference_file().read_text(encoding="utf-8"))["cases"]}
    for cid, system, gpus in POINTS:
        c = cases[cid]
        w, m = c["workload"], c["measured"]
        per_user, per_gpu = 1000.0 / m["tpot_ms"], m["output_tokens_per_s"] / c["cluster"]["gpus"]
        p = at(frontier(catalog, system, gpus, w["precision"], w["input_tokens"], w["output_tokens"]), per_user)
        print(f"| {cid} | {system} | {w['precision']} | {w['input_tokens']}/{w['output_tokens']} | {per_user:.1f} "
              f"| {per_gpu:,.0f} | {p['tokens_per_s_per_gpu']:,.0f} | {p['tokens_per_s_per_gpu'] / per_gpu - 1:+.0%} "
              f"| {config_label(p['layout'])} |")
    if "--ratios" in argv:
        from bench.inferencex_validation import load_cases
        capture = load_cases()[0]
        print("precision in out tok/s-per-user | frontier tok/s per GPU without MTP: B200 GB200 MI355X (GB200/B200)"
              " | with MTP: B200 GB200 MI355X (GB200/B200) | published best: B200 GB200 (GB200/B200)")
        for precision, i, o in (("fp4", 1024, 8192), ("fp8", 8192, 1024), ("fp8", 1024, 1024)):
            fronts = {spec: [frontier(catalog, s, 72, precision if s != "mi355x-oam8" else "fp8", i, o, spec)
                             for s in ("dgx-b200", "gb200-nvl72", "mi355x-oam8")] for spec in ("none", "mtp")}
            for u in (30, 50, 75, 100):
                cells = []
                for spec in ("none", "mtp"):
                    v = [(at(f, u) or {}).get("tokens_per_s_per_gpu", 0.0) for f in fronts[spec]]
                    cells.append(f"{v[0]:.0f} {v[1]:.0f} {v[2]:.0f} ({ratio(v[1], v[0])})")
                pub = [(published_best(capture, s, precision, i, o, u) or {}).get("tokens_per_s_per_gpu", 0.0)
                       for s in ("dgx-b200", "gb200-nvl72")]
                cells.append(f"{pub[0]:.0f} {pub[1]:.0f} ({ratio(pub[1], pub[0])})")
                print(f"{precision} {i} {o} {u} | " + " | ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
