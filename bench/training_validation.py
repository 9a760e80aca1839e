"""The estimator against NVIDIA Megatron-Bridge's published pre-training performance — a check, not a fit.

    .venv/bin/python bench/training_validation.py [--cases FILE.json] [--calibration FILE.json] [--worst N]

``bench/data/megatron-bridge-training.json`` holds the 38 pre-training figures of Megatron-Bridge's
performance summary (NeMo containers 25.09, 25.11 and 26.02; provenance in ``bench/data/README.md`` and in
each case's ``source``) for the catalog's models: Llama 3 8B, 70B and 3.1 405B, DeepSeek-V3, gpt-oss-120b and
Qwen3-235B-A22B on DGX H100, B200, B300, GB200 and GB300, at BF16, FP8 (current scaling and MXFP8) and NVFP4.
Each case is the recipe's tokens per second per GPU times its GPUs, with its global batch and sequence
length; the estimator searches its own layout (the recipe's is in the source).

The dense models' figures (Llama, 19) are fitted by ``bench/calibrate.py`` beside the six training cases of
``calibration.json`` (weight 1; ``calibrate.extra_sources``); the MoE figures (DeepSeek-V3, gpt-oss-120b,
Qwen3-235B, 19) are never fitted: they check the MoE training model (``training.MOE_TRAINING_GEMM_RATIO``).
Prints median and p90 of |predicted / measured − 1| for the two apart and per model, system and precision,
then the worst cases. About 1 s.
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
from catalog.datafiles import file_catalog  # noqa: E402
from studio.domain.catalog import LlmModel  # noqa: E402

CASES = ROOT / "bench" / "data" / "megatron-bridge-training.json"


def load_cases(path: Path = CASES) -> list[dict]:
    return cases_file(path)


def is_moe(case: dict) -> bool:
    """Whether the case's model is a mixture of experts (the catalog's ``LlmModel.is_moe``)."""
    return file_catalog().get(case["workload"]["model"], LlmModel).is_moe


def dense_cases(path: Path = CASES) -> list[dict]:
    """The dense models' figures: the ones ``bench/calibrate.py`` fits."""
    return [c for c in load_cases(path) if not is_moe(c)]


def main(argv: list[str] | None = None) -> int:
    args, cases, rows = scored_cases_file(argv, __doc__.split("\n")[0], CASES)
    by_id = {c["id"]: c for c in cases}
    groups: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        c = by_id[r.case_id]
        w = c["workload"]
        sample = "MoE, out of sample" if is_moe(c) else "dense, fitted"
        groups["all"][sample].append(r.error)
        groups["model"][w["model"]].append(r.error)
        groups[f"system ({sample})"][c["cluster"]["system"]].append(r.error)
        groups[f"precision ({sample})"][w["precision"]].append(r.error)
    print(f"# {len(cases)} Megatron-Bridge pre-training figures of {args.cases.name}; "
          "error = |predicted / measured - 1|")
    print_groups(groups)
    if args.worst:
        print_worst_per_gpu(rows, by_id, args.worst, "tokens/s", id_width=58)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
