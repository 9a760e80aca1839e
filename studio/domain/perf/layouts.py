"""Serving layouts: how one engine instance (a *worker*) is spread over GPUs, and how a deployment
is made of workers — one pool (``single-node``, aggregated) or a prefill pool and a decode pool
(``disaggregated``). The ``config`` of a case or workload (ARCHITECTURE.md) reads into a
``Deployment``; ``Deployment.as_config()`` writes the same shape back (the ``layout`` output).

A worker of ``Layout(tp, ep, dp_attention)`` spans ``max(tp, ep)`` GPUs: attention tensor-parallel over
``tp`` (or data-parallel, one sequence set per GPU, when ``dp_attention``), routed experts over all of
them. EP wider than TP without the flag (TP1/EP8, TP4/EP8) is ``ep / tp`` attention replicas sharing the
experts: data-parallel attention in all but name, priced as such (``serving.Replica.attn_dp``). A worker
may be wider than the scale-up domain; ``collectives`` prices what crosses the NICs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from studio.domain.catalog import LlmModel

from .constants import PP_STAGE_GPUS, TP_CHOICES
from .errors import EstimateError

SERVING_MODES = ("single-node", "disaggregated")
SPEC_MODES = ("none", "mtp")


@dataclass(frozen=True)
class Layout:
    tp: int = 1
    ep: int = 1
    dp_attention: bool = False
    pp: int = 1  # pipeline stages, each of max(tp, ep) GPUs holding 1/pp of the layers

    @property
    def gpus(self) -> int:
        return max(self.tp, self.ep) * self.pp

    @property
    def attn_tp(self) -> int:
        return 1 if self.dp_attention else self.tp

    def as_config(self) -> dict:
        out = {"tp": self.tp, "ep": self.ep, "dp_attention": self.dp_attention}
        return out | {"pp": self.pp} if self.pp > 1 else out

    def label(self) -> str:
        return _worker_label(self.as_config())


@dataclass(frozen=True)
class Deployment:
    """Workers of one layout (aggregated) or a prefill and a decode pool (disaggregated)."""

    decode: Layout
    decode_workers: int
    prefill: Layout | None = None
    prefill_workers: int = 0
    spec_decoding: str = "none"
    #: How a given ``config`` was read where it did not add up (``pool_from_config``): assumption lines.
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def disaggregated(self) -> bool:
        return self.prefill is not None and self.prefill_workers > 0

    @property
    def gpus(self) -> int:
        pre = self.prefill.gpus * self.prefill_workers if self.disaggregated else 0
        return pre + self.decode.gpus * self.decode_workers

    def as_config(self) -> dict:
        if not self.disaggregated:
            return {"serving": "single-node", **self.decode.as_config(), "workers": self.decode_workers,
                    "spec_decoding": self.spec_decoding}
        return {"serving": "disaggregated", "prefill_gpus": self.prefill.gpus * self.prefill_workers,
                "decode_gpus": self.decode.gpus * self.decode_workers,
                "prefill": {"workers": self.prefill_workers, **self.prefill.as_config()},
                "decode": {"workers": self.decode_workers, **self.decode.as_config()},
                "spec_decoding": self.spec_decoding}

    def label(self) -> str:
        return config_label(self.as_config())


def _worker_label(d: dict) -> str:
    """One worker of a ``config`` pool: 'TP8/EP8 DP-attn', 'TP4/PP2'."""
    ep = f"/EP{d.get('ep', 1)}" if d.get("ep", 1) > 1 else ""
    pp = f"/PP{d.get('pp', 1)}" if d.get("pp", 1) > 1 else ""
    return f"TP{d.get('tp', 1)}{ep}{pp}{' DP-attn' if d.get('dp_attention') else ''}"


def _pool_label(d: dict) -> str:
    """One pool of a ``config``: '8 × TP8/EP8 DP-attn', '2 × TP4/PP2'."""
    return f"{d.get('workers', 1)} × {_worker_label(d)}"


def config_label(config: dict | None) -> str:
    """A deployment in the ``config``/``layout`` shape (``Deployment.as_config``) in a few words — the one
    label of the estimate's lines, the frontier's hover and the layout list:
    ``{"serving": "single-node", "workers": 8, "tp": 8, "ep": 8, "dp_attention": true}`` → '8 × TP8/EP8
    DP-attn'; a disaggregated one → 'prefill 2 × TP4, decode 1 × TP32/EP32 DP-attn'; '+ speculative
    decoding' when ``spec_decoding`` is ``mtp`` (DeepSeek's MTP or an EAGLE-3 head, ``specdec``).
    None or {} → ''."""
    if not config:
        return ""
    spec = " + speculative decoding" if config.get("spec_decoding") == "mtp" else ""
    if config.get("serving") == "disaggregated":
        return f"prefill {_pool_label(config['prefill'])}, decode {_pool_label(config['decode'])}{spec}"
    return _pool_label(config) + spec


def _whole(d: dict, key: str, default: int | None = None, where: str = "config") -> int | None:
    """``d[key]`` as a whole number ≥ 1; ``default`` when it is missing or null. The error names the JSON path:
    ``config.decode.tp must be a whole number ≥ 1, found '8'``."""
    v = d.get(key)
    if v is None:
        return default
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or int(v) != v or v < 1:
        raise EstimateError(f"{where}.{key} must be a whole number ≥ 1, found {v!r}")
    return int(v)


def _flag(d: dict, key: str, where: str = "config") -> bool:
    """``d[key]`` as true or false (missing or null: false); anything else, such as the string "false", is an
    error naming the JSON path."""
    v = d.get(key)
    if v is None:
        return False
    if not isinstance(v, bool):
        raise EstimateError(f"{where}.{key} must be true or false, found {v!r}")
    return v


def layout_from(d: dict, model: LlmModel, where: str = "config") -> Layout:
    """A ``Layout`` from ``{"tp", "ep", "dp_attention", "pp"}``; missing tp/ep/pp default to 1."""
    if not isinstance(d, dict):
        raise EstimateError(f"{where} must be an object with tp, ep, dp_attention")
    tp = _whole(d, "tp", 1, where)
    ep = _whole(d, "ep", 1, where)
    dp = _flag(d, "dp_attention", where)
    layout = Layout(tp, ep, dp, _whole(d, "pp", 1, where))
    if layout.pp > model.layers:
        raise EstimateError(f"pipeline parallel {layout.pp} exceeds {model.slug}'s {model.layers} layers")
    check_layout(layout, model)
    return layout


def check_layout(layout: Layout, model: LlmModel) -> None:
    """Refuse what no engine runs: attention TP that does not divide the heads, EP on a dense
    model or EP wider than the experts. EP that does not divide the experts is run: each GPU holds
    ⌈experts / EP⌉ expert slots and the spare slots hold copies of the busiest experts (SGLang
    ``--ep-num-redundant-experts``, TensorRT-LLM's expert load balancer ``num_slots``): DeepSeek-R1's
    256 experts on EP 48 is 6 slots per GPU, 288 in all (``serving.Replica.expert_share_per_gpu``)."""
    a = layout.attn_tp
    if model.heads % a:
        raise EstimateError(f"tensor parallel {a} does not divide {model.slug}'s {model.heads} attention heads")
    if layout.ep > 1 and not model.is_moe:
        raise EstimateError(f"expert parallel {layout.ep} needs a mixture-of-experts model; {model.slug} is dense")
    if model.is_moe and layout.ep > model.experts:
        raise EstimateError(f"expert parallel {layout.ep} exceeds {model.slug}'s {model.experts} experts")


def deployment_from_config(config: dict, model: LlmModel, gpus: int) -> Deployment:
    """Read a case's ``config``: single-node (``tp``, ``ep``, ``dp_attention``: as many workers as
    the GPUs hold) or disaggregated (``prefill``/``decode`` with ``workers``)."""
    if not isinstance(config, dict):
        raise EstimateError("config must be an object")
    serving = config.get("serving") or ("disaggregated" if "decode" in config else "single-node")
    if serving not in SERVING_MODES:
        raise EstimateError(f"config: unknown serving '{serving}' (expected {' or '.join(SERVING_MODES)})")
    spec = config.get("spec_decoding") or "none"
    if spec not in SPEC_MODES:
        raise EstimateError(f"config: unknown spec_decoding '{spec}' (expected none or mtp)")
    if serving == "single-node":
        layout = layout_from(config, model)
        if layout.gpus > gpus:
            raise EstimateError(f"config: a worker of {layout.gpus} GPUs does not fit on the cluster's {gpus}")
        return Deployment(layout, gpus // layout.gpus, spec_decoding=spec)
    pre, dec = config.get("prefill"), config.get("decode")
    if not isinstance(pre, dict) or not isinstance(dec, dict):
        raise EstimateError("config: disaggregated serving needs 'prefill' and 'decode' objects")
    lp, wp, np_ = pool_from_config(pre, model, "prefill", _whole(config, "prefill_gpus"))
    ld, wd, nd = pool_from_config(dec, model, "decode", _whole(config, "decode_gpus"))
    dep = Deployment(ld, wd, lp, wp, spec, notes=tuple(n for n in (np_, nd) if n))
    if dep.gpus > gpus:
        raise EstimateError(f"config: the prefill and decode workers need {dep.gpus} GPUs, the cluster has {gpus}")
    return dep


def pool_from_config(d: dict, model: LlmModel, side: str, pool_gpus: int | None) -> tuple[Layout, int, str | None]:
    """One disaggregated pool of a ``config``: its worker layout, its workers and, where the layout and
    workers do not add up to the pool's stated GPUs (``prefill_gpus`` / ``decode_gpus``), how it was
    read (an assumption line; ``None`` when it adds up or no count is stated).

    The pool's GPU count is what was deployed; the per-worker columns are what a harness reports, and
    some report the attention tensor-parallel size of a worker whose attention is data-parallel (SGLang's
    ``--enable-dp-attention`` workers logged as TP1, InferenceX's ``*_tp`` column). So:

    * workers missing or 0 with the GPUs stated: ``pool_gpus / width`` workers;
    * ``workers × width ≠ pool_gpus`` and the workers divide the pool: each worker is ``pool_gpus /
      workers`` GPUs wide, its experts and data-parallel attention (or its tensor parallelism, for a
      worker without either) resized to that (``resize``);
    * anything else (the workers do not divide the pool, a resized layout no engine runs) is an error
      that names it.

    Example: ``{"workers": 5, "tp": 1, "dp_attention": true}`` with ``prefill_gpus`` 40 is 5 workers of
    8 GPUs, TP8/EP8 with data-parallel attention; ``{"workers": 0, "tp": 4, "ep": 4}`` with 16 GPUs is 4
    workers of TP4/EP4."""
    layout = layout_from(d, model, f"config.{side}")
    raw = d.get("workers")
    if pool_gpus is None:
        return layout, _whole(d, "workers", 1, f"config.{side}"), None
    if raw is None or (raw == 0 and not isinstance(raw, bool)):
        if pool_gpus % layout.gpus:
            raise EstimateError(f"config.{side}: workers of {layout.gpus} GPUs ({layout.label()}) do not fill "
                                f"the pool's {pool_gpus} GPUs")
        workers = pool_gpus // layout.gpus
        return layout, workers, (f"config.{side}: workers not given; {pool_gpus} GPUs read as {workers} × "
                                 f"{layout.label()}")
    workers = _whole(d, "workers", where=f"config.{side}")
    if workers * layout.gpus == pool_gpus:
        return layout, workers, None
    if pool_gpus % workers:
        raise EstimateError(f"config.{side}: {workers} workers do not divide the pool's {pool_gpus} GPUs")
    wide = resize(layout, pool_gpus // workers, model)
    check_layout(wide, model)
    given = workers * layout.gpus
    return wide, workers, (f"config.{side}: {workers} × {layout.label()} is {given} GPU{'s' * (given != 1)}, "
                           f"the pool {pool_gpus}: read as {workers} × {wide.label()}")


def resize(layout: Layout, gpus: int, model: LlmModel) -> Layout:
    """``layout`` stretched (or narrowed) to a worker of ``gpus`` GPUs: the pipeline stages kept, each stage as wide as
    they leave; experts over the whole stage on a MoE model whose layout shares experts (EP > 1 or
    data-parallel attention), tensor parallelism over it where the attention is tensor-parallel and TP
    was as wide as the worker. Example: TP1 DP-attn to 8 GPUs of DeepSeek-R1 is TP8/EP8 DP-attn; TP4 of
    Llama-3.3-70B to 8 is TP8."""
    if gpus % layout.pp:
        raise EstimateError(f"a worker of {gpus} GPUs cannot hold {layout.pp} pipeline stages evenly")
    stage = gpus // layout.pp
    shares_experts = model.is_moe and (layout.ep > 1 or layout.dp_attention)
    ep = min(stage, model.experts) if shares_experts else 1
    tp = stage if layout.dp_attention or layout.tp == max(layout.tp, layout.ep) else layout.tp
    return Layout(tp, ep, layout.dp_attention, layout.pp)


def candidate_layouts(model: LlmModel, gpus: int, scale_up_domain: int, fixed_tp: int | None = None) -> list[Layout]:
    """Every layout the search tries on ``gpus`` GPUs: TP of a power of two dividing the heads (up to
    the GPUs, across nodes too, at most twice the scale-up domain); for MoE models also EP = TP with
    tensor-parallel or data-parallel attention; and pipelines of 2 or 4 stages of a whole scale-up
    domain each (TP inside the domain, PP across: the alternative to TP over the NICs). Where the
    domain is wider than an 8-GPU node (NVL72), also pipelines of 8-GPU stages inside it, so that a rack
    can run every layout a DGX node can (``PP_STAGE_GPUS``)."""
    limit = min(gpus, max(2 * scale_up_domain, 8), max(TP_CHOICES))
    sizes = [fixed_tp] if fixed_tp else [t for t in TP_CHOICES if t <= limit]
    out: list[Layout] = []
    for t in sizes:
        if model.heads % t == 0:
            out.append(Layout(t, 1, False))
        if model.is_moe and t > 1 and model.experts % t == 0:
            if model.heads % t == 0:
                out.append(Layout(t, t, False))
            out.append(Layout(t, t, True))
    domain = min(scale_up_domain, max(TP_CHOICES))
    for stage in sorted({domain, min(domain, PP_STAGE_GPUS)}):
        if not fixed_tp and model.heads % stage == 0:
            out += [Layout(stage, 1, False, pp) for pp in (2, 4) if stage * pp <= gpus]
    return out
