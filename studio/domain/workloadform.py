"""A workload typed into the estimates page's form, read into a ``Workload``.

Every number is bounded by the one limits table (``limits.NUMBERS``), the same rows the design file
reader uses for imported workloads (``designfile._WORKLOAD_NUMBERS``), so the form and an imported
file accept the same values. The errors name the field and say what was expected
("Input tokens: Tokens must be at least 1 (got 0)").

Precision FP4 is accepted only when every GPU the design holds has FP4 tensor units (the catalog's
``Accelerator.fp4_dense_tflops``): the estimator would otherwise run it as FP8 (``perf.hardware.
effective_precision``), which is not what the customer asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .catalog import Accelerator, Catalog, LlmModel, System
from .design import PRECISIONS, SCENARIOS, Workload
from .limits import check_text, parse_number

KINDS = ("inference", "training")  # the kinds the form offers (a fabric workload has no fields to edit)

# form field → (label, limits.NUMBERS row); the rows are those of designfile._WORKLOAD_NUMBERS
INFERENCE_NUMBERS = {
    "input_tokens": ("Input tokens", "tokens"),
    "output_tokens": ("Output tokens", "tokens"),
    "ttft_p99_limit_ms": ("TTFT limit (p99)", "latency_ms"),
    "tpot_p99_limit_ms": ("TPOT limit (p99)", "latency_ms"),
    "concurrency": ("Concurrency", "parallel"),
}
TRAINING_NUMBERS = {
    "sequence_length": ("Sequence length", "tokens"),
    "global_batch_sequences": ("Global batch", "batch_sequences"),
    "train_tokens": ("Training tokens", "train_tokens"),
}
REQUIRED = {"inference": ("input_tokens", "output_tokens"), "training": ("sequence_length", "global_batch_sequences")}


class WorkloadFormError(ValueError):
    """The form cannot be used; ``errors`` maps each bad field to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class Fp4Support:
    """Whether the design's GPUs all have FP4 units, and the ones that do not (by slug)."""

    gpus: tuple[str, ...]
    without: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return bool(self.gpus) and not self.without


def fp4_support(systems: list[System], catalog: Catalog) -> Fp4Support:
    """The accelerators of ``systems`` and those without FP4 units.

    Worked example: a design of DGX H100 → ``Fp4Support(gpus=('h100-sxm',), without=('h100-sxm',))``
    (H100 has no FP4 tensor cores); of DGX B200 → ``without=()``, so FP4 is offered.
    """
    gpus = sorted({s.accelerator for s in systems if s.accelerators > 0 and s.accelerator})
    without = [g for g in gpus if not (g in catalog and isinstance(catalog.get(g), Accelerator)
                                      and catalog.get(g).fp4_dense_tflops)]
    return Fp4Support(tuple(gpus), tuple(without))


def _text(data: Mapping, name: str) -> str:
    value = data.get(name, "")
    return str(value).strip() if value is not None else ""


def read_workload(data: Mapping, catalog: Catalog, fp4: Fp4Support) -> Workload:
    """The ``Workload`` of a posted form; ``WorkloadFormError`` listing every bad field otherwise.

    Empty optional numbers are left out (no limit, no concurrency: the estimator searches).
    """
    errors: dict[str, str] = {}
    kind = _text(data, "kind") or "inference"
    if kind not in KINDS:
        raise WorkloadFormError({"kind": f"Kind must be one of {', '.join(KINDS)} (got '{kind[:20]}')"})
    values: dict = {"kind": kind}
    model = _text(data, "model")
    if model not in catalog or not isinstance(catalog.get(model), LlmModel):
        errors["model"] = f"Unknown model '{model[:80]}': pick one from the list"
    else:
        values["model"] = model
    precision = _text(data, "precision") or "bf16"
    if precision not in PRECISIONS:
        errors["precision"] = f"Precision must be one of {', '.join(PRECISIONS)} (got '{precision[:20]}')"
    elif precision == "fp4" and not fp4.ok:
        errors["precision"] = (f"FP4 needs GPUs with FP4 units (Blackwell, MI355X); this design's "
                               f"{', '.join(fp4.without)} {'has' if len(fp4.without) == 1 else 'have'} none"
                               if fp4.without else "FP4 needs GPUs with FP4 units; this design holds no GPUs yet")
    else:
        values["precision"] = precision
    name = _text(data, "name")
    if name:
        try:
            values["name"] = check_text(name, "workload_name")
        except ValueError as exc:
            errors["name"] = str(exc)
    if kind == "inference":
        scenario = _text(data, "scenario") or "server"
        if scenario not in SCENARIOS:
            errors["scenario"] = f"Scenario must be one of {', '.join(SCENARIOS)} (got '{scenario[:20]}')"
        values["scenario"] = scenario
    numbers = INFERENCE_NUMBERS if kind == "inference" else TRAINING_NUMBERS
    for field, (label, limit) in numbers.items():
        raw = _text(data, field)
        if not raw:
            if field in REQUIRED[kind]:
                errors[field] = f"{label} is required"
            continue
        try:
            values[field] = parse_number(raw, limit)
        except ValueError as exc:
            errors[field] = f"{label}: {exc}"
    if kind == "inference" and values.get("scenario") == "concurrency" and "concurrency" not in values \
            and "concurrency" not in errors:
        errors["concurrency"] = "Concurrency is required for the concurrency scenario (requests in flight)"
    preset = _text(data, "preset")
    if preset:
        try:
            values["preset"] = check_text(preset, "preset")
        except ValueError as exc:
            errors["preset"] = str(exc)
    if errors:
        raise WorkloadFormError(errors)
    return Workload(**values)
