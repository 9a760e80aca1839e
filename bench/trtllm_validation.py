"""The estimator against NVIDIA's published TensorRT-LLM throughput table — a check, not a fit.

    .venv/bin/python bench/trtllm_validation.py [--cases FILE.json] [--calibration FILE.json] [--worst N]

``bench/data/trtllm-perf-overview.json`` holds the 89 figures of TensorRT-LLM's performance overview
(``docs/source/developer-guide/perf-overview.md``; provenance in ``bench/data/README.md`` and in each
case's ``source``): output tokens per second per GPU from ``trtllm-bench throughput`` for DeepSeek-R1,
gpt-oss-120b, gpt-oss-20b, Llama-3.3-70B, Llama-4-Maverick and Qwen3-235B-A22B on B200, GB200, H200
and H100, at five input/output lengths, in the layout each column names (TPn; DEPn = attention
data-parallel n with expert parallel n). Every request is queued at the start, so each case is a closed
loop of as many clients as the benchmark's requests (3,000 at 1k/1k, 1,500 at 8k/1k and 1k/8k, 1,000 at
32k): at most that many are in flight.

Nothing here is fitted: the factors are those of ``calibration_data.json``. Prints median and p90 of
|predicted / measured − 1| overall and per model, GPU and lengths, then the worst cases. About 1 s.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inferencex_validation import print_groups  # noqa: E402
from catalog.datafiles import file_catalog  # noqa: E402
from studio.domain.perf import calibration as cal  # noqa: E402
from studio.domain.perf.accuracy import score  # noqa: E402

CASES = ROOT / "bench" / "data" / "trtllm-perf-overview.json"


def load_cases(path: Path = CASES) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cases"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=Path, default=CASES)
    ap.add_argument("--calibration", type=Path, help="a calibration file instead of the committed one")
    ap.add_argument("--worst", type=int, default=15)
    args = ap.parse_args(argv)
    cases = load_cases(args.cases)
    data = cal.parse(json.loads(args.calibration.read_text(encoding="utf-8"))) if args.calibration else None
    rows = score(cases, file_catalog(), data)
    by_id = {c["id"]: c for c in cases}
    groups: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        c = by_id[r.case_id]
        w = c["workload"]
        groups["all"]["output_tokens_per_s"].append(r.error)
        groups["model"][w["model"]].append(r.error)
        groups["system"][c["cluster"]["system"]].append(r.error)
        groups["lengths"][f"{w['input_tokens']}/{w['output_tokens']}"].append(r.error)
    print(f"# {len(cases)} TensorRT-LLM throughput figures of {args.cases.name}; error = |predicted / measured - 1|")
    print_groups(groups)
    if args.worst:
        print(f"\n# worst {args.worst}: measured and predicted output tok/s per GPU")
        for r in sorted(rows, key=lambda r: -r.error)[: args.worst]:
            gpus = by_id[r.case_id]["cluster"]["gpus"]
            pred = "-" if r.predicted is None else f"{r.predicted / gpus:.0f}"
            print(f"{r.case_id:52s} {r.measured / gpus:9.0f} {pred:>9s} {100 * r.error:8.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
