"""The one table of input limits: every text and number a user can type into a design.

The design file reader (``designfile``), the editor's edit parsers (``edits.parse``) and the
forms of the studio all read their bounds from here, so a value the editor accepts is one the
design file accepts and the other way round. The number bounds are typo guards, generous on
purpose: the rules (``studio.domain.rules``), not the reader, judge whether a real design fits.
Text lengths are those of the database columns (``studio.models``): a name the reader accepts
can always be saved.

Texts refuse the NUL character (PostgreSQL cannot store it in text) and lone surrogates
(UTF-16 halves that are not characters; they cannot be encoded as UTF-8), with a clear message.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class NumberLimit:
    """A number's range. ``above`` is an exclusive lower bound (``> above``); ``source`` says why."""

    label: str
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None
    integer: bool = False
    source: str = ""

    def problem(self, value: float) -> str | None:
        """What is wrong with ``value`` in words ('must be at least 1 U'), or None.

        Worked example: U slots are 1–100, so ``NUMBERS['u'].problem(0)`` →
        'must be at least 1 U' and ``problem(1.5)`` → 'must be a whole number'.
        """
        u = f" {self.unit}" if self.unit else ""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "must be a number"
        if isinstance(value, float) and not math.isfinite(value):  # an int is finite, however large
            return "must be a finite number"
        if self.integer and value != int(value):
            return "must be a whole number"
        if self.above is not None and not value > self.above:
            return f"must be above {self.above:g}{u}"
        if self.minimum is not None and value < self.minimum:
            return f"must be at least {self.minimum:g}{u}"
        if self.maximum is not None and value > self.maximum:
            return f"must be at most {self.maximum:g}{u}"
        return None


@dataclass(frozen=True)
class TextLimit:
    """A text's length in characters (the database column's ``max_length``)."""

    label: str
    max_chars: int
    allow_empty: bool = False
    source: str = ""

    def problem(self, value: str) -> str | None:
        """What is wrong with ``value`` in words, or None.

        Worked example: a rack id has at most 40 characters, so ``TEXTS['rack_id'].problem('A' * 41)``
        → 'has at most 40 characters (got 41)'; ``problem('A\\x00')`` → 'must not contain the NUL character'.
        """
        if not isinstance(value, str):
            return "must be text"
        if "\x00" in value:
            return "must not contain the NUL character"
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
            return "must not contain a lone surrogate (half of a UTF-16 pair, not a character)"
        if not self.allow_empty and not value.strip():
            return "must not be empty"
        if len(value) > self.max_chars:
            return f"has at most {self.max_chars} characters (got {len(value)})"
        return None


_HALL = "a 2 km hall side; the largest campuses are a few hundred metres per hall"
_POWER = "10 GW; the largest announced campuses are a few GW"

NUMBERS: dict[str, NumberLimit] = {
    # the site
    "width_m": NumberLimit("Hall width", "m", above=0, maximum=2000.0, source=_HALL),
    "depth_m": NumberLimit("Hall depth", "m", above=0, maximum=2000.0, source=_HALL),
    "tile_mm": NumberLimit("Tile", "mm", minimum=300, maximum=1500, integer=True,
                           source="raised-floor tiles are 600 mm (EU) or 24 in = 610 mm (US)"),
    "it_power_kw": NumberLimit("IT power", "kW", minimum=0, maximum=10_000_000.0, source=_POWER),
    "pue": NumberLimit("PUE", minimum=1.0, maximum=5.0,
                       source="PUE is at least 1 by definition; above 5 is not a data centre"),
    "facility_power_kw": NumberLimit("Facility power", "kW", minimum=0, maximum=10_000_000.0, source=_POWER),
    "air_cooling_kw": NumberLimit("Air cooling", "kW", minimum=0, maximum=10_000_000.0, source=_POWER),
    "liquid_cooling_kw": NumberLimit("Liquid cooling", "kW", minimum=0, maximum=10_000_000.0, source=_POWER),
    "floor_max_kg_per_m2": NumberLimit("Floor rating", "kg/m²", above=0, maximum=100_000.0,
                                       source="slab-on-grade floors carry 2,000-5,000 kg/m²; 100 t/m² is a typo"),
    "electricity_usd_per_kwh": NumberLimit("Electricity", "USD/kWh", minimum=0, maximum=10.0,
                                           source="retail prices are 0.03-0.50 USD/kWh"),
    # racks and devices
    "tiles": NumberLimit("Tile coordinate", "tiles", minimum=0, maximum=100_000, integer=True,
                         source="60 km on 600 mm tiles"),
    "move_tiles": NumberLimit("A move", "tiles", minimum=-100_000, maximum=100_000, integer=True,
                              source="at most the largest coordinate"),
    "u": NumberLimit("U slot", "U", minimum=1, maximum=100, integer=True, source="no rack is taller than 100 U"),
    "pdus_per_feed": NumberLimit("PDUs per feed", minimum=0, maximum=4, integer=True,
                                 source="a cabinet has room for two zero-U PDUs per side"),
    # fabrics and counted items
    "oversubscription": NumberLimit("Oversubscription", minimum=1.0, maximum=64.0,
                                    source="1 = non-blocking; 64:1 is far beyond any AI fabric"),
    "count": NumberLimit("Count", minimum=1, maximum=1_000_000, integer=True, source="a million of anything"),
    "repeat": NumberLimit("Copies", minimum=1, maximum=200, integer=True,
                          source="200 copies of a row is a campus; more is a typo"),
    "phase": NumberLimit("Phase", minimum=1, maximum=100, integer=True,
                         source="build-out phases are a handful; 100 is a typo guard"),
    # workloads
    "tokens": NumberLimit("Tokens", minimum=1, maximum=100_000_000, integer=True,
                          source="100 M tokens per request or sequence"),
    "parallel": NumberLimit("Parallel count", minimum=1, maximum=1_000_000, integer=True,
                            source="a million GPUs or requests"),
    "batch_sequences": NumberLimit("Global batch", "sequences", minimum=1, maximum=1_000_000_000, integer=True,
                                   source="a thousand sequences per GPU of a million GPUs"),
    "latency_ms": NumberLimit("Latency limit", "ms", above=0, maximum=1e9, source="about 11 days"),
    "train_tokens": NumberLimit("Training tokens", above=0, maximum=1e18, source="a thousand times today's runs"),
}

TEXTS: dict[str, TextLimit] = {
    "name": TextLimit("A design's name", 200, source="Design.name max_length"),
    "rack_id": TextLimit("A rack id", 40, source="RackPlacement.label max_length"),
    "slug": TextLimit("A catalog slug", 80, source="RackPlacement.model / DevicePlacement.model max_length"),
    "workload_name": TextLimit("A workload's name", 200, source="the design name's length"),
    "preset": TextLimit("A workload preset", 80, source="a catalog slug's length"),
}

MAX_WORKLOADS = 12  # workloads per design (the editor's edits and the design file reader): the estimates page
# charts each of them side by side, and each is estimated on every system type of the design

SITE_NUMBERS = ("width_m", "depth_m", "tile_mm", "it_power_kw", "pue", "facility_power_kw", "air_cooling_kw",
                "liquid_cooling_kw", "floor_max_kg_per_m2", "electricity_usd_per_kwh")


def parse_number(raw: object, name: str) -> int | float:
    """A typed field (text from a form) as a number within ``NUMBERS[name]``; ``ValueError`` with
    the reason otherwise ('IT power must be at most 1e+07 kW (got 2e+07)')."""
    limit = NUMBERS[name]
    text = str(raw if raw is not None else "").strip()
    try:
        value: int | float = int(text) if limit.integer else float(text)
    except ValueError:
        wanted = "a whole number" if limit.integer else "a number"
        raise ValueError(f"{limit.label} must be {wanted} (got '{text[:20]}')") from None
    problem = limit.problem(value)
    if problem:
        try:
            got = f"{value:g}"
        except OverflowError:  # an integer too large for a float: show its start
            got = text[:20] + "…"
        raise ValueError(f"{limit.label} {problem} (got {got})")
    return value


def check_text(value: object, name: str) -> str:
    """``value`` when it is within ``TEXTS[name]``; ``ValueError`` naming the field otherwise."""
    limit = TEXTS[name]
    problem = limit.problem(value)  # type: ignore[arg-type]
    if problem:
        raise ValueError(f"{limit.label} {problem}")
    return value  # type: ignore[return-value]


@dataclass(frozen=True)
class DesignSize:
    """How large one design may grow: a server protects itself (and its other users) with these.

    The defaults hold a 100,000-GPU factory with room to spare: 100,000 GPUs are 1,389 GB200 NVL72
    racks, or 12,500 DGX B200 at one per rack (3,125 at four per rack), plus network and storage racks.
    Devices per rack: a 100 U rack of 1 U devices. The studio reads them from the environment
    (``STUDIO_MAX_RACKS``, ``STUDIO_MAX_DEVICES_PER_RACK``; ``studio/config.py``).
    """

    max_racks: int = 25_000
    max_devices_per_rack: int = 100


def size_problem(design, size: DesignSize, racks: Iterable[str] | None = None) -> tuple[str, str] | None:
    """``(json_path, message)`` for the first way ``design`` is larger than ``size`` allows, or None.

    ``racks`` limits the per-rack check to those rack ids (an edit checks only what it touched: O(touched)).
    Worked example: a design of 3 racks against ``DesignSize(max_racks=2)`` →
    ``("racks", "a design holds at most 2 racks (this one has 3)")``.
    """
    if len(design.racks) > size.max_racks:
        return "racks", f"a design holds at most {size.max_racks:,} racks (this one has {len(design.racks):,})"
    wanted = None if racks is None else set(racks)
    for i, rack in enumerate(design.racks):
        if (wanted is None or rack.id in wanted) and len(rack.devices) > size.max_devices_per_rack:
            return (f"racks[{i}].devices", f"a rack holds at most {size.max_devices_per_rack} devices "
                                           f"({rack.id} has {len(rack.devices):,})")
    return None
