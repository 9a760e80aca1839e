"""One serving worker (an engine instance) under continuous batching: memory fit and iteration time.

A worker spans ``gpus = max(tp, ep)`` GPUs (see ``layouts.Layout``). Attention runs tensor-parallel
over ``attn_tp`` GPUs, or data-parallel (``dp_attention``: every GPU its own sequences, ``attn_tp = 1``);
routed experts are spread over all the worker's GPUs (expert parallel when ``ep > 1``, else sliced by
TP). An *iteration* carries one decode token for each of ``B`` running sequences plus ``p`` prompt
tokens; its time is the sum of per-operator rooflines (operators run one after another):

* non-expert linear layers (attention projections, dense FFNs, shared experts, lm_head):
  ``max(weights / attn_tp streamed at HBM·η, 2·N_dense·(B+p)/G at peak·η_gemm·fill(M))`` where the
  GEMM's M is the rank's tokens and ``fill(M) = M / (M + 64)`` (``gemm_fill``: tiles only fill with rows)
* routed experts: ``max(touched experts' bytes / G, FLOPs / G × load imbalance at peak·η_gemm·η_moe)``,
  the peak at ``expert_math_precision`` (experts published quantised, gpt-oss's MXFP4, keep their 4-bit
  bytes and multiply FP8 activations on Blackwell, BF16 elsewhere)
* attention: KV bytes of the sequences a GPU holds, and prompt attention FLOPs
* communication, priced on the link it crosses (``collectives.group_*``): two all-reduces per layer
  of tensor-parallel attention; dispatch + combine all-to-all per MoE layer wherever attention replicas
  share the experts — data-parallel attention, or EP wider than TP (``attn_dp > 1``) — (FP8 dispatch,
  BF16 combine), each with a fitted fixed cost (``moe_all_to_all_overhead_s``: kernel launch,
  token-count exchange, cross-rank barrier)
* overhead: kernel launches per layer plus a per-iteration scheduling/sampling cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property

from studio.domain.catalog import LlmModel

from . import models as M
from .calibration import Factors
from .collectives import group_all_reduce_s, group_all_to_all_s, p2p_s, scale_out_link, scale_up_link
from .constants import (
    ACTIVATION_BYTES,
    DISPATCH_BYTES,
    EP_POPULARITY_SKEW,
    GB,
    GEMM_HALF_FILL_TOKENS,
    KV_ADMISSION_OUTPUT_SHARE,
    KV_CACHE_MEMORY_FRACTION,
    MAX_BATCH_SEQUENCES,
    SERVING_RESERVED_GB,
)
from .hardware import Hardware
from .results import TimeBreakdown

#: Attention (FMHA) runs at FP8 for FP8/FP4 serving and at BF16 otherwise [V-3p: TRT-LLM
#: FP8 context FMHA]; FP4 has no attention kernels.
ATTENTION_PRECISION = {"bf16": "bf16", "fp8": "fp8", "fp4": "fp8"}
#: Absorbed MLA decode attention (FlashMLA and its ports) computes in BF16 whatever the weights'
#: precision: 580 TFLOPS compute-bound on H800, 59 % of BF16 peak [V-3p: deepseek-ai/FlashMLA README].
MLA_DECODE_PRECISION = "bf16"
#: Non-expert weights of FP4 checkpoints stay at FP8 (NVFP4 DeepSeek-R1 quantises the MoE experts'
#: linear layers only; gpt-oss MXFP4 the experts only) [V-3p: nvidia/DeepSeek-R1-0528-FP4 model card;
#: openai/gpt-oss config.json modules_to_not_convert].
DENSE_PRECISION = {"bf16": "bf16", "fp8": "fp8", "fp4": "fp8"}


def expert_math_precision(model: LlmModel, acc, precision: str) -> str:
    """Precision of the routed experts' GEMMs when a GPU runs ``model`` at ``precision`` (what it runs:
    ``hardware.effective_precision``). Weight-only quantised experts (gpt-oss MXFP4) multiply FP8
    activations where the GPU has FP4 units (W4A8: MXFP4 × MXFP8 on Blackwell) and BF16 ones elsewhere
    (W4A16 kernels dequantising the 4-bit weights on Hopper and CDNA3) — never the FP4 rate; every other
    model's experts run at ``precision``."""
    if model.checkpoint_expert_precision and precision != "bf16":
        return "fp8" if acc.fp4_dense_tflops else "bf16"
    return precision


def admission_output_share(scenario: str) -> float:
    """Share of a request's output the engine reserves KV cache for at admission, by the harness that
    drives the scenario (``KV_ADMISSION_OUTPUT_SHARE``): a closed loop of API clients (``concurrency``)
    1.0, TensorRT-LLM's default; MLPerf's offline, server and interactive 0.5, a harness tuned for
    throughput admitting on the tokens held. An unknown scenario reads the default engine's 1.0."""
    return KV_ADMISSION_OUTPUT_SHARE.get(scenario, KV_ADMISSION_OUTPUT_SHARE["concurrency"])


def admission_note(scenario: str) -> str:
    """How a request is admitted under ``admission_output_share(scenario)``, for the estimate's KV line:
    ``concurrency`` → 'each admitted with its prompt and whole output reserved (TensorRT-LLM's default
    GUARANTEED_NO_EVICT)'; ``offline`` → 'each admitted on the tokens it holds (…: MAX_UTILIZATION)'."""
    if admission_output_share(scenario) >= 1.0:
        return "each admitted with its prompt and whole output reserved (TensorRT-LLM's default GUARANTEED_NO_EVICT)"
    return "each admitted on the tokens it holds (a harness tuned for throughput: MAX_UTILIZATION)"


def gemm_fill(tokens: float, half_tokens: float = GEMM_HALF_FILL_TOKENS) -> float:
    """Share of a linear layer's large-batch GEMM efficiency reached with ``tokens`` rows (its M):
    ``M / (M + half_tokens)``, serving's half point ``GEMM_HALF_FILL_TOKENS`` by default (training's
    ``training.gemm_rows_efficiency`` is this at its own). 64 tokens: 0.5; 576: 0.9; 8,192 (a long
    prompt): 0.99; none: 0.

    The roofline's ``max(compute, memory)`` alone has the compute rate jump to its large-batch value at
    the ridge; real GEMMs approach it gradually as their row tiles fill (AIConfigurator measures GEMM time
    per M for the same reason: performance.md §1).
    """
    if tokens <= 0:
        return 0.0
    return tokens / (tokens + half_tokens)


def ep_imbalance(tokens_per_gpu_assignments: float, ep: int) -> float:
    """Busiest GPU's expert load ÷ the mean under expert parallelism over ``ep`` GPUs.

    Random routing gives each GPU a Poisson-like count with mean μ; the largest of ``ep`` such counts
    is about ``μ + sqrt(2·μ·ln ep)``; expert popularity adds ``EP_POPULARITY_SKEW``. 64 token-expert
    assignments per GPU over EP 16: (1 + sqrt(2 × ln 16 / 64)) × 1.1 = 1.42. ``ep = 1``: 1.
    """
    if ep <= 1:
        return 1.0
    mu = max(tokens_per_gpu_assignments, 1.0)
    return (1.0 + math.sqrt(2.0 * math.log(ep) / mu)) * EP_POPULARITY_SKEW


@dataclass(frozen=True)
class Replica:
    model: LlmModel
    hw: Hardware
    precision: str
    tp: int
    factors: Factors
    ep: int = 1
    dp_attention: bool = False
    pp: int = 1

    @cached_property
    def stage_gpus(self) -> int:
        return max(self.tp, self.ep)

    @cached_property
    def gpus(self) -> int:
        return self.stage_gpus * self.pp

    @cached_property
    def attn_tp(self) -> int:
        return 1 if self.dp_attention else self.tp

    @cached_property
    def attn_dp(self) -> int:
        return max(1, self.stage_gpus // self.attn_tp)

    @cached_property
    def dense_precision(self) -> str:
        """Precision of the non-expert weights: the serving precision, except FP4 MoE checkpoints; a
        checkpoint that ships only its experts quantised (gpt-oss) keeps the rest in BF16."""
        if self.model.checkpoint_expert_precision:
            return "bf16"
        return DENSE_PRECISION[self.precision] if self.model.is_moe else self.precision

    @cached_property
    def expert_math_precision(self) -> str:
        """Precision of the routed experts' GEMMs (``expert_math_precision``)."""
        return expert_math_precision(self.model, self.hw.accelerator, self.precision)

    @cached_property
    def kv_precision(self) -> str:
        """Element type of the KV cache: FP8 under FP8/FP4 serving, BF16 under BF16 — and BF16 for a
        weight-only quantised checkpoint where its activations stay BF16 (gpt-oss on Hopper and CDNA3:
        vLLM's and TensorRT-LLM's ``kv_cache_dtype: auto``)."""
        if self.model.checkpoint_expert_precision and self.expert_math_precision == "bf16":
            return "bf16"
        return "bf16" if self.precision == "bf16" else "fp8"

    # --- memory --------------------------------------------------------------------------
    @cached_property
    def expert_bytes(self) -> float:
        return M.expert_weight_bytes(self.model, self.precision)

    @cached_property
    def dense_bytes(self) -> float:
        """Everything but the routed experts (embeddings BF16, the rest at the dense precision)."""
        return M.weight_bytes(self.model, self.dense_precision) - M.expert_weight_bytes(
            self.model, self.dense_precision)

    @cached_property
    def expert_share_per_gpu(self) -> float:
        """Share of the routed experts' weights one GPU of a stage holds.

        Experts spread over ``ep`` GPUs (each expert sliced over the ``stage_gpus / ep`` GPUs of its
        group when TP is wider than EP). When EP does not divide the experts, every GPU holds
        ``⌈experts / ep⌉`` slots, the spare ones copies of the busiest experts (``layouts.check_layout``):
        256 experts on EP 8: 32 / 256 = 1/8; on EP 48: 6 / 256 = 0.0234 (1/48 = 0.0208 without the copies).
        """
        if not self.model.is_moe or self.model.experts % self.ep == 0:
            return 1.0 / self.stage_gpus
        slots = math.ceil(self.model.experts / self.ep)
        return slots / self.model.experts / (self.stage_gpus / self.ep)

    @cached_property
    def weights_bytes_per_gpu(self) -> float:
        """Non-expert weights over ``attn_tp`` plus the routed experts' share of one GPU.

        Llama-2-70B FP8 on TP2 ≈ 69.5 GB / 2 = 34.7 GB; DeepSeek-V3 FP8 on EP8 with data-parallel
        attention: 17.1 GB replicated + 653.9 GB / 8 = 98.9 GB per GPU.
        """
        return (self.dense_bytes / self.attn_tp + self.expert_bytes * self.expert_share_per_gpu) / self.pp

    @cached_property
    def kv_bytes_per_token_per_gpu(self) -> float:
        """KV bytes per token a GPU holds for one of its sequences. GQA/MHA heads split over the
        attention TP (a head is never split: TP beyond kv_heads replicates). MLA's latent is
        replicated on every TP rank."""
        per_token = M.kv_bytes_per_token(self.model, self.kv_precision) / self.pp
        if self.model.attention == "mla":
            return per_token
        return per_token / min(self.attn_tp, self.model.kv_heads)

    @cached_property
    def kv_capacity_bytes_per_gpu(self) -> float:
        """``(HBM − weights per GPU − reserved) × 0.9`` — what the engine gives the KV cache."""
        free = self.hw.memory_bytes - self.weights_bytes_per_gpu - SERVING_RESERVED_GB * GB
        return max(0.0, free * KV_CACHE_MEMORY_FRACTION)

    def seq_kv_bytes_per_gpu(self, context: float) -> float:
        return self.kv_bytes_per_token_per_gpu * M.attended_context(self.model, context)

    def max_batch(self, input_tokens: int, output_tokens: int, output_share: float) -> int:
        """Sequences the worker holds at once: per-GPU KV capacity ÷ what the engine holds for a request
        it admits, ``in + output_share × out`` (``admission_output_share``: 1 for the whole output, as
        TensorRT-LLM's default GUARANTEED_NO_EVICT reserves; 0.5 for the mean occupancy of an engine that
        admits on the tokens held), times the attention data-parallel ranks; 0 when one full sequence does
        not fit; capped at the engine's 2,048 per rank.

        Llama-2-70B FP8, TP2 on H100, 300/290 tokens: (80 − 34.7 − 4) × 0.9 = 37.1 GB per GPU ÷
        (445 × 80 KiB) = 1,018 sequences at the mean occupancy; ÷ (590 × 80 KiB) = 768 with the whole
        output reserved.
        """
        cap = self.kv_capacity_bytes_per_gpu
        if cap < self.seq_kv_bytes_per_gpu(input_tokens + output_tokens):
            return 0
        per_rank = cap // self.seq_kv_bytes_per_gpu(input_tokens + output_tokens * output_share)
        return int(min(MAX_BATCH_SEQUENCES, per_rank) * self.attn_dp)

    # --- time ----------------------------------------------------------------------------
    def iteration(self, decode_seqs: float, decode_context: float, prefill_tokens: float,
                  prefill_context: float, verify_tokens: float = 1.0, prefill_ranks: int | None = None
                  ) -> TimeBreakdown:
        """Time of one iteration with ``decode_seqs`` decoding at mean context ``decode_context``
        and ``prefill_tokens`` prompt tokens at mean position ``prefill_context``, all summed over
        the worker's GPUs. ``verify_tokens`` > 1: each decoding sequence checks that many tokens
        (speculative decoding) — more GEMM rows, the same KV reads. ``prefill_ranks``: attention
        data-parallel ranks the prompt tokens are spread over (default all; one prompt sits on one).

        Pipeline of ``pp`` stages: ``pp`` micro-batches of ``B/pp`` sequences are in flight, each passing
        every stage in turn, so a token takes the whole model's time at ``B/pp`` plus ``pp − 1`` sends of
        the activations between stages."""
        if self.pp > 1:
            flat = replace(self, pp=1)
            t = flat.iteration(decode_seqs / self.pp, decode_context, prefill_tokens / self.pp, prefill_context,
                               verify_tokens, prefill_ranks)
            tokens = (decode_seqs * verify_tokens + prefill_tokens) / self.pp
            link = scale_up_link(self.hw) if self.gpus <= self.hw.scale_up_domain else scale_out_link(self.hw)
            sends = (self.pp - 1) * p2p_s(tokens * self.model.hidden * ACTIVATION_BYTES / self.attn_dp, link)
            return TimeBreakdown(t.compute_s, t.memory_s, t.communication_s + sends, t.bubble_s, t.overhead_s)
        f, hw, m = self.factors, self.hw, self.model
        g, a, d = self.gpus, self.attn_tp, self.attn_dp
        tokens = decode_seqs * verify_tokens + prefill_tokens
        ranks = d if prefill_ranks is None else max(1, min(prefill_ranks, d))
        # tokens on the busiest attention rank: its share of the decode batch and of the prompts
        rank_tokens = decode_seqs * verify_tokens / d + prefill_tokens / ranks
        hbm = hw.hbm_bytes_per_s * f.hbm_efficiency
        dense_peak = hw.peak_flops(self.dense_precision) * f.inference_gemm_efficiency
        attn_peak = hw.peak_flops(ATTENTION_PRECISION[self.precision]) * f.inference_gemm_efficiency

        routed_flops = M.routed_flops_per_token(m)
        dense_flops = M.linear_flops_per_token(m) - routed_flops
        dense_read = self.dense_bytes - m.vocab * m.hidden * 2.0  # the input embedding is a gather
        dense_c = dense_flops * rank_tokens / a / (dense_peak * gemm_fill(rank_tokens)) if rank_tokens > 0 else 0.0
        dense_m = dense_read / a / hbm
        compute, memory = (dense_c, 0.0) if dense_c >= dense_m else (0.0, dense_m)
        if m.is_moe:
            assignments = tokens * m.experts_active
            imbalance = ep_imbalance(assignments / g, self.ep)
            moe_peak = hw.peak_flops(self.expert_math_precision) * f.inference_gemm_efficiency * f.moe_gemm_ratio
            touched = 1.0 - (1.0 - m.experts_active / m.experts) ** max(tokens, 1.0)
            exp_c = routed_flops * tokens / g * imbalance / moe_peak
            exp_m = self.expert_bytes * self.expert_share_per_gpu * touched / hbm
            if exp_c >= exp_m:
                compute += exp_c
            else:
                memory += exp_m

        ctx = M.attended_context(m, decode_context)
        seqs_per_gpu = decode_seqs / d
        decode_peak = (hw.peak_flops(MLA_DECODE_PRECISION) * f.inference_gemm_efficiency
                       if m.attention == "mla" else attn_peak)
        decode_per_ctx = M.attention_flops_per_token_per_context(m, absorbed=True) / a / decode_peak
        kv_read = max(seqs_per_gpu * ctx * self.kv_bytes_per_token_per_gpu / hbm,
                      seqs_per_gpu * verify_tokens * ctx * decode_per_ctx)
        attn_per_ctx = M.attention_flops_per_token_per_context(m) / a / attn_peak
        attn_compute = prefill_tokens / ranks * M.attended_context(m, prefill_context) * attn_per_ctx

        comm = 0.0
        if a > 1:
            comm += 2 * m.layers * group_all_reduce_s(rank_tokens * m.hidden * ACTIVATION_BYTES, a, hw)
        if d > 1 and m.is_moe:  # attention replicas (data-parallel, or EP wider than TP) share the experts
            per_gpu = rank_tokens * min(m.experts_active, g) * m.hidden * (DISPATCH_BYTES + ACTIVATION_BYTES)
            # dispatch and combine: two collectives, each with its fixed cost on top of the data's time
            comm += M.moe_layers(m) * (group_all_to_all_s(per_gpu, g, hw) + 2 * f.moe_all_to_all_overhead_s)
        # a fixed time per kernel launched (launch gap, a small kernel's floor) and per iteration (host work)
        overhead = m.layers * M.kernels_per_layer(m) * f.kernel_overhead_s + f.step_overhead_s
        return TimeBreakdown(compute_s=compute + attn_compute, memory_s=memory + kv_read,
                             communication_s=comm, overhead_s=overhead)

    def prefill_s(self, prompt_tokens: float, prompts: float = 1.0) -> float:
        """Time to prefill ``prompts`` prompts of ``prompt_tokens`` in one batch on this worker (worked out
        once per worker and shape: an operating-point search asks for the same few many times)."""
        key = (prompt_tokens, prompts)
        if key not in self._prefill_memo:
            it = self.iteration(0.0, 0.0, prompt_tokens * prompts, prompt_tokens / 2.0,
                                prefill_ranks=math.ceil(prompts))
            self._prefill_memo[key] = it.total_s
        return self._prefill_memo[key]

    @cached_property
    def _prefill_memo(self) -> dict[tuple, float]:
        return {}

    def prefill_launch_s(self) -> float:
        """Host time of one prefill batch's kernel launches behind an API server: serving engines run the
        prefill eagerly (CUDA graphs are captured for decode batches only), so each kernel costs the
        framework's dispatch, ``prefill_kernel_overhead_s``, on top of its GPU time. Per batch, not per
        prompt: prompts that queue share it.

        At the fitted 59 µs a kernel (``calibration_data.json``): gpt-oss-120b 36 layers × 13 kernels × 59 µs
        = 28 ms; DeepSeek-V3 61 × 20.66 × 59 µs = 74 ms. A lone 1k-token prompt's whole TTFT measures
        29–45 ms for gpt-oss (InferenceMAX, B200 and H200) and 71–182 ms for DeepSeek-R1 (8 × B200/B300): one
        fitted figure per kernel sits between what the two models need (gpt-oss's TTFT at 16 clients or fewer
        comes out 0.98–1.15× measured at the median on NVIDIA GPUs, ``bench/gptoss_validation.py``).
        """
        return self.model.layers * M.kernels_per_layer(self.model) * self.factors.prefill_kernel_overhead_s

    def prefill_floor_s(self, prompt_tokens: float) -> float:
        """The physical floor of one prompt's prefill on this worker: its FLOPs at the full dense peak
        of all the worker's GPUs, or its weights read once at full HBM bandwidth, whichever is longer.

        Llama-2-70B FP8, 1,000 tokens, one H100: max(138.8 TFLOP / 1,979 TFLOP/s, 69.5 GB / 3.35 TB/s)
        = max(70 ms, 21 ms) = 70 ms.
        """
        memo = self._prefill_memo  # keyed apart from prefill_s's (tokens, prompts) pairs
        key = ("floor", prompt_tokens)
        if key not in memo:
            flops = M.prefill_flops(self.model, int(prompt_tokens))
            compute = flops / (self.hw.peak_flops(self.precision) * self.stage_gpus)  # stages run in turn
            memory = self.weights_bytes_per_gpu * self.pp / self.hw.hbm_bytes_per_s  # the stages run in turn
            memo[key] = max(compute, memory)
        return memo[key]
