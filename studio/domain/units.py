"""Unit conversions and the few physical constants the rules share.

Names carry their unit (``_w``, ``_kw``, ``_mm``, ``_m``); every constant says where it comes from.
"""

from __future__ import annotations

import math

W_PER_KW = 1000.0
MM_PER_M = 1000.0
BYTES_PER_GB = 1e9

# EIA-310: one rack unit is 1.75 in = 44.45 mm.
RACK_UNIT_MM = 44.45


def w_to_kw(power_w: float) -> float:
    """Watts to kilowatts: 40,800 W → 40.8 kW."""
    return power_w / W_PER_KW


def kw_to_w(power_kw: float) -> float:
    """Kilowatts to watts: 34.5 kW → 34,500 W."""
    return power_kw * W_PER_KW


def mm_to_m(length_mm: float) -> float:
    """Millimetres to metres: 600 mm → 0.6 m."""
    return length_mm / MM_PER_M


def tiles_for_mm(length_mm: float, tile_mm: int) -> int:
    """How many floor tiles a length covers, rounded up: ceil(mm / tile_mm).

    Worked example: a 1,200 mm deep rack on 600 mm tiles covers ceil(1200 / 600) = 2 tiles;
    a 750 mm wide rack covers ceil(750 / 600) = 2 tiles. A length of 0 still covers one tile.
    """
    return max(1, math.ceil(length_mm / tile_mm - 1e-9))


def rack_height_m(u_height: int) -> float:
    """Height of a rack's mounting space: 48 U × 44.45 mm = 2.13 m."""
    return u_height * RACK_UNIT_MM / MM_PER_M


def round_sig(value: float, digits: int = 4) -> float:
    """A float rounded for display in findings (4 significant digits by default)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, max(0, digits - 1 - int(math.floor(math.log10(abs(value))))))
