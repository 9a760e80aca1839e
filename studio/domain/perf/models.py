"""Model arithmetic: parameters, FLOPs per token, KV-cache bytes, weight bytes.

Everything here follows from the architecture fields of ``LlmModel`` (catalog) and the
numeric format; no hardware enters. Worked examples are in ``tests/test_perf_models.py``.
"""

from __future__ import annotations

from studio.domain.catalog import LlmModel

from .constants import EMBEDDING_BYTES_PER_PARAM, KV_BYTES_PER_ELEMENT, WEIGHT_BYTES_PER_PARAM
from .errors import EstimateError


def embedding_params(model: LlmModel) -> float:
    """Input embedding plus output (lm_head) matrix: ``2 · vocab · hidden`` (untied).

    Llama-3.1-70B: 2 × 128,256 × 8,192 = 2.10 B parameters.
    """
    return 2.0 * model.vocab * model.hidden


def expert_ffn_size(model: LlmModel) -> int:
    """Width of one routed expert's FFN (``moe_ffn``, or ``ffn`` when the catalog leaves it 0)."""
    return model.moe_ffn or model.ffn


def moe_layers(model: LlmModel) -> int:
    """Layers that carry routed experts: all but the leading dense ones (DeepSeek-V3: 61 − 3 = 58)."""
    return max(0, model.layers - model.dense_layers) if model.is_moe else 0


#: Kernels an engine launches per layer and iteration, by part: the two RMSNorms; attention (GQA/MHA:
#: QKV GEMM, RoPE, attention, output GEMM; MLA absorbed: fused Q-A/KV-A GEMM, the two latent norms, Q-B
#: GEMM, the W_UK and W_UV batched GEMMs, RoPE, attention, output GEMM); a dense gated FFN (gate-up GEMM,
#: activation, down GEMM); a routed MoE (router GEMM, top-k, permute, expert GEMM 1, activation, expert
#: GEMM 2, un-permute and combine) and a shared expert (a dense FFN) [M: counted from the layer forward of
#: vLLM's llama.py, gpt_oss.py and deepseek_v2.py; TP all-reduces are priced on the link, not here].
NORM_KERNELS = 2
ATTENTION_KERNELS = {"mha": 4, "gqa": 4, "mla": 9}
FFN_KERNELS = 3
MOE_KERNELS = 7


def kernels_per_layer(model: LlmModel) -> float:
    """Mean kernels launched per layer per iteration (the constants above): what a fixed cost per kernel
    (launch gap, small kernels' floor) multiplies.

    Llama-2-70B: 2 + 4 + 3 = 9; gpt-oss-120b: 2 + 4 + 7 = 13; DeepSeek-V3 (3 dense layers, 58 MoE layers
    with a shared expert): 2 + 9 + (3 × 3 + 58 × (7 + 3)) / 61 = 20.66.
    """
    moe = moe_layers(model)
    ffn = (model.layers - moe) * FFN_KERNELS
    ffn += moe * (MOE_KERNELS + (FFN_KERNELS if model.shared_experts else 0))
    return NORM_KERNELS + ATTENTION_KERNELS[model.attention] + ffn / model.layers


def routed_expert_params(model: LlmModel) -> float:
    """All routed-expert weights: ``moe_layers · experts · 3 · hidden · moe_ffn`` (gated SwiGLU).

    Mixtral-8x7B: 32 × 8 × 3 × 4,096 × 14,336 = 45.1 B of its 46.7 B parameters.
    Capped at the catalog total, so an inconsistent catalog entry cannot make it negative.
    """
    if not model.is_moe:
        return 0.0
    params = moe_layers(model) * model.experts * 3.0 * model.hidden * expert_ffn_size(model)
    return min(params, model.params_total_b * 1e9)


def total_params(model: LlmModel) -> float:
    """Total parameters (from the catalog, in units of 1)."""
    return model.params_total_b * 1e9


def active_params(model: LlmModel) -> float:
    """Parameters used per token (the catalog's ``params_active_b``; = total for dense models)."""
    return model.params_active_b * 1e9


def linear_flops_per_token(model: LlmModel) -> float:
    """Matrix-multiply FLOPs per token in one forward pass: ``2 · N_active``, without the input
    embedding (a lookup, not a GEMM).

    Llama-2-70B: 2 × (69.0 B − 0.26 B) ≈ 137.5 GFLOP per token.
    """
    return 2.0 * (active_params(model) - model.vocab * model.hidden)


def attention_flops_per_token_per_context(model: LlmModel, absorbed: bool = False) -> float:
    """Attention score and value FLOPs per token for each token of context it attends to.

    ``4 · L · heads · head_dim`` (QKᵀ and A·V, 2 FLOPs per multiply-add). MLA adds the decoupled
    RoPE dimension to the query-key product: ``2 · L · heads · (head_dim + rope_dim + head_dim)``;
    in decode, engines run MLA *absorbed* (attend in the latent space):
    ``2 · L · heads · (kv_lora_rank + rope_dim + kv_lora_rank)``.
    Llama-2-70B: 4 × 80 × 64 × 128 = 2.62 MFLOP per token of context;
    DeepSeek-V3 absorbed: 2 × 61 × 128 × (512 + 64 + 512) = 17.0 MFLOP.
    """
    if model.attention == "mla":
        if absorbed and model.kv_lora_rank:
            return 2.0 * model.layers * model.heads * (2 * model.kv_lora_rank + model.rope_dim)
        return 2.0 * model.layers * model.heads * (2 * model.head_dim + model.rope_dim)
    return 4.0 * model.layers * model.heads * model.head_dim


def prefill_flops(model: LlmModel, tokens: int) -> float:
    """Forward FLOPs to prefill one prompt of ``tokens``: linear + causal attention.

    ``2·N·s + a·s²/2`` with ``a`` the attention FLOPs per context token. Llama-2-70B, s = 1,000:
    137.5 TFLOP + 1.3 TFLOP.
    """
    return linear_flops_per_token(model) * tokens + attention_flops_per_token_per_context(model) * tokens**2 / 2.0


def kv_bytes_per_token(model: LlmModel, precision: str = "bf16") -> float:
    """KV-cache bytes per token across all layers.

    MHA/GQA: ``2 · L · kv_heads · head_dim · bytes`` — Llama-2-70B in BF16:
    2 × 80 × 8 × 128 × 2 = 327,680 B = 320 KiB. MLA caches the latent and the RoPE key:
    ``L · (kv_lora_rank + rope_dim) · bytes`` — DeepSeek-V3: 61 × 576 × 2 = 70,272 B = 68.6 KiB.
    ``precision`` is the serving precision; FP8/FP4 serving keeps an FP8 cache.
    """
    element = KV_BYTES_PER_ELEMENT[precision]
    if model.attention == "mla":
        return model.layers * (model.kv_lora_rank + model.rope_dim) * element
    return 2.0 * model.layers * model.kv_heads * model.head_dim * element


def attended_context(model: LlmModel, context: float) -> float:
    """Mean tokens each layer attends to at ``context``: local-attention layers stop at their window.

    gpt-oss-120b (18 of 36 layers with a 128-token window) at 2,000 tokens:
    (18 × 2,000 + 18 × 128) / 36 = 1,064 tokens.
    """
    if model.window_tokens <= 0 or model.window_layers <= 0:
        return context
    local = min(model.window_layers, model.layers)
    return ((model.layers - local) * context + local * min(context, model.window_tokens)) / model.layers


def kv_bytes_per_sequence(model: LlmModel, precision: str, context: float) -> float:
    """KV-cache bytes of one sequence at ``context`` tokens (local-attention layers keep only
    their window). Llama-2-70B FP8 at 1,000 tokens: 1,000 × 160 KiB = 163.8 MB; gpt-oss-120b FP8 at
    2,000 tokens: 1,064 × 36 × 2 × 8 × 64 × 1 B = 39.2 MB instead of 73.7 MB.
    """
    return kv_bytes_per_token(model, precision) * attended_context(model, context)


def expert_weight_bytes(model: LlmModel, precision: str) -> float:
    """Bytes of all routed experts at ``precision`` (DeepSeek-V3 FP8: 653.9 B params → 653.9 GB).

    Experts published already quantised stay at that size under FP8 or FP4 serving: the engines keep
    the checkpoint's weights and dequantise them inside the expert GEMM (W4A8/W4A16 kernels), so
    gpt-oss-120b's MXFP4 experts (114.7 B params) are 64.5 GB at FP4 *and* at FP8 — never the
    114.7 GB of an FP8 copy. BF16 serving means an upcast copy: 229.4 GB.
    """
    bytes_per_param = WEIGHT_BYTES_PER_PARAM[precision]
    native = model.checkpoint_expert_precision
    if native and precision != "bf16":
        bytes_per_param = min(bytes_per_param, WEIGHT_BYTES_PER_PARAM[native])
    return routed_expert_params(model) * bytes_per_param


def routed_flops_per_token(model: LlmModel) -> float:
    """Routed-expert GEMM FLOPs per token: ``2 · moe_layers · k · 3 · hidden · moe_ffn``.

    DeepSeek-V3: 2 × 58 × 8 × 3 × 7,168 × 2,048 = 40.9 GFLOP of the 72.1 GFLOP linear per token; the
    rest (attention projections, dense layers, shared expert, lm_head) is ``linear − routed``.
    """
    if not model.is_moe:
        return 0.0
    return 2.0 * moe_layers(model) * model.experts_active * 3.0 * model.hidden * expert_ffn_size(model)


def weight_bytes(model: LlmModel, precision: str) -> float:
    """Bytes of all weights when served at ``precision`` (embeddings stay BF16).

    Llama-3.1-70B at FP8: 68.45 B × 1 B + 2.10 B × 2 B = 72.7 GB.
    """
    check_precision(precision)
    embedding = min(embedding_params(model), total_params(model))
    rest = total_params(model) - embedding - routed_expert_params(model)
    return (rest * WEIGHT_BYTES_PER_PARAM[precision] + expert_weight_bytes(model, precision)
            + embedding * EMBEDDING_BYTES_PER_PARAM)


def weight_bytes_read_per_step(model: LlmModel, precision: str, batch_tokens: float) -> float:
    """Weight bytes one decode/prefill iteration streams from HBM for ``batch_tokens`` tokens.

    Dense models read every weight except the input embedding (a gather). MoE models read the
    shared weights plus the experts that at least one token routes to: with ``E`` experts and
    ``k`` per token, a batch of ``B`` tokens touches ``E · (1 − (1 − k/E)^B)`` experts per layer
    on average (uniform routing). Mixtral at B = 1 reads 2 of 8 experts; at B = 64 all 8.
    """
    full = weight_bytes(model, precision) - model.vocab * model.hidden * EMBEDDING_BYTES_PER_PARAM
    if not model.is_moe or model.experts_active <= 0:
        return full
    experts_bytes = routed_expert_params(model) * WEIGHT_BYTES_PER_PARAM[precision]
    share = 1.0 - (1.0 - model.experts_active / model.experts) ** max(batch_tokens, 1.0)
    return full - experts_bytes * (1.0 - share)


def check_precision(precision: str) -> None:
    if precision not in WEIGHT_BYTES_PER_PARAM:
        raise EstimateError(f"unknown precision '{precision}' (expected bf16, fp8 or fp4)")
