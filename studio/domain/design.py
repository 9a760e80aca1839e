"""The design as the domain sees it: frozen dataclasses, no Django.

These mirror the design file ``ai-factory-design/1`` (see ARCHITECTURE.md) one to one; the
reader/writer is ``designfile.py``. Catalog numbers are never copied in here: a placement names
a catalog slug and the rules look the numbers up in ``studio.domain.catalog.Catalog``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DESIGN_FORMAT = "ai-factory-design/1"
REDUNDANCY_TARGETS = ("N", "N+1", "2N", "2N+1")
ROTATIONS = (0, 90, 180, 270)
FEEDS = ("A", "B")
FABRIC_ROLES = ("compute", "storage", "inband", "oob")
TOPOLOGIES = ("rail-optimized", "fat-tree")
WORKLOAD_KINDS = ("inference", "training", "fabric")
PRECISIONS = ("bf16", "fp8", "fp4")
SCENARIOS = ("offline", "server", "interactive", "concurrency")


@dataclass(frozen=True)
class SiteCooling:
    air_kw: float
    liquid_kw: float


@dataclass(frozen=True)
class Site:
    """The hall and its limits. Width runs along x (tiles), depth along y."""

    width_m: float
    depth_m: float
    tile_mm: int = 600
    it_power_kw: float = 0.0
    pue: float = 1.3
    facility_power_kw: float = 0.0
    cooling: SiteCooling = field(default_factory=lambda: SiteCooling(0.0, 0.0))
    floor_max_kg_per_m2: float = 1500.0
    redundancy: str = "N+1"
    electricity_usd_per_kwh: float = 0.08

    @property
    def width_tiles(self) -> int:
        return int(round(self.width_m * 1000, 6) // self.tile_mm)  # 1.8 m / 600 mm = 3, not 2.9999

    @property
    def depth_tiles(self) -> int:
        return int(round(self.depth_m * 1000, 6) // self.tile_mm)


@dataclass(frozen=True)
class PduPlacement:
    model: str
    feed: str = "A"


@dataclass(frozen=True)
class DevicePlacement:
    """A device in a rack; ``u`` is the lowest U it occupies (1 = bottom)."""

    model: str
    u: int


@dataclass(frozen=True)
class RackPlacement:
    """A rack on the tile grid; ``x_tiles``/``y_tiles`` is its corner, ``rotation`` in degrees.

    ``model`` is a rack cabinet slug or a rack-scale system slug (GB200/GB300 NVL72); ``phase`` is the
    build-out phase that brings it (1 = the first; see ``phases``).
    """

    id: str
    model: str
    x_tiles: int
    y_tiles: int
    rotation: int = 0
    cooling: str = "air"
    pdus: tuple[PduPlacement, ...] = ()
    devices: tuple[DevicePlacement, ...] = ()
    phase: int = 1


@dataclass(frozen=True)
class Fabric:
    model: str
    topology: str = "rail-optimized"
    oversubscription: float = 1.0


@dataclass(frozen=True)
class CountedItem:
    """A catalog item bought by count (storage appliances, facility equipment), in build-out ``phase``."""

    model: str
    count: int = 1
    phase: int = 1


@dataclass(frozen=True)
class Workload:
    """A workload to estimate; the fields are those of the estimate-case contract.

    inference: model, precision, scenario, input_tokens, output_tokens, optional tensor_parallel,
    concurrency, ttft_p99_limit_ms, tpot_p99_limit_ms, spec_decoding (none|mtp) and config (how it is
    served: the ``config`` object of ARCHITECTURE.md; the estimator searches when absent).
    training: model, precision, sequence_length, global_batch_sequences, optional train_tokens.
    fabric: nothing else.
    """

    kind: str
    model: str | None = None
    precision: str | None = None
    scenario: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    tensor_parallel: int | None = None
    concurrency: int | None = None
    ttft_p99_limit_ms: float | None = None
    tpot_p99_limit_ms: float | None = None
    sequence_length: int | None = None
    global_batch_sequences: int | None = None
    train_tokens: float | None = None
    preset: str | None = None
    name: str | None = None
    spec_decoding: str | None = None
    config: dict | None = field(default=None, hash=False, compare=False)


@dataclass(frozen=True)
class Design:
    name: str
    site: Site
    racks: tuple[RackPlacement, ...] = ()
    fabrics: dict[str, Fabric] = field(default_factory=dict)  # role -> Fabric; roles in FABRIC_ROLES
    storage: tuple[CountedItem, ...] = ()
    facility: tuple[CountedItem, ...] = ()
    workloads: tuple[Workload, ...] = ()

    def rack(self, rack_id: str) -> RackPlacement:
        for rack in self.racks:
            if rack.id == rack_id:
                return rack
        raise KeyError(f"no rack '{rack_id}' in the design")
