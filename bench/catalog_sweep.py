"""Every inference estimate the catalog allows, checked for what must always hold — a check, not a fit.

    .venv/bin/python bench/catalog_sweep.py [--models SLUG,...] [--systems SLUG,...]

Estimates every system × model × precision (BF16, FP8, FP4) × scenario (offline; server and interactive
with limits of TTFT p99 2 s and TPOT p99 50 ms; a closed loop of 64 clients) × shape (1k in / 1k out on
8 GPUs, 8k / 1k on 72, 100k / 2k on 16): 9,720 cases, about 6 minutes of CPU. Each must either estimate or
fail with ``EstimateError`` naming why (a context too short, a model that fits nowhere); and every estimate
must hold:

* throughput, TTFT, TPOT, tokens per joule and $ per million tokens positive and finite;
* ``slo_met`` true exactly when both p99 latencies are within their limits;
* TTFT no shorter than the prompt's FLOPs at the cluster's full peak of its fastest format;
* on a GPU without FP4 units, FP4 never faster than FP8 (same shape and scenario);
* on a GPU with FP4 units, FP4 never slower than FP8 where both meet their limits (stop 30: broken 24 times,
  all Blackwell Ultra with 100k-token prompts, the known weak spot of docs/accuracy.md; so the whole sweep
  exits 1 until it is fixed).

Prints how many cases estimated, the reasons the others gave (counted), and every broken rule (none
expected). Exit status 1 when a rule is broken or a case raises anything but ``EstimateError``.

``--ladder`` checks one more rule instead, on every system × model at FP8, offline and interactive (TTFT
p99 3 s, TPOT p99 30 ms; 2k in / 1k out): climbing the GPU counts of ``LADDER``, the best throughput that meets
the limits never falls (more GPUs can always run the smaller layout and leave the rest idle). 4,320 cases,
about 6 minutes of CPU.

``--training`` checks every training estimate instead: every system × model × precision × GPU count of
``TRAINING_GPUS`` (8 … 100,000; the global batch ``TRAINING_BATCH_SEQUENCES`` of ``TRAINING_SEQUENCE`` tokens).
Each must estimate or name what stops it (a model that fits on no layout of those GPUs, a batch that cannot
keep half of them busy); every estimate must have tokens/s, MFU, step time, time to train and both tokens per
joule positive and finite, MFU at most 1, goodput in (0, 1], no more GPUs used than given and at least
half of them, tokens per joule at the wall no more than at the IT load, and tokens/s × step time = the
step's tokens; and climbing the GPU counts, tokens/s never falls (more GPUs can always run the smaller job's
layout). 10,530 cases, about a minute of CPU.

``--limits`` checks the search against its limits instead, on every system × model at FP8, interactive, 1k in /
1k out on 8 GPUs and 8k / 1k on 72: loosening the TPOT p99 limit through ``TPOT_LADDER_MS`` (TTFT p99 6 s) or
the TTFT p99 limit through ``TTFT_LADDER_MS`` (TPOT p99 250 ms), a workload whose limits were met stays met,
and the throughput that meets them never falls (a looser limit admits every layout and batch the tighter
one did). 6,136 estimates, 7 minutes of CPU.

``--clients`` checks closed loops instead (same systems, models and shapes, no ``config``): climbing the
clients through ``CLIENT_LADDER``, the best layout's throughput never falls by more than ``CLIENT_SLACK``
(more clients can always queue for the same layout). 3,304 estimates, 5 minutes of CPU.

``--racks`` checks instead that an NVL72 rack is never below the DGX node of its GPU, per GPU (``RACK_PAIRS``):
every model at FP8 and FP4, 1k/1k and 8k/1k, offline and at TPOT p99 10, 20 and 50 ms (TTFT 3 s), on 16,
72 and 576 GPUs. 2,592 estimates, 4 minutes of CPU.

``--round-trip`` checks instead that the layout an estimate chose, given back as ``config``, gives the same
estimate (throughput, TTFT, TPOT to 1e-6): every system × model at FP8, interactive (TPOT p99 30 ms, TTFT
3 s), a closed loop of 256 clients and offline, on the two ladder shapes. 1,416 estimates, 76 s of CPU.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog.datafiles import file_catalog  # noqa: E402
from studio.domain.catalog import LlmModel, System  # noqa: E402
from studio.domain.perf import EstimateError, estimate_case  # noqa: E402
from studio.domain.perf import models as M  # noqa: E402

PRECISIONS = ("bf16", "fp8", "fp4")
SCENARIOS = ("offline", "server", "interactive", "concurrency")
#: (input tokens, output tokens, GPUs)
SHAPES = ((1024, 1024, 8), (8192, 1024, 72), (100_000, 2000, 16))
LIMITS = {"ttft_p99_limit_ms": 2000, "tpot_p99_limit_ms": 50}
CLIENTS = 64
VALUES = ("output_tokens_per_s", "ttft_ms", "tpot_ms", "tokens_per_joule", "usd_per_million_tokens")
#: Relative slack on comparisons of floats the estimator computed two ways.
EPS = 1e-9
#: GPU counts ``--ladder`` climbs.
LADDER = (8, 16, 24, 32, 64, 72, 128, 144)
LADDER_LIMITS = {"ttft_p99_limit_ms": 3000, "tpot_p99_limit_ms": 30}
#: GPU counts ``--training`` climbs: powers of two, a rack (72), round and awkward counts, up to 100,000.
TRAINING_GPUS = (8, 16, 64, 72, 100, 512, 1000, 4096, 10_000, 16_384, 65_536, 98_304, 100_000)
#: ``--training``'s workload: 8,192-token sequences, 4,096 of them a step (33.5 M tokens, the order of a
#: frontier pre-training run's batch) [M].
TRAINING_SEQUENCE = 8192
TRAINING_BATCH_SEQUENCES = 4096
TRAINING_VALUES = ("tokens_per_s", "mfu", "step_time_s", "time_to_train_s", "tokens_per_joule_it",
                   "tokens_per_joule_wall")


#: ``--limits``' ladders (ms), tightest first, and the other limit held loose meanwhile.
TPOT_LADDER_MS = (8, 12, 20, 30, 50, 100, 250)
TTFT_LADDER_MS = (150, 300, 600, 1200, 2500, 6000)
LOOSE = {"ttft_p99_limit_ms": 6000, "tpot_p99_limit_ms": 250}
#: ``--limits`` and ``--clients`` shapes: (input tokens, output tokens, GPUs).
LADDER_SHAPES = ((1024, 1024, 8), (8192, 1024, 72))
#: ``--clients``' closed loops, and how far throughput may fall from one rung to the next: where the KV cache
#: already holds all it can, more clients only queue, and a run's draining last requests
#: (``queueing.benchmark_run_share``) cost a little more of it — at most 0.12 % over the whole catalog
#: (64 rungs, all at 256 clients or more, stop 30).
CLIENT_LADDER = (1, 4, 16, 64, 256, 1024, 4096)
CLIENT_SLACK = 0.005


#: ``--racks``: (DGX node, NVL72 rack) of the same GPU generation, the GPU counts and TPOT limits (None: offline).
RACK_PAIRS = (("dgx-b200", "gb200-nvl72"), ("dgx-b300", "gb300-nvl72"))
RACK_GPUS = (16, 72, 576)
RACK_TPOT_MS = (10, 20, 50, None)


def workload(model: str, precision: str, scenario: str, isl: int, osl: int) -> dict:
    w = {"kind": "inference", "model": model, "precision": precision, "scenario": scenario,
         "input_tokens": isl, "output_tokens": osl}
    if scenario == "concurrency":
        w["concurrency"] = CLIENTS
    if scenario in ("server", "interactive"):
        w |= LIMITS
    return w


def broken_rules(out: dict, w: dict, floor_ms: float) -> list[str]:
    """The rules one estimate breaks (see the module doc), as readable lines."""
    broken = [f"{k} = {out.get(k)!r}" for k in VALUES
              if not (isinstance(out.get(k), (int, float)) and out[k] > 0 and math.isfinite(out[k]))]
    if "slo_met" in out:
        within = (out["ttft_p99_ms"] <= w["ttft_p99_limit_ms"] * (1 + EPS)
                  and out["tpot_p99_ms"] <= w["tpot_p99_limit_ms"] * (1 + EPS))
        if out["slo_met"] is not within:
            broken.append(f"slo_met {out['slo_met']} at TTFT p99 {out['ttft_p99_ms']:g} ms, "
                          f"TPOT p99 {out['tpot_p99_ms']:g} ms")
    if isinstance(out.get("ttft_ms"), (int, float)) and out["ttft_ms"] < floor_ms * (1 - EPS):
        broken.append(f"TTFT {out['ttft_ms']:g} ms below the compute floor {floor_ms:.3g} ms")
    return broken


def estimate_or_none(catalog, system: str, gpus: int, w: dict) -> dict | None:
    """The estimate of workload ``w`` on ``gpus`` GPUs of ``system``, or None where the estimator refuses it
    with a reason (``EstimateError``: a model that fits nowhere, a context too short)."""
    try:
        return estimate_case({"id": "sweep", "workload": w, "cluster": {"system": system, "gpus": gpus}}, catalog)
    except EstimateError:
        return None


def ladder(catalog, systems: list, models: list) -> tuple[int, list[str]]:
    """``--ladder``: (cases estimated, the steps where the best throughput meeting the limits fell)."""
    estimated, problems = 0, []
    for system, model, scenario in itertools.product(systems, models, ("offline", "interactive")):
        w = {"kind": "inference", "model": model.slug, "precision": "fp8", "scenario": scenario,
             "input_tokens": 2048, "output_tokens": 1024} | (LADDER_LIMITS if scenario == "interactive" else {})
        best = None  # (GPUs, tok/s) of the highest rung so far that met the limits
        for gpus in LADDER:
            out = estimate_or_none(catalog, system.slug, gpus, w)
            if out is None:
                continue
            estimated += 1
            if out.get("slo_met") is False:
                continue
            if best and out["output_tokens_per_s"] < best[1] * (1 - EPS):
                problems.append(f"{system.slug} {model.slug} {scenario}: {out['output_tokens_per_s']:g} tok/s on {gpus} "
                                f"GPUs, {best[1]:g} on {best[0]}")
            if not best or out["output_tokens_per_s"] >= best[1]:
                best = (gpus, out["output_tokens_per_s"])
    return estimated, problems


def rungs(catalog, system: str, shape: tuple[int, int, int], workloads: list[dict]):
    """(workload, estimate) of each rung climbed in order, stopping at the first the estimator refuses (a
    model that does not fit refuses every rung)."""
    isl, osl, gpus = shape
    for w in workloads:
        w = {"kind": "inference", "input_tokens": isl, "output_tokens": osl} | w
        out = estimate_or_none(catalog, system, gpus, w)
        if out is None:
            return
        yield w, out


def limit_ladders(catalog, systems: list, models: list) -> tuple[int, list[str]]:
    """``--limits``: (estimates, the rungs where a looser limit was missed or gave less throughput)."""
    estimated, problems = 0, []
    ladders = {"TPOT": [LOOSE | {"tpot_p99_limit_ms": ms} for ms in TPOT_LADDER_MS],
               "TTFT": [LOOSE | {"ttft_p99_limit_ms": ms} for ms in TTFT_LADDER_MS]}
    for system, model, shape, (name, limits) in itertools.product(systems, models, LADDER_SHAPES, ladders.items()):
        prev = None
        ws = [{"model": model.slug, "precision": "fp8", "scenario": "interactive"} | lim for lim in limits]
        for w, out in rungs(catalog, system.slug, shape, ws):
            estimated += 1
            limit = w[f"{name.lower()}_p99_limit_ms"]
            where = f"{system.slug} {model.slug} {shape[0]}/{shape[1]} on {shape[2]}, {name} p99 ≤ {limit} ms"
            if prev and prev[1] and not out["slo_met"]:
                problems.append(f"{where}: limits not met, met at {prev[0]} ms")
            elif prev and prev[1] and out["output_tokens_per_s"] < prev[2] * (1 - EPS):
                problems.append(f"{where}: {out['output_tokens_per_s']:g} tok/s, {prev[2]:g} at {prev[0]} ms")
            prev = (limit, out["slo_met"], out["output_tokens_per_s"])
    return estimated, problems


def client_ladder(catalog, systems: list, models: list) -> tuple[int, list[str]]:
    """``--clients``: (estimates, the rungs where throughput fell by more than ``CLIENT_SLACK``)."""
    estimated, problems = 0, []
    for system, model, shape in itertools.product(systems, models, LADDER_SHAPES):
        prev = None
        ws = [{"model": model.slug, "precision": "fp8", "scenario": "concurrency", "concurrency": c}
              for c in CLIENT_LADDER]
        for w, out in rungs(catalog, system.slug, shape, ws):
            estimated += 1
            if prev and out["output_tokens_per_s"] < prev[1] * (1 - CLIENT_SLACK):
                problems.append(f"{system.slug} {model.slug} {shape[0]}/{shape[1]} on {shape[2]}: "
                                f"{out['output_tokens_per_s']:g} tok/s at {w['concurrency']} clients, {prev[1]:g} "
                                f"at {prev[0]}")
            prev = (w["concurrency"], out["output_tokens_per_s"])
    return estimated, problems


def rack_pairs(catalog, systems: list, models: list) -> tuple[int, list[str]]:
    """``--racks``: (estimates, the workloads where the rack's tok/s per GPU is below the node's, or the rack
    misses limits the node meets). Pairs whose node is among ``systems``."""
    estimated, problems = 0, []
    slugs = {s.slug for s in systems}
    pairs = [p for p in RACK_PAIRS if p[0] in slugs]
    for (node, rack), model, precision, (isl, osl), gpus, tpot in itertools.product(
            pairs, models, ("fp8", "fp4"), ((1024, 1024), (8192, 1024)), RACK_GPUS, RACK_TPOT_MS):
        w = {"kind": "inference", "model": model.slug, "precision": precision, "input_tokens": isl,
             "output_tokens": osl}
        w |= ({"scenario": "interactive", "tpot_p99_limit_ms": tpot, "ttft_p99_limit_ms": 3000} if tpot
              else {"scenario": "offline"})
        a, b = (estimate_or_none(catalog, system, gpus, w) for system in (node, rack))
        estimated += (a is not None) + (b is not None)
        where = f"{model.slug} {precision} {isl}/{osl} on {gpus}, TPOT p99 ≤ {tpot} ms" if tpot else \
            f"{model.slug} {precision} {isl}/{osl} on {gpus}, offline"
        if a and not b:
            problems.append(f"{where}: {rack} refused, {node} estimates")
        elif a and b and a.get("slo_met", True) and (not b.get("slo_met", True)
                                                      or b["output_tokens_per_s"] < a["output_tokens_per_s"] * (1 - EPS)):
            problems.append(f"{where}: {rack} {b['output_tokens_per_s']:g} tok/s (limits met: {b.get('slo_met', True)}), "
                            f"{node} {a['output_tokens_per_s']:g}")
    return estimated, problems


def round_trips(catalog, systems: list, models: list) -> tuple[int, list[str]]:
    """``--round-trip``: (searched estimates, those whose layout given back as ``config`` estimates otherwise)."""
    estimated, problems = 0, []
    scenarios = ({"scenario": "interactive", "tpot_p99_limit_ms": 30, "ttft_p99_limit_ms": 3000},
                 {"scenario": "concurrency", "concurrency": 256}, {"scenario": "offline"})
    for system, model, (isl, osl, gpus), sc in itertools.product(systems, models, LADDER_SHAPES, scenarios):
        w = {"kind": "inference", "model": model.slug, "precision": "fp8", "input_tokens": isl,
             "output_tokens": osl} | sc
        searched = estimate_or_none(catalog, system.slug, gpus, w)
        if searched is None:
            continue
        estimated += 1
        given = estimate_case({"id": "given", "workload": w | {"config": searched["layout"]},
                               "cluster": {"system": system.slug, "gpus": gpus}}, catalog)
        for key in ("output_tokens_per_s", "ttft_ms", "tpot_ms"):
            if abs(given[key] / searched[key] - 1) > 1e-6:
                problems.append(f"{system.slug} {model.slug} {isl}/{osl} on {gpus} {sc['scenario']}: {key} "
                                f"{searched[key]:g} searched, {given[key]:g} with its layout as config")
                break
    return estimated, problems


def broken_training_rules(out: dict, gpus: int) -> list[str]:
    """The rules one training estimate breaks (see ``--training`` in the module doc), as readable lines."""
    broken = [f"{k} = {out.get(k)!r}" for k in TRAINING_VALUES
              if not (isinstance(out.get(k), (int, float)) and out[k] > 0 and math.isfinite(out[k]))]
    if isinstance(out.get("mfu"), (int, float)) and out["mfu"] > 1:
        broken.append(f"MFU {out['mfu']:g} above 1")
    if not 0 < out.get("goodput", 0) <= 1:
        broken.append(f"goodput {out.get('goodput')!r}")
    used = out.get("gpus_used") or 0
    if not gpus / 2 <= used <= gpus:
        broken.append(f"{used} of {gpus} GPUs used")
    if not broken and out["tokens_per_joule_wall"] > out["tokens_per_joule_it"] * (1 + EPS):
        broken.append(f"{out['tokens_per_joule_wall']:g} tokens/J at the wall above {out['tokens_per_joule_it']:g} "
                      "at the IT load")
    if not broken and abs(out["tokens_per_s"] * out["step_time_s"] / (TRAINING_SEQUENCE * TRAINING_BATCH_SEQUENCES)
                          - 1) > 1e-3:
        broken.append(f"{out['tokens_per_s']:g} tok/s × {out['step_time_s']:g} s is not a step's "
                      f"{TRAINING_SEQUENCE * TRAINING_BATCH_SEQUENCES:,} tokens")
    return broken


def training_sweep(catalog, systems: list, models: list) -> tuple[int, Counter, list[str]]:
    """``--training``: (cases estimated, refusals counted by reason, broken rules)."""
    estimated, reasons, problems = 0, Counter(), []
    for system, model, precision in itertools.product(systems, models, PRECISIONS):
        w = {"kind": "training", "model": model.slug, "precision": precision,
             "sequence_length": TRAINING_SEQUENCE, "global_batch_sequences": TRAINING_BATCH_SEQUENCES}
        best = None  # (GPUs, tok/s) of the fastest smaller count so far
        for gpus in TRAINING_GPUS:
            where = f"{system.slug} {model.slug} {precision} on {gpus:,} GPUs"
            try:
                out = estimate_case({"id": where, "workload": w, "cluster": {"system": system.slug, "gpus": gpus}},
                                    catalog)
            except EstimateError as exc:
                reasons[_reason(str(exc))] += 1
                continue
            except Exception as exc:  # noqa: BLE001 — the point is to catch what should never happen
                problems.append(f"{where}: raised {exc!r}")
                continue
            estimated += 1
            problems += [f"{where}: {line}" for line in broken_training_rules(out, gpus)]
            if best and out["tokens_per_s"] < best[1] * (1 - EPS):
                problems.append(f"{where}: {out['tokens_per_s']:g} tok/s, below {best[1]:g} on {best[0]:,} GPUs")
            if not best or out["tokens_per_s"] >= best[1]:
                best = (gpus, out["tokens_per_s"])
    return estimated, reasons, problems


def _reason(message: str) -> str:
    """A refusal's reason without its numbers, so that alike ones count together: 'llama-3.1-405b (405.85 B
    parameters, …) does not fit on 8 × 80 GB GPUs …' → 'does not fit on N × N GB GPUs …'."""
    words = message.split(" (tried")[0]
    return " ".join("N" if any(ch.isdigit() for ch in word) else word for word in words.split()[1:])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", help="comma-separated model slugs (default: every model)")
    ap.add_argument("--systems", help="comma-separated system slugs (default: every system)")
    ap.add_argument("--ladder", action="store_true", help="check only that more GPUs never lower the throughput")
    ap.add_argument("--training", action="store_true", help="check every training estimate, 8 to 100,000 GPUs")
    ap.add_argument("--limits", action="store_true", help="check only that looser limits never lower the throughput")
    ap.add_argument("--clients", action="store_true", help="check only that more clients never lower the throughput")
    ap.add_argument("--racks", action="store_true", help="check only that an NVL72 rack never trails its DGX node")
    ap.add_argument("--round-trip", action="store_true",
                    help="check only that a chosen layout given back as config gives the same estimate")
    args = ap.parse_args(argv)
    catalog = file_catalog()
    systems = [s for s in catalog.of_kind(System) if not args.systems or s.slug in args.systems.split(",")]
    models = [m for m in catalog.of_kind(LlmModel) if not args.models or m.slug in args.models.split(",")]
    if args.training:
        started = time.process_time()
        estimated, reasons, problems = training_sweep(catalog, systems, models)
        total = len(systems) * len(models) * len(PRECISIONS) * len(TRAINING_GPUS)
        print(f"# training: {total:,} cases ({len(systems)} systems × {len(models)} models × {len(PRECISIONS)} "
              f"precisions × {len(TRAINING_GPUS)} GPU counts, {TRAINING_GPUS[0]:,} … {TRAINING_GPUS[-1]:,}), "
              f"{time.process_time() - started:.0f} s of CPU")
        print(f"estimated: {estimated:,}; refused with a reason: {sum(reasons.values()):,}; "
              f"rules broken: {len(problems)}")
        print("\n# reasons given (count, reason)")
        for reason, count in reasons.most_common():
            print(f"{count:6d}  {reason}")
        for line in problems:
            print(line)
        return 1 if problems else 0
    for flag, check, what in ((args.ladder, ladder, "ladder"), (args.limits, limit_ladders, "limits"),
                              (args.clients, client_ladder, "clients"), (args.racks, rack_pairs, "racks"),
                              (args.round_trip, round_trips, "round trip")):
        if flag:
            started = time.process_time()
            estimated, problems = check(catalog, systems, models)
            print(f"# {what}: {len(systems)} systems × {len(models)} models, "
                  f"{estimated:,} estimated, {time.process_time() - started:.0f} s of CPU; rules broken: {len(problems)}")
            for line in problems:
                print(line)
            return 1 if problems else 0
    reasons: Counter = Counter()
    problems: list[str] = []
    estimated = total = 0
    started = time.process_time()
    for system in systems:
        acc = catalog.accelerator_of(system)
        fastest = max(acc.bf16_dense_tflops, acc.fp8_dense_tflops or 0, acc.fp4_dense_tflops or 0) * 1e12
        for model, scenario, (isl, osl, gpus) in itertools.product(models, SCENARIOS, SHAPES):
            floor_ms = M.prefill_flops(model, isl) / (gpus * fastest) * 1e3
            outs = {}
            for precision in PRECISIONS:
                w = workload(model.slug, precision, scenario, isl, osl)
                where = f"{system.slug} {model.slug} {precision} {scenario} {isl}/{osl} on {gpus}"
                total += 1
                try:
                    out = estimate_case({"id": where, "workload": w, "cluster": {"system": system.slug, "gpus": gpus}},
                                        catalog)
                except EstimateError as exc:
                    reasons[str(exc).split(" (tried")[0]] += 1
                    continue
                except Exception as exc:  # noqa: BLE001 — the point is to catch what should never happen
                    problems.append(f"{where}: raised {exc!r}")
                    continue
                estimated += 1
                outs[precision] = out
                problems += [f"{where}: {line}" for line in broken_rules(out, w, floor_ms)]
            if "fp8" in outs and "fp4" in outs:
                fp8, fp4 = outs["fp8"]["output_tokens_per_s"], outs["fp4"]["output_tokens_per_s"]
                if not acc.fp4_dense_tflops and fp4 > fp8 * (1 + EPS):
                    problems.append(f"{system.slug} {model.slug} {scenario} {isl}/{osl}: FP4 {fp4:g} tok/s faster "
                                    f"than FP8 {fp8:g} on a GPU without FP4 units")
                both_met = outs["fp8"].get("slo_met", True) and outs["fp4"].get("slo_met", True)
                if acc.fp4_dense_tflops and both_met and fp4 < fp8 * (1 - EPS):
                    problems.append(f"{system.slug} {model.slug} {scenario} {isl}/{osl}: FP4 {fp4:g} tok/s slower "
                                    f"than FP8 {fp8:g} on a GPU with FP4 units")
    print(f"# {total:,} cases ({len(systems)} systems × {len(models)} models × {len(PRECISIONS)} precisions × "
          f"{len(SCENARIOS)} scenarios × {len(SHAPES)} shapes), {time.process_time() - started:.0f} s of CPU")
    print(f"estimated: {estimated:,}; refused with a reason: {sum(reasons.values()):,}; rules broken: {len(problems)}")
    print("\n# reasons given (count, reason)")
    for reason, count in reasons.most_common():
        print(f"{count:6d}  {reason}")
    if problems:
        print("\n# rules broken")
        for line in problems:
            print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
