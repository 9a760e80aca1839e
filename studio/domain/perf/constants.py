"""Named physical and engineering constants of the estimator, each with its source.

Tags follow ``shared/reference/hardware.md``: [V] read in the cited source, [V-3p] read in a
secondary page, [M] background knowledge or arithmetic (a placeholder until confirmed).
Fitted efficiency factors are NOT here: they live in ``calibration_data.json``
(see ``calibration.py``). Nothing in this module is specific to one measured case.
"""

from __future__ import annotations

GB = 1e9
GIB = 2**30
KIB = 2**10
TERA = 1e12

# --- numeric formats -------------------------------------------------------------------------
#: Bytes per weight by precision. FP4 is NVFP4: 4-bit values plus one FP8 scale per 16 values
#: (0.5 + 1/16 B) [V-3p: NVIDIA "Introducing NVFP4" developer blog, 2025].
WEIGHT_BYTES_PER_PARAM = {"bf16": 2.0, "fp8": 1.0, "fp4": 0.5 + 1.0 / 16}
#: KV cache element size by serving precision: FP8/FP4 deployments keep an FP8 KV cache
#: (TensorRT-LLM MLPerf recipes, vLLM ``kv_cache_dtype=fp8``) [V-3p]; BF16 keeps BF16.
KV_BYTES_PER_ELEMENT = {"bf16": 2.0, "fp8": 1.0, "fp4": 1.0}
#: Activations exchanged by tensor-parallel all-reduce are BF16 [M: Megatron/TRT-LLM default].
ACTIVATION_BYTES = 2.0
#: Embedding and output (lm_head) matrices stay in BF16 in FP8/FP4 checkpoints [M: TRT-LLM
#: and ModelOpt quantisation exclude them by default].
EMBEDDING_BYTES_PER_PARAM = 2.0

# --- serving engine ---------------------------------------------------------------------------
#: Device memory kept back from the KV cache for activations, workspaces, CUDA context and
#: NCCL buffers: AIConfigurator ``other_mem`` 3.5 GB + NCCL ~0.4 GB [V-3p, performance.md §1].
SERVING_RESERVED_GB = 4.0
#: Share of the remaining memory the engine gives the KV cache (TensorRT-LLM
#: ``free_gpu_memory_fraction`` default 0.9; vLLM ``gpu_memory_utilization`` 0.9) [V-3p].
KV_CACHE_MEMORY_FRACTION = 0.9
#: Share of a request's output the engine reserves KV cache for when it admits the request, by the
#: harness that drives it (``serving.admission_output_share``). A closed loop of clients against an API
#: server runs the engine's defaults: TensorRT-LLM's capacity scheduler, GUARANTEED_NO_EVICT ("(default)"),
#: admits a request only with room for its prompt and its whole output, so no started request is ever
#: paused (TensorRT-LLM performance tuning guide, Useful Runtime Options; NVIDIA Dynamo's scheduler mocker:
#: "TRT-LLM GUARANTEED_NO_EVICT reserves prompt plus maximum output and forbids preemption") → 1.0. MLPerf's
#: scenarios run each submitter's harness, tuned for throughput, where the same guide says "If the goal
#: is to maximizes the throughput, users should try MAX_UTILIZATION", which admits on the tokens a request
#: holds, as vLLM does: a sequence's mean occupancy, the prompt and half its output → 0.5 [V-3p]. Measured
#: in docs/accuracy.md, stop 24 (TensorRT-LLM's published table, out of sample, 18.3 / 68.9 % → 13.2 / 37.0 %).
KV_ADMISSION_OUTPUT_SHARE = {"concurrency": 1.0, "offline": 0.5, "server": 0.5, "interactive": 0.5}
#: Largest batch (sequences in flight per model replica) an engine schedules: TensorRT-LLM
#: ``max_batch_size`` default 2048 [V-3p: TRT-LLM build/bench docs].
MAX_BATCH_SEQUENCES = 2048
#: Token budget of one prefill iteration (chunked prefill): TensorRT-LLM ``max_num_tokens``
#: default 8192; vLLM V1 ``max_num_batched_tokens`` 8192 for the API server [V-3p].
PREFILL_CHUNK_TOKENS = 8192
#: Requests a benchmark harness sends per client in a closed-loop run: InferenceX (and InferenceMAX before
#: it) runs ``--num-prompts $((CONC * 10)) --max-concurrency $CONC --request-rate inf`` after
#: ``--num-warmups $((2 * CONC))`` (``benchmarks/benchmark_lib.sh`` ``run_benchmark_serving``; the recipes, e.g.
#: ``benchmarks/gptoss_fp4_b200.sh``) [SemiAnalysisAI/InferenceX]; its output throughput is the run's tokens
#: over the run's time.
BENCHMARK_REQUESTS_PER_CLIENT = 10
#: Request times a closed-loop run loses at its end: the last requests start spread over one request's time
#: and finish within one more, so the clients in flight fall from C to 0 about linearly over one request's
#: time, half of it lost [M].
BENCHMARK_DRAIN_REQUESTS = 0.5
#: Most decode iterations a new request is held before it joins a worker with data-parallel attention,
#: waiting for the other ranks' new requests so that they all take theirs in the same iteration (the
#: ranks step together through the MoE layers and an iteration lasts as long as its busiest rank).
#: On an aggregated worker, where the prompt itself would stall the other ranks, TensorRT-LLM's attention
#: DP balance holds a rank's new prompt until every rank has one, at most ``timeout_iters`` iterations
#: (TensorRT-LLM tech blog 10, "ADP Balance Strategy": "it waits up to timeout_iters iterations until all
#: other ranks have context tasks"); the published DeepSeek-R1 recipes set it to 60 with
#: ``batching_wait_iters: 0`` [V-3p: SemiAnalysisAI/InferenceX benchmarks/dsr1_fp8_b200_trt.sh and
#: dsr1_fp4_b200_trt.sh, ``attention_dp_config``]. On the InferenceX capture the 11 TTFTs of TensorRT-LLM
#: on one node with data-parallel attention came out 0.45× measured at the median with a 10-iteration
#: hold (7 of them off by more than half), 0.54× with this one (4), and 0.47× (6) once the round's prompts
#: are prefilled together (``inference.decode_iteration``: shorter iterations, so a shorter wait; their
#: TPOT went 1.14 → 0.94×) — docs/accuracy.md, stop 20's table; 0.86× since stop 22, whose round fills by
#: the coupon collector's count (``queueing.arrivals_to_fill``).
DP_CONTEXT_WAIT_ITERS = 60
#: The same hold on a disaggregated decode worker. It takes requests with their KV cache already computed,
#: so the prompt balance above does not apply; the hold is TensorRT-LLM's
#: ``AttentionDpConfig.batching_wait_iters`` default, 10 [V-3p: nvidia.github.io/TensorRT-LLM
#: llm-api/reference/AttentionDpConfig.html], kept because such workers are measured far above an
#: estimate without any: on the InferenceX capture, DeepSeek-R1 decode workers with data-parallel
#: attention came out 0.52–0.57× (Dynamo with SGLang or TensorRT-LLM; 0.29–0.39× below prefill
#: saturation) of the measured TTFT at the median, against 0.76–0.99× with tensor-parallel attention.
#: Measured with the aggregated hold at 60 and before the round's prompts were prefilled together
#: (docs/accuracy.md, stop 20's table): 5 iterations raised the capture's p90 (79.6 against 78.5 %); 20,
#: which no source gives, left more values off by more than half (227 against 225).
DP_ADMISSION_WAIT_ITERS = 10
#: Tokens (the M dimension of a linear layer's GEMM) at which the GEMM reaches half of its large-M
#: efficiency: efficiency × M / (M + 64). Tensor-core GEMMs work in tiles of 64–128 rows (Hopper WGMMA
#: m64; CUTLASS/hipBLASLt tiles of 64–256 rows), so a batch of M tokens fills its tiles and hides the
#: weight loads only once M reaches a few tiles' height [M: tile arithmetic; 64 chosen among 32/64/128/256
#: on leave-one-case-out of shared/reference/calibration.json, see docs/accuracy.md].
GEMM_HALF_FILL_TOKENS = 64.0
#: p99 / mean of time per output token under load (MLPerf v4.1 H100 server: 155 ms mean at a
#: 200 ms p99 limit = 1.29; v5.1 B200 interactive: 34.2 ms at 40 ms = 1.17) [M, from those logs].
TPOT_P99_OVER_MEAN = 1.25
#: p99 / mean of time to first token under Poisson load (M/D/1-like queue) [M].
TTFT_P99_OVER_MEAN = 2.5
#: Tensor-parallel sizes engines support (powers of two).
TP_CHOICES = (1, 2, 4, 8, 16, 32, 64)
#: GPUs of a pipeline stage the search tries inside a scale-up domain wider than a node: an HGX/OAM node's
#: eight, so that an NVL72 rack can run the TP8/PP4 decoders a DGX B200 can (without them, DeepSeek-R1
#: FP4 8k/1k at TPOT p99 ≤ 10 ms on 576 GPUs came out 69 tok/s per GPU on DGX B200, with 17 TP8/PP4
#: decoders across nodes, and 68 on GB200 NVL72, stop 30) [M].
PP_STAGE_GPUS = 8

# --- MoE serving (issue 9) ----------------------------------------------------------------------
#: Bytes per hidden element of the MoE dispatch all-to-all: tokens go out in FP8 with block scales
#: (DeepEP low-latency dispatch, TRT-LLM wide-EP FP8 dispatch) and come back in BF16 (combine)
#: [V-3p: deepseek-ai/DeepEP README "FP8 dispatching and BF16 combining"].
DISPATCH_BYTES = 1.0
#: Systematic expert-popularity skew on top of random routing noise, after the engines' expert
#: load balancer (EPLB with redundant experts): busiest/mean ≈ 1.1 [M: DeepSeek EPLB and SGLang
#: large-scale EP blog report balancedness 0.9 or better with EPLB].
EP_POPULARITY_SKEW = 1.1
#: Scale-out bandwidth per GPU when the catalog gives no NIC count or speed for a system: one
#: 400 Gb/s RDMA NIC per GPU, as in every 8-GPU HGX/OAM reference design [M].
DEFAULT_NIC_GBPS_PER_GPU = 400.0

# --- collectives -------------------------------------------------------------------------------
#: NCCL bus-bandwidth efficiency on the scale-up link (Calculon h100 NVLink 0.65) and on the
#: scale-out fabric (Calculon IB 0.9) [V-3p, performance.md §1].
SCALE_UP_LINK_EFFICIENCY = 0.7
SCALE_OUT_LINK_EFFICIENCY = 0.85
#: Per-hop latency of a collective step: AIConfigurator p2p_latency 10 µs, Calculon NVLink 10 µs
#: / IB 20 µs [V-3p]. NVLink all-reduce in TRT-LLM uses one-shot kernels (~ 1 step).
SCALE_UP_LATENCY_S = 8e-6
SCALE_OUT_LATENCY_S = 20e-6

# --- training ----------------------------------------------------------------------------------
#: Mixed-precision Adam with the distributed optimizer: BF16 weights 2 B + FP32 main gradients 4 B
#: on every rank, FP32 master, m, v 12 B sharded over data parallelism = 18 B/param before sharding
#: ("bf16 param, fp32 grads: 6 + 12/d", Megatron Core user guide, Distributed Optimizer; Megatron-LM
#: accumulates and reduces BF16 gradients in FP32, and so did Llama 3: "FP32 gradient accumulation
#: during backward computation over multiple micro-batches and also reduce-scatter gradients in FP32",
#: arXiv 2407.21783 §3.3.2) [V-3p].
TRAIN_WEIGHT_BYTES_PER_PARAM = 2.0
TRAIN_GRAD_BYTES_PER_PARAM = 4.0
TRAIN_WEIGHT_GRAD_BYTES_PER_PARAM = TRAIN_WEIGHT_BYTES_PER_PARAM + TRAIN_GRAD_BYTES_PER_PARAM
TRAIN_OPTIMIZER_BYTES_PER_PARAM = 12.0
#: Activation bytes per token per layer per hidden unit with sequence parallelism and selective
#: recompute: 34·s·b·h / t (Korthikanti et al. 2022, eq. 2 with the 5as/h term recomputed).
ACTIVATION_BYTES_PER_TOKEN_HIDDEN = 34.0
#: With full recompute only the layer inputs are kept: 2·s·b·h bytes per layer (ibid.).
FULL_RECOMPUTE_BYTES_PER_TOKEN_HIDDEN = 2.0
#: Full recompute re-runs the forward pass: 8N instead of 6N FLOPs per token (ibid.).
FULL_RECOMPUTE_FLOP_FACTOR = 8.0 / 6.0
#: Memory headroom in training (allocator fragmentation, NCCL, CUDA context) [M].
TRAINING_RESERVED_GB = 6.0
#: Share of the gradient all-reduce that cannot hide behind the backward pass (the last
#: bucket) [M: Megatron overlaps all but the last bucket; Calculon "DP overlap"].
DP_EXPOSED_FRACTION = 0.15
#: Share of tensor-parallel communication left exposed with sequence parallelism and
#: communication/GEMM overlap (TransformerEngine userbuffers) [M].
TP_EXPOSED_FRACTION = 0.3
#: Share of MoE expert-parallel all-to-all left exposed: dispatch/combine overlap with the
#: other micro-batch's compute (DeepSeek-V3 DualPipe, Megatron EP overlap) [M].
EP_EXPOSED_FRACTION = 0.5
#: Default training length for time-to-train when the workload gives none: 1 T tokens [M].
DEFAULT_TRAIN_TOKENS = 1e12
