"""Scenarios side by side, and the presentation view for a projector."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog.source import get_catalog

from .. import editing, svg
from ..models import Design, Job
from .designs import _get_design_for_user

# The rows of the comparison: (label, getter on the totals, unit, decimals, "higher is better"?)
ROWS = [
    ("GPUs", lambda t: t.gpus, "", 0),
    ("Systems", lambda t: t.systems, "", 0),
    ("Racks", lambda t: t.racks, "", 0),
    ("IT power (max)", lambda t: t.it_kw_max, "kW", 1),
    ("IT power (typical)", lambda t: t.it_kw_typical, "kW", 1),
    ("Facility power (× PUE)", lambda t: t.facility_kw, "kW", 1),
    ("Heat to air", lambda t: t.heat_air_kw, "kW", 1),
    ("Heat to liquid", lambda t: t.heat_liquid_kw, "kW", 1),
    ("Weight", lambda t: t.weight_kg, "kg", 0),
    ("Switches placed", lambda t: t.switches_placed, "", 0),
    ("Errors", lambda t: t.findings.get("error", 0), "", 0),
    ("Warnings", lambda t: t.findings.get("warning", 0), "", 0),
]


def family(row: Design, user) -> list[Design]:
    """The design, its parent and its siblings (scenarios of the same root) the user can see."""
    root_id = row.parent_id or row.pk
    visible = Q(owner=user) | Q(members__user=user)
    return list(Design.objects.filter(Q(pk=root_id) | Q(parent_id=root_id)).filter(visible).distinct()
                .order_by("created_at"))


def latest_estimate(design: Design) -> dict | None:
    """Headline figures of the design's latest finished estimate (summed over its workloads)."""
    job = (Job.objects.filter(kind="estimate", state=Job.SUCCEEDED, params__design=str(design.code))
           .only("result", "finished_at").first())
    if job is None or not job.result:
        return None
    inference = [r["inference"] for r in job.result.get("results", []) if r.get("inference")]
    training = [r["training"] for r in job.result.get("results", []) if r.get("training")]
    return {
        "output_tokens_per_s": sum(i["output_tokens_per_s"] for i in inference) if inference else None,
        "tokens_per_joule": inference[0]["tokens_per_joule"] if inference else None,
        "usd_per_million_tokens": inference[0]["usd_per_million_tokens"] if inference else None,
        "training_tokens_per_s": sum(t["tokens_per_s"] for t in training) if training else None,
        "stale": job.result.get("version") != design.version,
    }


@require_GET
def compare(request, code):
    row = _get_design_for_user(request, code)
    members = family(row, request.user)
    by_code = {str(m.code): m for m in members}
    wanted = [c for c in request.GET.getlist("with") if c in by_code and c != str(row.code)]
    chosen = [row] + [by_code[c] for c in dict.fromkeys(wanted)]
    catalog = get_catalog()
    columns = []
    for design in chosen:
        state = editing.load_state(design, catalog)
        columns.append({"design": design, "totals": state.report.totals, "estimate": latest_estimate(design)})
    rows = []
    for label, get, unit, digits in ROWS:
        values = [get(c["totals"]) for c in columns]
        base = values[0]
        rows.append({"label": label, "unit": unit, "digits": digits,
                     "cells": [{"value": v, "differs": i > 0 and v != base,
                                "delta": (v - base) if i > 0 else None} for i, v in enumerate(values)]})
    return render(request, "designs/compare.html", {
        "design": row, "family": members, "chosen": {str(c.code) for c in chosen}, "columns": columns,
        "rows": rows, "can_compare": len(chosen) >= 2})


@require_GET
def present(request, code):
    row = _get_design_for_user(request, code)
    catalog = get_catalog()
    state = editing.load_state(row, catalog)
    return render(request, "designs/present.html", {
        "design": row, "totals": state.report.totals,
        "floor_svg": svg.floor_svg(catalog, state.design, state.report.findings, element_id="present-svg",
                                   css_class="floor-svg present-svg")})
