"""The catalog as the domain sees it: frozen dataclasses, one per kind, built from plain records.

A *record* is a plain dict, the same shape whether it comes from a YAML file under
``catalog/data/`` or from a row of the catalog app's database table::

    {"slug": "dgx-h100", "kind": "system", "name": "NVIDIA DGX H100", "vendor": "NVIDIA",
     "source": "DGX H100/H200 User Guide ...", "confidence": "V",
     "specs": {"u_height": 8, "power_max_w": 10200,
               "power_typical_w": {"value": 8500, "source": "supercluster.blog/p/6", "confidence": "V-3p"},
               ...}}

A purchasable item also carries ``price: {list_usd, currency, date, source, confidence}``
(``Item.price``, a ``Price``); a model carries none.

A spec value is either a bare value (it inherits the item's ``source`` and ``confidence``)
or a mapping ``{"value", "source", "confidence"}`` when that number comes from elsewhere.
Every number therefore has a traceable source (``Item.source_of(field)``).

Confidence tags are those of ``shared/reference/hardware.md``: ``V`` read in the cited source,
``V-3p`` read only in a secondary page, ``M`` background knowledge or arithmetic.

This module is pure Python (no Django): the rules, the estimator and the CLI use it directly.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

CONFIDENCES = ("V", "V-3p", "M")
RACK_COOLING_METHODS = ("air", "rdhx-passive", "rdhx-active", "dlc", "immersion")


class CatalogError(ValueError):
    """A record that cannot become a catalog item; the message names the item and the field."""

    def __init__(self, message: str, *, slug: str | None = None, field_name: str | None = None):
        super().__init__(message)
        self.slug = slug
        self.field_name = field_name


@dataclass(frozen=True)
class FieldSource:
    source: str
    confidence: str


def spec(unit: str = "", *, minimum: float | None = None, maximum: float | None = None,
         choices: tuple | None = None, label: str = "", default: Any = dataclasses.MISSING):
    """A spec field with its unit, range and label, used to validate and display records."""
    meta = {"unit": unit, "min": minimum, "max": maximum, "choices": choices, "label": label}
    if default is dataclasses.MISSING:
        return field(metadata=meta)
    return field(default=default, metadata=meta)


#: Kinds that are not bought: an LLM is a workload, so it carries no price (every other kind must).
UNPRICED_KINDS = ("model",)
_PRICE_DATE = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Price:
    """A list price: what one unit costs before discounts, in US dollars.

    ``currency`` is the currency the source quoted in (``USD`` unless the source note gives a
    conversion); ``date`` is the month of the quote (``YYYY-MM``); ``confidence`` uses the same tags
    as every number (``M`` for an estimate where no public price exists — the source says so).
    Record form: ``price: {list_usd: 300000, currency: USD, date: "2025-06", source: "...", confidence: M}``.
    """

    list_usd: float
    currency: str
    date: str
    source: str
    confidence: str


@dataclass(frozen=True)
class Item:
    slug: str
    kind: str
    name: str
    vendor: str
    source: str
    confidence: str
    description: str = ""
    field_sources: Mapping[str, FieldSource] = field(default_factory=dict, compare=False, repr=False)
    price: Price | None = field(default=None, compare=False)

    def source_of(self, field_name: str) -> FieldSource:
        """Where one number comes from: its own source if it has one, else the item's."""
        return self.field_sources.get(field_name) or FieldSource(self.source, self.confidence)


# --- kinds -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Accelerator(Item):
    """One GPU/accelerator package. TFLOPS are dense (no 2:4 sparsity)."""

    family: str = spec(label="Architecture family", default="")  # hopper, blackwell, cdna3, ...
    memory_gb: float = spec("GB", minimum=1, maximum=4096, label="HBM capacity", default=0)
    memory_bandwidth_tb_s: float = spec("TB/s", minimum=0.1, maximum=100, label="HBM bandwidth", default=0)
    bf16_dense_tflops: float = spec("TFLOPS", minimum=1, maximum=100000, label="BF16 dense", default=0)
    fp8_dense_tflops: float | None = spec("TFLOPS", minimum=1, maximum=100000, label="FP8 dense", default=None)
    fp4_dense_tflops: float | None = spec("TFLOPS", minimum=1, maximum=200000, label="FP4 dense", default=None)
    scale_up_bandwidth_gb_s: float = spec("GB/s", minimum=0, maximum=100000,
                                          label="Scale-up bandwidth per GPU (bidirectional)", default=0)
    tdp_w: float = spec("W", minimum=1, maximum=5000, label="TDP", default=0)


@dataclass(frozen=True)
class System(Item):
    """A server or a rack-scale system. Rack-scale systems are also rack models in a design."""

    form_factor: str = spec(choices=("server", "rack-scale", "workstation"), label="Form factor", default="server")
    accelerator: str = spec(label="Accelerator (slug)", default="")
    accelerators: int = spec(minimum=0, maximum=1024, label="Accelerators per system", default=0)
    scale_up_domain: int = spec(minimum=1, maximum=1024, label="Scale-up (NVLink) domain", default=1)
    u_height: int = spec("U", minimum=0, maximum=60, label="Height", default=0)
    power_max_w: float = spec("W", minimum=1, maximum=500000, label="Max power", default=0)
    power_typical_w: float = spec("W", minimum=1, maximum=500000, label="Typical power under load", default=0)
    weight_kg: float = spec("kg", minimum=0.1, maximum=5000, label="Weight", default=0)
    width_mm: float = spec("mm", minimum=1, maximum=2000, label="Width", default=0)
    depth_mm: float = spec("mm", minimum=1, maximum=2000, label="Depth", default=0)
    height_mm: float = spec("mm", minimum=1, maximum=3000, label="Height", default=0)
    cooling: str = spec(choices=("air", "liquid", "hybrid"), label="Cooling", default="air")
    liquid_heat_fraction: float = spec(minimum=0, maximum=1, label="Share of heat to liquid", default=0.0)
    compute_ports: int = spec(minimum=0, maximum=1024, label="Compute-fabric ports", default=0)
    compute_port_gbps: float = spec("Gb/s", minimum=0, maximum=3200, label="Compute port speed", default=0)
    storage_ports: int = spec(minimum=0, maximum=64, label="Storage/in-band fabric ports", default=0)
    storage_port_gbps: float = spec("Gb/s", minimum=0, maximum=3200, label="Storage port speed", default=0)
    inband_ports: int = spec(minimum=0, maximum=64, label="In-band management ports", default=0)
    oob_ports: int = spec(minimum=0, maximum=64, label="Out-of-band (BMC) ports", default=1)
    psu_count: int = spec(minimum=0, maximum=64, label="PSUs", default=0)
    psu_redundant: int = spec(minimum=0, maximum=64, label="Redundant PSUs", default=0)
    psu_rating_w: float = spec("W", minimum=0, maximum=100000, label="Rated output of one PSU", default=0)
    # rack-scale only: the rack's own power shelves and its weight rating
    rack_u: int = spec("U", minimum=0, maximum=60, label="Rack units (rack-scale)", default=0)
    rack_power_capacity_w: float = spec("W", minimum=0, maximum=2000000,
                                        label="Usable power-shelf capacity (rack-scale)", default=0)
    rack_max_load_kg: float = spec("kg", minimum=0, maximum=10000, label="Rack load rating (rack-scale)", default=0)

    @property
    def is_rack_scale(self) -> bool:
        return self.form_factor == "rack-scale"

    @property
    def psu_usable_w(self) -> float:
        """What the power supplies deliver with their redundancy held: ``(PSUs - redundant) x rating``.

        Worked example: DGX H100, 6 x 3,300 W in 4+2 → (6 - 2) x 3,300 = 13,200 W, above its 10,200 W
        maximum. 0 when the rating is not in the catalog.
        """
        return max(self.psu_count - self.psu_redundant, 0) * self.psu_rating_w


@dataclass(frozen=True)
class Switch(Item):
    """A network switch; fabric slugs name a switch model."""

    protocol: str = spec(choices=("infiniband", "ethernet", "nvlink"), label="Protocol", default="ethernet")
    role: str = spec(choices=("compute", "storage", "inband", "oob", "scale-up"), label="Typical role", default="compute")
    ports: int = spec(minimum=1, maximum=1024, label="Ports", default=1)
    port_speed_gbps: float = spec("Gb/s", minimum=1, maximum=3200, label="Port speed", default=1)
    # sub-ports one port may split into, as the datasheet states (1 = no split); studio.domain.fabric.radix
    max_split: int = spec(minimum=1, maximum=8, label="Port split (datasheet)", default=1)
    u_height: int = spec("U", minimum=0, maximum=20, label="Height", default=1)
    power_typical_w: float = spec("W", minimum=1, maximum=20000, label="Typical power", default=1)
    power_max_w: float = spec("W", minimum=1, maximum=20000, label="Max power (with optics)", default=1)
    weight_kg: float = spec("kg", minimum=0.1, maximum=500, label="Weight", default=1)
    depth_mm: float = spec("mm", minimum=1, maximum=1500, label="Depth", default=600)


@dataclass(frozen=True)
class Nic(Item):
    ports: int = spec(minimum=1, maximum=16, label="Ports", default=1)
    port_speed_gbps: float = spec("Gb/s", minimum=1, maximum=3200, label="Port speed", default=1)
    power_w: float = spec("W", minimum=0, maximum=500, label="Typical power", default=0)
    protocol: str = spec(choices=("infiniband", "ethernet", "vpi"), label="Protocol", default="vpi")


@dataclass(frozen=True)
class Transceiver(Item):
    """An optic or cable. ``media`` decides how far it reaches and what it costs in watts."""

    media: str = spec(choices=("dac", "acc", "aoc", "multimode", "singlemode", "twisted-pair"), label="Media",
                      default="dac")  # twisted-pair: RJ45 Cat6 copper (1/10GBASE-T) for management
    speed_gbps: float = spec("Gb/s", minimum=1, maximum=3200, label="Speed", default=1)
    reach_m: float = spec("m", minimum=0.1, maximum=10000, label="Maximum reach", default=1)
    power_w: float = spec("W", minimum=0, maximum=50, label="Power per module", default=0)
    form_factor: str = spec(label="Form factor", default="OSFP")


@dataclass(frozen=True)
class Storage(Item):
    u_height: int = spec("U", minimum=1, maximum=60, label="Height", default=2)
    power_max_w: float = spec("W", minimum=1, maximum=50000, label="Max power", default=1)
    power_typical_w: float = spec("W", minimum=1, maximum=50000, label="Typical power", default=1)
    weight_kg: float = spec("kg", minimum=0.1, maximum=2000, label="Weight", default=1)
    read_gb_s: float = spec("GB/s", minimum=0.01, maximum=10000, label="Read throughput", default=1)
    write_gb_s: float = spec("GB/s", minimum=0.01, maximum=10000, label="Write throughput", default=1)
    capacity_tb: float = spec("TB", minimum=0.01, maximum=1000000, label="Usable capacity", default=1)
    ports: int = spec(minimum=0, maximum=256, label="Network ports", default=0)
    port_speed_gbps: float = spec("Gb/s", minimum=0, maximum=3200, label="Port speed", default=0)


@dataclass(frozen=True)
class Rack(Item):
    """An empty rack cabinet."""

    u_height: int = spec("U", minimum=1, maximum=60, label="Rack units", default=42)
    width_mm: float = spec("mm", minimum=300, maximum=1500, label="Width", default=600)
    depth_mm: float = spec("mm", minimum=300, maximum=2000, label="Depth", default=1200)
    height_mm: float = spec("mm", minimum=500, maximum=3000, label="Height", default=2000)
    weight_kg: float = spec("kg", minimum=1, maximum=1000, label="Empty weight", default=100)
    max_load_kg: float = spec("kg", minimum=1, maximum=5000, label="Load rating", default=1000)


@dataclass(frozen=True)
class Pdu(Item):
    """A rack PDU. Usable power follows from voltage, current and phases (see ``usable_power_w``)."""

    voltage_v: float = spec("V", minimum=100, maximum=1000, label="Voltage (line-to-line for 3-phase)", default=415)
    current_a: float = spec("A", minimum=1, maximum=400, label="Rated current", default=32)
    phases: int = spec(choices=(1, 3), label="Phases", default=3)
    power_factor: float = spec(minimum=0.5, maximum=1, label="Power factor assumed", default=1.0)
    continuous_derating: float = spec(minimum=0.5, maximum=1, label="Continuous-load derating", default=0.8)
    u_height: int = spec("U", minimum=0, maximum=4, label="Height (0 = vertical, zero-U)", default=0)
    weight_kg: float = spec("kg", minimum=0.1, maximum=100, label="Weight", default=10)
    outlets: int = spec(minimum=1, maximum=96, label="Outlets", default=24)

    @property
    def usable_power_w(self) -> float:
        """Usable continuous power of one PDU.

        3-phase: √3 × V(line-to-line) × I × PF × derating; 1-phase: V × I × PF × derating.
        Worked example: 415 V, 60 A, 3-phase, PF 1.0, 80 % → √3·415·60·1.0·0.8 = 34,502 W.
        """
        factor = math.sqrt(3) if self.phases == 3 else 1.0
        return factor * self.voltage_v * self.current_a * self.power_factor * self.continuous_derating


@dataclass(frozen=True)
class RackCooling(Item):
    """A per-rack cooling method: how much heat it removes to air and to liquid."""

    max_air_heat_kw: float = spec("kW", minimum=0, maximum=1000, label="Heat it removes from air", default=0)
    max_liquid_heat_kw: float = spec("kW", minimum=0, maximum=2000, label="Heat it removes to liquid", default=0)
    to_liquid: bool = spec(label="Heat goes to the liquid loop", default=False)
    power_w: float = spec("W", minimum=0, maximum=20000, label="Own power (fans, pumps)", default=0)
    weight_kg: float = spec("kg", minimum=0, maximum=2000, label="Added weight", default=0)


@dataclass(frozen=True)
class FacilityCooling(Item):
    """Facility cooling equipment: CDUs, CRAHs, in-row coolers."""

    equipment: str = spec(choices=("cdu", "crah", "inrow", "chiller", "drycooler"), label="Equipment", default="cdu")
    medium: str = spec(choices=("liquid", "air"), label="Heat it removes from", default="liquid")
    capacity_kw: float = spec("kW", minimum=1, maximum=20000, label="Nominal cooling capacity", default=1)
    power_w: float = spec("W", minimum=0, maximum=500000, label="Electrical power", default=0)
    u_height: int = spec("U", minimum=0, maximum=60, label="Height when in-rack (0 = floor-standing)", default=0)
    weight_kg: float = spec("kg", minimum=0, maximum=10000, label="Weight", default=0)


@dataclass(frozen=True)
class LlmModel(Item):
    """A transformer LLM's architecture, enough for FLOP, memory and KV-cache arithmetic."""

    params_total_b: float = spec("B params", minimum=0.01, maximum=100000, label="Parameters (total)", default=1)
    params_active_b: float = spec("B params", minimum=0.01, maximum=100000, label="Parameters active per token", default=1)
    layers: int = spec(minimum=1, maximum=1000, label="Layers", default=1)
    hidden: int = spec(minimum=1, maximum=200000, label="Hidden size (d_model)", default=1)
    heads: int = spec(minimum=1, maximum=1024, label="Attention heads", default=1)
    kv_heads: int = spec(minimum=1, maximum=1024, label="KV heads", default=1)
    head_dim: int = spec(minimum=1, maximum=1024, label="Head dimension", default=128)
    ffn: int = spec(minimum=1, maximum=500000, label="FFN size (dense layers)", default=1)
    vocab: int = spec(minimum=1, maximum=1000000, label="Vocabulary", default=1)
    max_context: int = spec("tokens", minimum=1, maximum=10000000, label="Max context", default=4096)
    attention: str = spec(choices=("mha", "gqa", "mla"), label="Attention", default="gqa")
    experts: int = spec(minimum=0, maximum=4096, label="Routed experts", default=0)
    experts_active: int = spec(minimum=0, maximum=256, label="Routed experts per token", default=0)
    shared_experts: int = spec(minimum=0, maximum=64, label="Shared experts", default=0)
    moe_ffn: int = spec(minimum=0, maximum=500000, label="Expert FFN size", default=0)
    dense_layers: int = spec(minimum=0, maximum=1000, label="Leading dense layers (MoE models)", default=0)
    kv_lora_rank: int = spec(minimum=0, maximum=8192, label="MLA KV latent rank", default=0)
    rope_dim: int = spec(minimum=0, maximum=1024, label="MLA decoupled RoPE dim", default=0)
    # Local attention (gpt-oss sliding window, Llama 4 chunked attention): ``window_layers`` of the
    # layers attend to at most ``window_tokens`` tokens, so their KV cache stops growing there.
    window_tokens: int = spec("tokens", minimum=0, maximum=10000000, label="Local attention window", default=0)
    window_layers: int = spec(minimum=0, maximum=1000, label="Layers with local attention", default=0)
    # Routed experts published already quantised (gpt-oss: MXFP4). FP8/FP4 serving keeps them at this
    # size in memory (engines dequantise them inside the expert GEMM); "" = published in BF16/FP8.
    checkpoint_expert_precision: str = spec(choices=("", "fp8", "fp4"), label="Experts as published", default="")

    @property
    def is_moe(self) -> bool:
        return self.experts > 0


KIND_CLASSES: dict[str, type[Item]] = {
    "accelerator": Accelerator,
    "system": System,
    "switch": Switch,
    "nic": Nic,
    "transceiver": Transceiver,
    "storage": Storage,
    "rack": Rack,
    "pdu": Pdu,
    "rack-cooling": RackCooling,
    "facility-cooling": FacilityCooling,
    "model": LlmModel,
}

KIND_LABELS = {
    "accelerator": "Accelerators", "system": "Systems", "switch": "Network switches", "nic": "NICs",
    "transceiver": "Cables and transceivers", "storage": "Storage appliances", "rack": "Rack cabinets",
    "pdu": "Rack PDUs", "rack-cooling": "Rack cooling methods", "facility-cooling": "Facility cooling",
    "model": "LLM models",
}

_BASE_FIELDS = {f.name for f in dataclasses.fields(Item)}


def spec_fields(kind: str) -> list[dataclasses.Field]:
    """The spec fields of one kind, in declaration order (for validation and display)."""
    return [f for f in dataclasses.fields(KIND_CLASSES[kind]) if f.name not in _BASE_FIELDS]


def _check_value(slug: str, f: dataclasses.Field, value: Any) -> Any:
    meta = f.metadata
    where = f"item '{slug}', field 'specs.{f.name}'"
    if meta.get("choices"):
        if value not in meta["choices"]:
            raise CatalogError(f"{where}: expected one of {list(meta['choices'])}, found {value!r}",
                               slug=slug, field_name=f.name)
        return value
    default = f.default
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise CatalogError(f"{where}: expected true or false, found {value!r}", slug=slug, field_name=f.name)
        return value
    if isinstance(default, str):
        if not isinstance(value, str):
            raise CatalogError(f"{where}: expected text, found {value!r}", slug=slug, field_name=f.name)
        return value
    if value is None and default is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise CatalogError(f"{where}: expected a number, found {value!r}", slug=slug, field_name=f.name)
    if isinstance(default, int) and not isinstance(default, bool) and f.type in ("int", int):
        if int(value) != value:
            raise CatalogError(f"{where}: expected a whole number, found {value!r}", slug=slug, field_name=f.name)
        value = int(value)
    unit = f" {meta['unit']}" if meta.get("unit") else ""
    if meta.get("min") is not None and value < meta["min"]:
        raise CatalogError(f"{where}: {value}{unit} is below the minimum {meta['min']}{unit}",
                           slug=slug, field_name=f.name)
    if meta.get("max") is not None and value > meta["max"]:
        raise CatalogError(f"{where}: {value}{unit} is above the maximum {meta['max']}{unit}",
                           slug=slug, field_name=f.name)
    return value


REQUIRED_RECORD_KEYS = ("slug", "kind", "name", "vendor", "source", "confidence", "specs")
OPTIONAL_RECORD_KEYS = ("description", "price")
PRICE_KEYS = ("list_usd", "currency", "date", "source", "confidence")


def price_from_record(slug: str, kind: str, raw: Any) -> Price | None:
    """Validate an item's ``price`` mapping and build its ``Price``; ``None`` when there is none.

    A model may not carry a price (it is not bought). Whether a price is *required* is the data
    files' and the admin's business (``require_price``): tests build in-memory items without one.
    """
    if raw is None:
        return None
    where = f"item '{slug}', field 'price'"

    def at(part: str) -> str:
        return f"item '{slug}', field 'price.{part}'"

    if kind in UNPRICED_KINDS:
        raise CatalogError(f"{where}: a {kind} is not bought, so it has no price", slug=slug, field_name="price")
    if not isinstance(raw, Mapping) or set(raw) != set(PRICE_KEYS):
        found = sorted(raw) if isinstance(raw, Mapping) else type(raw).__name__
        raise CatalogError(f"{where}: expected exactly {list(PRICE_KEYS)}, found {found}",
                           slug=slug, field_name="price")
    usd = raw["list_usd"]
    if isinstance(usd, bool) or not isinstance(usd, (int, float)) or not math.isfinite(usd) or usd < 0:
        raise CatalogError(f"{at('list_usd')}: expected a number of US dollars >= 0, found {usd!r}",
                           slug=slug, field_name="price")
    currency = raw["currency"]
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        raise CatalogError(f"{at('currency')}: expected an ISO 4217 code such as 'USD', found {currency!r}",
                           slug=slug, field_name="price")
    date = str(raw["date"])
    if not _PRICE_DATE.match(date):
        raise CatalogError(f"{at('date')}: expected the month as 'YYYY-MM', found {raw['date']!r}",
                           slug=slug, field_name="price")
    source = raw["source"]
    if not isinstance(source, str) or not source.strip():
        raise CatalogError(f"{at('source')}: expected non-empty text", slug=slug, field_name="price")
    if raw["confidence"] not in CONFIDENCES:
        raise CatalogError(f"{at('confidence')}: expected one of {list(CONFIDENCES)}, found {raw['confidence']!r}",
                           slug=slug, field_name="price")
    return Price(list_usd=float(usd), currency=currency, date=date, source=source.strip(),
                 confidence=raw["confidence"])


def require_price(item: Item) -> None:
    """Refuse a purchasable item without a list price (the data files and the admin call this)."""
    if item.kind not in UNPRICED_KINDS and item.price is None:
        raise CatalogError(f"item '{item.slug}': missing 'price' — every {item.kind} has a list price "
                           "({list_usd, currency, date, source, confidence}; an [M] estimate says so in its source)",
                           slug=item.slug, field_name="price")


def item_from_record(record: Mapping[str, Any]) -> Item:
    """Validate one record and build its item. Raises ``CatalogError`` naming the item and field."""
    if not isinstance(record, Mapping):
        raise CatalogError(f"expected an item (a mapping), found {type(record).__name__}")
    slug = record.get("slug")
    if not isinstance(slug, str) or not slug or slug != slug.strip().lower() or " " in slug:
        raise CatalogError(f"item {slug!r}: 'slug' must be a lower-case identifier without spaces",
                           slug=str(slug), field_name="slug")
    for key in REQUIRED_RECORD_KEYS:
        if key not in record:
            raise CatalogError(f"item '{slug}': missing '{key}'", slug=slug, field_name=key)
    unknown = set(record) - set(REQUIRED_RECORD_KEYS) - set(OPTIONAL_RECORD_KEYS)
    if unknown:
        raise CatalogError(f"item '{slug}': unknown key(s) {sorted(unknown)}", slug=slug, field_name=sorted(unknown)[0])
    kind = record["kind"]
    if kind not in KIND_CLASSES:
        raise CatalogError(f"item '{slug}', field 'kind': expected one of {list(KIND_CLASSES)}, found {kind!r}",
                           slug=slug, field_name="kind")
    for key in ("name", "vendor", "source"):
        if not isinstance(record[key], str) or not record[key].strip():
            raise CatalogError(f"item '{slug}', field '{key}': expected non-empty text", slug=slug, field_name=key)
    if record["confidence"] not in CONFIDENCES:
        raise CatalogError(f"item '{slug}', field 'confidence': expected one of {list(CONFIDENCES)}, "
                           f"found {record['confidence']!r}", slug=slug, field_name="confidence")
    specs = record["specs"]
    if not isinstance(specs, Mapping):
        raise CatalogError(f"item '{slug}', field 'specs': expected a mapping", slug=slug, field_name="specs")
    fields_by_name = {f.name: f for f in spec_fields(kind)}
    unknown = set(specs) - set(fields_by_name)
    if unknown:
        raise CatalogError(f"item '{slug}': unknown spec field(s) {sorted(unknown)} for kind '{kind}'",
                           slug=slug, field_name=sorted(unknown)[0])
    values: dict[str, Any] = {}
    sources: dict[str, FieldSource] = {}
    for name, raw in specs.items():
        f = fields_by_name[name]
        if isinstance(raw, Mapping):
            extra = set(raw) - {"value", "source", "confidence"}
            if "value" not in raw or "source" not in raw or extra:
                raise CatalogError(f"item '{slug}', field 'specs.{name}': a sourced value needs exactly "
                                   "'value', 'source' and optionally 'confidence'", slug=slug, field_name=name)
            conf = raw.get("confidence", record["confidence"])
            if conf not in CONFIDENCES:
                raise CatalogError(f"item '{slug}', field 'specs.{name}.confidence': expected one of "
                                   f"{list(CONFIDENCES)}, found {conf!r}", slug=slug, field_name=name)
            sources[name] = FieldSource(str(raw["source"]), conf)
            raw = raw["value"]
        values[name] = _check_value(slug, f, raw)
    cls = KIND_CLASSES[kind]
    price = price_from_record(slug, kind, record.get("price"))
    return cls(slug=slug, kind=kind, name=record["name"].strip(), vendor=record["vendor"].strip(),
               source=record["source"].strip(), confidence=record["confidence"],
               description=str(record.get("description", "") or ""), field_sources=sources, price=price,
               **values)


class Catalog:
    """All catalog items by slug, with typed lookups that fail with a clear message."""

    def __init__(self, items: Iterable[Item]):
        self._items: dict[str, Item] = {}
        for item in items:
            if item.slug in self._items:
                raise CatalogError(f"item '{item.slug}': slug appears twice", slug=item.slug, field_name="slug")
            self._items[item.slug] = item
        self._check_references()

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Catalog:
        return cls(item_from_record(r) for r in records)

    def _check_references(self) -> None:
        for item in self._items.values():
            if isinstance(item, System) and item.accelerator:
                target = self._items.get(item.accelerator)
                if not isinstance(target, Accelerator):
                    raise CatalogError(f"item '{item.slug}', field 'specs.accelerator': no accelerator "
                                       f"'{item.accelerator}' in the catalog", slug=item.slug, field_name="accelerator")

    def __contains__(self, slug: str) -> bool:
        return slug in self._items

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):
        return iter(self._items.values())

    def get(self, slug: str, kind: type[Item] | tuple[type[Item], ...] = Item) -> Item:
        """The item with this slug and of this kind; ``KeyError`` with a readable message otherwise."""
        item = self._items.get(slug)
        if item is None or not isinstance(item, kind):
            kinds = kind if isinstance(kind, tuple) else (kind,)
            wanted = " or ".join(k.__name__.lower() for k in kinds)
            raise KeyError(f"unknown {wanted} '{slug}'")
        return item

    def of_kind(self, cls: type[Item]) -> list[Item]:
        return [i for i in self._items.values() if isinstance(i, cls)]

    def accelerator_of(self, system: System) -> Accelerator:
        return self.get(system.accelerator, Accelerator)  # type: ignore[return-value]
