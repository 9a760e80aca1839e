"""Which designs (and which catalog items) use a catalog item, so that nothing in use is deleted or renamed.

A design names catalog items by slug in six places: a rack's model, its cooling and its PDUs
(``RackPlacement``), the devices in a rack (``DevicePlacement``), and the design's fabrics,
storage, facility rows and workloads (JSON in the design file's own shape). A system names its
accelerator. Removing any of those items would leave designs that no longer load.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Use:
    """One place that uses a catalog item: a design (``design_id`` set) or another catalog item."""

    slug: str
    where: str  # e.g. "rack A01", "device in rack A01 at U10", "fabric compute", "system dgx-h100"
    design_id: int | None = None
    design_name: str = ""
    owner: str = ""

    def __str__(self) -> str:
        if self.design_id is None:
            return f"{self.slug}: used by catalog {self.where}"
        return f"{self.slug}: used by design '{self.design_name}' (owner {self.owner}, #{self.design_id}), {self.where}"


def _json_models(design) -> Iterable[tuple[str, str]]:
    """(slug, where) for every catalog slug in a design's fabrics, storage, facility rows and workloads."""
    for role, fabric in (design.fabrics or {}).items():
        if isinstance(fabric, dict) and fabric.get("model"):
            yield fabric["model"], f"fabric {role}"
    for field in ("storage", "facility", "workloads"):
        for index, row in enumerate(getattr(design, field) or []):
            if isinstance(row, dict) and row.get("model"):
                yield row["model"], f"{field} row {index + 1}"


def uses_of(slugs: Iterable[str]) -> dict[str, list[Use]]:
    """Every use of each slug, by designs and by other catalog items; slugs nobody uses are absent."""
    from studio.models import Design, DevicePlacement, RackPlacement  # noqa: PLC0415 - apps must be ready

    from .models import CatalogItem  # noqa: PLC0415

    wanted = set(slugs)
    found: dict[str, list[Use]] = defaultdict(list)

    def add(slug, where, design):
        found[slug].append(Use(slug, where, design.pk, design.name, design.owner.get_username()))

    for rack in RackPlacement.objects.select_related("design__owner"):
        if rack.model in wanted:
            add(rack.model, f"rack {rack.label}", rack.design)
        if rack.cooling in wanted:
            add(rack.cooling, f"cooling of rack {rack.label}", rack.design)
        for pdu in rack.pdus or []:
            if isinstance(pdu, dict) and pdu.get("model") in wanted:
                add(pdu["model"], f"PDU of rack {rack.label}", rack.design)
    for device in DevicePlacement.objects.filter(model__in=wanted).select_related("rack__design__owner"):
        add(device.model, f"device in rack {device.rack.label} at U{device.u}", device.rack.design)
    for design in Design.objects.select_related("owner"):
        for slug, where in _json_models(design):
            if slug in wanted:
                add(slug, where, design)
    for row in CatalogItem.objects.filter(kind="system").exclude(slug__in=wanted):
        accelerator = (row.specs or {}).get("accelerator")
        if isinstance(accelerator, dict):
            accelerator = accelerator.get("value")
        if accelerator in wanted:
            found[accelerator].append(Use(accelerator, f"system {row.slug}"))
    return {slug: sorted(set(uses)) for slug, uses in found.items()}
