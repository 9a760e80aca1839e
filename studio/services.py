"""The only place that turns ORM rows into domain objects and back (designs come with their issue),
plus the work behind background jobs."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Prefetch
from django.utils import timezone

from catalog.source import get_catalog
from studio.domain import design as d
from studio.domain.catalog import KIND_CLASSES, KIND_LABELS, System
from studio.domain.designfile import DesignFileError, dump_fields, load_design, parse_design_text
from studio.domain.limits import size_problem

from .models import Design, DevicePlacement, RackPlacement

Progress = Callable[..., None]


def catalog_statistics(progress: Progress, kinds: list[str] | None = None, pace_s: float = 0.0) -> dict:
    """Summarise the catalog: items per kind, confidence mix, and the density of every system.

    Per system: GPUs, max kW, kW per GPU, dense FP8 (else BF16) PFLOPS per kW and HBM GB per kW —
    the figures a workshop compares first. ``pace_s`` sleeps between steps so that a demo shows
    the progress bar move; ``kinds`` limits the summary (an unknown kind is an error).
    """
    catalog = get_catalog()
    kinds = list(kinds or KIND_CLASSES)
    unknown = [k for k in kinds if k not in KIND_CLASSES]
    if unknown:
        raise ValueError(f"unknown catalog kind(s) {unknown}; expected some of {list(KIND_CLASSES)}")
    per_kind = []
    for index, kind in enumerate(kinds):
        items = [i for i in catalog if i.kind == kind]
        confidences = Counter(i.confidence for i in items)
        per_kind.append({"kind": kind, "label": KIND_LABELS[kind], "items": len(items),
                         "vendors": len({i.vendor for i in items}),
                         "confidence": {c: confidences.get(c, 0) for c in ("V", "V-3p", "M")}})
        progress(60 * (index + 1) / len(kinds), f"Counted {KIND_LABELS[kind].lower()}")
        if pace_s:
            time.sleep(pace_s)
    systems = []
    if "system" in kinds:
        found = [s for s in catalog.of_kind(System) if s.accelerators]
        for index, system in enumerate(found):
            acc = catalog.accelerator_of(system)
            kw = system.power_max_w / 1000
            pflops = (acc.fp8_dense_tflops or acc.bf16_dense_tflops) * system.accelerators / 1000
            systems.append({"slug": system.slug, "name": system.name, "gpus": system.accelerators,
                            "power_max_kw": round(kw, 2), "kw_per_gpu": round(kw / system.accelerators, 3),
                            "pflops_per_kw": round(pflops / kw, 3),
                            "hbm_gb_per_kw": round(acc.memory_gb * system.accelerators / kw, 1)})
            progress(60 + 40 * (index + 1) / len(found), f"Measured {system.name}")
        systems.sort(key=lambda s: -s["pflops_per_kw"])
    return {"items": len(catalog), "per_kind": per_kind, "systems": systems,
            "median_kw_per_gpu": round(statistics.median([s["kw_per_gpu"] for s in systems]), 3) if systems else None}


# --- designs: ORM rows ⇄ domain ----------------------------------------------------------


REFERENCE_DIR = Path(__file__).resolve().parent / "reference_designs"


class StaleVersion(Exception):
    """A write named a version of the design that is no longer the current one."""

    def __init__(self, current: int, what: str = ""):
        touched = f" ({what} changed there too)" if what else ""
        super().__init__(f"This design was changed elsewhere{touched}, now version {current}; "
                         "your view was refreshed.")
        self.current = current
        self.what = what


def designs_with_content():
    """Designs with racks and devices prefetched: three queries whatever the design's size."""
    return Design.objects.prefetch_related(
        Prefetch("racks", queryset=RackPlacement.objects.order_by("position", "id")
                 .prefetch_related(Prefetch("devices", queryset=DevicePlacement.objects.order_by("u", "id")))))


def rack_to_domain(rack: RackPlacement) -> d.RackPlacement:
    return d.RackPlacement(
        id=rack.label, model=rack.model, x_tiles=rack.x_tiles, y_tiles=rack.y_tiles, rotation=rack.rotation,
        cooling=rack.cooling, pdus=pdus_to_domain(rack.pdus),
        devices=tuple(d.DevicePlacement(dev.model, dev.u) for dev in rack.devices.all()), phase=rack.phase)


def pdus_to_domain(pdus: list[dict]) -> tuple[d.PduPlacement, ...]:
    return tuple(d.PduPlacement(p["model"], p.get("feed", "A")) for p in pdus)


def site_to_domain(row: Design) -> d.Site:
    return d.Site(width_m=row.width_m, depth_m=row.depth_m, tile_mm=row.tile_mm, it_power_kw=row.it_power_kw,
                  pue=row.pue, facility_power_kw=row.facility_power_kw,
                  cooling=d.SiteCooling(row.air_cooling_kw, row.liquid_cooling_kw),
                  floor_max_kg_per_m2=row.floor_max_kg_per_m2, redundancy=row.redundancy,
                  electricity_usd_per_kwh=row.electricity_usd_per_kwh)


def design_to_domain(row: Design) -> d.Design:
    """The domain design of a row (use ``designs_with_content()`` to fetch it without N+1 queries).

    Rows are trusted: every write path validates through the design file reader or the catalog.
    """
    return _assemble(row, tuple(rack_to_domain(r) for r in row.racks.all()))


def _assemble(row: Design, racks: tuple[d.RackPlacement, ...]) -> d.Design:
    """The domain design of ``row``'s own fields with ``racks``."""
    return d.Design(
        name=row.name, site=site_to_domain(row), racks=racks,
        fabrics={role: d.Fabric(**f) for role, f in (row.fabrics or {}).items()},
        storage=tuple(d.CountedItem(**s) for s in row.storage or ()),
        facility=tuple(d.CountedItem(**s) for s in row.facility or ()),
        workloads=tuple(d.Workload(**w) for w in row.workloads or ()))


def load_domain_design(row: Design) -> d.Design:
    """The domain design of ``row`` (whose own fields are current), its racks and devices read with one
    lean query (racks LEFT JOIN devices, as plain values: no model instances or prefetch machinery):
    what the editor needs on every edit a process has not seen the design's latest version of. Equal to
    ``design_to_domain(designs_with_content().get(pk=row.pk))`` (a test holds it to that). As with that
    load, a write landing between reading ``row`` and its racks can show in the racks: every save checks
    the version it was made on (``bump_version``), so such a state is never written back.

    Cost: one query and O(racks + devices) tuples; for a 4-rack design about 1.5 ms of CPU against
    3.7 ms for the prefetching load (PostgreSQL, measured in-process)."""
    rows = (RackPlacement.objects.filter(design_id=row.pk)
            .order_by("position", "id", "devices__u", "devices__id")
            .values_list("id", "label", "model", "x_tiles", "y_tiles", "rotation", "cooling", "pdus", "phase",
                         "devices__model", "devices__u"))
    racks: dict[int, tuple] = {}
    devices: dict[int, list] = {}
    for pk, *rack, device_model, u in rows:
        if pk not in racks:
            racks[pk], devices[pk] = tuple(rack), []
        if device_model is not None:
            devices[pk].append(d.DevicePlacement(device_model, u))
    return _assemble(row, tuple(
        d.RackPlacement(id=label, model=model, x_tiles=x, y_tiles=y, rotation=rotation, cooling=cooling,
                        pdus=pdus_to_domain(pdus), devices=tuple(devices[pk]), phase=phase)
        for pk, (label, model, x, y, rotation, cooling, pdus, phase) in racks.items()))


def bump_version(row: Design, expected: int, **fields) -> None:
    """The one version bump: ``UPDATE design SET version = version + 1, … WHERE id = … AND version =
    expected`` (with any other ``fields`` in the same statement); ``StaleVersion`` when another
    write came first. Sets the new version (and fields) on ``row``."""
    if row.version != expected:
        raise StaleVersion(row.version)
    updated = Design.objects.filter(pk=row.pk, version=expected).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields)
    if not updated:
        current = Design.objects.filter(pk=row.pk).values_list("version", flat=True).first()
        raise StaleVersion(current or expected)
    row.version = expected + 1
    for name, value in fields.items():
        setattr(row, name, value)


def design_fields(design: d.Design) -> dict:
    """The columns of the ``Design`` row that hold a domain design (name, site, the JSON lists)."""
    return {"name": design.name, **_site_fields(design.site), **_content_fields(design)}


def _rack_columns(rack: d.RackPlacement) -> dict:
    return {"model": rack.model, "x_tiles": rack.x_tiles, "y_tiles": rack.y_tiles, "rotation": rack.rotation,
            "cooling": rack.cooling, "pdus": [{"model": p.model, "feed": p.feed} for p in rack.pdus], "phase": rack.phase}


def save_difference(row: Design, expected: int, old: d.Design, new: d.Design) -> None:
    """Save an edit: bump the version (``bump_version``, with the design's changed columns in the
    same UPDATE) and write only the racks and devices that differ between ``old`` and ``new``.

    A moved rack is one UPDATE; a device moved within a rack is one UPDATE of its row; new racks
    take the position after the rack before them (the design's order is the file's order).
    """
    before, after = design_fields(old), design_fields(new)
    bump_version(row, expected, **{k: v for k, v in after.items() if before[k] != v})
    old_racks = {r.id: r for r in old.racks}
    new_ids = {r.id for r in new.racks}
    gone = [label for label in old_racks if label not in new_ids]
    if gone:
        RackPlacement.objects.filter(design=row, label__in=gone).delete()
    added = [(i, r) for i, r in enumerate(new.racks) if r.id not in old_racks]
    changed = [r for r in new.racks if r.id in old_racks and old_racks[r.id] is not r and old_racks[r.id] != r]
    for rack in changed:
        columns = _rack_columns(rack)
        was = _rack_columns(old_racks[rack.id])
        update = {k: v for k, v in columns.items() if was[k] != v}
        if update:
            RackPlacement.objects.filter(design=row, label=rack.id).update(**update)
    content = [r for r in changed if r.devices != old_racks[r.id].devices]
    if content:
        _save_devices(row, content, old_racks)
    if added:
        _add_racks(row, new, added)


def _save_devices(row: Design, racks: list[d.RackPlacement], old_racks: dict) -> None:
    """Devices of changed racks: a device whose (model, U) stays keeps its row; one that moved within
    its rack is updated; the rest are deleted or created."""
    labels = [r.id for r in racks]
    rack_ids = dict(RackPlacement.objects.filter(design=row, label__in=labels).values_list("label", "id"))
    rows: dict[str, list[tuple[int, str, int]]] = {label: [] for label in labels}
    for pk, label, model, u in (DevicePlacement.objects.filter(rack_id__in=rack_ids.values())
                                .order_by("u", "id").values_list("id", "rack__label", "model", "u")):
        rows[label].append((pk, model, u))
    deleted: list[int] = []
    created: list[DevicePlacement] = []
    for rack in racks:
        wanted = Counter((dev.model, dev.u) for dev in rack.devices)
        spare: list[tuple[int, str, int]] = []
        for pk, model, u in rows[rack.id]:
            if wanted[(model, u)]:
                wanted[(model, u)] -= 1
            else:
                spare.append((pk, model, u))
        for (model, u), count in wanted.items():
            for _ in range(count):
                same = next((s for s in spare if s[1] == model), None)
                if same is not None:
                    spare.remove(same)
                    DevicePlacement.objects.filter(pk=same[0]).update(u=u)
                else:
                    created.append(DevicePlacement(rack_id=rack_ids[rack.id], model=model, u=u))
        deleted.extend(pk for pk, _, _ in spare)
    if deleted:
        DevicePlacement.objects.filter(pk__in=deleted).delete()
    if created:
        DevicePlacement.objects.bulk_create(created)


def _add_racks(row: Design, new: d.Design, added: list[tuple[int, d.RackPlacement]]) -> None:
    """New racks at their place in the design's order: appended after the last position, or (undo
    of a delete) between their neighbours' positions, renumbering the racks when there is no gap."""
    first = added[0][0]
    if first >= len(new.racks) - len(added):  # all at the end
        top = RackPlacement.objects.filter(design=row).aggregate(top=Max("position"))["top"]
        start = 0 if top is None else top + 1
        _write_racks(row, [r for _, r in added], start)
        return
    positions = dict(RackPlacement.objects.filter(design=row).values_list("label", "position"))
    new_ids = {r.id for _, r in added}
    assigned: dict[str, int] = {}
    previous = -1
    for i, rack in enumerate(new.racks):
        if rack.id not in new_ids:
            previous = positions[rack.id]
            continue
        following = next((positions[r.id] for r in new.racks[i + 1:] if r.id not in new_ids), None)
        if following is not None and previous + 1 >= following:
            assigned = {}
            break
        previous += 1
        assigned[rack.id] = previous
    if len(assigned) == len(added):
        for _, rack in added:
            _write_racks(row, [rack], assigned[rack.id])
        return
    pks = dict(RackPlacement.objects.filter(design=row).values_list("label", "id"))
    RackPlacement.objects.bulk_update(  # no gap: renumber every rack in the design's order
        [RackPlacement(pk=pks[r.id], position=i) for i, r in enumerate(new.racks) if r.id not in new_ids],
        ["position"])
    index = {r.id: i for i, r in enumerate(new.racks)}
    for _, rack in added:
        _write_racks(row, [rack], index[rack.id])


def _site_fields(site: d.Site) -> dict:
    return {"width_m": site.width_m, "depth_m": site.depth_m, "tile_mm": site.tile_mm,
            "it_power_kw": site.it_power_kw, "pue": site.pue, "facility_power_kw": site.facility_power_kw,
            "air_cooling_kw": site.cooling.air_kw, "liquid_cooling_kw": site.cooling.liquid_kw,
            "floor_max_kg_per_m2": site.floor_max_kg_per_m2, "redundancy": site.redundancy,
            "electricity_usd_per_kwh": site.electricity_usd_per_kwh}


def _content_fields(design: d.Design) -> dict:
    return dump_fields(design, ["fabrics", "storage", "facility", "workloads"])


def _write_racks(row: Design, racks, start: int = 0) -> None:
    """Racks and their devices in bulk, at positions ``start``, ``start + 1``, …"""
    rack_rows = RackPlacement.objects.bulk_create([
        RackPlacement(design=row, label=r.id, position=start + i, **_rack_columns(r)) for i, r in enumerate(racks)])
    DevicePlacement.objects.bulk_create([
        DevicePlacement(rack=rack_row, model=dev.model, u=dev.u)
        for rack_row, r in zip(rack_rows, racks, strict=True) for dev in r.devices], batch_size=2000)


@transaction.atomic
def create_design(owner, design: d.Design, *, parent: Design | None = None, template: str = "") -> Design:
    """Save a domain design as a new design of ``owner`` (racks and devices in bulk)."""
    row = Design.objects.create(owner=owner, name=design.name, parent=parent, template=template,
                                **_site_fields(design.site), **_content_fields(design))
    _write_racks(row, design.racks)
    return row


@transaction.atomic
def replace_design(row: Design, design: d.Design, *, expected_version: int | None = None) -> Design:
    """Replace a design's whole content (import over an existing design); bumps the version
    (``bump_version``: ``StaleVersion`` when ``expected_version`` is no longer the current one)."""
    locked = Design.objects.select_for_update().get(pk=row.pk)
    bump_version(locked, locked.version if expected_version is None else expected_version, **design_fields(design))
    locked.racks.all().delete()
    _write_racks(locked, design.racks)
    return locked


def clone_as_scenario(row: Design, owner, name: str | None = None) -> Design:
    """A new design with the same content, linked to the original as one of its scenarios."""
    source = designs_with_content().get(pk=row.pk)
    domain = design_to_domain(source)
    domain = d.Design(**{**domain.__dict__, "name": name or f"{row.name} — scenario"})
    return create_design(owner, domain, parent=row.parent or row, template=row.template)


def reference_designs(catalog=None) -> list[dict]:
    """The shipped reference designs (``studio/reference_designs/*.json``): slug, name, design."""
    catalog = catalog or get_catalog()
    found = []
    for path in sorted(REFERENCE_DIR.glob("*.json")):
        design = parse_design_text(path.read_text(encoding="utf-8"), catalog)
        found.append({"slug": path.stem, "name": design.name, "design": design})
    return found


def create_from_reference(owner, slug: str, name: str | None = None) -> Design:
    known = {p.stem: p for p in REFERENCE_DIR.glob("*.json")}  # never a path built from the request
    if slug not in known:
        raise KeyError(f"unknown reference design '{slug[:60]}'")
    path = known[slug]
    design = parse_design_text(path.read_text(encoding="utf-8"), get_catalog())
    if name:
        design = d.Design(**{**design.__dict__, "name": name})
    return create_design(owner, design, template=slug)


def import_design_text(owner, text: str) -> Design:
    """Parse and save a design file; raises ``DesignFileError`` (with its JSON path) before saving,
    also when the design is larger than ``settings.STUDIO_DESIGN_SIZE`` allows."""
    return create_design(owner, check_size(parse_design_text(text, get_catalog())))


def import_design_data(owner, data) -> Design:
    return create_design(owner, check_size(load_design(data, get_catalog())))


def check_size(design: d.Design) -> d.Design:
    """``design`` when it is within the configured design size; ``DesignFileError`` naming the path otherwise."""
    problem = size_problem(design, settings.STUDIO_DESIGN_SIZE)
    if problem:
        raise DesignFileError(*problem)
    return design


__all__ = ["DesignFileError", "StaleVersion"]


# --- estimates carried in the design file (issue 10) ------------------------------------------


def estimates_for_export(row: Design) -> dict | None:
    """The design's latest finished estimate in the design file's ``estimates`` shape, or None."""
    import datetime as dt  # noqa: PLC0415 - keeps this module's imports as they were

    from .models import Job  # noqa: PLC0415

    job = (Job.objects.filter(kind="estimate", state=Job.SUCCEEDED, params__design=str(row.code))
           .exclude(result=None).only("result", "finished_at").first())
    if job is None:
        return None
    finished = job.finished_at.astimezone(dt.UTC).isoformat() if job.finished_at else ""
    return {"result": job.result, "finished_at": finished, "stale": job.result.get("version") != row.version}


def attach_imported_estimates(row: Design, owner, estimates: dict | None):
    """Record the estimate a design file carried as a finished estimate job of the imported design
    (``estimates`` from ``designfile.load_estimates``); stale when it was stale at export."""
    if not estimates:
        return None
    import datetime as dt  # noqa: PLC0415

    from django.utils import timezone  # noqa: PLC0415

    from .models import Job  # noqa: PLC0415

    try:
        finished = dt.datetime.fromisoformat(estimates.get("finished_at") or "")
        if timezone.is_naive(finished):
            finished = timezone.make_aware(finished, dt.UTC)
    except ValueError:
        finished = timezone.now()
    result = dict(estimates["result"])
    result["version"] = 0 if estimates.get("stale") else row.version
    return Job.objects.create(owner=owner, kind="estimate", state=Job.SUCCEEDED, progress=100,
                              message="Carried in the imported design file", result=result,
                              params={"design": str(row.code), "version": row.version, "imported": True},
                              started_at=finished, finished_at=finished, heartbeat_at=finished)
