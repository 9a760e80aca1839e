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

import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inferencex_validation import (  # noqa: E402
    cases_file,
    print_groups,
    print_worst_per_gpu,
    scored_cases_file,
)

CASES = ROOT / "bench" / "data" / "trtllm-perf-overview.json"


def load_cases(path: Path = CASES) -> list[dict]:
    return cases_file(path)


def main(argv: list[str] | None = None) -> int:
    args, cases, rows = scored_cases_file(argv, __doc__.split("\n")[0], CASES)
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
        print_worst_per_gpu(rows, by_id, args.worst, "output tok/s", id_width=52)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
