"""Malformed input to the estimator: every case must estimate or fail with ``EstimateError`` — a check.

    .venv/bin/python bench/config_fuzz.py [--cases N] [--seed S]

Builds N cases (default 3,000 of each kind, seed 7) from sound inference and training cases with fields
replaced by malformed values — numbers as strings, nulls, fractions, negatives, NaN, lists, objects — in the
serving ``config`` (single-node and disaggregated pools) and, separately, in the workload and cluster. Prints
how many estimated, how many were refused with an ``EstimateError``, and every other exception with the case
that raised it (none expected; exit status 1 if any). About 25 s.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog.datafiles import file_catalog  # noqa: E402
from studio.domain.perf import EstimateError, estimate_case  # noqa: E402

VALUES = [0, 1, 2, 3, 4, 8, 16, 24, 32, 64, 72, 128, -1, 1.5, "8", None, True, [], {}, 10**9, float("nan")]
INFERENCE = {"kind": "inference", "model": "deepseek-r1", "precision": "fp8", "scenario": "concurrency",
             "input_tokens": 1024, "output_tokens": 1024, "concurrency": 64, "tpot_p99_limit_ms": 50}
TRAINING = {"kind": "training", "model": "llama-3.1-70b", "precision": "bf16", "sequence_length": 8192,
            "global_batch_sequences": 1024}
CLUSTER = {"system": "dgx-b200", "gpus": 16}


def fuzzed_config(rnd: random.Random) -> object:
    """A ``config`` with random keys set to random values, sometimes not an object at all."""
    if rnd.random() < 0.05:
        return rnd.choice(VALUES)
    cfg: dict = {}
    if rnd.random() < 0.5:
        cfg["serving"] = rnd.choice(["single-node", "disaggregated", "weird", None, 3])
    for key in ("tp", "ep", "dp_attention", "pp", "workers", "spec_decoding"):
        if rnd.random() < 0.4:
            cfg[key] = rnd.choice(VALUES + ["mtp", "none"])
    if rnd.random() < 0.4:
        for side in ("prefill", "decode"):
            if rnd.random() < 0.8:
                cfg[side] = ({k: rnd.choice(VALUES) for k in ("workers", "tp", "ep", "dp_attention")
                              if rnd.random() < 0.7} if rnd.random() < 0.9 else rnd.choice(VALUES))
        for key in ("prefill_gpus", "decode_gpus"):
            if rnd.random() < 0.7:
                cfg[key] = rnd.choice(VALUES)
    return cfg


def fuzzed_case(rnd: random.Random) -> dict:
    """A sound case with workload and cluster fields replaced, dropped, or the whole object malformed."""
    workload = dict(rnd.choice([INFERENCE, TRAINING]))
    for key in list(workload):
        if rnd.random() < 0.15:
            workload[key] = rnd.choice(VALUES + ["offline"])
        elif rnd.random() < 0.05:
            del workload[key]
    cluster: object = dict(CLUSTER)
    for key in ("system", "gpus", "nodes", "fabric", "topology"):
        if rnd.random() < 0.1:
            cluster[key] = rnd.choice(VALUES + ["rail-optimized"])
    if rnd.random() < 0.02:
        cluster = rnd.choice(VALUES)
    return {"id": "fuzz", "workload": workload if rnd.random() >= 0.02 else rnd.choice(VALUES), "cluster": cluster}


def run(cases: list[dict], catalog) -> tuple[Counter, list[str]]:
    """(outcome counts, the unexpected exceptions with their cases)."""
    outcomes, unexpected = Counter(), []
    for case in cases:
        try:
            estimate_case(case, catalog)
            outcomes["estimated"] += 1
        except EstimateError:
            outcomes["refused with a reason"] += 1
        except Exception as exc:  # noqa: BLE001 — the point is to catch what should never happen
            outcomes["raised something else"] += 1
            unexpected.append(f"{exc!r}: {json.dumps(case, default=str)[:300]}")
    return outcomes, unexpected


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    catalog, rnd = file_catalog(), random.Random(args.seed)
    configs = [{"id": "fuzz", "workload": dict(INFERENCE), "cluster": dict(CLUSTER), "config": fuzzed_config(rnd)}
               for _ in range(args.cases)]
    others = [fuzzed_case(rnd) for _ in range(args.cases)]
    problems = []
    for label, cases in (("malformed config", configs), ("malformed workload or cluster", others)):
        outcomes, unexpected = run(cases, catalog)
        print(f"{label:30s} {len(cases):6,d} cases: " + ", ".join(f"{n:,} {what}" for what, n in sorted(outcomes.items())))
        problems += unexpected
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
