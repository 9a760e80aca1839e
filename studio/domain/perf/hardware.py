"""What one accelerator and its system can do at peak, per precision and per link.

Peaks come from the catalog (dense TFLOPS, HBM TB/s, scale-up GB/s bidirectional, NIC ports);
achievable = peak × a named efficiency from ``calibration.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.domain.catalog import Accelerator, System

from .constants import DEFAULT_NIC_GBPS_PER_GPU, GB, TERA
from .errors import EstimateError


@dataclass(frozen=True)
class Hardware:
    """One system's per-GPU peaks, in SI units (FLOP/s, B/s)."""

    system: System
    accelerator: Accelerator
    family: str
    memory_bytes: float
    hbm_bytes_per_s: float
    scale_up_bytes_per_s_per_dir: float
    scale_out_bytes_per_s_per_gpu: float
    scale_up_domain: int
    gpus_per_system: int

    def peak_flops(self, precision: str) -> float:
        """Dense tensor peak in FLOP/s for ``precision``.

        H100 SXM: BF16 989.4 TFLOPS, FP8 1,978.9 TFLOPS. A part without FP8/FP4 units runs the
        format at the next wider one it has (A100 at FP8 → BF16 rate): engines fall back.
        """
        return peak_tflops(self.accelerator, precision) * TERA


def peak_tflops(acc: Accelerator, precision: str) -> float:
    """Dense TFLOPS of ``acc`` at ``precision``, falling back to a wider format it supports."""
    if precision == "fp4" and acc.fp4_dense_tflops:
        return acc.fp4_dense_tflops
    if precision in ("fp4", "fp8") and acc.fp8_dense_tflops:
        return acc.fp8_dense_tflops
    if precision in ("fp4", "fp8", "bf16") and acc.bf16_dense_tflops:
        return acc.bf16_dense_tflops
    raise EstimateError(f"accelerator '{acc.slug}' has no {precision} throughput in the catalog")


def effective_precision(acc, precision: str, quantised_experts: bool = False) -> tuple[str, tuple[str, ...]]:
    """The precision accelerator ``acc`` actually runs for ``precision``, and the assumption line when it
    differs. A format without units falls back one step at a time, so FP4 runs as FP8 runs there: FP4 on
    MI300X → FP8; FP4 on A100 (no FP4 or FP8 units) → BF16, as FP8 does — never faster than FP8. A
    checkpoint that ships its experts quantised (``quantised_experts``: gpt-oss's MXFP4) keeps them on a GPU
    without FP8 units (weight-only W4A16 kernels: vLLM's Marlin MXFP4 MoE on Ampere), so its FP8 and FP4
    run as FP8 does on Hopper, with the experts' math in BF16 (``serving.expert_math_precision``)."""
    runs = precision
    if runs == "fp4" and not acc.fp4_dense_tflops:
        runs = "fp8"
    if runs == "fp8" and not acc.fp8_dense_tflops and not quantised_experts:
        runs = "bf16"
    kept = "the checkpoint's quantised experts kept, BF16 math"
    if precision == "fp8" and not acc.fp8_dense_tflops:
        return runs, (f"{acc.slug} has no FP8 units: FP8 estimated " + ("as BF16" if runs == "bf16" else f"with {kept}"),)
    if runs == precision:
        return precision, ()
    if runs == "bf16":
        how = "BF16, as FP8 is (BF16 math; weights upcast at load)"
    elif acc.fp8_dense_tflops:
        how = ("FP8 (FP8 math; weights upcast at load unless the checkpoint ships them quantised, as gpt-oss's "
               "MXFP4 experts)")
    else:
        how = f"FP8 is here, with {kept}"
    lacks = "FP4 units" if acc.fp8_dense_tflops else "FP4 or FP8 units"
    return runs, (f"{acc.slug} has no {lacks}: FP4 estimated as {how}; never faster than FP8 on this GPU",)


#: Dense tensor formats from the widest: each narrower one's peak is twice the wider one's on the GPUs that
#: have both (H100 BF16 989 → FP8 1,979 TFLOPS; B200 2,250 → 4,500 → 9,000) [catalog].
FORMATS = ("bf16", "fp8", "fp4")


def nominal_peak_flops(hw: Hardware, precision: str) -> float:
    """The peak a share of ``precision``'s peak is a share of on this GPU: its own where it has the units,
    else twice per format step the peak of the format it runs (A100 at FP8: 2 × 312 = 624 TFLOPS, so that
    an FP8 share borrowed from Hopper converts to A100's BF16 like Hopper's own FP8 share would)."""
    runs = effective_precision(hw.accelerator, precision)[0]
    return hw.peak_flops(runs) * 2.0 ** (FORMATS.index(precision) - FORMATS.index(runs))


def hardware_of(system: System, accelerator: Accelerator) -> Hardware:
    """Per-GPU peaks of ``system``.

    Scale-up per direction is half the catalog's bidirectional figure (H100: 900 → 450 GB/s).
    Scale-out per GPU = compute ports × port speed ÷ accelerators (DGX H100: 8 × 400 Gb/s ÷ 8
    = 50 GB/s per GPU); a system without NIC data gets ``DEFAULT_NIC_GBPS_PER_GPU`` (400 Gb/s).
    """
    if system.accelerators <= 0 or not accelerator.memory_gb or not accelerator.memory_bandwidth_tb_s:
        raise EstimateError(f"system '{system.slug}' has no accelerators with memory in the catalog")
    per_gpu_out = system.compute_ports * system.compute_port_gbps * 1e9 / 8.0 / system.accelerators
    if per_gpu_out <= 0:  # the catalog names no compute NICs: one 400 Gb/s NIC per GPU [M]
        per_gpu_out = DEFAULT_NIC_GBPS_PER_GPU * 1e9 / 8.0
    return Hardware(
        system=system,
        accelerator=accelerator,
        family=accelerator.family or "unknown",
        memory_bytes=accelerator.memory_gb * GB,
        hbm_bytes_per_s=accelerator.memory_bandwidth_tb_s * TERA,
        scale_up_bytes_per_s_per_dir=accelerator.scale_up_bandwidth_gb_s * GB / 2.0,
        scale_out_bytes_per_s_per_gpu=per_gpu_out,
        scale_up_domain=max(1, min(system.scale_up_domain, 1024)),
        gpus_per_system=system.accelerators,
    )
