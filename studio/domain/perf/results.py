"""Plain frozen result objects that the UI, the PDF and the CLI render.

Each estimate carries its time breakdown, its confidence band and the assumptions it made.
``to_dict()`` gives the JSON shape of the ``estimate`` command (contract keys plus extras).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from studio.domain.fabric import FabricSize


@dataclass(frozen=True)
class TimeBreakdown:
    """Where the time of one step (decode iteration or training step) goes, in seconds.

    ``compute_s`` math-bound work, ``memory_s`` HBM-bound work (weights and KV streaming),
    ``communication_s`` exposed collectives, ``bubble_s`` pipeline idle time, ``overhead_s``
    kernel launches, scheduling and sampling.
    """

    compute_s: float = 0.0
    memory_s: float = 0.0
    communication_s: float = 0.0
    bubble_s: float = 0.0
    overhead_s: float = 0.0

    @property
    def total_s(self) -> float:
        return self.compute_s + self.memory_s + self.communication_s + self.bubble_s + self.overhead_s

    def scaled(self, factor: float) -> "TimeBreakdown":
        return TimeBreakdown(self.compute_s * factor, self.memory_s * factor, self.communication_s * factor,
                             self.bubble_s * factor, self.overhead_s * factor)

    def __add__(self, other: "TimeBreakdown") -> "TimeBreakdown":
        """Part by part: a mean of iterations is ``a.scaled(1 − n) + b.scaled(n)``."""
        return TimeBreakdown(self.compute_s + other.compute_s, self.memory_s + other.memory_s,
                             self.communication_s + other.communication_s, self.bubble_s + other.bubble_s,
                             self.overhead_s + other.overhead_s)


@dataclass(frozen=True)
class Band:
    """Confidence band: the true value lies within ``[value × low, value × high]`` (roughly p80)."""

    low: float
    high: float
    label: str  # "narrow" | "wide"
    reason: str


@dataclass(frozen=True)
class InferenceEstimate:
    model: str
    system: str
    precision: str
    scenario: str
    gpus: int
    tensor_parallel: int
    replicas: int
    batch_per_replica: int
    output_tokens_per_s: float
    ttft_ms: float
    tpot_ms: float
    ttft_p99_ms: float
    tpot_p99_ms: float
    power_w: float
    tokens_per_joule: float
    usd_per_million_tokens: float
    kv_cache_gb_per_gpu: float
    weights_gb_per_gpu: float
    breakdown: TimeBreakdown
    limited_by: str
    band: Band
    assumptions: tuple[str, ...]
    slo_met: bool | None = None  # None when no latency limit was given
    layout: dict | None = None  # the deployment chosen, in the ``config`` shape (ARCHITECTURE.md)
    frontier: tuple = ()  # Pareto points (dicts) when asked for (``--frontier``)
    considered: tuple = ()  # every deployment the search tried, with its operating point (with the frontier)
    ttft_band: Band | None = None  # where the measured TTFT lies against the estimate (``confidence.latency_band``)
    tpot_band: Band | None = None  # the same for the TPOT

    @property
    def output_tokens_per_s_per_gpu(self) -> float:
        return self.output_tokens_per_s / self.gpus

    def to_dict(self) -> dict:
        d = asdict(self)
        d["breakdown"] = {k: v for k, v in asdict(self.breakdown).items()}
        d["assumptions"] = list(self.assumptions)
        return d


@dataclass(frozen=True)
class TrainingLayout:
    """How the job is split: tensor × pipeline × context × data parallel = GPUs."""

    tensor_parallel: int
    pipeline_parallel: int
    context_parallel: int
    data_parallel: int
    expert_parallel: int
    micro_batches: int
    virtual_stages: int
    recompute: str  # "selective" | "full"
    memory_gb_per_gpu: float


def training_layout_label(layout: TrainingLayout | dict) -> str:
    """A training layout in a few words, every parallel dimension that multiplies into the GPUs it uses:
    ``TrainingLayout(8, 8, 4, 32, 1, ...)`` (or its ``to_dict`` form, as a stored estimate holds it) →
    'TP8 PP8 CP4 DP32' (8 × 8 × 4 × 32 = 8,192 GPUs); ' EP8' is added when experts are split over 8."""
    d = layout if isinstance(layout, dict) else asdict(layout)
    ep = d.get("expert_parallel") or 1
    return (f"TP{d['tensor_parallel']} PP{d['pipeline_parallel']} CP{d.get('context_parallel') or 1} "
            f"DP{d['data_parallel']}" + (f" EP{ep}" if ep > 1 else ""))


@dataclass(frozen=True)
class TrainingEstimate:
    model: str
    system: str
    precision: str
    gpus: int
    sequence_length: int
    global_batch_sequences: int
    tokens_per_s: float
    mfu: float
    step_time_s: float
    time_to_train_s: float
    train_tokens: float
    power_w: float
    energy_kwh: float
    usd_per_run: float
    layout: TrainingLayout
    breakdown: TimeBreakdown
    band: Band
    assumptions: tuple[str, ...]
    gpus_used: int = 0  # GPUs the layout keeps busy (≤ gpus; the rest idle), 0 = all
    goodput: float = 1.0  # share of wall time that trains (interruptions, restarts, checkpoints)
    tokens_per_joule_it: float = 0.0  # at the IT load: the job's systems (idle ones at idle power)
    tokens_per_joule_wall: float = 0.0  # at the wall: + network and storage, × PUE, over goodput

    def to_dict(self) -> dict:
        d = asdict(self)
        d["assumptions"] = list(self.assumptions)
        return d


#: A compute fabric's switch and cable counts: the one sizer's result (``studio.domain.fabric``).
FabricEstimate = FabricSize
