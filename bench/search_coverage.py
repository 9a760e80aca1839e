"""The layout search against the layouts published runs used — a check, not a fit.

    .venv/bin/python bench/search_coverage.py [--only KEY=VALUE ...]

For every distinct workload and layout of the InferenceX capture (``bench/inferencex_validation.py``: 390
after duplicates), estimates the case twice: with the run's own layout as its ``config``, and with no
``config`` (the search; the run's speculative decoding kept as the workload's). The search is meant to return
the best layout it can find, so its throughput must never be below what the estimator gives the published
layout — whenever that layout is one the search could have tried (``layouts.candidate_layouts`` for each pool's
width: powers-of-two tensor and expert parallelism). Prints how many layouts the search matched or beat, the
published layouts outside its space (counted, not failures: TP48 decoders, attention data-parallel without
expert parallelism), and every case where it fell short, with both layouts. Exit status 1 when it fell short
inside its space. About 80 s of CPU.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import inferencex_validation as iv  # noqa: E402
from catalog.datafiles import file_catalog  # noqa: E402
from studio.domain.catalog import LlmModel  # noqa: E402
from studio.domain.perf import EstimateError, estimate_case  # noqa: E402
from studio.domain.perf.cases import hardware_for  # noqa: E402
from studio.domain.perf.layouts import candidate_layouts, deployment_from_config  # noqa: E402

#: Config keys that name the run, not its layout (ARCHITECTURE.md: ignored by the estimator).
RUN_KEYS = ("framework", "image", "run_date")
#: Relative slack on the comparison of two throughputs the estimator computed [M].
EPS = 1e-6


def in_search_space(config: dict, model: LlmModel, gpus: int, scale_up_domain: int) -> bool:
    """Whether the search could have tried the config's layout: each pool's worker is one of
    ``candidate_layouts`` for its width (the search's workers, aggregated or as a prefill or decode pool)."""
    dep = deployment_from_config(config, model, gpus)
    pools = (dep.decode,) + ((dep.prefill,) if dep.disaggregated else ())
    return all(lay in candidate_layouts(model, gpus, scale_up_domain) for lay in pools)


def compare(cases: list[dict], catalog) -> tuple[int, int, list[str]]:
    """(layouts compared, layouts outside the search space, lines for the cases where the search fell short)."""
    seen, compared, outside, short = set(), 0, 0, []
    model = catalog.get("deepseek-r1", LlmModel)
    for c in cases:
        w, cluster = c["workload"], c["cluster"]
        config = {k: v for k, v in c["config"].items() if k not in RUN_KEYS}
        key = json.dumps([cluster, w, config], sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        hw = hardware_for(catalog, cluster["system"])
        if not in_search_space(config, model, cluster["gpus"], hw.scale_up_domain):
            outside += 1
            continue
        try:
            given = estimate_case({"id": "given", "workload": w, "cluster": cluster, "config": config}, catalog)
            found = estimate_case({"id": "search", "workload": w | {"spec_decoding": config.get("spec_decoding", "none")},
                                   "cluster": cluster}, catalog)
        except EstimateError as exc:
            short.append(f"{c['id']}: {exc}")
            continue
        compared += 1
        if found["output_tokens_per_s"] < given["output_tokens_per_s"] * (1 - EPS):
            short.append(f"{c['id']}: search {found['output_tokens_per_s']:,.0f} tok/s with {json.dumps(found['layout'])}"
                         f" below {given['output_tokens_per_s']:,.0f} with the published {json.dumps(given['layout'])}")
    return compared, outside, short


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", action="append", default=[], help="keep rows whose KEY equals VALUE (system, engine)")
    args = ap.parse_args(argv)
    cases, _ = iv.load_cases()
    getters = {"system": lambda c: c["cluster"]["system"], "engine": lambda c: c["_row"]["framework"]}
    for flt in args.only:
        key, _, value = flt.partition("=")
        if key not in getters:
            ap.error(f"--only {flt}: KEY must be one of {', '.join(getters)}")
        cases = [c for c in cases if getters[key](c) == value]
    started = time.process_time()
    compared, outside, short = compare(cases, file_catalog())
    print(f"# {compared} published layouts the search could have tried, {outside} outside its space; "
          f"{time.process_time() - started:.0f} s of CPU")
    print(f"search at or above the published layout: {compared - len(short)}; below it: {len(short)}")
    for line in short:
        print(line)
    return 1 if short else 0


if __name__ == "__main__":
    raise SystemExit(main())
