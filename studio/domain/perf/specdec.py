"""Speculative decoding: a model's own multi-token-prediction (MTP) module or a published EAGLE-3
draft head, acceptance-rate driven. A workload turns it on with ``spec_decoding: mtp`` (the contract's
one "on" value); each model drafts with what is published for it (``SPEC_DEFAULTS``).

With ``n`` draft tokens per step and acceptance ``α`` for each (the chance the target model agrees
with a drafted token, given it agreed with the ones before), a step emits on average
``1 + α + α² + … + αⁿ`` tokens. The step verifies ``1 + n`` tokens per sequence (the linear layers and
communication see ``(1 + n)·B`` tokens, the KV cache is read once) and runs the draft ``n`` times, each
pass priced as one more transformer layer of the target (DeepSeek's MTP module is one such layer; an
EAGLE-3 head is one decoder layer at the target's width).
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.domain.catalog import LlmModel

from .errors import EstimateError


@dataclass(frozen=True)
class SpecDecoding:
    draft_tokens: int
    acceptance: float
    draft_layers: int
    source: str
    draft: str  # what drafts, for the assumption line: "DeepSeek-R1's MTP module", "the EAGLE-3 head …"

    @property
    def tokens_per_step(self) -> float:
        """Expected tokens per step (``chain_tokens_per_step``)."""
        return chain_tokens_per_step(self.acceptance, self.draft_tokens)

    def describe(self) -> str:
        """The assumption line an estimate carries."""
        drafts = f"{self.draft_tokens} draft token{'s' * (self.draft_tokens != 1)}"
        return (f"speculative decoding with {self.draft}: {drafts} per step at acceptance {self.acceptance:.2f} "
                f"each, {self.tokens_per_step:.2f} tokens per step ({self.source})")


def chain_tokens_per_step(acceptance: float, draft_tokens: int) -> float:
    """Expected tokens per step of a chain of ``n`` drafts at acceptance ``α``: ``Σ_{i=0..n} αⁱ``.
    One draft at α = 0.85: 1.85."""
    return sum(acceptance**i for i in range(draft_tokens + 1))


def acceptance_for_length(length: float, draft_tokens: int) -> float:
    """The per-token acceptance ``α`` whose chain of ``draft_tokens`` drafts emits ``length`` tokens per
    step on average (``1 + α + … + αⁿ = length``, the *acceptance length* draft heads publish, the
    bonus token included), by bisection to 1e-9. Example: 2.41 over 3 drafts is α = 0.6674
    (1 + 0.6674 + 0.4454 + 0.2973); 1.85 over 1 draft is 0.85."""
    if not 1.0 <= length <= draft_tokens + 1:
        raise ValueError(f"an acceptance length over {draft_tokens} drafts lies in [1, {draft_tokens + 1}]")
    lo, hi = 0.0, 1.0
    while hi - lo > 1e-9:
        mid = (lo + hi) / 2
        if chain_tokens_per_step(mid, draft_tokens) < length:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


#: Drafts per step for an EAGLE-3 head: the chain the published figures below were measured with
#: (SGLang ``--speculative-num-steps 3 --speculative-eagle-topk 1``, vLLM ``num_speculative_tokens: 3``).
EAGLE_DRAFT_TOKENS = 3


def _eagle(length: float, head: str, source: str) -> SpecDecoding:
    return SpecDecoding(EAGLE_DRAFT_TOKENS, acceptance_for_length(length, EAGLE_DRAFT_TOKENS), 1,
                        f"acceptance length {length:g} over {EAGLE_DRAFT_TOKENS} drafts: {source}",
                        f"the EAGLE-3 head {head}")


#: What each model drafts with, and its acceptance. Where a source gives several datasets the lowest is
#: taken: benchmark prompts are random tokens, where drafts are accepted least [V].
#: DeepSeek-V3/R1: one MTP module; "the acceptance rate of the second token prediction ranges between
#: 85 % and 90 %" (DeepSeek-V3 technical report §5.4.3) — 0.85, the low end.
SPEC_DEFAULTS = {
    "deepseek-v3": SpecDecoding(1, 0.85, 1, "DeepSeek-V3 technical report §5.4.3: 85–90 % acceptance",
                                "DeepSeek-V3's MTP module"),
    "deepseek-r1": SpecDecoding(1, 0.85, 1, "DeepSeek-V3 technical report §5.4.3 (same MTP module)",
                                "DeepSeek-R1's MTP module"),
    "gpt-oss-120b": _eagle(2.41, "Dogacel/specdrift-gpt-oss-120b-eagle3",
                           "its model card (arXiv 2605.09992), MT-Bench, SGLang chain 1-3-1-4 on H100, batch 1–8"),
    "gpt-oss-20b": _eagle(2.347, "Dogacel/specdrift-gpt-oss-20b-eagle3",
                          "its model card, MT-Bench, SGLang chain 1-3-1-4 on H100, batch 1"),
    "kimi-k2": _eagle(3.165, "AQ-MedAI/Kimi-K2-Instruct-eagle3",
                      "its model card, GSM8K (HumanEval 3.372, Math500 3.490); the chain of 3 its throughput figures name"),
    "llama-4-maverick": _eagle(2.37, "nvidia/Llama-4-Maverick-17B-128E-Eagle3",
                               "RedHatAI/Llama4-Maverick-17B-128E-Instruct-speculator.eagle3 model card, vLLM, "
                               "k = 3, CNN/DailyMail (HumanEval 2.94, GSM8K 3.08)"),
    "llama-3.3-70b": SpecDecoding(
        EAGLE_DRAFT_TOKENS, acceptance_for_length(2.88, 7), 1,
        "acceptance length 2.88 over a chain of 7 drafts (MT-Bench, temperature 1; HumanEval 3.62, GSM8K "
        "3.29), measured by the nebius/EAGLE3-Llama-3.3-70B-Instruct model card, its α run at 3 drafts",
        "the EAGLE-3 head RedHatAI/Llama-3.3-70B-Instruct-speculator.eagle3"),
}


def spec_for(model: LlmModel, mode: str | None) -> SpecDecoding | None:
    """The speculative decoding a workload asks for (``none``/``mtp``); an error when nothing with a
    published acceptance drafts for the model."""
    if not mode or mode == "none":
        return None
    if mode != "mtp":
        raise EstimateError(f"unknown spec_decoding '{mode}' (expected none or mtp)")
    if model.slug not in SPEC_DEFAULTS:
        raise EstimateError(f"{model.slug} has no MTP module or draft head with a published acceptance: "
                            f"spec_decoding 'mtp' is available for {', '.join(sorted(SPEC_DEFAULTS))}")
    return SPEC_DEFAULTS[model.slug]


#: An aggregated worker with tensor-parallel attention and speculative decoding above this many sequences decoding
#: at once: where the published runs part from the model (``large_batch_caution``).
CAUTION_SEQUENCES = 128
#: Those runs, out of sample: the InferenceX capture's DeepSeek-R1 runs with MTP on one node with tensor-parallel
#: attention at more than 128 clients (SGLang 7, ATOM 5, TensorRT-LLM 1; 254–509 sequences per worker as
#: estimated): measured TPOT ÷ estimated, lowest, median and highest (``bench/inferencex_validation.py
#: --mtp-by-load``; docs/accuracy.md, stop 31) [V-3p]. Data-parallel attention at the same loads holds: 0.91×
#: and 1.01× the measured at the median over 8 and 22 runs.
CAUTION_EVIDENCE = (13, 1.00, 1.74, 2.65)


def large_batch_caution(spec: SpecDecoding | None, disaggregated: bool, attention_dp: int,
                        sequences: float) -> str | None:
    """The assumption line for speculative decoding where published runs decode slower than this model gives:
    an aggregated worker (prompts and decode on the same GPUs) whose attention is tensor-parallel
    (``attention_dp`` 1), more than ``CAUTION_SEQUENCES`` sequences decoding; None elsewhere. The estimate
    stands, since no physical cause was found; the line says how far the published runs were from it
    (``CAUTION_EVIDENCE``)."""
    if spec is None or disaggregated or attention_dp > 1 or sequences <= CAUTION_SEQUENCES:
        return None
    runs, low, median, high = CAUTION_EVIDENCE
    return (f"speculative decoding with {sequences:.0f} sequences on a worker with tensor-parallel attention: "
            f"{runs} published DeepSeek-R1 runs of this kind (one node, more than {CAUTION_SEQUENCES} clients) "
            f"decoded {low:.2f}–{high:.2f}× slower than this model gives (median {median:.2f}×); with "
            f"data-parallel attention the model holds")
