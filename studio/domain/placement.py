"""Where an estimate ran, said in racks or systems and GPUs (the estimates table's "On" column).

A rack-scale system (GB200 NVL72) is a rack: 72 GPUs of it are "1 rack · 72 GPUs", never "72 × gb200-nvl72",
which reads as 72 racks.
"""

from __future__ import annotations

from .catalog import Catalog, System


def placement_label(system_slug: str | None, gpus: int, catalog: Catalog) -> str:
    """The racks or systems and the GPUs a result ran on.

    Worked example: 72 GPUs of gb200-nvl72 (a rack-scale system of 72 GPUs) → '1 rack · 72 GPUs';
    256 GPUs of dgx-h100 (8 per system) → '32 systems · 256 GPUs'; an unknown system → '8 GPUs'.
    """
    gpus = int(gpus or 0)
    system = catalog.get(system_slug) if system_slug and system_slug in catalog else None
    if not isinstance(system, System) or system.accelerators <= 0:
        return f"{gpus:,} GPUs"
    count = -(-gpus // system.accelerators)
    unit = "rack" if system.is_rack_scale else "system"
    return f"{count:,} {unit}{'' if count == 1 else 's'} · {gpus:,} GPUs"
