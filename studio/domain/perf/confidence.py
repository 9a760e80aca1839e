"""Confidence bands: narrow where a measured point of the same family and regime calibrated
the factors, wide where the estimate leans on another family's or the cross-family default,
and wider still the further the estimate lies from the calibrated cases (GPU count, model size).

Widths follow the accuracy the literature reports for calibrated analytical models (Calculon
3.7 % avg / 8.9 % max, llm-analysis −5.6…+9.5 %) and for uncalibrated rooflines (≈2×), see
performance.md §0–1; our own leave-one-out check is in docs/accuracy.md.
"""

from __future__ import annotations

import math

from .results import Band

#: ``latency``: a closed loop of clients (the ``concurrency`` scenario of benchmark harnesses), where
#: time to first token and the engine's scheduler move the throughput: 80 % of the 391 out-of-sample
#: DeepSeek-R1 rows of the InferenceX capture have their throughput within ±45 % of the estimate (p80 of
#: |predicted / measured − 1|: throughput 45 %, TPOT 29 %, TTFT 91 % at stop 16; 40 %, 27 %, 89 % at stop 17;
#: 40 %, 27 %, 82 % at stop 19; 38 %, 27 %, 81 % at stop 20; 34 %, 26 %, 82 % at stop 21; the band kept
#: at the wider figure; ``bench/inferencex_validation.py``, docs/accuracy.md) [V-3p].
#: ``moe-training`` and ``moe-training-node``: mixture-of-experts training (routed experts, their all-to-all and
#: the published recipes, which no fitted case covers) on a rack-scale NVLink domain and on 8-GPU nodes. NVIDIA
#: Megatron-Bridge's 19 published MoE pre-training figures (DeepSeek-V3, gpt-oss-120b, Qwen3-235B; never
#: fitted; ``bench/training_validation.py``): the 10 on GB200/GB300 NVL72 have 80 % within ±15 % of the
#: estimate (p80 of |predicted / measured − 1|: 0.149 at stop 28); the 9 on DGX H100/B200/B300 nodes run
#: 1.2–2.4 × below it (p80 1.13, so the widest band, ``MAX_WIDTH``) [V-3p].
#: ``limits``: an open load (MLPerf's server and interactive scenarios) at the highest throughput that meets
#: p99 latency limits: 80 % of MLPerf Inference v6.0's 35 server and interactive results (DeepSeek-R1,
#: gpt-oss-120b; 13 submitters, B200 to MI355X; never fitted) have their throughput within ±52 % of the
#: estimate (p80 of |predicted / measured − 1|: 0.516 at stop 28; ``bench/mlperf_validation.py``) [V-3p].
NARROW = {"inference": 0.15, "training": 0.12, "latency": 0.45, "limits": 0.52, "moe-training": 0.15,
          "moe-training-node": 0.80}
#: The out-of-sample rows that ``NARROW["latency"]`` is the p80 of.
LATENCY_BAND_POINTS = 391
#: The MLPerf server and interactive results that ``NARROW["limits"]`` is the p80 of.
LIMITS_BAND_POINTS = 35
WIDE = {"inference": 0.40, "training": 0.35, "latency": 0.70, "limits": 0.70, "moe-training": 0.40,
        "moe-training-node": 0.80}
#: A scale-up domain at least this large trains MoE models as the NVL72 racks of ``NARROW["moe-training"]``
#: do (expert parallelism over NVLink beyond 8 GPUs); a smaller one as the 8-GPU nodes [M: the two groups of
#: published figures].
MOE_RACK_DOMAIN = 64
#: The regimes of training estimates (``training_regime``); the rest are inference ones.
TRAINING_REGIMES = ("training", "moe-training", "moe-training-node")
#: Each decade (factor of 10) beyond the calibrated range adds this share of the base width
#: [M: leave-one-family-out errors in docs/accuracy.md roughly double the in-sample ones when a
#: case lies a decade away from the nearest calibrated one].
WIDENING_PER_DECADE = 0.75
#: A band never claims more than this relative spread below the value (low = 1 − width > 0) [M].
MAX_WIDTH = 0.8
#: A band wider than this is never labelled "narrow", anchored or not [M].
NARROW_MAX_WIDTH = 0.25
#: Beyond this many decades from the calibrated cases an anchored band is no longer "narrow" [M].
NARROW_LIMIT_DECADES = 0.3
#: GPU counts and model sizes (B parameters) the training calibration spans: the training cases of
#: shared/reference/calibration.json (64 A100 … 8,192 H100; GPT-3 175B … Llama 3.1 405B).
CALIBRATED_TRAINING_GPUS = (64, 8192)
CALIBRATED_TRAINING_PARAMS_B = (175.0, 405.85)
#: Prompt and output lengths (tokens) and model sizes (B parameters) the inference calibration spans: the
#: inference cases the factors are fitted to (both reference files, MLPerf v6.0 offline, InferenceMAX's
#: gpt-oss sweeps) — prompts 128 … 9,400, outputs 128 … 8,192, Llama 3.1 8B … DeepSeek-V3 671B.
CALIBRATED_INFERENCE_INPUT = (128, 9400)
CALIBRATED_INFERENCE_OUTPUT = (128, 8192)
CALIBRATED_INFERENCE_PARAMS_B = (8.0, 671.0)


#: Where published, never-fitted time to first token (``ttft``) and time per output token (``tpot``) lie against
#: their estimate: the range of measured ÷ estimated with the tenth lowest and the tenth highest left out, so that
#: at least 80 % of them fall inside, per band regime and serving mode (``bench/band_coverage.py`` prints them;
#: rounded outward to three significant digits, as an estimate prints them) [V-3p]:
#: a closed loop of clients, one node — 188 out-of-sample DeepSeek-R1 rows of the InferenceX capture; a closed
#: loop, disaggregated — its 203 disaggregated rows, where an engine's prefill queue and scheduler settings put
#: one TTFT in ten above 11 × the estimate; an open load under p99 limits — MLPerf Inference v6.0's 24 server and
#: interactive results with a mean TTFT and TPOT (measured at stop 29). Throughput's band is ``NARROW``'s.
LATENCY_SPREAD = {
    ("latency", False): {"ttft": (0.72, 3.81), "tpot": (0.84, 1.44)},
    ("latency", True): {"ttft": (0.70, 11.3), "tpot": (0.81, 1.41)},
    ("limits", False): {"ttft": (0.61, 2.96), "tpot": (0.67, 1.13)},
}
#: The published values each ``LATENCY_SPREAD`` entry is the middle 80 % range of: how many, and what they are.
LATENCY_EVIDENCE = {("latency", False): (188, "one-node closed-loop DeepSeek-R1 serving runs (InferenceX)"),
                    ("latency", True): (203, "disaggregated closed-loop DeepSeek-R1 serving runs (InferenceX)"),
                    ("limits", False): (24, "MLPerf v6.0 server and interactive results")}
#: The values a latency band is stated for.
LATENCY_VALUES = {"ttft": "time to first token", "tpot": "time per output token"}


def latency_key(regime: str, disaggregated: bool) -> tuple[str, bool] | None:
    """The ``LATENCY_SPREAD`` entry an estimate's latencies read: its regime, and for a closed loop whether it
    is disaggregated (an open load under limits has one entry for both); None where nothing was published
    (offline, or an open load without limits)."""
    if regime == "limits":
        return ("limits", False)
    if regime == "latency":
        return ("latency", disaggregated)
    return None


def latency_band(regime: str, disaggregated: bool, value: str, distance_decades: float = 0.0) -> Band:
    """The band of an estimate's ``value`` (``ttft`` or ``tpot``): the published spread of its regime
    (``LATENCY_SPREAD``), or — where nothing was published (offline; an open load without limits) — the widest
    of them all; widened in ratio, as throughput's band is in width, by ``WIDENING_PER_DECADE`` per decade away
    from the calibrated cases: ``low^(1 + 0.75·d)``, ``high^(1 + 0.75·d)``. Never "narrow" beyond
    ``NARROW_MAX_WIDTH`` either way.

    A single-node closed loop's TTFT: ×0.72 … ×3.81; 0.5 decades out: 0.72^1.375 = 0.637 … 3.81^1.375 = 6.29.
    """
    key = latency_key(regime, disaggregated)
    if key is None:
        low = min(spread[value][0] for spread in LATENCY_SPREAD.values())
        high = max(spread[value][1] for spread in LATENCY_SPREAD.values())
        reason = (f"no published {LATENCY_VALUES[value]} in this scenario: the widest of the published spreads, "
                  f"{sum(points for points, _ in LATENCY_EVIDENCE.values())} values in all")
    else:
        low, high = LATENCY_SPREAD[key][value]
        points, what = LATENCY_EVIDENCE[key]
        reason = (f"80 % of {points} published {what}, not fitted, measured "
                  f"{LATENCY_VALUES[value]} within ×{low:.2f} … ×{high:.2f} of the estimate")
        if value == "ttft":
            reason += "; it varies most with the engine's scheduler settings, which the layout does not name"
    stretch = 1.0 + WIDENING_PER_DECADE * max(0.0, distance_decades)
    if stretch > 1.0:
        low, high = min(low, 1.0) ** stretch, max(high, 1.0) ** stretch
        reason += f"; {distance_decades:.1f} decades outside the calibrated cases, so wider"
    narrow = max(1.0 - low, high - 1.0) <= NARROW_MAX_WIDTH
    return Band(low=low, high=high, label="narrow" if narrow else "wide", reason=reason)


def decades_outside(value: float, low: float, high: float) -> float:
    """How many decades ``value`` lies outside ``[low, high]`` (0 inside).

    100,000 GPUs against 64 … 8,192: log10(100,000 / 8,192) = 1.087; 8 GPUs: log10(64 / 8) = 0.903.
    """
    if value <= 0:
        return 0.0
    if value > high:
        return math.log10(value / high)
    if value < low:
        return math.log10(low / value)
    return 0.0


def training_distance(gpus: int, params_b: float) -> float:
    """Decades between a training estimate and the calibrated cases: GPU count and model size add.

    100,000 GPUs of a 405B model: 1.087 + 0 = 1.087; 64 GPUs of an 8B model: 0 + log10(175 / 8) = 1.340.
    """
    return decades_outside(gpus, *CALIBRATED_TRAINING_GPUS) + decades_outside(params_b, *CALIBRATED_TRAINING_PARAMS_B)


def inference_distance(input_tokens: int, output_tokens: int, params_b: float) -> float:
    """Decades between an inference estimate and the calibrated cases: prompt length, output length and model
    size add. A 100,000-token prompt with a 2,000-token output on a 70B model: log10(100,000 / 9,400) + 0 + 0
    = 1.027; Kimi-K2 (1,026 B) at 1k / 1k: log10(1,026 / 671) = 0.184."""
    return (decades_outside(input_tokens, *CALIBRATED_INFERENCE_INPUT)
            + decades_outside(output_tokens, *CALIBRATED_INFERENCE_OUTPUT)
            + decades_outside(params_b, *CALIBRATED_INFERENCE_PARAMS_B))


def training_regime(is_moe: bool, scale_up_domain: int) -> str:
    """The band regime of a training estimate: ``training`` for a dense model; for a mixture of experts
    ``moe-training`` on a scale-up domain of ``MOE_RACK_DOMAIN`` GPUs or more (GB200 NVL72: 72), else
    ``moe-training-node`` (DGX H100: 8)."""
    if not is_moe:
        return "training"
    return "moe-training" if scale_up_domain >= MOE_RACK_DOMAIN else "moe-training-node"


def evidence(regime: str) -> str:
    """The published results, never fitted, that a regime's width stands on (empty for ``inference`` and
    ``training``, whose widths follow the literature on calibrated models)."""
    within = f"80 % of their throughputs within ±{100 * NARROW.get(regime, 0):.0f} % of the estimate"
    return {
        "latency": f"a closed loop of clients: {LATENCY_BAND_POINTS} published DeepSeek-R1 serving points, not "
                   f"fitted, have {within}; time to first token varies most with the engine",
        "limits": f"an open load under p99 latency limits: {LIMITS_BAND_POINTS} published MLPerf server and "
                  f"interactive results, not fitted, have {within}",
        "moe-training": "mixture-of-experts training on a rack-scale NVLink domain: NVIDIA's published runs on "
                        f"NVL72 racks, not fitted, have {within}",
        "moe-training-node": "mixture-of-experts training on 8-GPU nodes: NVIDIA's published runs on DGX nodes, not "
                             "fitted, measure 1.2–2.4 × below the estimate",
    }.get(regime, "")


def band(anchored: bool, regime: str, family: str, precision: str, distance_decades: float = 0.0) -> Band:
    """±15 % (inference throughput), ±12 % (training), ±45 % (throughput of a closed loop of clients),
    ±52 % (an open load under p99 latency limits), ±15 % / ±80 % (mixture-of-experts training on a
    rack-scale domain / on 8-GPU nodes) when anchored; ±40 % / ±35 % / ±70 % / ±70 % / ±40 % / ±80 %
    otherwise; each widened by ``WIDENING_PER_DECADE`` of itself per decade away from the calibrated cases,
    capped at ``MAX_WIDTH``.

    Anchored training 1.087 decades out: 0.12 × (1 + 0.75 × 1.087) = 0.218 → ±21.8 %, "wide".
    """
    base = (NARROW if anchored else WIDE)[regime]
    distance = max(0.0, distance_decades)
    width = min(MAX_WIDTH, base * (1.0 + WIDENING_PER_DECADE * distance))
    narrow = anchored and distance <= NARROW_LIMIT_DECADES and base <= NARROW_MAX_WIDTH
    kind = "training" if regime in TRAINING_REGIMES else "inference"  # what calibrated the factors it reads
    if anchored:
        reason = f"calibrated on measured {family} {precision} {kind} results"
    else:
        reason = f"no measured {family} {precision} {kind} result: factors borrowed from a related family or the default"
    if published := evidence(regime):
        reason += f"; {published}"
    if distance > 0:
        reason += f"; {distance:.1f} decades outside the calibrated cases, so wider"
    return Band(low=1 - width, high=1 + width, label="narrow" if narrow else "wide", reason=reason)
