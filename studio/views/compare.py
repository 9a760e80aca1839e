"""Scenarios side by side, and the presentation (the design as a story) for a projector."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog.source import get_catalog
from studio.domain.bom import bill_of_materials
from studio.domain.phases import phase_timeline, phases_of

from .. import editing, svg
from ..estimating import workload_label
from ..models import Design, Job
from ..reports.charts import frontier_chart, scaling_chart, scenario_frontier_chart, throughput_chart
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
    """The design's latest finished estimate, per workload: ``{"stale", "by_workload": {label: {...}}}``;
    a serving workload's figures carry its throughput–interactivity ``frontier`` (the result's
    ``frontiers[id]``, None when the estimate has none for it).

    Each workload used the whole cluster, so throughputs of different workloads are never added up;
    a workload estimated on two system types appears once per system ("Chat · llama-3.1-70b on dgx-b200").
    """
    job = (Job.objects.filter(kind="estimate", state=Job.SUCCEEDED, params__design=str(design.code))
           .only("result", "finished_at").first())
    if job is None or not job.result:
        return None
    frontiers = job.result.get("frontiers") or {}
    results = [r for r in job.result.get("results", []) if r.get("inference") or r.get("training")]
    systems_of: dict[str, set] = {}
    for r in results:
        systems_of.setdefault(r.get("label") or r["id"], set()).add(r.get("system"))
    by_workload: dict[str, dict] = {}
    for r in results:
        label = r.get("label") or r["id"]
        if len(systems_of[label]) > 1:
            label = f"{label} on {r.get('system')}"
        inf, tr = r.get("inference"), r.get("training")
        by_workload[label] = {
            "kind": "inference" if inf else "training", "system": r.get("system"), "gpus": r.get("gpus"),
            "output_tokens_per_s": inf["output_tokens_per_s"] if inf else None,
            "tokens_per_joule": inf["tokens_per_joule"] if inf else None,
            "usd_per_million_tokens": inf["usd_per_million_tokens"] if inf else None,
            "training_tokens_per_s": tr["tokens_per_s"] if tr else None,
            "time_to_train_s": tr.get("time_to_train_s") if tr else None,
            "frontier": frontiers.get(r["id"]) if inf else None,
        }
    return {"stale": job.result.get("version") != design.version, "by_workload": by_workload}


# The figures compared per workload: (key, label, unit, decimals, kind of workload it applies to)
ESTIMATE_FIGURES = [
    ("output_tokens_per_s", "Output tokens/s (whole deployment)", "", 0, "inference"),
    ("tokens_per_joule", "Tokens per joule", "", 2, "inference"),
    ("usd_per_million_tokens", "Cost", "$ per M output tokens", 3, "inference"),
    ("training_tokens_per_s", "Training tokens/s", "", 0, "training"),
    ("time_to_train_s", "Time to train", "", 0, "training"),
]


def totals_rows(columns: list[dict]) -> list[dict]:
    """The comparison's rows of totals (``ROWS``), one cell per column, each marked where it differs from
    the first column, with its difference: the owner's comparison and a comparison link show these."""
    rows = []
    for label, get, unit, digits in ROWS:
        values = [get(c["totals"]) for c in columns]
        rows.append({"label": label, "unit": unit, "digits": digits,
                     "cells": [{"value": v, "differs": i > 0 and v != values[0],
                                "delta": (v - values[0]) if i > 0 else None} for i, v in enumerate(values)]})
    return rows


def estimate_rows(columns: list[dict]) -> list[dict]:
    """The comparison's estimate rows, grouped by workload (labelled), one cell per column.

    Workloads are matched by their label across scenarios (a clone keeps its workloads' labels); a
    scenario without that workload, or without an estimate, shows a dash.
    """
    labels: dict[str, str] = {}
    for c in columns:
        for label, figures in ((c.get("estimate") or {}).get("by_workload") or {}).items():
            labels.setdefault(label, figures["kind"])
    groups = []
    for label, kind in labels.items():
        rows = []
        for key, name, unit, digits, applies in ESTIMATE_FIGURES:
            if applies != kind:
                continue
            cells = []
            for c in columns:
                figures = ((c.get("estimate") or {}).get("by_workload") or {}).get(label)
                cells.append({"value": figures.get(key) if figures else None,
                              "stale": bool(figures and c["estimate"]["stale"]), "days": key == "time_to_train_s"})
            rows.append({"label": name, "unit": unit, "digits": digits, "cells": cells})
        groups.append({"workload": label, "kind": kind, "rows": rows})
    return groups


def frontier_overlays(columns: list[dict]) -> list[dict]:
    """For each serving workload (matched by label, as in ``estimate_rows``) that has a frontier in at
    least one compared scenario: one chart with every scenario's frontier overlaid, and the scenarios
    that have no curve on it, each with the reason, and the scenarios whose curves coincide:
    ``[{"workload", "chart": {"id", "figure"}, "stale": [design], "missing": [{"design", "why"}],
    "same": [[name, …]]}]``.

    Worked example: baseline estimated with 'Chat 8B' and 'RAG 8B', its clone not estimated → two
    charts, each with the baseline's curve and the clone listed as 'no estimate yet'.
    """
    labels: list[str] = []
    for c in columns:
        for label, figures in ((c.get("estimate") or {}).get("by_workload") or {}).items():
            if (figures.get("frontier") or {}).get("points") and label not in labels:
                labels.append(label)
    overlays = []
    for n, label in enumerate(labels):
        scenarios, stale, missing = [], [], []
        for c in columns:
            estimate = c.get("estimate")
            figures = ((estimate or {}).get("by_workload") or {}).get(label)
            if estimate is None:
                missing.append({"design": c["design"], "why": "no estimate yet"})
            elif figures is None:
                missing.append({"design": c["design"], "why": "this workload is not in its latest estimate"})
            elif not (figures.get("frontier") or {}).get("points"):
                missing.append({"design": c["design"], "why": "its estimate has no frontier for this workload"})
            else:
                scenarios.append({"name": c["design"].name, "frontier": figures["frontier"],
                                  "stale": estimate["stale"]})
                if estimate["stale"]:
                    stale.append(c["design"])
        overlays.append({"workload": label, "stale": stale, "missing": missing, "same": same_curves(scenarios),
                         "chart": {"id": f"chart-frontier-{n + 1}", "figure": scenario_frontier_chart(label, scenarios)}})
    return overlays


def same_curves(scenarios: list[dict]) -> list[list[str]]:
    """The names of scenarios whose frontiers are the same points (per GPU, a half pod of the same
    system is the same curve): each group of two or more, so the page can say why one curve hides
    another. O(scenarios × points)."""
    groups: dict[str, list[str]] = {}
    for s in scenarios:
        key = repr([(p["tokens_per_s_per_user"], p["tokens_per_s_per_gpu"]) for p in s["frontier"]["points"]])
        groups.setdefault(key, []).append(s["name"])
    return [names for names in groups.values() if len(names) > 1]


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
    return render(request, "designs/compare.html", {
        "design": row, "family": members, "chosen": {str(c.code) for c in chosen}, "columns": columns,
        "rows": totals_rows(columns), "estimate_groups": estimate_rows(columns), "can_compare": len(chosen) >= 2,
        "frontier_overlays": frontier_overlays(columns) if len(chosen) >= 2 else []})


def budget_rows(totals, site) -> list[dict]:
    """The power and cooling budget: each demand against the site's limit, as a share (None: no limit).

    Worked example: 1,151 kW IT (max) against a 1,500 kW site limit → 77 % ('ok'); above 100 % → 'over'.
    """
    rows = [("IT power (max)", totals.it_kw_max, site.it_power_kw),
            ("Facility power (IT × PUE)", totals.facility_kw, site.facility_power_kw),
            ("Heat to air", totals.heat_air_kw, site.cooling.air_kw),
            ("Heat to liquid", totals.heat_liquid_kw, site.cooling.liquid_kw)]
    out = []
    for label, value, limit in rows:
        share = 100.0 * value / limit if limit else None
        level = None if share is None else ("over" if share > 100 else "high" if share > 85 else "ok")
        out.append({"label": label, "value_kw": value, "limit_kw": limit or None, "pct": share,
                    "bar_pct": min(share, 100.0) if share is not None else 0, "level": level})
    return out


def _estimate_story(design: Design) -> dict:
    """The latest finished estimate's slides: results, frontier and scaling charts, first wall."""
    job = (Job.objects.filter(kind="estimate", state=Job.SUCCEEDED, params__design=str(design.code))
           .exclude(result=None).first())
    if job is None:
        return {"job": None}
    result = job.result
    results = [r for r in result.get("results", []) if r.get("inference") or r.get("training")]
    labels = {r.get("id"): r.get("label") or r.get("id") for r in result.get("results", [])}
    frontier = frontier_chart(result.get("frontiers", {}), labels)
    scaling = result.get("scaling")
    return {"job": job, "results": results, "stale": result.get("version") != design.version,
            "frontier": frontier, "throughput": throughput_chart(results) if not frontier else None,
            "scaling": scaling, "scaling_chart": scaling_chart(scaling, design.it_power_kw, design.facility_power_kw,
                                                   result.get("phases"))
            if scaling else None}


@require_GET
def present(request, code):
    """The design as a story, one slide at a time: workload and target, the hall, the power and cooling
    budget, throughput and the frontier, the scaling path and its first wall, cost and capex, and the
    findings left open. ←/→ move, Home/End jump, F goes full screen; the same slides print one a page."""
    row = _get_design_for_user(request, code)
    catalog = get_catalog()
    state = editing.load_state(row, catalog)
    totals = state.report.totals
    bom = bill_of_materials(state.design, catalog, totals)
    open_findings = [f for f in state.report.findings if f.severity in ("error", "warning")]
    workloads = [{**vars(w), "label": workload_label(w, f"workload {i + 1}")}
                 for i, w in enumerate(state.design.workloads)]
    story = _estimate_story(row)
    timeline = phase_timeline(state.design, catalog) if len(phases_of(state.design)) > 1 else None
    return render(request, "designs/present.html", {
        "design": row, "totals": totals, "site": state.design.site, "workloads": workloads,
        "budget": budget_rows(totals, state.design.site), "story": story, "phases": timeline,
        "capex_usd": bom.capex_usd, "unpriced": sum(1 for line in bom.lines if line.extended_usd is None),
        "open_findings": open_findings[:14], "more_findings": max(0, len(open_findings) - 14),
        "floor_svg": svg.floor_svg(catalog, state.design, state.report.findings, element_id="present-svg",
                                   css_class="floor-svg present-svg")})
