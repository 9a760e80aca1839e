"""DeepSeek-R1 frontier against the published InferenceX points, and GB200 NVL72 against DGX B200.

    .venv/bin/python bench/accuracy_frontier.py [--ratios]

For each published point (``../shared/reference/inferencex-calibration.json``), the frontier
(``estimate_case(..., frontier=True)``) of DeepSeek-R1 on the point's system at its precision and
lengths — scenario ``interactive`` with a 1 s TPOT limit, no ``config``: every layout searched — on
8 × B200, 72 × GB200 or 24 × MI355X, read at the point's tokens/s per user (linear between the two
frontier points around it; the layout shown is the frontier point at or above that speed). Published
tok/s per GPU = output tok/s ÷ the case's GPUs (prefill and decode). ``--ratios``: tok/s per GPU on the
frontiers of 72 B200, 72 GB200 and 72 MI355X (FP8) at 30, 50, 75 and 100 tok/s per user.
Prints the markdown rows of docs/accuracy.md. About 2 s.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog.datafiles import file_catalog  # noqa: E402
from studio.domain.perf import estimate_case  # noqa: E402

POINTS = (("ix-dsr1-b200-sglang-fp8-1k8k-c4", "dgx-b200", 8), ("ix-dsr1-b200-sglang-fp4-1k8k-c128", "dgx-b200", 8),
          ("ix-dsr1-gb200-dynamo-trt-fp4-1k8k-c60", "gb200-nvl72", 72),
          ("ix-dsr1-gb200-dynamo-trt-fp4-1k8k-c4096", "gb200-nvl72", 72),
          ("ix-dsr1-mi355x-sglang-fp8-1k8k-c8", "mi355x-oam8", 24),
          ("ix-dsr1-mi355x-mori-sglang-fp8-1k8k-c1024", "mi355x-oam8", 24))


def reference_file() -> Path:
    shared = ROOT.parent / "shared" / "reference" / "inferencex-calibration.json"
    return shared if shared.exists() else ROOT / "bench" / "data" / "inferencex-calibration.json"


def frontier(catalog, system: str, gpus: int, precision: str, input_tokens: int, output_tokens: int) -> list[dict]:
    w = {"kind": "inference", "model": "deepseek-r1", "precision": precision, "scenario": "interactive",
         "input_tokens": input_tokens, "output_tokens": output_tokens, "tpot_p99_limit_ms": 1000}
    return estimate_case({"id": "frontier", "workload": w, "cluster": {"system": system, "gpus": gpus}},
                         catalog, frontier=True)["frontier"]


def at(points: list[dict], per_user: float) -> dict | None:
    """The frontier at ``per_user`` tok/s per user: tok/s per GPU linear between the frontier points
    around it, with the layout of the one at or above that speed; None beyond the fastest point."""
    pts = sorted(points, key=lambda p: p["tokens_per_s_per_user"])
    above = [p for p in pts if p["tokens_per_s_per_user"] >= per_user]
    below = [p for p in pts if p["tokens_per_s_per_user"] < per_user]
    if not above:
        return None
    hi = above[0]
    if not below:
        return hi
    lo = below[-1]
    t = (per_user - lo["tokens_per_s_per_user"]) / (hi["tokens_per_s_per_user"] - lo["tokens_per_s_per_user"])
    return {**hi, "tokens_per_s_per_gpu": lo["tokens_per_s_per_gpu"] + t * (hi["tokens_per_s_per_gpu"]
                                                                               - lo["tokens_per_s_per_gpu"])}


def label(layout: dict) -> str:
    d = layout.get("decode", layout)
    text = f"{d.get('workers', '')}×TP{d['tp']}/EP{d['ep']}{' DP' if d.get('dp_attention') else ''}"
    if layout.get("serving") == "disaggregated":
        p = layout["prefill"]
        text = f"P {p['workers']}×TP{p['tp']}/EP{p['ep']} + D {text}"
    return text


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
              f"| {label(p['layout'])} |")
    if "--ratios" in argv:
        for precision, i, o in (("fp4", 1024, 8192), ("fp8", 8192, 1024)):
            fronts = [frontier(catalog, s, 72, precision if s != "mi355x-oam8" else "fp8", i, o)
                      for s in ("dgx-b200", "gb200-nvl72", "mi355x-oam8")]
            for u in (30, 50, 75, 100):
                v = [(at(f, u) or {}).get("tokens_per_s_per_gpu", 0.0) for f in fronts]
                ratio = f"{v[1] / v[0]:.2f}" if v[0] else "n/a"
                print(f"{precision} {i} {o} {u} B200 {v[0]:.0f} GB200 {v[1]:.0f} MI355X {v[2]:.0f} ratio GB200/B200 {ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
