"""Estimate cases of the ``ai-factory-estimate-cases/1`` format (see ARCHITECTURE.md).

``estimate_case(case, catalog)`` returns the contract's output object for one case (``id`` plus
the keys that apply) or raises ``EstimateError``; ``estimate_cases`` turns errors into
``{"id", "error"}`` lines. ``measured`` is never read.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Iterable

from studio.domain.catalog import Catalog, LlmModel, Switch, System
from studio.domain.fabric import FabricError, size_system_fabric

from . import calibration as cal
from .cost import CostInputs
from .errors import EstimateError
from .hardware import Hardware, hardware_of
from .inference import InferenceRequest, estimate_inference
from .results import FabricEstimate, InferenceEstimate, TrainingEstimate
from .search import factor_precision
from .training import TrainingRequest, estimate_training, training_factors

CASES_FORMAT = "ai-factory-estimate-cases/1"
Progress = Callable[[int, int, str], None]


def _lookup(catalog: Catalog, slug: Any, kind: type, what: str):
    if not isinstance(slug, str) or not slug:
        raise EstimateError(f"{what} must be a catalog slug")
    try:
        return catalog.get(slug, kind)
    except KeyError:
        raise EstimateError(f"unknown {what} '{slug}'") from None


def _int(d: dict, key: str, what: str, required: bool = True) -> int | None:
    v = d.get(key)
    if v is None:
        if required:
            raise EstimateError(f"{what}: missing '{key}'")
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or int(v) != v:
        raise EstimateError(f"{what}: '{key}' must be a whole number, found {v!r}")
    return int(v)


def _num(d: dict, key: str) -> float | None:
    v = d.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise EstimateError(f"'{key}' must be a number, found {v!r}")
    return float(v)


def hardware_for(catalog: Catalog, system_slug: str) -> Hardware:
    system = _lookup(catalog, system_slug, System, "system")
    try:
        acc = catalog.accelerator_of(system)
    except KeyError as exc:
        raise EstimateError(str(exc).strip("'\"")) from None
    return hardware_of(system, acc)


def cluster_gpus(cluster: dict, system: System) -> int:
    """GPUs of a cluster given as ``gpus`` or as ``nodes`` (systems)."""
    if "gpus" in cluster:
        gpus = _int(cluster, "gpus", "cluster")
    elif "nodes" in cluster:
        gpus = _int(cluster, "nodes", "cluster") * system.accelerators
    else:
        raise EstimateError("cluster needs 'gpus' or 'nodes'")
    if gpus < 1:
        raise EstimateError("the cluster has no GPUs: at least one is needed")
    return gpus


def run_inference(workload: dict, hw: Hardware, gpus: int, catalog: Catalog,
                  cost_inputs: CostInputs = CostInputs(), calibration: cal.CalibrationData | None = None,
                  config: dict | None = None, with_frontier: bool = False) -> InferenceEstimate:
    model = _lookup(catalog, workload.get("model"), LlmModel, "model")
    precision = workload.get("precision") or "bf16"
    # the factors of the precision the GPU's GEMMs actually run (FP4 on MI300X runs as FP8; gpt-oss's
    # MXFP4 experts multiply at the FP8 rate on Blackwell)
    factors = (calibration or cal.load()).factors_for(hw.family, factor_precision(model, hw.accelerator, precision))
    req = InferenceRequest(
        model=model, precision=precision, scenario=workload.get("scenario") or "offline",
        input_tokens=_int(workload, "input_tokens", "inference workload"),
        output_tokens=_int(workload, "output_tokens", "inference workload"), gpus=gpus,
        tensor_parallel=_int(workload, "tensor_parallel", "inference workload", required=False),
        concurrency=_int(workload, "concurrency", "inference workload", required=False),
        ttft_p99_limit_ms=_num(workload, "ttft_p99_limit_ms"), tpot_p99_limit_ms=_num(workload, "tpot_p99_limit_ms"),
        config=config if config is not None else workload.get("config"), spec_decoding=workload.get("spec_decoding"))
    return estimate_inference(req, hw, factors, cost_inputs, with_frontier=with_frontier)


def run_training(workload: dict, hw: Hardware, gpus: int, catalog: Catalog,
                 cost_inputs: CostInputs = CostInputs(), calibration: cal.CalibrationData | None = None
                 ) -> TrainingEstimate:
    model = _lookup(catalog, workload.get("model"), LlmModel, "model")
    precision = workload.get("precision") or "bf16"
    factors = training_factors(calibration or cal.load(), hw)
    req = TrainingRequest(
        model=model, precision=precision,
        sequence_length=_int(workload, "sequence_length", "training workload"),
        global_batch_sequences=_int(workload, "global_batch_sequences", "training workload"),
        gpus=gpus, train_tokens=_num(workload, "train_tokens"))
    return estimate_training(req, hw, factors, cost_inputs)


def _sig(x: float, digits: int = 5) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, max(0, digits - 1 - int(math.floor(math.log10(abs(x))))))


def inference_output(est: InferenceEstimate) -> dict:
    return {
        "output_tokens_per_s": _sig(est.output_tokens_per_s), "ttft_ms": _sig(est.ttft_ms),
        "tpot_ms": _sig(est.tpot_ms), "tokens_per_joule": _sig(est.tokens_per_joule),
        "usd_per_million_tokens": _sig(est.usd_per_million_tokens),
        "tensor_parallel": est.tensor_parallel, "replicas": est.replicas, "batch_per_replica": est.batch_per_replica,
        "ttft_p99_ms": _sig(est.ttft_p99_ms), "tpot_p99_ms": _sig(est.tpot_p99_ms), "limited_by": est.limited_by,
        **({"slo_met": est.slo_met} if est.slo_met is not None else {}), "layout": est.layout,
        **({"frontier": list(est.frontier)} if est.frontier else {}),
        **({"considered": list(est.considered)} if est.considered else {}),
        "confidence": {"band": est.band.label, "low": _sig(est.band.low, 3), "high": _sig(est.band.high, 3),
                       **{name: {"low": _sig(b.low, 3), "high": _sig(b.high, 3)}
                          for name, b in (("ttft", est.ttft_band), ("tpot", est.tpot_band)) if b is not None}},
        "assumptions": list(est.assumptions),
    }


def training_output(est: TrainingEstimate) -> dict:
    lay = est.layout
    return {
        "tokens_per_s": _sig(est.tokens_per_s), "mfu": _sig(est.mfu, 4), "step_time_s": _sig(est.step_time_s),
        "time_to_train_s": _sig(est.time_to_train_s),
        "gpus_used": est.gpus_used, "goodput": _sig(est.goodput, 4),
        "tokens_per_joule_it": _sig(est.tokens_per_joule_it), "tokens_per_joule_wall": _sig(est.tokens_per_joule_wall),
        "layout": {"tp": lay.tensor_parallel, "pp": lay.pipeline_parallel, "cp": lay.context_parallel,
                   "dp": lay.data_parallel, "ep": lay.expert_parallel, "micro_batches": lay.micro_batches,
                   "virtual_stages": lay.virtual_stages, "recompute": lay.recompute},
        "confidence": {"band": est.band.label, "low": _sig(est.band.low, 3), "high": _sig(est.band.high, 3)},
        "assumptions": list(est.assumptions),
    }


def fabric_for_cluster(cluster: dict, system: System, catalog: Catalog) -> FabricEstimate | None:
    if not cluster.get("fabric"):
        return None
    switch = _lookup(catalog, cluster["fabric"], Switch, "fabric switch")
    if "nodes" in cluster:
        nodes = _int(cluster, "nodes", "cluster")
    else:
        nodes = math.ceil(cluster_gpus(cluster, system) / system.accelerators)
    over = _num(cluster, "oversubscription") or 1.0
    try:
        return size_system_fabric(system, nodes, switch, cluster.get("topology") or "rail-optimized", over)
    except FabricError as exc:
        raise EstimateError(str(exc)) from None


def estimate_case(case: dict, catalog: Catalog, calibration: cal.CalibrationData | None = None,
                  frontier: bool = False) -> dict:
    """The output object of one case; raises ``EstimateError`` when it cannot be estimated."""
    if not isinstance(case, dict):
        raise EstimateError("a case must be an object")
    workload, cluster = case.get("workload"), case.get("cluster")
    if not isinstance(workload, dict):
        raise EstimateError("case has no 'workload' object")
    if not isinstance(cluster, dict):
        raise EstimateError("case has no 'cluster' object")
    kind = workload.get("kind")
    hw = hardware_for(catalog, cluster.get("system"))
    out: dict[str, Any] = {"id": case.get("id")}
    gpus = cluster_gpus(cluster, hw.system) if kind != "fabric" or "gpus" in cluster else None
    if kind == "inference":
        out.update(inference_output(run_inference(workload, hw, gpus, catalog, calibration=calibration,
                                                  config=case.get("config"), with_frontier=frontier)))
    elif kind == "training":
        out.update(training_output(run_training(workload, hw, gpus, catalog, calibration=calibration)))
    elif kind != "fabric":
        raise EstimateError(f"unknown workload kind {kind!r} (expected inference, training or fabric)")
    fabric = fabric_for_cluster(cluster, hw.system, catalog)
    if fabric is not None:
        out["fabric"] = fabric.contract_dict() | {"tiers": fabric.tiers}
    elif kind == "fabric":
        raise EstimateError("a fabric case needs cluster.fabric (a switch slug)")
    return out


def estimate_cases(cases: Iterable[dict], catalog: Catalog, progress: Progress | None = None,
                   calibration: cal.CalibrationData | None = None, frontier: bool = False) -> list[dict]:
    """Every case's output line; a case that fails becomes ``{"id", "error"}``."""
    cases = list(cases)
    lines = []
    for i, case in enumerate(cases):
        cid = case.get("id") if isinstance(case, dict) else None
        try:
            lines.append(estimate_case(case, catalog, calibration, frontier))
        except EstimateError as exc:
            lines.append({"id": cid, "error": str(exc)})
        if progress:
            progress(i + 1, len(cases), f"case {cid}")
    return lines
