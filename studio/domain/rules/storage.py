"""Shared storage: throughput per GPU, checkpoint-write time, capacity for checkpoints.

The design's storage appliances are those listed under ``storage`` and those placed in racks:
per model, max(listed count, placed count) (a placed appliance is the listed one, drawn).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..catalog import LlmModel, Storage
from ..units import round_sig
from .facts import DesignFacts
from .finding import ERROR, INFO, WARNING, Finding, over_limit

# Read throughput each GPU should get from shared storage.
TRAINING_READ_GB_S_PER_GPU = 1.0  # DDN rule of thumb, "minimum 1 GB/s per GPU" (hardware.md §2.4)
INFERENCE_READ_GB_S_PER_GPU = 0.2  # model loads and RAG reads; Sesterce's 1.6 Tb/s per 1,000 GPUs [V] (§2.4)
# Mixed-precision Adam keeps 16 bytes per parameter: bf16 weights (2) + bf16 grads (2)
# + fp32 master weights (4) + fp32 Adam m and v (8) — the ZeRO paper's accounting (Rajbhandari et al. 2020).
CHECKPOINT_BYTES_PER_PARAM = 16
CHECKPOINT_WRITE_LIMIT_S = 300.0  # a checkpoint should not stall training for more than 5 min [M]
CHECKPOINTS_KEPT = 3  # keep the last three checkpoints [M]


@dataclass
class StorageSummary:
    appliances: int = 0
    read_gb_s: float = 0.0
    write_gb_s: float = 0.0
    capacity_tb: float = 0.0
    unplaced_power_max_w: float = 0.0
    unplaced_power_typical_w: float = 0.0


def storage_summary(df: DesignFacts) -> StorageSummary:
    placed = df.placed_storage()
    listed: Counter = Counter()
    for entry in df.design.storage:
        listed[entry.model] += entry.count
    out = StorageSummary()
    for slug in set(placed) | set(listed):
        item = df.resolve(slug)
        if not isinstance(item, Storage):
            continue
        n = max(placed[slug], listed[slug])
        out.appliances += n
        out.read_gb_s += n * item.read_gb_s
        out.write_gb_s += n * item.write_gb_s
        out.capacity_tb += n * item.capacity_tb
        unplaced = n - placed[slug]
        out.unplaced_power_max_w += unplaced * item.power_max_w
        out.unplaced_power_typical_w += unplaced * item.power_typical_w
    return out


def storage_throughput(gpus: int, read_gb_s: float, training: bool, declared_training: bool | None = None
                       ) -> list[Finding]:
    """``storage.throughput.insufficient``: GPUs × target GB/s per GPU > Σ appliance read GB/s.

    Target: 1 GB/s per GPU when the design trains or names no workload (what a training cluster
    wants), 0.2 GB/s per GPU for inference-only designs. Severity: an **error** only when a declared
    training workload needs the throughput (``declared_training``; it defaults to ``training``);
    otherwise a **warning** — the first racks of a factory, with no storage and no workload yet,
    validate clean. Above 90 % of the storage's throughput: a warning either way.
    Worked example: 32 DGX H100 = 256 GPUs → 256 GB/s needed; 2 × ddn-ai400x2t at ~120 GB/s read
    = 240 GB/s → error with a training workload, warning with none; 3 → 360 GB/s, 71 % → fine.
    """
    if gpus <= 0:
        return []
    declared_training = training if declared_training is None else declared_training
    per_gpu = TRAINING_READ_GB_S_PER_GPU if training else INFERENCE_READ_GB_S_PER_GPU
    need = gpus * per_gpu
    purpose = ("training" if declared_training else "a training cluster") if training else "inference"
    severity = ERROR if declared_training else WARNING
    if read_gb_s <= 0:
        return [Finding(severity, "storage.throughput.insufficient", "storage",
                        f"storage: no shared storage for {gpus} GPUs ({purpose} wants {per_gpu:g} GB/s per GPU = "
                        f"{need:g} GB/s)", round_sig(need), 0.0, "GB/s")]
    found = over_limit("storage.throughput.insufficient", "storage", need, read_gb_s, "GB/s",
                       f"{gpus} GPUs × {per_gpu:g} GB/s ({purpose}) need more read throughput than the "
                       "storage delivers", over_severity=severity)
    return [found] if found else []


def checkpoint_size_gb(model: LlmModel) -> float:
    """Full training state: params × 16 B. Worked example: Llama 3.1 405B → 405e9 × 16 B = 6,480 GB."""
    return model.params_total_b * CHECKPOINT_BYTES_PER_PARAM


def checkpoint_time(model: LlmModel, write_gb_s: float) -> list[Finding]:
    """``storage.throughput.insufficient`` (warning): checkpoint write time = size_GB / Σ write GB/s
    > 300 s. Also ``storage.checkpoint`` (info) with the time when it fits.

    Worked example: Llama 3.1 405B (6,480 GB) on 3 appliances writing 75 GB/s each (225 GB/s)
    → 28.8 s, fine; on one appliance writing 10 GB/s → 648 s > 300 s → warning.
    """
    size = checkpoint_size_gb(model)
    subject = f"checkpoint:{model.slug}"
    if write_gb_s <= 0:
        return [Finding(WARNING, "storage.throughput.insufficient", subject,
                        f"{subject}: a {size:,.0f} GB checkpoint and no storage to write it to",
                        None, CHECKPOINT_WRITE_LIMIT_S, "s")]
    seconds = size / write_gb_s
    found = over_limit("storage.throughput.insufficient", subject, seconds, CHECKPOINT_WRITE_LIMIT_S, "s",
                       f"writing a {size:,.0f} GB checkpoint at {write_gb_s:g} GB/s takes too long",
                       over_severity=WARNING)
    if found:
        return [found]
    return [Finding(INFO, "storage.checkpoint", subject,
                    f"{subject}: a {size:,.0f} GB checkpoint writes in {seconds:.0f} s at {write_gb_s:g} GB/s",
                    round_sig(seconds), CHECKPOINT_WRITE_LIMIT_S, "s")]


def checkpoint_capacity(model: LlmModel, capacity_tb: float) -> list[Finding]:
    """``storage.capacity.insufficient`` (warning): 3 checkpoints × size > usable capacity.

    Worked example: Llama 3.1 405B: 3 × 6.48 TB = 19.4 TB; fine on any appliance over 19.4 TB.
    """
    need_tb = CHECKPOINTS_KEPT * checkpoint_size_gb(model) / 1000.0
    if capacity_tb <= 0 or need_tb <= capacity_tb:
        return []
    return [Finding(WARNING, "storage.capacity.insufficient", f"checkpoint:{model.slug}",
                    f"checkpoint:{model.slug}: {CHECKPOINTS_KEPT} checkpoints need {need_tb:,.1f} TB, storage "
                    f"holds {capacity_tb:,.1f} TB", round_sig(need_tb), round_sig(capacity_tb), "TB")]


def storage_findings(df: DesignFacts, summary: StorageSummary, gpus: int) -> list[Finding]:
    workloads = df.design.workloads
    declared_training = any(w.kind == "training" for w in workloads)
    out = storage_throughput(gpus, summary.read_gb_s, declared_training or not workloads, declared_training)
    models = [df.resolve(w.model) for w in workloads if w.kind == "training" and w.model]
    models = [m for m in models if isinstance(m, LlmModel)]
    if models and gpus > 0:
        largest = max(models, key=lambda m: m.params_total_b)
        out += checkpoint_time(largest, summary.write_gb_s)
        out += checkpoint_capacity(largest, summary.capacity_tb)
    return out
