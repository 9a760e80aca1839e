"""One model replica of ``tp`` GPUs under continuous batching: memory and iteration time.

An *iteration* of an in-flight-batching engine (TensorRT-LLM, vLLM) carries one decode token
for each of ``B`` running sequences plus ``p`` prompt tokens of newly admitted ones. Its time is
the sum of per-operator rooflines (operators run one after another, not overlapped):

* linear layers: ``max(weights streamed / (HBM·η_hbm), 2·N·(B+p) / (peak·η_gemm))``
* attention: KV bytes of the B decoding sequences / (HBM·η_hbm) + prompt attention FLOPs
* tensor-parallel all-reduce: 2 per layer of ``(B+p)·hidden·2 B`` on the scale-up link
* overhead: kernel launches per layer plus a per-iteration scheduling/sampling cost.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.domain.catalog import LlmModel

from . import models as M
from .calibration import Factors
from .collectives import scale_up_link, switch_all_reduce_s
from .constants import ACTIVATION_BYTES, GB, KV_CACHE_MEMORY_FRACTION, MAX_BATCH_SEQUENCES, SERVING_RESERVED_GB
from .hardware import Hardware
from .results import TimeBreakdown

#: Attention (FMHA) runs at FP8 for FP8/FP4 serving and at BF16 otherwise [V-3p: TRT-LLM
#: FP8 context FMHA]; FP4 has no attention kernels.
ATTENTION_PRECISION = {"bf16": "bf16", "fp8": "fp8", "fp4": "fp8"}


@dataclass(frozen=True)
class Replica:
    model: LlmModel
    hw: Hardware
    precision: str
    tp: int
    factors: Factors

    # --- memory --------------------------------------------------------------------------
    @property
    def weights_bytes_per_gpu(self) -> float:
        """Weights sharded over TP: Llama-2-70B FP8 on TP2 ≈ 69.5 GB / 2 = 34.7 GB."""
        return M.weight_bytes(self.model, self.precision) / self.tp

    @property
    def kv_bytes_per_token_per_gpu(self) -> float:
        """KV bytes per token on one GPU. GQA/MHA heads split over TP (but a head is never
        split: TP beyond kv_heads replicates). MLA's latent is replicated on every TP rank."""
        per_token = M.kv_bytes_per_token(self.model, self.precision)
        if self.model.attention == "mla":
            return per_token
        return per_token / min(self.tp, self.model.kv_heads)

    @property
    def kv_capacity_bytes_per_gpu(self) -> float:
        """``(HBM − weights/TP − reserved) × 0.9`` — what the engine gives the KV cache."""
        free = self.hw.memory_bytes - self.weights_bytes_per_gpu - SERVING_RESERVED_GB * GB
        return max(0.0, free * KV_CACHE_MEMORY_FRACTION)

    def max_batch(self, input_tokens: int, output_tokens: int) -> int:
        """Sequences that fit at once: KV capacity ÷ mean occupancy ``(in + out/2)`` per sequence,
        provided one full sequence (in + out) fits; capped at the engine's 2,048.

        Llama-2-70B FP8, TP2 on H100, 300/290 tokens: (80 − 34.7 − 4) × 0.9 = 37.1 GB per GPU ÷
        (445 × 80 KiB) ≈ 1,018 sequences.
        """
        cap = self.kv_capacity_bytes_per_gpu
        if cap < self.kv_bytes_per_token_per_gpu * (input_tokens + output_tokens):
            return 0
        mean_tokens = input_tokens + output_tokens / 2.0
        return int(min(MAX_BATCH_SEQUENCES, cap // (self.kv_bytes_per_token_per_gpu * mean_tokens)))

    # --- time ----------------------------------------------------------------------------
    def iteration(self, decode_seqs: float, decode_context: float, prefill_tokens: float,
                  prefill_context: float) -> TimeBreakdown:
        """Time of one iteration with ``decode_seqs`` decoding at mean context ``decode_context``
        and ``prefill_tokens`` prompt tokens at mean position ``prefill_context``."""
        f, hw, m = self.factors, self.hw, self.model
        tokens = decode_seqs + prefill_tokens
        gemm_eff = f.inference_gemm_efficiency * (f.moe_gemm_ratio if m.is_moe else 1.0)
        hbm = hw.hbm_bytes_per_s * f.hbm_efficiency
        peak = hw.peak_flops(self.precision) * gemm_eff
        attn_peak = hw.peak_flops(ATTENTION_PRECISION[self.precision]) * f.inference_gemm_efficiency

        linear_compute = M.linear_flops_per_token(m) * tokens / self.tp / peak
        linear_memory = M.weight_bytes_read_per_step(m, self.precision, tokens) / self.tp / hbm
        attn_per_ctx = M.attention_flops_per_token_per_context(m) / self.tp / attn_peak
        decode_per_ctx = M.attention_flops_per_token_per_context(m, absorbed=True) / self.tp / attn_peak
        kv_read = max(decode_seqs * decode_context * self.kv_bytes_per_token_per_gpu / hbm,
                      decode_seqs * decode_context * decode_per_ctx)
        attn_compute = prefill_tokens * prefill_context * attn_per_ctx
        comm = 0.0
        if self.tp > 1:
            link = scale_up_link(hw)
            comm = 2 * m.layers * switch_all_reduce_s(tokens * m.hidden * ACTIVATION_BYTES, self.tp, link)
        overhead = m.layers * f.layer_overhead_s + f.step_overhead_s
        if linear_compute >= linear_memory:
            compute, memory = linear_compute, 0.0
        else:
            compute, memory = 0.0, linear_memory
        return TimeBreakdown(compute_s=compute + attn_compute, memory_s=memory + kv_read,
                             communication_s=comm, overhead_s=overhead)
