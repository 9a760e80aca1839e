"""Workload presets: documented, named starting points for the editor's workload form.

Lengths and limits follow public benchmark conventions so that an estimate made from a preset
can be compared with published results:

* ``chat`` — MLPerf Inference Llama-2-70B *server*: ~300 in / ~290 out, TTFT p99 2 s, TPOT p99
  200 ms (MLPerf Inference v4.x rules) [V-3p, performance.md calibration cases].
* ``chat-interactive`` — MLPerf v5 *interactive*: TTFT p99 450 ms, TPOT p99 40 ms [V-3p].
* ``rag`` — long-context retrieval: 8,000 in / 500 out, TTFT p99 3 s, TPOT p99 100 ms [M].
* ``reasoning`` — long outputs of reasoning models: 1,000 in / 8,000 out, TPOT p99 50 ms [M].
* ``summarization`` — offline batch summarisation: MLPerf Llama-3.1-405B shape, 9,400 in /
  656 out, offline [V-3p].
* ``pretraining`` — Llama-3 style: 8,192-token sequences, 2,048 per batch (16 M tokens), BF16,
  1 T tokens [V-3p: Llama 3 paper, Table 4 batch; token count M].
* ``finetuning`` — supervised fine-tuning: 4,096-token sequences, 128 per batch, BF16,
  1 B tokens [M].
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from studio.domain.design import Workload


@dataclass(frozen=True)
class Preset:
    slug: str
    label: str
    description: str
    workload: Workload


PRESETS: dict[str, Preset] = {p.slug: p for p in (
    Preset("chat", "Chat (server)", "Conversational serving at MLPerf server limits.",
           Workload(kind="inference", precision="fp8", scenario="server", input_tokens=300, output_tokens=290,
                    ttft_p99_limit_ms=2000, tpot_p99_limit_ms=200, preset="chat")),
    Preset("chat-interactive", "Chat (interactive)", "Snappy chat at MLPerf interactive limits.",
           Workload(kind="inference", precision="fp8", scenario="interactive", input_tokens=300, output_tokens=290,
                    ttft_p99_limit_ms=450, tpot_p99_limit_ms=40, preset="chat-interactive")),
    Preset("rag", "RAG / long context", "Long retrieved prompts, short answers.",
           Workload(kind="inference", precision="fp8", scenario="server", input_tokens=8000, output_tokens=500,
                    ttft_p99_limit_ms=3000, tpot_p99_limit_ms=100, preset="rag")),
    Preset("reasoning", "Reasoning", "Short prompts, long chains of thought.",
           Workload(kind="inference", precision="fp8", scenario="server", input_tokens=1000, output_tokens=8000,
                    ttft_p99_limit_ms=3000, tpot_p99_limit_ms=50, preset="reasoning")),
    Preset("summarization", "Batch summarisation", "Offline: throughput only.",
           Workload(kind="inference", precision="fp8", scenario="offline", input_tokens=9400, output_tokens=656,
                    preset="summarization")),
    Preset("pretraining", "Pre-training", "Large-batch pre-training of a dense model.",
           Workload(kind="training", precision="bf16", sequence_length=8192, global_batch_sequences=2048,
                    train_tokens=1e12, preset="pretraining")),
    Preset("finetuning", "Fine-tuning", "Supervised fine-tuning run.",
           Workload(kind="training", precision="bf16", sequence_length=4096, global_batch_sequences=128,
                    train_tokens=1e9, preset="finetuning")),
)}


def preset_workload(slug: str, model: str, **overrides) -> Workload:
    """The preset's workload for ``model`` with any field overridden.

    ``preset_workload("chat", "llama-3.1-70b").input_tokens == 300``.
    """
    try:
        base = PRESETS[slug].workload
    except KeyError:
        raise KeyError(f"unknown preset '{slug}' (expected one of {', '.join(PRESETS)})") from None
    return replace(base, model=model, **overrides)
