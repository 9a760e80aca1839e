"""Training throughput: the fastest data × tensor × pipeline × context parallel layout that fits.

For every layout (TP within the scale-up domain, PP, CP, DP = GPUs / (TP·PP·CP), micro-batch of
one sequence, interleaved 1F1B) the step time is

    step = compute / η_train + exposed TP/CP comm + exposed DP comm + PP sends + EP all-to-all + bubble

* compute: hardware FLOPs per token ``6·N_active + 6·L·heads·head_dim·s`` (causal attention; full
  recompute adds one forward) × tokens per step ÷ (GPUs × peak).
* TP with sequence parallelism: 4 all-reduce-equivalents of ``s·h·2 B`` per layer per micro-batch,
  ``TP_EXPOSED_FRACTION`` of it not hidden behind GEMMs.
* DP: distributed optimizer (ZeRO-1) → gradient reduce-scatter + parameter all-gather = one
  all-reduce of ``2 B × N / (TP·PP)`` across DP·CP ranks on the scale-out fabric,
  ``DP_EXPOSED_FRACTION`` exposed.
* pipeline bubble ``(p−1)/(v·m)`` of the busy time (Narayanan et al. 2021), m micro-batches
  per DP rank, v virtual stages.
Memory per GPU: 16 B/param split as 4 B over TP·PP(·EP for experts) and 12 B of optimizer state
also over DP·CP; activations ``34·s·h·L_stage/(TP·CP)`` per micro-batch × PP in flight (selective
recompute) or ``2·s·h·L_stage/(TP·CP)`` with full recompute; plus FP32 logits of the last stage.
MFU is reported with the PaLM convention: ``(6·N + 12·L·heads·head_dim·s) × tokens/s ÷ (GPUs × peak)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.domain.catalog import LlmModel

from . import models as M
from .calibration import Factors
from .collectives import all_reduce_s, all_to_all_s, link_for_group, p2p_s, ring_all_reduce_s, scale_out_link
from .confidence import band
from .constants import (
    ACTIVATION_BYTES,
    ACTIVATION_BYTES_PER_TOKEN_HIDDEN,
    DEFAULT_TRAIN_TOKENS,
    DP_EXPOSED_FRACTION,
    EP_EXPOSED_FRACTION,
    FULL_RECOMPUTE_BYTES_PER_TOKEN_HIDDEN,
    FULL_RECOMPUTE_FLOP_FACTOR,
    GB,
    TP_EXPOSED_FRACTION,
    TRAIN_OPTIMIZER_BYTES_PER_PARAM,
    TRAIN_WEIGHT_GRAD_BYTES_PER_PARAM,
    TRAINING_RESERVED_GB,
)
from .cost import CostInputs, system_price_usd, usd_per_hour, usd_per_run
from .energy import it_power_w, systems_for_gpus
from .errors import EstimateError
from .hardware import Hardware
from .results import TimeBreakdown, TrainingEstimate, TrainingLayout

#: Most virtual pipeline stages per rank considered (Megatron interleaved schedule) [M].
MAX_VIRTUAL_STAGES = 4
POWERS_OF_TWO = (1, 2, 4, 8, 16, 32, 64, 128)
#: Logits are materialised in FP32 on the last stage: ``s · vocab · 4 B / TP`` [M].
LOGIT_BYTES = 4.0


@dataclass(frozen=True)
class TrainingRequest:
    model: LlmModel
    precision: str
    sequence_length: int
    global_batch_sequences: int
    gpus: int
    train_tokens: float | None = None


def validate(req: TrainingRequest) -> None:
    M.check_precision(req.precision)
    if req.gpus is None or req.gpus < 1:
        raise EstimateError("the cluster has no GPUs: at least one is needed")
    if not req.sequence_length or req.sequence_length < 1:
        raise EstimateError("sequence_length must be at least 1")
    if req.sequence_length > req.model.max_context:
        raise EstimateError(f"sequence_length {req.sequence_length} exceeds {req.model.slug}'s context "
                            f"of {req.model.max_context} tokens")
    if not req.global_batch_sequences or req.global_batch_sequences < 1:
        raise EstimateError("global_batch_sequences must be at least 1")
    if req.train_tokens is not None and req.train_tokens <= 0:
        raise EstimateError("train_tokens must be positive")


def model_flops_per_token(model: LlmModel, seq: int) -> float:
    """PaLM-convention training FLOPs per token: ``6·N + 12·L·heads·head_dim·s``.

    GPT-3 175B at s = 2,048: 6 × 174.6 B + 12 × 96 × 12,288 × 2,048 = 1.048 + 0.029 = 1.077 TFLOP.
    """
    return 3.0 * M.linear_flops_per_token(model) + 6.0 * seq * M.attention_flops_per_token_per_context(model) / 2.0


def hardware_flops_per_token(model: LlmModel, seq: int, full_recompute: bool) -> float:
    """FLOPs the GPUs execute per token: linear ×3 (fwd+2×bwd), causal attention (half of the
    PaLM count), one more forward with full recompute."""
    linear = 3.0 * M.linear_flops_per_token(model)
    attention = 3.0 * M.attention_flops_per_token_per_context(model) * seq / 2.0
    return (linear + attention) * (FULL_RECOMPUTE_FLOP_FACTOR if full_recompute else 1.0)


def _memory_bytes(req: TrainingRequest, tp: int, pp: int, cp: int, dp: int, ep: int, full: bool) -> float:
    m = req.model
    experts = M.routed_expert_params(m)
    dense = M.total_params(m) - experts
    shard = dense / (tp * pp) + experts / (tp * pp * ep)
    states = shard * TRAIN_WEIGHT_GRAD_BYTES_PER_PARAM + shard * TRAIN_OPTIMIZER_BYTES_PER_PARAM / (dp * cp)
    layers_per_stage = -(-m.layers // pp)
    per_token_hidden = FULL_RECOMPUTE_BYTES_PER_TOKEN_HIDDEN if full else ACTIVATION_BYTES_PER_TOKEN_HIDDEN
    tokens = req.sequence_length / cp
    activations = per_token_hidden * tokens * m.hidden * layers_per_stage / tp * pp
    logits = tokens * m.vocab * LOGIT_BYTES / tp
    return states + activations + logits


def _step(req: TrainingRequest, hw: Hardware, f: Factors, tp: int, pp: int, cp: int, dp: int, ep: int,
          full: bool) -> tuple[TimeBreakdown, int, int]:
    m, s = req.model, req.sequence_length
    v = 1
    if pp > 1:
        v = max(1, min(MAX_VIRTUAL_STAGES, m.layers // pp))
    micro = -(-req.global_batch_sequences // dp)  # the busiest DP rank's micro-batches
    tokens_per_gpu = micro * s / (tp * pp * cp)
    peak = hw.peak_flops(req.precision) * f.training_gemm_efficiency
    compute = hardware_flops_per_token(m, s, full) * tokens_per_gpu / peak
    layers_per_stage = m.layers / pp
    act = s / cp * m.hidden * ACTIVATION_BYTES
    tp_comm = 0.0
    if tp > 1:
        tp_comm = micro * layers_per_stage * 4 * ring_all_reduce_s(act, tp, link_for_group(hw, tp))
    cp_comm = 0.0
    if cp > 1:
        kv = s / cp * 2 * m.kv_heads * m.head_dim * ACTIVATION_BYTES
        cp_comm = micro * layers_per_stage * 3 * (cp - 1) * p2p_s(kv / tp, link_for_group(hw, tp * cp))
    ep_comm = 0.0
    if m.is_moe and ep > 1:
        routed = s / cp * m.experts_active * m.hidden * ACTIVATION_BYTES / tp
        ep_comm = micro * M.moe_layers(m) / pp * 4 * all_to_all_s(routed, ep, link_for_group(hw, tp * cp * ep))
    exposed_model = (tp_comm + cp_comm) * TP_EXPOSED_FRACTION + ep_comm * EP_EXPOSED_FRACTION
    pp_comm = 0.0
    if pp > 1:
        pp_comm = 2 * micro * v * p2p_s(act / tp, link_for_group(hw, tp * cp * pp))
    grads = ACTIVATION_BYTES * (M.total_params(m) - M.routed_expert_params(m) * (1 - 1 / ep)) / (tp * pp)
    dp_comm = all_reduce_s(grads, dp * cp, scale_out_link(hw) if tp * pp * cp * dp > hw.scale_up_domain
                           else link_for_group(hw, 1)) * DP_EXPOSED_FRACTION
    busy = compute + exposed_model + pp_comm
    bubble = busy * (pp - 1) / (v * micro) if pp > 1 else 0.0
    overhead = f.step_overhead_s
    return (TimeBreakdown(compute_s=compute, communication_s=exposed_model + pp_comm + dp_comm, bubble_s=bubble,
                          overhead_s=overhead), micro, v)


def layouts(req: TrainingRequest, hw: Hardware):
    """Every (tp, pp, cp, dp, ep) that divides the GPUs, with at least one sequence per DP rank
    (a batch that does not divide evenly leaves the busiest rank one micro-batch more)."""
    m = req.model
    for tp in POWERS_OF_TWO:
        if tp > hw.scale_up_domain or tp > m.heads or req.gpus % tp:
            continue
        for cp in (1, 2, 4, 8):
            if cp > 1 and req.sequence_length < 4096 * cp // 2:
                continue
            for pp in POWERS_OF_TWO:
                if pp > m.layers or req.gpus % (tp * cp * pp):
                    continue
                dp = req.gpus // (tp * cp * pp)
                if dp > req.global_batch_sequences:
                    continue
                if not m.is_moe:
                    yield tp, pp, cp, dp, 1
                    continue
                for ep in POWERS_OF_TWO:
                    if ep <= min(m.experts, dp * cp) and (dp * cp) % ep == 0:
                        yield tp, pp, cp, dp, ep


def estimate_training(req: TrainingRequest, hw: Hardware, factors: Factors,
                      cost_inputs: CostInputs = CostInputs()) -> TrainingEstimate:
    """The fastest feasible layout's throughput, MFU, step time and time to train."""
    validate(req)
    budget = hw.memory_bytes - TRAINING_RESERVED_GB * GB
    best = None
    for tp, pp, cp, dp, ep in layouts(req, hw):
        for full in (False, True):
            mem = _memory_bytes(req, tp, pp, cp, dp, ep, full)
            if mem > budget:
                continue
            bd, micro, v = _step(req, hw, factors, tp, pp, cp, dp, ep, full)
            if best is None or bd.total_s < best[0].total_s:
                best = (bd, TrainingLayout(tp, pp, cp, dp, ep, micro, v, "full" if full else "selective", mem / GB))
            break  # selective recompute fits: full recompute is only slower
    if best is None:
        raise EstimateError(
            f"{req.model.slug} ({req.model.params_total_b:g} B parameters, 16 B each for training) does not fit "
            f"on {req.gpus} × {hw.accelerator.memory_gb:g} GB GPUs at any parallel layout with global batch "
            f"{req.global_batch_sequences}")
    bd, layout = best
    step = bd.total_s
    tokens_per_s = req.global_batch_sequences * req.sequence_length / step
    mfu = model_flops_per_token(req.model, req.sequence_length) * tokens_per_s / (req.gpus * hw.peak_flops(req.precision))
    train_tokens = req.train_tokens or DEFAULT_TRAIN_TOKENS
    seconds = train_tokens / tokens_per_s
    power = it_power_w(hw.system, req.gpus)
    hourly = usd_per_hour(systems_for_gpus(hw.system, req.gpus), system_price_usd(hw.system, hw.family, cost_inputs),
                          power, cost_inputs)
    assumptions = (
        f"layout TP{layout.tensor_parallel} PP{layout.pipeline_parallel} CP{layout.context_parallel} "
        f"DP{layout.data_parallel}" + (f" EP{layout.expert_parallel}" if req.model.is_moe else "")
        + f", {layout.micro_batches} micro-batches per step, {layout.virtual_stages} virtual stage(s), "
        f"{layout.recompute} recompute, {layout.memory_gb_per_gpu:.0f} GB per GPU",
        "distributed optimizer (ZeRO-1), 16 B per parameter before sharding",
        f"time to train for {train_tokens:.3g} tokens" + ("" if req.train_tokens else " (default: no train_tokens given)"),
        *factors.notes,
    )
    return TrainingEstimate(
        model=req.model.slug, system=hw.system.slug, precision=req.precision, gpus=req.gpus,
        sequence_length=req.sequence_length, global_batch_sequences=req.global_batch_sequences,
        tokens_per_s=tokens_per_s, mfu=mfu, step_time_s=step, time_to_train_s=seconds, train_tokens=train_tokens,
        power_w=power, energy_kwh=power * seconds / 3.6e6, usd_per_run=usd_per_run(hourly, seconds),
        layout=layout, breakdown=bd,
        band=band(factors.anchored_training, "training", hw.family, req.precision), assumptions=assumptions,
    )
