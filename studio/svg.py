"""Server-rendered drawings of a design: the floor plan and rack front elevations, as SVG strings.

The same strings go into the editor page, the presentation view and (later) the PDF. Geometry:
one floor tile is ``TILE_PX`` user units; a rack's footprint follows from its model's width and
depth (``rack_dims``) and its rotation (``studio.domain.layout.Footprint``). Front (cold side)
and back (hot side) of a rack follow ``layout.FRONT_DIRECTION``: one tile of cold aisle is shaded
in front of each rack and one tile of hot aisle behind it.

Everything is plain string building: a hall of 2,000 racks renders in a few tens of milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from studio.domain.catalog import Catalog, FacilityCooling, Storage, Switch, System
from studio.domain.design import Design, RackPlacement
from studio.domain.layout import (
    FRONT_DIRECTION,
    Footprint,
    device_height_u,
    lookup,
    occupied_u,
    rack_dims,
    rack_footprint,
)

TILE_PX = 20  # SVG user units per floor tile
U_PX = 13  # SVG user units per rack unit in an elevation
ELEVATION_WIDTH = 300
ELEVATION_GUTTER = 30  # room for the U numbers on the left
PDU_STRIP = 18  # the zero-U PDUs are drawn as strips beside the cabinet
SEVERITY_CLASS = {"error": "sev-error", "warning": "sev-warning", "info": "sev-info"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
MAX_PHASE_CLASS = 6  # racks of phase 6 and later share the last phase colour (static/css/studio.css)


def footprint(catalog: Catalog, rack: RackPlacement, tile_mm: int) -> Footprint:
    return rack_footprint(catalog, rack, tile_mm)


def worst_by_subject(findings) -> dict[str, str]:
    """The worst severity of the findings of each subject (rack id, 'site', …)."""
    worst: dict[str, str] = {}
    for f in findings:
        current = worst.get(f.subject)
        if current is None or SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[current]:
            worst[f.subject] = f.severity
    return worst


def rack_fill(catalog: Catalog, rack: RackPlacement) -> float:
    """Share of the rack's U taken by devices (``layout.occupied_u``; a rack-scale system is full)."""
    u_height = rack_dims(catalog, rack.model)[0]
    used = sum(1 for u in occupied_u(catalog, rack) if 1 <= u <= u_height)
    return min(1.0, used / u_height) if u_height else 0.0


def rack_g(catalog: Catalog, rack: RackPlacement, tile_mm: int, severity: str | None = None,
           *, oob: bool = False) -> str:
    """One rack's ``<g>``: aisle shading, cabinet, fill bar, front edge and id."""
    fp = footprint(catalog, rack, tile_mm)
    w, d = fp.w * TILE_PX, fp.d * TILE_PX
    dx, dy = FRONT_DIRECTION.get(rack.rotation, (0, -1))
    parts = []
    # one tile of cold aisle in front, one of hot aisle behind (drawn under the cabinet)
    if dy:
        cold_y, hot_y = (-TILE_PX, d) if dy < 0 else (d, -TILE_PX)
        parts.append(f'<rect class="aisle-cold" x="0" y="{cold_y}" width="{w}" height="{TILE_PX}"/>')
        parts.append(f'<rect class="aisle-hot" x="0" y="{hot_y}" width="{w}" height="{TILE_PX}"/>')
        front = f'<line class="rack-front" x1="1" x2="{w - 1}" y1="{1 if dy < 0 else d - 1}" y2="{1 if dy < 0 else d - 1}"/>'
    else:
        cold_x, hot_x = (-TILE_PX, w) if dx < 0 else (w, -TILE_PX)
        parts.append(f'<rect class="aisle-cold" x="{cold_x}" y="0" width="{TILE_PX}" height="{d}"/>')
        parts.append(f'<rect class="aisle-hot" x="{hot_x}" y="0" width="{TILE_PX}" height="{d}"/>')
        front = f'<line class="rack-front" y1="1" y2="{d - 1}" x1="{1 if dx < 0 else w - 1}" x2="{1 if dx < 0 else w - 1}"/>'
    item = lookup(catalog, rack.model)
    scale = " rack-scale" if isinstance(item, System) and item.is_rack_scale else ""
    parts.append(f'<rect class="rack-body" x="0.5" y="0.5" width="{w - 1}" height="{d - 1}" rx="1.5"/>')
    fill = rack_fill(catalog, rack)
    if fill > 0:
        if d >= w:  # fill grows from the back towards the front along the long side
            h = (d - 4) * fill
            parts.append(f'<rect class="rack-fill" x="2" y="{d - 2 - h:.1f}" width="{w - 4}" height="{h:.1f}"/>')
        else:
            ww = (w - 4) * fill
            parts.append(f'<rect class="rack-fill" x="2" y="2" width="{ww:.1f}" height="{d - 4}"/>')
    parts.append(front)
    label = escape(rack.id)
    # the id as large as the cabinet allows: ~half its short side (12 units on a 600 mm tile), and short
    # enough along its long side for the characters (about 0.62 em each) — readable on a projector
    size = max(5.0, min(12.0, min(w, d) * 0.55, max(w, d) * 0.9 / (0.62 * max(len(label), 1))))
    if d > w:
        parts.append(f'<text class="rack-label" x="{w / 2}" y="{d / 2}" font-size="{size:.1f}" '
                     f'transform="rotate(-90 {w / 2} {d / 2})">{label}</text>')
    else:
        parts.append(f'<text class="rack-label" x="{w / 2}" y="{d / 2}" font-size="{size:.1f}">{label}</text>')
    if severity in ("error", "warning"):
        parts.append(f'<circle class="rack-dot" cx="{w - 4}" cy="4" r="3"/>')
    if rack.phase > 1:  # phase 1 is the unmarked default; later phases carry their number
        parts.append(f'<g class="rack-phase"><rect x="1.5" y="{d - 9.5}" width="9" height="8" rx="1.5"/>'
                     f'<text x="6" y="{d - 5.5}">{rack.phase}</text></g>')
    sev = f" {SEVERITY_CLASS[severity]}" if severity else ""
    swap = ' hx-swap-oob="outerHTML"' if oob else ""
    phase = f" · phase {rack.phase}" if rack.phase > 1 else ""
    return (f'<g id="rack-{label}" class="rack{sev}{scale} phase-{min(rack.phase, MAX_PHASE_CLASS)}" '
            f'data-rack="{label}" data-x="{rack.x_tiles}" '
            f'data-y="{rack.y_tiles}" data-w="{fp.w}" data-d="{fp.d}" data-rotation="{rack.rotation}" '
            f'data-phase="{rack.phase}" transform="translate({rack.x_tiles * TILE_PX},{rack.y_tiles * TILE_PX})"{swap}>'
            f'<title>{label} · {escape(rack.model)}{phase}</title>{"".join(parts)}</g>')


@dataclass
class FloorGeometry:
    width_tiles: int
    depth_tiles: int

    @property
    def width_px(self) -> int:
        return self.width_tiles * TILE_PX

    @property
    def depth_px(self) -> int:
        return self.depth_tiles * TILE_PX


def floor_svg(catalog: Catalog, design: Design, findings=(), *, element_id: str = "floor-svg",
              css_class: str = "floor-svg") -> str:
    """The hall as a tile grid with every rack drawn to scale; a margin of two tiles around it."""
    site = design.site
    geo = FloorGeometry(site.width_tiles, site.depth_tiles)
    worst = worst_by_subject(findings)
    margin = 2 * TILE_PX
    racks = "".join(rack_g(catalog, r, site.tile_mm, worst.get(r.id)) for r in design.racks)
    major = TILE_PX * 5
    width_m, depth_m = site.width_m, site.depth_m
    return (
        f'<svg id="{element_id}" class="{css_class}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="{-margin} {-margin} {geo.width_px + 2 * margin} {geo.depth_px + 2 * margin}" '
        f'data-tile-px="{TILE_PX}" data-width-tiles="{geo.width_tiles}" data-depth-tiles="{geo.depth_tiles}" '
        f'preserveAspectRatio="xMidYMid meet" role="img" aria-label="Floor plan of {escape(design.name)}">'
        f'<defs><pattern id="{element_id}-tile" width="{TILE_PX}" height="{TILE_PX}" patternUnits="userSpaceOnUse">'
        f'<path d="M {TILE_PX} 0 L 0 0 0 {TILE_PX}" class="grid-minor"/></pattern>'
        f'<pattern id="{element_id}-major" width="{major}" height="{major}" patternUnits="userSpaceOnUse">'
        f'<rect width="{major}" height="{major}" fill="url(#{element_id}-tile)"/>'
        f'<path d="M {major} 0 L 0 0 0 {major}" class="grid-major"/></pattern></defs>'
        f'<rect class="hall" x="0" y="0" width="{geo.width_px}" height="{geo.depth_px}"/>'
        f'<rect class="hall-grid" x="0" y="0" width="{geo.width_px}" height="{geo.depth_px}" '
        f'fill="url(#{element_id}-major)"/>'
        f'<rect class="hall-wall" x="0" y="0" width="{geo.width_px}" height="{geo.depth_px}"/>'
        f'<text class="hall-dim" x="{geo.width_px / 2}" y="{-margin / 2 + 4}">{width_m:g} m</text>'
        f'<text class="hall-dim" x="{-margin / 2 + 4}" y="{geo.depth_px / 2}" '
        f'transform="rotate(-90 {-margin / 2 + 4} {geo.depth_px / 2})">{depth_m:g} m</text>'
        f'<g id="{element_id}-racks" class="racks">{racks}</g>'
        f'<rect id="{element_id}-ghost" class="drop-ghost" x="0" y="0" width="0" height="0" visibility="hidden"/>'
        f'</svg>')


def _kind_class(item) -> str:
    if isinstance(item, System):
        return "dev-system"
    if isinstance(item, Switch):
        return "dev-switch"
    if isinstance(item, Storage):
        return "dev-storage"
    if isinstance(item, FacilityCooling):
        return "dev-cooling"
    return "dev-unknown"


def elevation_svg(catalog: Catalog, rack: RackPlacement, device_ids=None) -> str:
    """A rack's front elevation: U numbers (1 at the bottom), devices, empty slots as drop targets,
    PDUs as zero-U strips on both sides (feed A left, feed B right).

    ``device_ids`` (the editor's: each device's index in ``rack.devices``) gives each device a
    ``data-device`` that the editor posts to move or remove it; without them the drawing is inert.
    """
    u_height = rack_dims(catalog, rack.model)[0]
    body_x = ELEVATION_GUTTER + PDU_STRIP + 4
    body_w = ELEVATION_WIDTH
    total_w = body_x + body_w + 4 + PDU_STRIP + 6
    top = 10
    height = u_height * U_PX
    total_h = height + top * 2 + 14
    parts = [f'<rect class="elev-frame" x="{body_x - 4}" y="{top - 4}" width="{body_w + 8}" height="{height + 8}" rx="3"/>']
    for u in range(1, u_height + 1):
        y = top + (u_height - u) * U_PX
        parts.append(f'<rect class="u-slot" data-u="{u}" x="{body_x}" y="{y}" width="{body_w}" height="{U_PX}"/>')
        if u == 1 or u % 2 == 0 or u_height <= 24:
            parts.append(f'<text class="u-num" x="{ELEVATION_GUTTER - 6}" y="{y + U_PX / 2}">{u}</text>')
    item = lookup(catalog, rack.model)
    if isinstance(item, System) and item.is_rack_scale:
        parts.append(f'<g class="device dev-system rack-scale-body"><rect x="{body_x + 1}" y="{top + 1}" '
                     f'width="{body_w - 2}" height="{height - 2}" rx="2"/>'
                     f'<text class="dev-name" x="{body_x + body_w / 2}" y="{top + height / 2}">{escape(item.name)}</text>'
                     f'<text class="dev-sub" x="{body_x + body_w / 2}" y="{top + height / 2 + 16}">'
                     f'rack-scale system · {item.accelerators} GPUs</text></g>')
    ids = list(device_ids) if device_ids is not None else [None] * len(rack.devices)
    for dev, dev_id in zip(rack.devices, ids, strict=False):
        found = lookup(catalog, dev.model)
        h = device_height_u(found)
        y = top + (u_height - (dev.u + h - 1)) * U_PX
        name = escape(found.name if found is not None else dev.model)
        ident = f' data-device="{dev_id}"' if dev_id is not None else ""
        over = " dev-overflow" if dev.u + h - 1 > u_height else ""
        parts.append(
            f'<g class="device {_kind_class(found)}{over}"{ident} data-u="{dev.u}" data-h="{h}" data-model="{escape(dev.model)}" '
            f'transform="translate({body_x + 1},{y + 1})"><title>{name} · U{dev.u}'
            f'{"–" + str(dev.u + h - 1) if h > 1 else ""}</title>'
            f'<rect width="{body_w - 2}" height="{h * U_PX - 2}" rx="2"/>'
            f'<text class="dev-name" x="10" y="{(h * U_PX - 2) / 2}">{name}</text>'
            f'<text class="dev-u" x="{body_w - 24}" y="{(h * U_PX - 2) / 2}">U{dev.u}</text>'
            f'<g class="dev-remove" role="button" aria-label="Remove {name}"><circle cx="{body_w - 12}" '
            f'cy="{(h * U_PX - 2) / 2}" r="6"/><path d="M {body_w - 15} {(h * U_PX - 2) / 2 - 3} l 6 6 m 0 -6 l -6 6"/></g>'
            f'</g>')
    for side, feed in (("left", "A"), ("right", "B")):
        pdus = [p for p in rack.pdus if p.feed == feed]
        x = body_x - 4 - PDU_STRIP - 2 if side == "left" else body_x + body_w + 6
        for i, p in enumerate(pdus):
            seg = height / max(1, len(pdus))
            parts.append(f'<g class="pdu-strip" data-feed="{feed}"><title>{escape(p.model)} · feed {feed}</title>'
                         f'<rect x="{x}" y="{top + i * seg + 1}" width="{PDU_STRIP - 4}" height="{seg - 2}" rx="2"/>'
                         f'<text class="pdu-label" x="{x + (PDU_STRIP - 4) / 2}" y="{top + i * seg + seg / 2}" '
                         f'transform="rotate(-90 {x + (PDU_STRIP - 4) / 2} {top + i * seg + seg / 2})">'
                         f'PDU {feed}</text></g>')
    return (f'<svg id="elevation-svg" class="elevation-svg" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {total_w} {total_h}" data-u-height="{u_height}" data-u-px="{U_PX}" data-top="{top}" '
            f'role="img" aria-label="Front elevation of {escape(rack.id)}">{"".join(parts)}'
            f'<rect id="elevation-ghost" class="drop-ghost" x="{body_x}" y="0" width="{body_w}" height="0" visibility="hidden"/>'
            f'</svg>')
