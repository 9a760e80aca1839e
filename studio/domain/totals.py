"""The design's totals, computed once in the domain (``studio.domain.rules.validate``) and shown
as they are by the editor, the PDF, ``manage.py validate`` and the bill of materials.

Power: ``it_kw_max`` is the planning basis (validation, site walls, "what fits", the scaling path);
``it_kw_typical`` is shown beside it and used for energy and cost.
Heat: ``heat_air_kw`` / ``heat_liquid_kw`` are the very numbers the site cooling rule checks
(``rules.site.site_cooling``): heat the room's air handling removes, and heat into facility water
(cold plates, plus air heat a rear door captures). ``room_air_kw`` / ``facility_liquid_kw`` repeat
them under the rule's names.
Network: ``switches[role]`` = ``{"model", "leaf", "spine", "core", "placed", "tiers"}`` from the one
fabric sizer (``studio.domain.fabric``) for each fabric (compute, storage, inband, oob);
``cables`` and ``transceivers`` count every fabric's links by media (``dac``, ``multimode``,
``singlemode`` by floor-plan reach, ``rj45`` for out-of-band, ``unplaced`` when no rack holds the
fabric's switches): an optical cable has two transceivers. ``fabric_links[role]`` =
``{"model", "speed_gbps", "cables": {media: n}, "transceivers": {media: n}}`` splits them per fabric
at the speed its links run (the bill of materials prices each fabric's optics at it); summed over
the fabrics they are ``cables`` and ``transceivers``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Totals:
    gpus: int = 0
    systems: int = 0
    racks: int = 0
    it_kw_max: float = 0.0  # every rack at max power, plus unplaced switches and storage
    it_kw_typical: float = 0.0
    racks_kw_max: float = 0.0  # the racks alone
    heat_air_kw: float = 0.0  # heat the room's air handling removes (= room_air_kw, the site rule's number)
    heat_liquid_kw: float = 0.0  # heat into facility water (= facility_liquid_kw)
    room_air_kw: float = 0.0  # heat the room's air handling removes
    facility_liquid_kw: float = 0.0  # heat into facility water (cold plates + rear doors)
    weight_kg: float = 0.0
    facility_kw: float = 0.0  # IT max × PUE
    switches: dict = field(default_factory=dict)  # role -> {"model", "leaf", "spine", "core", "placed", "tiers"}
    switches_placed: int = 0
    cables: dict = field(default_factory=dict)  # media -> count
    transceivers: dict = field(default_factory=dict)  # media -> count
    fabric_links: dict = field(default_factory=dict)  # role -> {"model", "speed_gbps", "cables", "transceivers"}
    storage: dict = field(default_factory=dict)  # appliances, read_gb_s, write_gb_s, capacity_tb
    findings: dict = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})

    def as_dict(self) -> dict:
        return {
            "gpus": self.gpus, "systems": self.systems, "racks": self.racks,
            "it_kw_max": self.it_kw_max, "it_kw_typical": self.it_kw_typical, "racks_kw_max": self.racks_kw_max,
            "heat_air_kw": self.heat_air_kw, "heat_liquid_kw": self.heat_liquid_kw,
            "room_air_kw": self.room_air_kw, "facility_liquid_kw": self.facility_liquid_kw,
            "weight_kg": self.weight_kg, "facility_kw": self.facility_kw,
            "switches": {role: dict(v) for role, v in self.switches.items()},
            "switches_placed": self.switches_placed,
            "cables": dict(self.cables), "transceivers": dict(self.transceivers),
            "fabric_links": {role: {k: dict(v) if isinstance(v, dict) else v for k, v in links.items()}
                             for role, links in self.fabric_links.items()},
            "storage": dict(self.storage), "findings": dict(self.findings),
        }
