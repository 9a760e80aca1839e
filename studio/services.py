"""The only place that turns ORM rows into domain objects and back (designs come with their issue),
plus the work behind background jobs."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from typing import Callable

from catalog.source import get_catalog
from studio.domain.catalog import KIND_CLASSES, KIND_LABELS, System

Progress = Callable[..., None]


def catalog_statistics(progress: Progress, kinds: list[str] | None = None, pace_s: float = 0.0) -> dict:
    """Summarise the catalog: items per kind, confidence mix, and the density of every system.

    Per system: GPUs, max kW, kW per GPU, dense FP8 (else BF16) PFLOPS per kW and HBM GB per kW —
    the figures a workshop compares first. ``pace_s`` sleeps between steps so that a demo shows
    the progress bar move; ``kinds`` limits the summary (an unknown kind is an error).
    """
    catalog = get_catalog()
    kinds = list(kinds or KIND_CLASSES)
    unknown = [k for k in kinds if k not in KIND_CLASSES]
    if unknown:
        raise ValueError(f"unknown catalog kind(s) {unknown}; expected some of {list(KIND_CLASSES)}")
    per_kind = []
    for index, kind in enumerate(kinds):
        items = [i for i in catalog if i.kind == kind]
        confidences = Counter(i.confidence for i in items)
        per_kind.append({"kind": kind, "label": KIND_LABELS[kind], "items": len(items),
                         "vendors": len({i.vendor for i in items}),
                         "confidence": {c: confidences.get(c, 0) for c in ("V", "V-3p", "M")}})
        progress(60 * (index + 1) / len(kinds), f"Counted {KIND_LABELS[kind].lower()}")
        if pace_s:
            time.sleep(pace_s)
    systems = []
    if "system" in kinds:
        found = [s for s in catalog.of_kind(System) if s.accelerators]
        for index, system in enumerate(found):
            acc = catalog.accelerator_of(system)
            kw = system.power_max_w / 1000
            pflops = (acc.fp8_dense_tflops or acc.bf16_dense_tflops) * system.accelerators / 1000
            systems.append({"slug": system.slug, "name": system.name, "gpus": system.accelerators,
                            "power_max_kw": round(kw, 2), "kw_per_gpu": round(kw / system.accelerators, 3),
                            "pflops_per_kw": round(pflops / kw, 3),
                            "hbm_gb_per_kw": round(acc.memory_gb * system.accelerators / kw, 1)})
            progress(60 + 40 * (index + 1) / len(found), f"Measured {system.name}")
        systems.sort(key=lambda s: -s["pflops_per_kw"])
    return {"items": len(catalog), "per_kind": per_kind, "systems": systems,
            "median_kw_per_gpu": round(statistics.median([s["kw_per_gpu"] for s in systems]), 3) if systems else None}
