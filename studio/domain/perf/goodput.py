"""Goodput of a long training run: the share of wall-clock time that advances the model.

Large runs lose time to interruptions (hardware faults, restarts from the last checkpoint) and
to checkpoint writes. With a job-level mean time between interruptions ``M = 1 / (λ · GPUs)``, a
checkpoint stall ``C`` and a restart cost ``R``, checkpointing at the Young/Daly optimum
``τ = √(2·C·M)`` loses ``C/τ`` to writes and ``τ/2`` of recomputed work plus ``R`` per
interruption, so the wall time per useful hour stretches by

    f = C/τ + (τ/2 + R)/M = √(2·C/M) + R/M,        goodput = 1 / (1 + f).

The interruption rate comes from the largest published account: Llama 3 405B pre-training on
16,384 H100, 466 interruptions in a 54-day snapshot, 47 of them planned and 419 unexpected
(Dubey et al. 2024, "The Llama 3 Herd of Models", arXiv 2407.21783, §3.3.4 and Table 5), with
"higher than 90 % effective training time". The restart and checkpoint costs are set so that the
model reproduces that 90 % at 16,384 GPUs.
"""

from __future__ import annotations

import math

#: Unexpected interruptions per GPU-hour: 419 in 54 days on 16,384 H100 = 419 / (54 × 24 × 16,384)
#: = 1.973e-5 [V-3p: Llama 3 paper §3.3.4, Table 5].
INTERRUPTIONS_PER_GPU_HOUR = 419 / (54 * 24 * 16_384)
#: Training stalls per checkpoint write (asynchronous/distributed checkpointing leaves the
#: snapshot to device-to-host copy time) [M].
CHECKPOINT_STALL_S = 30.0
#: Time from a failure to training again: detect, drain, reschedule, reload the last checkpoint,
#: warm up [M: set so that the model gives 90 % goodput at 16,384 GPUs, the Llama 3 figure].
RESTART_S = 300.0


def mean_time_between_interruptions_s(gpus: int, rate_per_gpu_hour: float = INTERRUPTIONS_PER_GPU_HOUR) -> float:
    """Job-level mean time between interruptions: ``3,600 / (λ · GPUs)`` seconds.

    16,384 GPUs at 1.973e-5 per GPU-hour: 3,600 / 0.3233 = 11,136 s (3.1 h).
    """
    return 3600.0 / (rate_per_gpu_hour * max(gpus, 1))


def goodput(gpus: int, checkpoint_stall_s: float = CHECKPOINT_STALL_S, restart_s: float = RESTART_S,
            rate_per_gpu_hour: float = INTERRUPTIONS_PER_GPU_HOUR) -> float:
    """Share of wall time that trains: ``1 / (1 + √(2·C/M) + R/M)`` at the Young/Daly interval.

    16,384 GPUs (M = 11,136 s, C = 30 s, R = 300 s): f = 0.0734 + 0.0269 = 0.1003 → 0.909;
    100,000 GPUs (M = 1,825 s): f = 0.1813 + 0.1644 = 0.3457 → 0.743; 8 GPUs → 0.998.
    """
    mtbi = mean_time_between_interruptions_s(gpus, rate_per_gpu_hour)
    stretch = math.sqrt(2.0 * checkpoint_stall_s / mtbi) + restart_s / mtbi
    return 1.0 / (1.0 + stretch)


def checkpoint_interval_s(gpus: int, checkpoint_stall_s: float = CHECKPOINT_STALL_S,
                          rate_per_gpu_hour: float = INTERRUPTIONS_PER_GPU_HOUR) -> float:
    """Young/Daly optimal checkpoint interval ``√(2·C·M)``: 16,384 GPUs → √(2 × 30 × 11,136) = 817 s."""
    return math.sqrt(2.0 * checkpoint_stall_s * mean_time_between_interruptions_s(gpus, rate_per_gpu_hour))
