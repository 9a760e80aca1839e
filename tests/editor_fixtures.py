"""Designs for the editor tests, built in code (racks of DGX H100 in rows, A/B PDUs)."""

from __future__ import annotations

import pytest

from studio import services
from studio.domain import design as d
from studio.models import DesignMember

PDUS = (d.PduPlacement("pdu-415v-60a-3ph", "A"), d.PduPlacement("pdu-415v-60a-3ph", "B"))


def hall(name: str = "Hall", racks: int = 4, *, per_row: int = 10, devices: int = 2, width_m: float = 24,
         depth_m: float = 18) -> d.Design:
    """``racks`` 600 × 1,200 mm racks in rows of ``per_row`` facing −y, rows 5 tiles apart."""
    placed = []
    for i in range(racks):
        row, col = divmod(i, per_row)
        label = f"{chr(ord('A') + row % 26)}{row // 26 or ''}{col + 1:02d}"
        placed.append(d.RackPlacement(
            id=label, model="rack-48u-600x1200", x_tiles=2 + col, y_tiles=3 + 5 * row, cooling="rdhx-active",
            pdus=PDUS, devices=tuple(d.DevicePlacement("dgx-h100", 1 + 8 * k) for k in range(devices))))
    site = d.Site(width_m=width_m, depth_m=depth_m, it_power_kw=2000, facility_power_kw=2600,
                  cooling=d.SiteCooling(1500, 1000))
    return d.Design(name=name, site=site, racks=tuple(placed))


def big_hall(racks: int, devices: int = 2) -> d.Design:
    per_row = 40
    rows = -(-racks // per_row)
    return hall(f"Hall of {racks}", racks, per_row=per_row, devices=devices, width_m=(per_row + 4) * 0.6,
                depth_m=(rows * 5 + 6) * 0.6)


@pytest.fixture
def design(owner, loaded_catalog):
    return services.create_design(owner, hall())


@pytest.fixture
def shared_view(design, collaborator):
    DesignMember.objects.create(design=design, user=collaborator, role=DesignMember.VIEW)
    return design


@pytest.fixture
def shared_edit(design, collaborator):
    DesignMember.objects.create(design=design, user=collaborator, role=DesignMember.EDIT)
    return design
