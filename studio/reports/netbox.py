"""A design as CSV files for NetBox's bulk import, so that a built design flows into operations.

The columns are those of NetBox's import forms (``netbox/dcim/forms/bulk_import.py``,
netbox-community/netbox at commit 016a5335: ``SiteImportForm``, ``ManufacturerImportForm``,
``DeviceRoleImportForm``, ``DeviceTypeImportForm``, ``RackImportForm``, ``DeviceImportForm``,
``InterfaceImportForm``, ``CableImportForm``); choice values from ``dcim/choices.py``
(``CableTypeChoices``: dac-passive, mmf, smf, cat6; ``InterfaceTypeChoices``: infiniband-ndr,
400gbase-x-osfp …). Import them in the order of ``FILES``.

Cables: the endpoint links of every fabric whose leaf switches are placed in racks — each system
(or storage appliance, or switch management port) to a leaf of its fabric, leaves taken in rack
order and filled in turn with ``leaf`` (from ``validate``'s totals) leaves sharing the endpoints;
rail-optimized compute fabrics put rail r of every node of a scalable unit on that unit's leaf r
(a node is a server, or a tray of 4 rails of a rack-scale system: ``fabric.rails_of``).
Two-tier fabrics also get their leaf-to-spine links: each leaf's uplinks (⌈used down ports /
oversubscription⌉, as ``fabric.size_fabric`` counts them) dealt round-robin over the spines. Each
cable's type and length are those ``rules.network`` gives it (distance to the nearest rack holding
the fabric's switches; switch-to-switch links across the span of those racks), so that the
export's cables by type are the totals' cables by media. Links above the spine follow the network team's port map and are not exported:
the README in the zip says so.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections import Counter

from studio.domain.catalog import Catalog, FacilityCooling, Pdu, Rack, Storage, Switch, System
from studio.domain.design import Design
from studio.domain.fabric import rails_of
from studio.domain.layout import nearest_distances
from studio.domain.rules.facts import design_facts
from studio.domain.rules.network import cable_length_m, cable_media, media_reach
from studio.domain.totals import Totals

FILES = ("sites.csv", "manufacturers.csv", "device_roles.csv", "device_types.csv", "racks.csv", "devices.csv",
         "interfaces.csv", "cables.csv")
HEADERS = {
    "sites.csv": ["name", "slug", "status", "facility", "description"],
    "manufacturers.csv": ["name", "slug"],
    "device_roles.csv": ["name", "slug", "color"],
    "device_types.csv": ["manufacturer", "model", "slug", "part_number", "u_height", "is_full_depth", "airflow",
                         "weight", "weight_unit", "description"],
    "racks.csv": ["site", "name", "status", "form_factor", "width", "u_height", "outer_width", "outer_depth",
                  "outer_unit", "max_weight", "weight_unit", "description"],
    "devices.csv": ["name", "role", "manufacturer", "device_type", "status", "site", "rack", "position", "face",
                    "description"],
    "interfaces.csv": ["device", "name", "type", "mgmt_only", "description"],
    "cables.csv": ["side_a_device", "side_a_type", "side_a_name", "side_b_device", "side_b_type", "side_b_name",
                   "type", "status", "label", "length", "length_unit"],
}
ROLES = {"system": ("AI system", "0b5cad"), "switch": ("Network switch", "2f7d4f"),
         "storage": ("Storage", "8c6d1f"), "cooling": ("Facility cooling", "5aa0e0"), "pdu": ("PDU", "9aa5b1")}
CABLE_TYPES = {"dac": "dac-passive", "multimode": "mmf", "singlemode": "smf", "rj45": "cat6"}
ETHERNET_TYPES = {1: "1000base-t", 100: "100gbase-x-qsfp28", 200: "200gbase-x-qsfp56", 400: "400gbase-x-osfp",
                  800: "800gbase-x-osfp"}
INFINIBAND_TYPES = {400: "infiniband-ndr", 800: "infiniband-xdr"}
RJ45_REACH_M = 100.0  # 1000BASE-T over Cat6 (IEEE 802.3ab), as rules.network
RACK_WIDTH_19_IN = "19"  # RackWidthChoices: the rail-to-rail width of every catalog cabinet


def slugify(text: str) -> str:
    """NetBox slugs: lower-case letters, digits, hyphens. ``"DGX H100 (8 GPU)"`` → ``"dgx-h100-8-gpu"``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:100] or "item"


def _interface_type(speed_gbps: float, protocol: str) -> str:
    table = INFINIBAND_TYPES if protocol == "infiniband" else ETHERNET_TYPES
    return table.get(int(speed_gbps), "other")


class _Export:
    def __init__(self, design: Design, catalog: Catalog, totals: Totals):
        self.design, self.catalog, self.totals = design, catalog, totals
        self.site = design.name[:100]
        self.rows: dict[str, list[list]] = {name: [] for name in FILES}
        self.types: dict[str, object] = {}
        self.devices: list[dict] = []  # {"name", "item", "rack", "u"}
        self.interfaces: set[tuple[str, str]] = set()
        self.skipped_links = 0
        self.skipped_uplinks = 0
        self.facts = None

    def item(self, slug: str):
        return self.catalog.get(slug) if slug in self.catalog else None

    # --- inventory ---------------------------------------------------------------------------

    def inventory(self) -> None:
        s = self.design.site
        self.rows["sites.csv"].append([self.site, slugify(self.site), "planned", "",
                                       f"AI Factory Studio design: {s.width_m:g} × {s.depth_m:g} m hall, "
                                       f"{s.it_power_kw:g} kW IT, PUE {s.pue:g}"])
        for rack in self.design.racks:
            model = self.item(rack.model)
            if isinstance(model, System):  # a rack-scale system: a rack holding one device of its own height
                u_height = model.rack_u or 48
                self._rack_row(rack, u_height, model.width_mm, model.depth_mm, model.rack_max_load_kg, model.name)
                self._device(rack.id, model, 1, u_height, rack_scale=True)
            else:
                u_height = model.u_height if isinstance(model, Rack) else 42
                self._rack_row(rack, u_height, getattr(model, "width_mm", 600), getattr(model, "depth_mm", 1200),
                               getattr(model, "max_load_kg", 0), getattr(model, "name", rack.model))
            for dev in rack.devices:
                item = self.item(dev.model)
                if item is not None:
                    self._device(rack.id, item, dev.u, getattr(item, "u_height", 1) or 1)
            feeds: Counter = Counter()
            for placement in rack.pdus:  # zero-U, on the out-of-band network like rules.facts counts them
                item = self.item(placement.model)
                if isinstance(item, Pdu):
                    feeds[placement.feed] += 1
                    self._device(rack.id, item, None, 0, name=f"{rack.id}-PDU-{placement.feed}{feeds[placement.feed]}")
        for name, (label, colour) in ROLES.items():
            if any(d["role"] == name for d in self.devices):
                self.rows["device_roles.csv"].append([label, slugify(label), colour])
        vendors = sorted({item.vendor for item in self.types.values()})
        self.rows["manufacturers.csv"] = [[v, slugify(v)] for v in vendors]

    def _rack_row(self, rack, u_height, width_mm, depth_mm, max_kg, model_name) -> None:
        self.rows["racks.csv"].append([
            self.site, rack.id, "planned", "4-post-cabinet", RACK_WIDTH_19_IN, u_height, round(width_mm),
            round(depth_mm), "mm", round(max_kg) if max_kg else "", "kg" if max_kg else "",
            f"{model_name}; tile ({rack.x_tiles}, {rack.y_tiles}), rotation {rack.rotation}°, cooling {rack.cooling}"])

    def _device(self, rack_id: str, item, u: int | None, height_u: int, *, rack_scale: bool = False,
                name: str = "") -> None:
        role = ("system" if isinstance(item, System) else "switch" if isinstance(item, Switch)
                else "storage" if isinstance(item, Storage) else "cooling" if isinstance(item, FacilityCooling)
                else "pdu" if isinstance(item, Pdu) else None)
        if role is None:
            return
        if item.slug not in self.types:
            self.types[item.slug] = item
            weight = getattr(item, "weight_kg", 0)
            zero_u = height_u == 0  # a vertical PDU: no U, not full depth, no airflow of its own
            self.rows["device_types.csv"].append([
                item.vendor, item.name, slugify(item.slug), item.slug, height_u, "false" if zero_u else "true",
                "passive" if zero_u else "front-to-rear", weight or "", "kg" if weight else "",
                f"catalog item {item.slug}" + (" (rack-scale)" if rack_scale else "")])
        name = name or f"{rack_id}-U{u:02d}"
        self.devices.append({"name": name, "item": item, "rack": rack_id, "u": u, "role": role})
        self.rows["devices.csv"].append([name, ROLES[role][0], item.vendor, item.name, "planned", self.site, rack_id,
                                         "" if u is None else u, "" if u is None else "front", item.slug])

    # --- cables ------------------------------------------------------------------------------

    def _endpoints(self, role: str) -> list[tuple[dict, str, int, int]]:
        """(device, interface name, node index, rail) of every endpoint port of one fabric. A compute
        node is a server, or one tray of a rack-scale system (``fabric.rails_of``: trays of 4 rails)."""
        out: list[tuple[dict, str, int, int]] = []
        node = 0
        for dev in self.devices:
            item = dev["item"]
            ports: list[str] = []
            rails = 1
            if isinstance(item, System):
                count = {"compute": item.compute_ports, "storage": item.storage_ports, "inband": item.inband_ports,
                         "oob": item.oob_ports}[role]
                prefix = {"compute": "gpu-nic", "storage": "storage-nic", "inband": "inband", "oob": "bmc"}[role]
                ports = [f"{prefix}{i + 1}" for i in range(count)]
                rails = max(1, rails_of(item)) if role == "compute" else max(1, count)
            elif isinstance(item, Storage) and role == "storage":
                ports = [f"data{i + 1}" for i in range(item.ports)]
                rails = max(1, item.ports)
            elif role == "oob" and isinstance(item, (Storage, Switch, Pdu)):
                ports = ["mgmt0"]
            for i, port in enumerate(ports):
                out.append((dev, port, node + i // rails, i % rails))
            if ports:
                node += math.ceil(len(ports) / rails)
        return out

    def _switches_by_role(self) -> dict[str, list[dict]]:
        """The placed switches of each fabric: each role takes, in order, the placed switches of its model
        it needs (leaf + spine + core from the totals); leaves are the first ones of a role."""
        pool: dict[str, list[dict]] = {}
        for dev in self.devices:
            if isinstance(dev["item"], Switch):
                pool.setdefault(dev["item"].slug, []).append(dev)
        taken: dict[str, list[dict]] = {}
        for role in ("compute", "storage", "inband", "oob"):
            plan = self.totals.switches.get(role)
            if not plan:
                continue
            need = plan["leaf"] + plan["spine"] + plan["core"]
            available = pool.get(plan["model"], [])
            taken[role], pool[plan["model"]] = available[:need], available[need:]
        return taken

    def _media(self, role: str, model: str, reach: dict) -> tuple[dict[str, tuple[str, float]], tuple[str, float]]:
        """Cable media and length as ``rules.cabling.type_fabric`` types them, so that the export's
        cables are the totals' cables: an endpoint rack's links by the distance to the nearest rack
        holding the fabric's switches, switch-to-switch links by the span of those racks.
        Returns ({endpoint rack: (media, length)}, (media, length) of the switch-to-switch links)."""
        df = self.facts
        tile_mm = self.design.site.tile_mm
        switch_racks = [f.id for f in df.racks if f.switches.get(model)]
        centre = {f.id: (f.footprint.x + f.footprint.w // 2, f.footprint.y + f.footprint.d // 2) for f in df.racks}
        ids = [f.id for f in df.racks]
        distances = nearest_distances([centre[r] for r in switch_racks], [centre[r] for r in ids])
        oob = role == "oob"

        def typed(length: float, fallback: str) -> str:
            if oob:
                return "rj45" if length <= RJ45_REACH_M else fallback
            return cable_media(length, reach) or "singlemode"

        per_rack = {}
        for rack_id, dist in zip(ids, distances, strict=True):
            length = cable_length_m(dist, tile_mm, df.by_id[rack_id].height_m, rack_id in switch_racks)
            per_rack[rack_id] = (typed(length, "singlemode"), length)
        fps = [df.by_id[r].footprint for r in switch_racks] or [df.racks[0].footprint]
        span = (max(f.x for f in fps) - min(f.x for f in fps)) + (max(f.y for f in fps) - min(f.y for f in fps))
        height = max(df.by_id[r].height_m for r in switch_racks) if switch_racks else 0.0
        length = cable_length_m(span, tile_mm, height, len(switch_racks) == 1)
        return per_rack, (typed(length, "singlemode"), length)

    def cables(self) -> None:
        self.facts = design_facts(self.design, self.catalog)
        by_role = self._switches_by_role()
        for role, switches in by_role.items():
            plan = self.totals.switches[role]
            fabric = self.design.fabrics.get(role)
            leaves = switches[:plan["leaf"]]
            endpoints = self._endpoints(role)
            if not leaves or not endpoints:
                self.skipped_links += len(endpoints) if not leaves else 0
                continue
            switch = leaves[0]["item"]
            per_rack, inter = self._media(role, switch.slug, media_reach(self.catalog, switch.port_speed_gbps))
            rails = max(ep[3] for ep in endpoints) + 1 if role == "compute" else 1
            nodes = max(ep[2] for ep in endpoints) + 1
            rail_optimized = (role == "compute" and fabric is not None and fabric.topology == "rail-optimized"
                              and rails > 1 and plan["leaf"] >= rails and plan["leaf"] % rails == 0)
            per_leaf = math.ceil(len(endpoints) / plan["leaf"])
            units = plan["leaf"] // rails if rail_optimized else 1
            nodes_per_unit = math.ceil(nodes / units)
            used: Counter = Counter()
            for k, (dev, port, node, rail) in enumerate(endpoints):
                index = (node // nodes_per_unit) * rails + rail if rail_optimized else k // per_leaf
                if index >= len(leaves):  # that leaf is needed but not placed
                    self.skipped_links += 1
                    continue
                leaf = leaves[index]
                if used[leaf["name"]] >= switch.ports:  # never more cables than the leaf has ports
                    self.skipped_links += 1
                    continue
                used[leaf["name"]] += 1
                self._link(dev, port, leaf, f"p{used[leaf['name']]}", role, switch, *per_rack[dev["rack"]])
            self._uplinks(role, plan, switches, leaves, used, fabric, switch, inter)

    def _uplinks(self, role, plan, switches, leaves, used, fabric, switch, inter) -> None:
        """Two-tier fabrics: each leaf's uplinks, ⌈used down ports / oversubscription⌉ (``fabric.size_fabric``),
        dealt round-robin over the spines. Three tiers and more follow the network team's port map."""
        spines = switches[plan["leaf"]:plan["leaf"] + plan["spine"]]
        if not plan["spine"] or plan["core"]:
            return
        if len(spines) < plan["spine"]:  # spines needed but not placed: nothing to cable them to
            self.skipped_uplinks += sum(math.ceil(used[leaf["name"]] / self._oversub(fabric)) for leaf in leaves)
            return
        spine_ports: Counter = Counter()
        for leaf in leaves:
            for j in range(math.ceil(used[leaf["name"]] / self._oversub(fabric))):
                spine = spines[j % len(spines)]
                spine_ports[spine["name"]] += 1
                self._link(leaf, f"up{j + 1}", spine, f"p{spine_ports[spine['name']]}", role, switch, *inter,
                           label=f"{role}-uplink")

    @staticmethod
    def _oversub(fabric) -> float:
        return max(1.0, float(fabric.oversubscription)) if fabric is not None else 1.0

    def _link(self, dev, port, leaf, leaf_port, role, switch, media: str, length: float, label: str = "") -> None:
        speed = 1 if role == "oob" else switch.port_speed_gbps
        iface = _interface_type(speed, switch.protocol)
        for device, name in ((dev, port), (leaf, leaf_port)):
            if (device["name"], name) not in self.interfaces:
                self.interfaces.add((device["name"], name))
                self.rows["interfaces.csv"].append([device["name"], name, iface,
                                                    "true" if name in ("mgmt0",) or name.startswith("bmc") else "false",
                                                    f"{role} fabric"])
        self.rows["cables.csv"].append([dev["name"], "dcim.interface", port, leaf["name"], "dcim.interface",
                                        leaf_port, CABLE_TYPES[media], "planned",
                                        f"{label or role}-{len(self.rows['cables.csv']) + 1}",
                                        round(length, 1), "m"])

    def readme(self) -> str:
        cables = self.rows["cables.csv"]
        uplinks = sum(1 for row in cables if "-uplink-" in row[8])
        lines = [f"NetBox import of “{self.design.name}” (AI Factory Studio).", "",
                 "Import in this order: " + ", ".join(FILES) + ".",
                 f"{len(self.rows['devices.csv'])} devices in {len(self.rows['racks.csv'])} racks; "
                 f"{len(cables) - uplinks} endpoint-to-leaf cables and {uplinks} leaf-to-spine cables.", ""]
        if self.skipped_links or self.skipped_uplinks:
            lines.append(f"{self.skipped_links + self.skipped_uplinks} links are not exported: a switch they need is "
                         "not placed in a rack yet (place the switches in the studio, then export again).")
        above = [f"{role}: {p['core']} core" for role, p in self.totals.switches.items() if p["core"]]
        if above:
            lines.append("Links above the spine (" + "; ".join(above) + ") are not in cables.csv: three tiers and "
                         "more follow the network team's port map.")
        return "\n".join(lines + [""])


def netbox_files(design: Design, catalog: Catalog, totals: Totals) -> dict[str, str]:
    """The CSV texts by file name (``FILES``) plus ``README.txt``."""
    export = _Export(design, catalog, totals)
    export.inventory()
    export.cables()
    files = {}
    for name in FILES:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADERS[name])
        writer.writerows(export.rows[name])
        files[name] = out.getvalue()
    files["README.txt"] = export.readme()
    return files


def netbox_zip(design: Design, catalog: Catalog, totals: Totals) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in netbox_files(design, catalog, totals).items():
            zf.writestr(name, text)
    return out.getvalue()


def write_netbox_dir(design: Design, catalog: Catalog, totals: Totals, directory) -> list[str]:
    """Write the files into ``directory`` (a ``pathlib.Path``); returns their names."""
    directory.mkdir(parents=True, exist_ok=True)
    files = netbox_files(design, catalog, totals)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return list(files)


__all__ = ["FILES", "HEADERS", "netbox_files", "netbox_zip", "slugify", "write_netbox_dir"]
