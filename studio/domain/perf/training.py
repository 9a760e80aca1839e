"""Training throughput: the fastest data × tensor × pipeline × context parallel layout that fits.

For every layout (TP within the scale-up domain, PP, CP, DP = GPUs / (TP·PP·CP), micro-batch of
one sequence, interleaved 1F1B) the step time is

    step = compute / η_train + exposed TP/CP comm + exposed DP comm + PP sends + EP all-to-all + bubble

* compute: hardware FLOPs per token ``6·N_active + 6·L·heads·head_dim·s`` (causal attention; full
  recompute adds one forward) × tokens per step ÷ (GPUs × peak).
* TP with sequence parallelism: 4 all-reduce-equivalents of ``s·h·2 B`` per layer per micro-batch,
  ``TP_EXPOSED_FRACTION`` of it not hidden behind GEMMs.
* DP: distributed optimizer (ZeRO-1) → FP32 gradient reduce-scatter + BF16 parameter all-gather =
  the bytes of one all-reduce of ``3 B × N / (TP·PP)`` across DP·CP ranks on the scale-out fabric,
  ``DP_EXPOSED_FRACTION`` exposed.
* pipeline bubble ``(p−1)/(v·m)`` of the busy time (Narayanan et al. 2021), m micro-batches
  per DP rank, v virtual stages.
Memory per GPU: 18 B/param split as 6 B (BF16 weights, FP32 main gradients) over TP·PP(·EP for
experts) and 12 B of optimizer state also over DP·CP; activations ``34·s·h·L_stage/(TP·CP)`` per
micro-batch × PP in flight (selective recompute) or ``2·s·h·L_stage/(TP·CP)`` with full recompute; plus
FP32 logits of the last stage.
MFU is reported with the PaLM convention: ``(6·N + 12·L·heads·head_dim·s) × tokens/s ÷ (GPUs × peak)``.

Any GPU count: pipeline depths include the divisors that balance the layers (126 layers on 9 or
18 stages), and a count no layout divides runs on the subset its fastest layout fills (for a mixture
of experts, in whole expert-parallel groups), the rest idle at idle power (said in the assumptions); a
cluster the batch cannot half fill is an error that says so. Routed experts run at ``MOE_TRAINING_GEMM_RATIO`` of the dense rate times the
small-batch loss of the tokens each expert receives. An efficiency read at another precision goes
through the published speed-ups (``FP8_TRAINING_SPEEDUP_OVER_BF16``, ``FP4_TRAINING_SPEEDUP_OVER_FP8``). Time to
train divides by goodput (``goodput.py``: interruptions, restarts, checkpoint stalls).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from studio.domain.catalog import LlmModel

from . import models as M
from .calibration import CalibrationData, Factors
from .collectives import (
    Link,
    all_reduce_s,
    all_to_all_s,
    p2p_s,
    pick_link,
    ring_all_reduce_s,
    scale_out_link,
    scale_up_link,
)
from .confidence import band, training_distance, training_regime
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
    TRAIN_GRAD_BYTES_PER_PARAM,
    TRAIN_OPTIMIZER_BYTES_PER_PARAM,
    TRAIN_WEIGHT_BYTES_PER_PARAM,
    TRAIN_WEIGHT_GRAD_BYTES_PER_PARAM,
    TRAINING_RESERVED_GB,
)
from .cost import CostInputs, system_price_usd, usd_per_hour, usd_per_run
from .energy import facility_power, idle_power_w, it_power_w, systems_for_gpus, tokens_per_joule
from .errors import EstimateError
from .goodput import goodput
from .hardware import Hardware, effective_precision, nominal_peak_flops
from .results import TimeBreakdown, TrainingEstimate, TrainingLayout, training_layout_label
from .serving import gemm_fill

#: Most virtual pipeline stages per rank considered (Megatron interleaved schedule) [M].
MAX_VIRTUAL_STAGES = 4
#: Deepest pipeline considered (Megatron-LM runs up to one layer per stage) [M].
MAX_PIPELINE_STAGES = 128
#: A cluster the workload cannot half fill is refused rather than estimated with most GPUs idle:
#: the global batch, not the hardware, is what stops it [M: a planning threshold].
MIN_USABLE_SHARE = 0.5
#: End-to-end speed-up of FP8 over BF16 training on the same system and recipe: Megatron-LM
#: issue 396 (13 B GPT on H100, 0.34 → 0.24 s per step = 1.42 ×); Megatron-Bridge 25.11 performance
#: summary (DeepSeek-V3 on 256 GB200: 782 → 1,003 model TFLOP/s per GPU = 1.28 ×); PaddleMIX PR 584
#: (DiT, TE FP8 1.64 ×) — published runs land at 1.3–1.5 ×, not the 2 × of the tensor peaks [V-3p].
FP8_TRAINING_SPEEDUP_OVER_BF16 = 1.4
#: End-to-end speed-up of NVFP4 over FP8 (current scaling) pre-training on Blackwell with the same model,
#: GPUs and batch: Megatron-Bridge 26.02 performance summary, model TFLOP/s per GPU — Llama 3 70B on 64
#: GB300 3,056 / 2,248 = 1.36, on 64 GB200 2,004 / 1,815 = 1.10; Llama 3.1 405B on 256 GB300 3,365 / 2,495 =
#: 1.35, on 256 GB200 2,716 / 2,004 = 1.36 (median 1.355; NVFP4 recipes keep some GEMMs, attention and
#: communication at wider formats, so not the 2 × of the tensor peaks) [V-3p]. Those four NVFP4 rows of
#: ``bench/training_validation.py`` are therefore not out of sample.
FP4_TRAINING_SPEEDUP_OVER_FP8 = 1.35
#: No training GEMM mix reaches more of the tensor peak than this [M: cuBLAS large-shape GEMMs
#: reach ~0.8–0.9 of peak, performance.md §3].
MAX_TRAINING_GEMM_EFFICIENCY = 0.8
_BORROWED = re.compile(r"^training_gemm_efficiency [0-9.]+ \(\S+ at (\w+) for ")
#: Routed-expert GEMMs in training run at this share of the dense GEMM rate (grouped GEMMs,
#: token permutation, routing imbalance), before the small-batch loss of ``gemm_rows_efficiency``.
#: One named factor set so that DeepSeek-V3 on 2,048 H800-class GPUs reproduces its reported
#: 2.664 M GPU-hours of pre-training for 14.8 T tokens (1,543 tokens/s per GPU; 2.788 M GPU-hours
#: in all with context extension and post-training) — DeepSeek-V3 technical report, arXiv
#: 2412.19437, Table 1 [V-3p]. Checked out of sample on the Megatron-Bridge 25.11/26.02 MoE rows
#: (DeepSeek-V3, Qwen3-235B, GPT-OSS-120B on H100, B200, GB200): median error 12 % (10 rows).
MOE_TRAINING_GEMM_RATIO = 0.4
#: GEMM rows (tokens) at which a GEMM reaches half its large-shape rate [V-3p: vLLM PR 20071 H100
#: BF16 sweep, see ``gemm_rows_efficiency``].
GEMM_HALF_RATE_ROWS = 128.0
POWERS_OF_TWO = (1, 2, 4, 8, 16, 32, 64, 128)
#: Data-parallel synchronisation per parameter and step: the FP32 gradients reduce-scattered and the
#: BF16 parameters all-gathered move the bytes of one all-reduce of (4 + 2) / 2 = 3 B.
DP_SYNC_BYTES_PER_PARAM = (TRAIN_GRAD_BYTES_PER_PARAM + TRAIN_WEIGHT_BYTES_PER_PARAM) / 2
#: Training state per parameter before any sharding: 6 + 12 = 18 B.
TRAIN_STATE_BYTES_PER_PARAM = TRAIN_WEIGHT_GRAD_BYTES_PER_PARAM + TRAIN_OPTIMIZER_BYTES_PER_PARAM
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


@dataclass(frozen=True)
class _SearchConstants:
    """What a layout search reads of the model and the hardware on every layout, worked out once per
    search: the routed experts' and all parameters, the hardware FLOPs per token without and with full
    recompute, and the two links (the 100,000-GPU scaling path runs 391 searches of ~370 layouts each)."""

    experts: float
    total: float
    flops_per_token: tuple[float, float]  # (selective, full) recompute
    scale_up: Link
    scale_out: Link
    scale_up_domain: int

    @classmethod
    def of(cls, req: "TrainingRequest", hw: Hardware) -> "_SearchConstants":
        m, s = req.model, req.sequence_length
        experts = M.routed_expert_params(m)
        total = M.total_params(m)
        return cls(experts, total,
                   (hardware_flops_per_token(m, s, False), hardware_flops_per_token(m, s, True)),
                   scale_up_link(hw), scale_out_link(hw), hw.scale_up_domain)

    def link(self, group_size: int) -> Link:
        """``collectives.link_for_group`` with the links built once."""
        return pick_link(group_size, self.scale_up_domain, self.scale_up, self.scale_out)


def _memory_bytes(req: TrainingRequest, tp: int, pp: int, cp: int, dp: int, ep: int, full: bool,
                  k: _SearchConstants) -> float:
    m = req.model
    experts, dense = k.experts, k.total - k.experts
    shard = dense / (tp * pp) + experts / (tp * pp * ep)
    states = shard * TRAIN_WEIGHT_GRAD_BYTES_PER_PARAM + shard * TRAIN_OPTIMIZER_BYTES_PER_PARAM / (dp * cp)
    layers_per_stage = -(-m.layers // pp)
    per_token_hidden = FULL_RECOMPUTE_BYTES_PER_TOKEN_HIDDEN if full else ACTIVATION_BYTES_PER_TOKEN_HIDDEN
    tokens = req.sequence_length / cp
    activations = per_token_hidden * tokens * m.hidden * layers_per_stage / tp * pp
    logits = tokens * m.vocab * LOGIT_BYTES / tp
    return states + activations + logits


def _step(req: TrainingRequest, hw: Hardware, f: Factors, tp: int, pp: int, cp: int, dp: int, ep: int,
          full: bool, k: _SearchConstants) -> tuple[TimeBreakdown, int, int]:
    m, s = req.model, req.sequence_length
    v = 1
    if pp > 1:
        v = max(1, min(MAX_VIRTUAL_STAGES, m.layers // pp))
    micro = -(-req.global_batch_sequences // dp)  # the busiest DP rank's micro-batches
    tokens_per_gpu = micro * s / (tp * pp * cp)
    peak = hw.peak_flops(req.precision) * f.training_gemm_efficiency
    imbalance = stage_imbalance(m.layers, pp)
    compute = k.flops_per_token[full] * tokens_per_gpu / peak * imbalance
    expert_rows = s / cp * (m.experts_active * ep / m.experts if m.is_moe else 1.0)
    ratio = MOE_TRAINING_GEMM_RATIO * gemm_rows_efficiency(expert_rows) / gemm_rows_efficiency(s / cp)
    compute += moe_expert_penalty_s(m, s, tokens_per_gpu * imbalance, peak, full, ratio)
    layers_per_stage = m.layers / pp * imbalance
    act = s / cp * m.hidden * ACTIVATION_BYTES
    tp_comm = 0.0
    if tp > 1:
        tp_comm = micro * layers_per_stage * 4 * ring_all_reduce_s(act, tp, k.link(tp))
    cp_comm = 0.0
    if cp > 1:
        kv = s / cp * 2 * m.kv_heads * m.head_dim * ACTIVATION_BYTES
        cp_comm = micro * layers_per_stage * 3 * (cp - 1) * p2p_s(kv / tp, k.link(tp * cp))
    ep_comm = 0.0
    if m.is_moe and ep > 1:
        routed = s / cp * m.experts_active * m.hidden * ACTIVATION_BYTES / tp
        ep_comm = micro * M.moe_layers(m) / pp * 4 * all_to_all_s(routed, ep, k.link(tp * cp * ep))
    exposed_model = (tp_comm + cp_comm) * TP_EXPOSED_FRACTION + ep_comm * EP_EXPOSED_FRACTION
    pp_comm = 0.0
    if pp > 1:
        pp_comm = 2 * micro * v * p2p_s(act / tp, k.link(tp * cp * pp))
    # reduce-scatter of the FP32 gradients and all-gather of the BF16 parameters: the bytes on the wire
    # of one all-reduce of (4 + 2) / 2 = 3 B per parameter
    grads = DP_SYNC_BYTES_PER_PARAM * (k.total - k.experts * (1 - 1 / ep)) / (tp * pp)
    dp_comm = all_reduce_s(grads, dp * cp, k.link(tp * pp * cp * dp)) * DP_EXPOSED_FRACTION
    busy = compute + exposed_model + pp_comm
    bubble = busy * (pp - 1) / (v * micro) if pp > 1 else 0.0
    overhead = f.step_overhead_s
    return (TimeBreakdown(compute_s=compute, communication_s=exposed_model + pp_comm + dp_comm, bubble_s=bubble,
                          overhead_s=overhead), micro, v)


@lru_cache(maxsize=256)
def pipeline_choices(layers: int) -> tuple[int, ...]:
    """Pipeline depths tried: powers of two and the divisors of ``layers`` and of ``layers + 2``
    (Megatron counts the embedding and the loss as one stage-layer each, as Llama 3 did to split
    126 layers over 16 stages), capped at ``MAX_PIPELINE_STAGES``.

    Llama-3.1-405B (126 layers): 1, 2, 3, 4, 6, 7, 8, 9, 14, 16, 18, 21, 32, 42, 63, 64, 126.
    """
    found = {p for p in POWERS_OF_TWO if p <= layers}
    for n in (layers, layers + 2):
        found |= {d for d in range(1, min(n, MAX_PIPELINE_STAGES) + 1) if n % d == 0 and d <= layers}
    return tuple(sorted(p for p in found if p <= MAX_PIPELINE_STAGES))


def stage_imbalance(layers: int, pp: int) -> float:
    """Slowest stage ÷ average stage: ``ceil(n / pp) · pp / n`` with n = layers, or n = layers + 2
    when the embedding and loss are placed as stage-layers (whichever balances better).

    126 layers on 8 stages: 128 / 8 = 16 exactly → 1.0; 80 layers on 3 stages: 27 × 3 / 80 = 1.0125.
    """
    if pp <= 1:
        return 1.0
    return min(-(-n // pp) * pp / n for n in (layers, layers + 2))


def layouts(req: TrainingRequest, hw: Hardware):
    """Every (tp, pp, cp, dp, ep) that fits in the cluster: TP within the scale-up domain and
    dividing the attention heads, DP = ⌊GPUs / (TP·PP·CP)⌋ capped so that every DP rank gets at
    least PP micro-batches (a pipeline needs PP in flight to fill, Narayanan et al. 2021 §2.2).
    GPU counts that no layout divides run on the largest usable subset; the rest idle (the
    estimate says how many). A batch that does not divide evenly leaves the busiest rank one
    micro-batch more, and fewer ranks that leave it the same are tried too (``data_parallel_choices``).
    For a mixture of experts each expert-parallel width EP takes the largest DP
    whose DP·CP ranks it splits into whole groups (``whole_expert_groups``): 100,000 GPUs at TP8 PP8
    give DP 1,562, which only EP 1 or 2 divide; EP 64 runs DP 1,536 and leaves 1,696 GPUs idle, as an
    operator would rather than split the experts only two ways."""
    m = req.model
    for tp in POWERS_OF_TWO:
        if tp > hw.scale_up_domain or tp > m.heads or m.heads % tp or tp > req.gpus:
            continue
        for cp in (1, 2, 4, 8):
            if cp > 1 and req.sequence_length < 4096 * cp // 2:
                continue
            for pp in pipeline_choices(m.layers):
                group = tp * cp * pp
                dp = min(req.gpus // group, req.global_batch_sequences // pp)
                if dp < 1:
                    continue
                if not m.is_moe:
                    for ranks in data_parallel_choices(dp, req.global_batch_sequences):
                        yield tp, pp, cp, ranks, 1
                    continue
                for ep in POWERS_OF_TWO:
                    whole = whole_expert_groups(dp, cp, ep)
                    if ep <= m.experts and whole >= 1:
                        for ranks in data_parallel_choices(whole, req.global_batch_sequences,
                                                           expert_group_step(cp, ep)):
                            yield tp, pp, cp, ranks, ep


def data_parallel_choices(dp: int, batch_sequences: int, step: int = 1) -> tuple[int, ...]:
    """``dp`` and, when fewer ranks (a multiple of ``step``) give the busiest rank the same sequences, the
    fewest such: ranks beyond it take no load off the busiest rank and only join the gradient all-reduce, so
    an operator leaves them idle. 4,096 sequences on DP 1,562: the busiest rank has ⌈4,096 / 1,562⌉ = 3, as on
    ⌈4,096 / 3⌉ = 1,366 ranks → (1,562, 1,366); on DP 1,024 (4 each) → (1,024,); DP 1,536 in steps of 64 (3 each,
    1,366 rounded up to 1,408) → (1,536, 1,408)."""
    fewest = -(-batch_sequences // -(-batch_sequences // dp))
    fewest = -(-fewest // step) * step
    return (dp, fewest) if fewest < dp else (dp,)


def whole_expert_groups(dp: int, cp: int, ep: int) -> int:
    """The largest data-parallel count ≤ ``dp`` whose ``DP·CP`` ranks split into whole expert-parallel groups of
    ``ep`` (0 when none does): a multiple of ``expert_group_step``. DP 1,562, CP 1, EP 64 → 1,536; DP 9, CP 2,
    EP 8 → 8 (8 × 2 = 16 ranks, two groups); DP 3, CP 1, EP 8 → 0."""
    step = expert_group_step(cp, ep)
    return dp // step * step


def expert_group_step(cp: int, ep: int) -> int:
    """The data-parallel counts whose ``DP·CP`` ranks split into whole groups of ``ep`` are the multiples of
    ``ep / gcd(ep, CP)``: CP 2, EP 8 → 4; CP 1, EP 64 → 64; CP 8, EP 4 → 1."""
    return ep // math.gcd(ep, cp)


def gemm_rows_efficiency(rows: float) -> float:
    """Share of the large-GEMM rate a GEMM with ``rows`` tokens reaches: ``rows / (rows + 128)``.

    Small per-expert batches leave tensor cores idle: 128 rows → 0.5, 1,024 → 0.889, 8,192 → 0.985
    (vLLM PR 20071's H100 BF16 GEMM sweep at N = 28,672, K = 4,096: 628 TFLOPS at 128 rows, 1,054
    at 256 — about half of the large-shape rate at 128 rows) [V-3p].
    """
    return gemm_fill(rows, GEMM_HALF_RATE_ROWS)


def moe_expert_penalty_s(model: LlmModel, seq: int, tokens_per_gpu: float, peak_flops: float, full: bool,
                         moe_gemm_ratio: float) -> float:
    """Extra time of routed-expert GEMMs, which run at ``moe_gemm_ratio`` of the dense GEMM rate
    (``MOE_TRAINING_GEMM_RATIO``: grouped GEMMs, permutation, routing imbalance — times the small-batch loss of
    ``gemm_rows_efficiency`` at the tokens each expert receives per micro-batch, ``s·k·EP/E``):
    ``3 · routed FLOPs/token · tokens / peak · (1 / ratio − 1)``.

    DeepSeek-V3 (40.9 GFLOP routed per token forward) at ratio 0.5, 1 M tokens on a 1 PFLOP/s
    achievable peak: 3 × 40.9e9 × 1e6 / 1e15 × (2 − 1) = 122.7 s.
    """
    if not model.is_moe or moe_gemm_ratio >= 1.0 or moe_gemm_ratio <= 0.0:
        return 0.0
    routed = 3.0 * M.routed_flops_per_token(model) * (FULL_RECOMPUTE_FLOP_FACTOR if full else 1.0)
    return routed * tokens_per_gpu / peak_flops * (1.0 / moe_gemm_ratio - 1.0)


def training_factor_precision(acc) -> str:
    """The precision a family's training efficiency is fitted and looked up at: FP8 where the GPU has
    FP8 units, else BF16 (A100). One efficiency per family, so that a GPU's estimates at BF16 and FP8
    differ by the published FP8 speed-up and nothing else: fitted apart, H100's BF16 efficiency (the
    Llama 3 paper's 405B run, 0.43 MFU at 8,192 GPUs) and its FP8 one (NVIDIA's MLPerf runs) came out
    at the same share of two peaks that differ 2 ×, and FP8 training estimated 1.9 × BF16.
    H100 → ``fp8``; A100 → ``bf16``."""
    return "fp8" if acc.fp8_dense_tflops else "bf16"


def training_factors(data: CalibrationData, hw: Hardware) -> Factors:
    """The factors a training estimate on ``hw`` reads: its family's, at ``training_factor_precision``
    (``cross_precision_factors`` then converts them to the precision trained at)."""
    return data.factors_for(hw.family, training_factor_precision(hw.accelerator))


def borrowed_precision(factors: Factors) -> str | None:
    """The precision whose training efficiency ``factors`` borrowed (the calibration's lookup note
    ``"… (<family> at <precision> for …)"``), or None when it was fitted at this precision."""
    for note in factors.notes:
        match = _BORROWED.match(note)
        if match and match.group(1) != factors.precision:
            return match.group(1)
    return None


def training_speedup_over_bf16(precision: str) -> float:
    """Speed-up of a precision's training over BF16 in published end-to-end runs: BF16 1.0, FP8 1.4,
    FP4 (NVFP4 recipes) 1.4 × 1.35 = 1.89."""
    if precision == "bf16":
        return 1.0
    return FP8_TRAINING_SPEEDUP_OVER_BF16 * (FP4_TRAINING_SPEEDUP_OVER_FP8 if precision == "fp4" else 1.0)


def cross_precision_factors(factors: Factors, hw: Hardware, precision: str) -> tuple[Factors, str]:
    """The training efficiency at ``precision`` from the one the factors carry (read at
    ``training_factor_precision``, or borrowed from another precision by the lookup), converted
    through the published speed-ups (``training_speedup_over_bf16``), not through the ratio of tensor
    peaks (which would make FP8 training 2 × BF16). The precision converted to is the one the GPU runs
    (FP8 on A100 runs as BF16: no speed-up).

    Blackwell BF16 from 0.394 of the FP8 peak (4,500 TFLOPS) → the achieved 1,773 TFLOPS at
    FP8 ÷ 1.4 = 1,266 TFLOPS at BF16 = 0.563 of the 2,250 TFLOPS BF16 peak. An efficiency read at
    the precision the GPU runs is left as it is; a converted one is no longer anchored (wide band).
    """
    source = borrowed_precision(factors) or factors.precision
    target = effective_precision(hw.accelerator, precision)[0]
    if source == target:
        return factors, ""
    achieved = nominal_peak_flops(hw, source) * factors.training_gemm_efficiency
    converted = achieved * training_speedup_over_bf16(target) / training_speedup_over_bf16(source)
    efficiency = min(converted / hw.peak_flops(target), MAX_TRAINING_GEMM_EFFICIENCY)
    note = (f"training efficiency at {target} from the {source} fit through the published speed-ups "
            f"(FP8 {FP8_TRAINING_SPEEDUP_OVER_BF16:g} × BF16, FP4 {FP4_TRAINING_SPEEDUP_OVER_FP8:g} × FP8): "
            f"{efficiency:.3f} of the {target} peak")
    # a converted efficiency leans on the published speed-up, not on a measurement at this precision: its
    # confidence band is the unanchored one (H100 BF16 from the FP8 fit: docs/accuracy.md, stop 27)
    return replace(factors, training_gemm_efficiency=efficiency, anchored_training=False), note


def _dense_compute_s(req: TrainingRequest, hw: Hardware, f: Factors, tp: int, pp: int, cp: int, dp: int,
                     full: bool, k: _SearchConstants) -> float:
    """The dense GEMM time of a step (a lower bound of ``_step``'s total, used to prune the search)."""
    m, s = req.model, req.sequence_length
    tokens_per_gpu = -(-req.global_batch_sequences // dp) * s / (tp * pp * cp)
    return (k.flops_per_token[full] * tokens_per_gpu * stage_imbalance(m.layers, pp)
            / (hw.peak_flops(req.precision) * f.training_gemm_efficiency))


def _search(req: TrainingRequest, hw: Hardware, factors: Factors):
    budget = hw.memory_bytes - TRAINING_RESERVED_GB * GB
    best, most_used = None, 0
    k = _SearchConstants.of(req, hw)
    for tp, pp, cp, dp, ep in layouts(req, hw):
        for full in (False, True):
            mem = _memory_bytes(req, tp, pp, cp, dp, ep, full, k)
            if mem > budget:
                continue
            most_used = max(most_used, tp * pp * cp * dp)
            if best is not None and _dense_compute_s(req, hw, factors, tp, pp, cp, dp, full, k) >= best[0].total_s:
                break  # its GEMMs alone take longer than the best step found: cannot win
            bd, micro, v = _step(req, hw, factors, tp, pp, cp, dp, ep, full, k)
            if best is None or bd.total_s < best[0].total_s:
                best = (bd, TrainingLayout(tp, pp, cp, dp, ep, micro, v, "full" if full else "selective", mem / GB))
            break  # selective recompute fits: full recompute is only slower
    return best, most_used


def estimate_training(req: TrainingRequest, hw: Hardware, factors: Factors,
                      cost_inputs: CostInputs = CostInputs()) -> TrainingEstimate:
    """The fastest feasible layout's throughput, MFU, step time and time to train.

    Any GPU count is estimated: when no layout divides it, the job runs on the largest subset a
    layout uses and the rest idle (said in the assumptions, drawing idle power). A cluster that
    the workload cannot even half fill (the global batch runs out of sequences) is an error that
    says so. Time to train includes goodput: interruptions, restarts and checkpoint stalls."""
    validate(req)
    factors, precision_note = cross_precision_factors(factors, hw, req.precision)
    runs = effective_precision(hw.accelerator, req.precision)[0]  # the precision the GPU trains at
    best, most_used = _search(req, hw, factors)
    if best is None:
        raise EstimateError(
            f"{req.model.slug} ({req.model.params_total_b:g} B parameters, {TRAIN_STATE_BYTES_PER_PARAM:g} B each for "
            f"training before sharding) does not fit "
            f"on {req.gpus} × {hw.accelerator.memory_gb:g} GB GPUs at any parallel layout with global batch "
            f"{req.global_batch_sequences}")
    if most_used < MIN_USABLE_SHARE * req.gpus:
        raise EstimateError(
            f"a global batch of {req.global_batch_sequences} sequences can keep at most {most_used:,} of "
            f"{req.gpus:,} GPUs busy (every data-parallel rank needs at least one sequence per pipeline stage): "
            f"the workload cannot use more GPUs — give a larger global_batch_sequences")
    bd, layout = best
    used = layout.tensor_parallel * layout.pipeline_parallel * layout.context_parallel * layout.data_parallel
    step = bd.total_s
    tokens_per_s = req.global_batch_sequences * req.sequence_length / step
    mfu = model_flops_per_token(req.model, req.sequence_length) * tokens_per_s / (used * hw.peak_flops(req.precision))
    train_tokens = req.train_tokens or DEFAULT_TRAIN_TOKENS
    run_goodput = goodput(used)
    seconds = train_tokens / tokens_per_s / run_goodput
    busy_w, idle_w = it_power_w(hw.system, used), idle_power_w(hw.system, req.gpus - used)
    power = busy_w + idle_w
    facility = facility_power(busy_w, idle_w, cost_inputs.pue)
    hourly = usd_per_hour(systems_for_gpus(hw.system, req.gpus), system_price_usd(hw.system, hw.family, cost_inputs),
                          power, cost_inputs)
    assumptions = (
        f"layout {training_layout_label(layout)}, {layout.micro_batches} micro-batches per step, "
        f"{layout.virtual_stages} virtual stage(s), "
        f"{layout.recompute} recompute, {layout.memory_gb_per_gpu:.0f} GB per GPU",
        *((f"the job uses {used:,} of {req.gpus:,} GPUs (the subset the fastest layout fills with this batch"
           + (" in whole expert-parallel groups" if req.model.is_moe else "")
           + f"); {req.gpus - used:,} idle at idle power",) if used < req.gpus else ()),
        f"distributed optimizer (ZeRO-1), {TRAIN_STATE_BYTES_PER_PARAM:g} B per parameter before sharding "
        "(BF16 weights, FP32 main gradients, FP32 Adam state)",
        f"energy: tokens per joule at the IT load (the systems, idle ones at idle power) and at the wall "
        f"(plus network and storage, times PUE {cost_inputs.pue:g}, over goodput)",
        f"time to train for {train_tokens:.3g} tokens" + ("" if req.train_tokens else " (default: no train_tokens given)")
        + f" at {run_goodput:.1%} goodput (interruptions, restarts, checkpoint stalls at the Llama 3 rate)",
        *((f"routed experts run at {MOE_TRAINING_GEMM_RATIO:.2f} of the dense GEMM rate (grouped GEMMs, "
           f"DeepSeek-V3's reported GPU-hours) times the small-batch loss of the tokens each expert gets",)
          if req.model.is_moe else ()),
        *((f"{hw.accelerator.slug} has no {req.precision.upper()} units: {req.precision.upper()} training estimated "
           f"at {runs.upper()} speed",) if runs != req.precision else ()),
        *((precision_note,) if precision_note else ()),
        *factors.notes,
    )
    return TrainingEstimate(
        model=req.model.slug, system=hw.system.slug, precision=req.precision, gpus=req.gpus,
        sequence_length=req.sequence_length, global_batch_sequences=req.global_batch_sequences,
        tokens_per_s=tokens_per_s, mfu=mfu, step_time_s=step, time_to_train_s=seconds, train_tokens=train_tokens,
        power_w=power, energy_kwh=power * seconds / 3.6e6, usd_per_run=usd_per_run(hourly, seconds),
        layout=layout, breakdown=bd,
        band=band(factors.anchored_training, training_regime(req.model.is_moe, hw.scale_up_domain), hw.family,
                  req.precision,
                  training_distance(used, M.total_params(req.model) / 1e9)), assumptions=assumptions,
        gpus_used=used, goodput=run_goodput,
        tokens_per_joule_it=tokens_per_joule(tokens_per_s, power),
        tokens_per_joule_wall=tokens_per_joule(tokens_per_s * run_goodput, facility.wall_w),
    )
