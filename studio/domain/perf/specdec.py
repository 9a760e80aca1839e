"""Speculative decoding with multi-token prediction (MTP): acceptance-rate driven.

With ``n`` draft tokens per step and acceptance ``α`` for each (the chance the target model agrees
with a drafted token, given it agreed with the ones before), a step emits on average
``1 + α + α² + … + αⁿ`` tokens. The step verifies ``1 + n`` tokens per sequence (the linear layers and
communication see ``(1 + n)·B`` tokens, the KV cache is read once) and runs the draft module ``n``
times (one extra transformer layer each for DeepSeek's MTP module).
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

    @property
    def tokens_per_step(self) -> float:
        """Expected tokens per step: ``Σ_{i=0..n} αⁱ``. One draft at α = 0.85: 1.85."""
        return sum(self.acceptance**i for i in range(self.draft_tokens + 1))


#: Models that ship an MTP module, with their acceptance. DeepSeek-V3/R1: one MTP module; "the
#: acceptance rate of the second token prediction ranges between 85 % and 90 %" (DeepSeek-V3
#: technical report §5.4.3) — 0.85 taken, the low end, for benchmark prompts of random tokens [V].
MTP_DEFAULTS = {
    "deepseek-v3": SpecDecoding(1, 0.85, 1, "DeepSeek-V3 technical report §5.4.3: 85–90 % acceptance"),
    "deepseek-r1": SpecDecoding(1, 0.85, 1, "DeepSeek-V3 technical report §5.4.3 (same MTP module)"),
}


def spec_for(model: LlmModel, mode: str | None) -> SpecDecoding | None:
    """The speculative decoding a workload asks for (``none``/``mtp``); an error when the model has
    no MTP module."""
    if not mode or mode == "none":
        return None
    if mode != "mtp":
        raise EstimateError(f"unknown spec_decoding '{mode}' (expected none or mtp)")
    if model.slug not in MTP_DEFAULTS:
        raise EstimateError(f"{model.slug} has no multi-token-prediction module: spec_decoding 'mtp' "
                            f"is available for {', '.join(sorted(MTP_DEFAULTS))}")
    return MTP_DEFAULTS[model.slug]
