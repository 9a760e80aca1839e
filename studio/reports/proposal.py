"""The PDF proposal of a design: WeasyPrint from the Django template ``proposal/document.html``.

Every number in it is one the studio already shows, computed by the same function:
- the design's totals and findings: ``studio.domain.rules`` (the editor's validation; for a design
  row ``editing.load_state``, the editor's very state);
- the bill of materials: ``studio.domain.bom.bill_of_materials`` on those totals (the BOM page);
- the estimate: the estimate job's result JSON (``studio.estimating.estimate_result``: the estimates
  page's table, frontier, latency curves and scaling path, the same as ``manage.py scaling``);
- the drawings: ``studio.svg`` (the editor's floor plan and rack elevations), styled with the
  editor's own CSS rules (``static/css/studio.css``) embedded into each drawing.
The charts are drawn as SVG from the result JSON (``proposal_charts``). This module only arranges.

``render_pdf(inputs)`` makes the document; ``proposal_job`` runs it as a background job for a
design row and ``manage.py proposal`` for a design file.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from studio import svg
from studio.domain.bom import POWER_LABELS, BillOfMaterials, bill_of_materials
from studio.domain.catalog import Catalog, System
from studio.domain.design import Design
from studio.domain.rules import Report

from .proposal_charts import proposal_charts

#: Paper sizes offered: the CSS ``@page size`` keyword of each.
PAPERS = {"a4": "A4", "letter": "letter"}
PAPER_LABELS = {"a4": "A4 (210 × 297 mm)", "letter": "US Letter (8.5 × 11 in)"}
DEFAULT_PAPER = "a4"
MAX_FINDINGS_PER_CODE = 20  # a hall of 2,000 racks can repeat one finding per rack: the rest are named in one row
SUMMARY_FINDINGS = 8  # errors and warnings listed on the summary page (all of them under Findings)
MAX_RACK_LABELS = 24  # identical racks share one elevation; past this many ids the caption gives a count
CSS_PATH = Path(settings.BASE_DIR) / "static" / "css" / "studio.css"
ACCENT_VAR = re.compile(r"var\(--studio-accent\)")


@dataclass
class ProposalInputs:
    """What one proposal is made of: the design, its validation, the estimate result JSON (None when
    the design has no workloads or the estimate failed, ``estimate_note`` says which) and the cover."""

    design: Design
    report: Report
    catalog: Catalog
    result: dict | None = None
    estimate_note: str = ""
    customer: str = ""
    author: str = ""
    made_on: dt.date = field(default_factory=dt.date.today)
    version: int | None = None
    paper: str = DEFAULT_PAPER


@dataclass
class RenderedProposal:
    pdf: bytes
    pages: int
    seconds: float


# --- drawings -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def drawing_css() -> str:
    """The editor's CSS rules for its drawings (``.floor-svg …``, ``.elevation-svg …``) as one
    stylesheet to embed in an SVG, the accent colour resolved; editor controls hidden."""
    text = CSS_PATH.read_text(encoding="utf-8")
    accent = re.search(r"--studio-accent:\s*([^;]+);", text)
    rules = [line for line in text.splitlines()
             if line.startswith((".floor-svg .", ".elevation-svg .")) and ":hover" not in line
             and "@keyframes" not in line and "cursor" not in line.split("{", 1)[0]]
    css = "\n".join(rules)
    css = ACCENT_VAR.sub(accent.group(1).strip() if accent else "#0b5cad", css)
    return css + "\n.dev-remove, .drop-ghost { display: none; }\ntext { font-family: Liberation Sans, sans-serif; }"


def data_uri(drawing: str, *, styled: bool = False) -> str:
    """An SVG string as a ``data:`` URI for ``<img>`` (WeasyPrint draws it as vectors); ``styled``
    embeds the editor's drawing CSS (the studio.svg drawings carry classes, not colours)."""
    if styled:
        drawing = drawing.replace(">", f"><style>{drawing_css()}</style>", 1)
    return "data:image/svg+xml;base64," + base64.b64encode(drawing.encode("utf-8")).decode("ascii")


def elevation_groups(design: Design, catalog: Catalog) -> list[dict]:
    """Racks with identical contents drawn once, in design order: ``{"labels", "more", "rack", "src"}``."""
    groups: dict[tuple, dict] = {}
    for rack in design.racks:
        key = (rack.model, rack.cooling, rack.pdus, rack.devices)
        if key not in groups:
            groups[key] = {"labels": [], "rack": rack, "model": svg.lookup(catalog, rack.model),
                           "src": data_uri(svg.elevation_svg(catalog, rack), styled=True)}
        groups[key]["labels"].append(rack.id)
    out = list(groups.values())
    for g in out:
        g["count"] = len(g["labels"])
        g["more"] = max(0, g["count"] - MAX_RACK_LABELS)
        g["labels"] = g["labels"][:MAX_RACK_LABELS]
    return out


# --- sections -----------------------------------------------------------------------------------


def _used(value: float, limit: float) -> dict:
    pct = 100 * value / limit if limit else None
    return {"value": value, "limit": limit, "pct": pct, "bar": min(100.0, pct or 0.0),
            "over": bool(limit and value > limit + 1e-9)}


def budget_rows(design: Design, report: Report) -> list[dict]:
    """The site's limits against what the design draws (the numbers the site rules compare)."""
    site, t = design.site, report.totals
    return [
        {"label": "IT power (maximum draw)", "unit": "kW", **_used(t.it_kw_max, site.it_power_kw)},
        {"label": "IT power (typical draw)", "unit": "kW", **_used(t.it_kw_typical, site.it_power_kw)},
        {"label": f"Facility power (IT max × PUE {site.pue:g})", "unit": "kW",
         **_used(t.facility_kw, site.facility_power_kw)},
        {"label": "Heat to room air", "unit": "kW", **_used(t.room_air_kw, site.cooling.air_kw)},
        {"label": "Heat to facility water", "unit": "kW", **_used(t.facility_liquid_kw, site.cooling.liquid_kw)},
    ]


def findings_table(report: Report) -> list[dict]:
    """Every finding, by severity then code; past ``MAX_FINDINGS_PER_CODE`` of one code the rest
    are one row naming their subjects."""
    rows, per_code = [], {}
    for f in report.findings:
        per_code.setdefault((f.severity, f.code), []).append(f)
    for (severity, code), items in per_code.items():
        rows += [{"severity": severity, "code": code, "subject": f.subject, "message": f.message}
                 for f in items[:MAX_FINDINGS_PER_CODE]]
        rest = items[MAX_FINDINGS_PER_CODE:]
        if rest:
            rows.append({"severity": severity, "code": code, "subject": f"{len(rest)} more",
                         "message": "The same finding for " + ", ".join(f.subject for f in rest) + "."})
    return rows


def fabric_rows(design: Design, report: Report, catalog: Catalog) -> list[dict]:
    """One row per fabric: switch model, topology and the one sizer's leaf/spine/core (validate's totals)."""
    rows = []
    for role, plan in report.totals.switches.items():
        fabric = design.fabrics.get(role)
        item = catalog.get(plan["model"]) if plan.get("model") in catalog else None
        rows.append({"role": role, "model": plan.get("model"), "name": item.name if item else plan.get("model"),
                     "topology": getattr(fabric, "topology", "") or "",
                     "oversubscription": getattr(fabric, "oversubscription", None),
                     "leaf": plan.get("leaf", 0), "spine": plan.get("spine", 0), "core": plan.get("core", 0),
                     "tiers": plan.get("tiers"), "placed": plan.get("placed", 0)})
    return rows


def catalog_sources(design: Design, catalog: Catalog, bom: BillOfMaterials) -> list[dict]:
    """Every catalog item whose numbers the proposal uses (what the design places, its fabrics,
    storage, facility units, workload models, the BOM's lines and the GPUs of its systems) with the
    source and confidence of its numbers, the fields that have their own source, and its price source."""
    slugs: list[str] = []
    for rack in design.racks:
        slugs += [rack.model, rack.cooling] + [p.model for p in rack.pdus] + [d.model for d in rack.devices]
    slugs += [f.model for f in design.fabrics.values()] + [s.model for s in design.storage]
    slugs += [f.model for f in design.facility] + [w.model for w in design.workloads if w.model]
    slugs += [line.slug for line in bom.lines if line.slug]
    for slug in list(dict.fromkeys(slugs)):
        item = catalog.get(slug) if slug in catalog else None
        if isinstance(item, System) and item.accelerator:
            slugs.append(item.accelerator)
    out = []
    for slug in dict.fromkeys(slugs):
        if slug not in catalog:
            continue
        item = catalog.get(slug)
        own = [{"field": name.replace("_", " "), "source": fs.source, "confidence": fs.confidence}
               for name, fs in sorted(item.field_sources.items())
               if (fs.source, fs.confidence) != (item.source, item.confidence)]
        out.append({"slug": slug, "name": item.name, "kind": item.kind, "source": item.source,
                    "confidence": item.confidence, "fields": own, "price": item.price})
    return sorted(out, key=lambda s: (s["kind"], s["slug"]))


def workload_rows(result: dict | None) -> list[dict]:
    """The estimates page's table rows (``estimates/_results.html``), one per workload result."""
    return list((result or {}).get("results", []))


def proposal_context(inputs: ProposalInputs) -> dict:
    """Everything ``proposal/document.html`` shows."""
    design, report, catalog, result = inputs.design, inputs.report, inputs.catalog, inputs.result
    totals = report.totals
    bom = bill_of_materials(design, catalog, totals)
    site = design.site
    charts = proposal_charts(result, site.it_power_kw, site.facility_power_kw) if result else []
    for chart in charts:
        chart["src"] = data_uri(chart.pop("svg"))
    scaling = (result or {}).get("scaling")
    workloads = workload_rows(result)
    errors = [f for f in report.findings if f.severity == "error"]
    warnings = [f for f in report.findings if f.severity == "warning"]
    floor = svg.floor_svg(catalog, design, report.findings, element_id="proposal-floor")
    return {
        "inputs": inputs, "design": design, "site": site, "totals": totals, "report": report,
        "paper": PAPERS.get(inputs.paper, PAPERS[DEFAULT_PAPER]), "result": result,
        "workloads": workloads, "charts": charts, "scaling": scaling,
        "latency_bands": any((r.get("inference") or {}).get("ttft_band") for r in workloads),
        "first_wall": (scaling or {}).get("first_wall"),
        "bom": bom, "bom_sections": [{"name": s, "lines": bom.section(s), "usd": bom.section_usd(s)}
                                     for s in bom.sections],
        "power": [{"label": label, "value": bom.power[key], "unit": unit} for key, label, unit in POWER_LABELS],
        "budget": budget_rows(design, report), "floor_src": data_uri(floor, styled=True),
        "floor_area_m2": site.width_m * site.depth_m,
        "elevations": elevation_groups(design, catalog), "fabrics": fabric_rows(design, report, catalog),
        "findings": findings_table(report), "errors": errors, "warnings": warnings,
        "summary_findings": (errors + warnings)[:SUMMARY_FINDINGS],
        "more_findings": len(errors) + len(warnings) > SUMMARY_FINDINGS,
        "sources": catalog_sources(design, catalog, bom),
        "it_mw_max": totals.it_kw_max / 1000, "it_mw_typical": totals.it_kw_typical / 1000,
        "facility_mw": totals.facility_kw / 1000,
    }


def render_html(inputs: ProposalInputs) -> str:
    return render_to_string("proposal/document.html", proposal_context(inputs))


def render_pdf(inputs: ProposalInputs, progress=None) -> RenderedProposal:
    """The proposal as PDF bytes, with its page count and the seconds it took."""
    import weasyprint  # noqa: PLC0415 - heavy; only the PDF needs it

    started = time.perf_counter()
    step = progress or (lambda pct, msg="": None)
    step(60, "Writing the document")
    html = render_html(inputs)
    step(70, "Laying out the pages")
    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    step(92, f"Writing {len(document.pages)} pages")
    pdf = document.write_pdf()
    return RenderedProposal(pdf=pdf, pages=len(document.pages), seconds=time.perf_counter() - started)
