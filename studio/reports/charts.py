"""Plotly figures of an estimate, built in Python from the job's result JSON.

Each function returns a plain figure dict (``fig.to_plotly_json`` shape) that the page embeds with
``json_script`` and ``static/js/charts.js`` draws; the same dicts can be exported to SVG for the PDF.
"""

from __future__ import annotations

import json
import math

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from catalog.source import get_catalog
from studio.domain.perf.energy import DEFAULT_PUE, facility_power
from studio.domain.perf.layouts import config_label
from studio.domain.placement import placement_label

ACCENT = "#0b5cad"
PALETTE = ["#0b5cad", "#5aa0e0", "#8c6d1f", "#9aa5b1", "#b4451f", "#2f7d4f"]
# the palette reordered so that neighbouring curves differ in hue (scenarios overlaid on one chart)
DISTINCT = ["#0b5cad", "#b4451f", "#2f7d4f", "#8c6d1f", "#5aa0e0", "#9aa5b1"]
BREAKDOWN_PARTS = (("compute_s", "Compute"), ("memory_s", "Memory"), ("communication_s", "Communication"),
                   ("bubble_s", "Pipeline bubble"), ("overhead_s", "Overhead"))
WALL_COLOURS = {"new fabric tier": "#6c757d", "site power exhausted": "#b4451f",
                "site cooling exhausted": "#8c6d1f", "floor space exhausted": "#5b3fa0"}


FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
TEXT_COLOUR = "#22303f"  # the studio's body text (static/css/studio.css)
GRID_COLOUR = "#e9edf2"
LEGEND_BAND_PX = 56  # room under the x axis for a legend of up to two rows (12 px type)

# The studio's one Plotly template: type, palette, margins, axes; the title sits at the top left of the
# figure and the legend at its bottom edge, each in a band of its own (``yref: container``), so that
# neither is drawn over an axis title, a subplot title or the other.
STUDIO_TEMPLATE = go.layout.Template(layout={
    "font": {"family": FONT_FAMILY, "size": 12, "color": TEXT_COLOUR},
    "colorway": PALETTE,
    "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff",
    "title": {"x": 0, "xref": "container", "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top",
              "pad": {"t": 12, "l": 12}, "font": {"size": 15, "color": TEXT_COLOUR}, "automargin": True},
    "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yref": "container", "yanchor": "bottom",
               "font": {"size": 12}, "bgcolor": "rgba(255,255,255,0)", "itemclick": "toggle"},
    "margin": {"l": 64, "r": 24, "t": 56, "b": 48 + LEGEND_BAND_PX, "pad": 2},
    "xaxis": {"showline": True, "linecolor": "#9aa5b1", "ticks": "outside", "tickcolor": "#9aa5b1",
              "gridcolor": GRID_COLOUR, "zeroline": False, "automargin": True, "title": {"standoff": 8}},
    "yaxis": {"showline": True, "linecolor": "#9aa5b1", "ticks": "outside", "tickcolor": "#9aa5b1",
              "showgrid": True, "gridcolor": GRID_COLOUR, "zeroline": False, "automargin": True,
              "title": {"standoff": 8}},
    "hoverlabel": {"font": {"family": FONT_FAMILY, "size": 12}},
    "annotationdefaults": {"font": {"size": 12, "color": TEXT_COLOUR}},
})
SUBPLOT_TITLE_SIZE = 13


def _layout(fig: go.Figure, title: str, height: int = 340, **kw) -> dict:
    """The figure in the studio's template, as the plain dict the page embeds."""
    legend = kw.pop("showlegend", any(trace.showlegend is not False for trace in fig.data) and len(fig.data) > 1)
    margin = {**({} if legend else {"b": 56}), **kw.pop("margin", {})}  # no legend: no band for it
    fig.update_layout(template=STUDIO_TEMPLATE, title={"text": title}, height=height, showlegend=legend,
                      margin=margin, **kw)
    for annotation in fig.layout.annotations or ():  # subplot titles: a size below the figure's title
        if annotation.font.size is None:
            annotation.font.size = SUBPLOT_TITLE_SIZE
    return json.loads(fig.to_json())


def spans_decades(values, decades: float = 2.0) -> bool:
    """Whether positive ``values`` span at least ``decades`` powers of ten (then a log axis reads better).

    Worked example: TTFT of 180 ms at one request in flight and 150,000 ms at 512 spans
    log10(150000 / 180) = 2.9 decades → True; 14 to 38 ms → False.
    """
    positive = [v for v in values if v and v > 0]
    return len(positive) >= 2 and math.log10(max(positive) / min(positive)) >= decades


def throughput_chart(results: list[dict]) -> dict | None:
    rows = [r for r in results if r.get("inference") or r.get("training")]
    if not rows:
        return None
    names, values, lows, highs, colours = [], [], [], [], []
    for r in rows:
        est = r["inference"] or r["training"]
        value = est["output_tokens_per_s"] if r["inference"] else est["tokens_per_s"]
        band = est["band"]
        names.append(f"{r.get('label', r['id'])}<br>{placement_label(r.get('system'), r['gpus'], get_catalog())}")
        values.append(value)
        lows.append(value * (1 - band["low"]))
        highs.append(value * (band["high"] - 1))
        colours.append(ACCENT if r["inference"] else "#5aa0e0")
    fig = go.Figure(go.Bar(x=names, y=values, marker_color=colours,
                           error_y={"type": "data", "symmetric": False, "array": highs, "arrayminus": lows,
                                    "color": "#444"},
                           hovertemplate="%{y:,.0f} tokens/s<extra></extra>"))
    return _layout(fig, "Throughput with its confidence band",
                   yaxis={"title": {"text": "tokens/s (output tokens for serving)"},
                          **({"type": "log", "dtick": 1} if spans_decades(values) else {})})


def breakdown_chart(results: list[dict]) -> dict | None:
    rows = [r for r in results if r.get("inference") or r.get("training")]
    if not rows:
        return None
    fig = go.Figure()
    labels = [r.get("label", r["id"]) for r in rows]
    totals = []
    for r in rows:
        b = (r["inference"] or r["training"])["breakdown"]
        totals.append(sum(b.get(k, 0.0) for k, _ in BREAKDOWN_PARTS) or 1.0)
    for key, name in BREAKDOWN_PARTS:
        shares = [100 * (r["inference"] or r["training"])["breakdown"].get(key, 0.0) / t for r, t in zip(rows, totals)]
        if any(shares):
            fig.add_bar(y=labels, x=shares, name=name, orientation="h",
                        hovertemplate=f"{name}: %{{x:.0f}}%<extra></extra>")
    fig.update_layout(barmode="stack")
    return _layout(fig, "Where the time goes (share of a decode step or training step)",
                   height=max(220, 70 + 45 * len(rows)), xaxis_title="% of step time", xaxis_range=[0, 100])


FRONTIER_HOVER = ("%{x:.0f} tok/s per user · %{y:,.0f} tok/s per GPU<br>%{customdata[0]}<br>"
                  "%{customdata[1]:,.0f} tok/s per provisioned MW · $%{customdata[2]:.2f} per M tokens")
FRONTIER_TITLE = "Throughput against interactivity (every layout and batch tried)"
LIMIT_COLOUR = "#6c757d"  # a limit shared by every curve of a chart: neutral, not one curve's colour


def frontier_figure(series: list[dict], title: str = FRONTIER_TITLE, *, named_hover: bool = False,
                    chosen_in_legend: bool = True) -> dict | None:
    """The one frontier chart: output tokens/s per GPU against tokens/s per user (1000 / TPOT), one
    curve per named frontier, each with its chosen point (a star) and, where the series asks for one,
    a TPOT limit line. ``series``: ``[{"name", "frontier", "colour"?, "dash"?, "limit"?}]``, where
    ``frontier`` is an estimate result's ``frontiers[id]`` and ``limit`` is ``{"text", "colour"}``
    (no key: the frontier's own limit, labelled 'TPOT limit · name', in the curve's colour; None: no line).
    ``named_hover`` puts the curve's name on its hover (curves of one workload, several scenarios);
    without ``chosen_in_legend`` the stars share their curve's legend entry (one grey star explains them).

    Worked example: ``[{"name": "Chat", "frontier": {"points": [p1, p2], "chosen": c,
    "min_tokens_per_s_per_user": 5.0}}]`` → a stepped line through p1 and p2, a star at c, and a
    dashed line at 5 tok/s per user (a 200 ms TPOT limit) labelled 'TPOT limit · Chat'."""
    series = [s for s in series if s.get("frontier") and s["frontier"].get("points")]
    if not series:
        return None
    fig = go.Figure()
    lines = 0
    for i, s in enumerate(series):
        fr, name = s["frontier"], s["name"]
        colour = s.get("colour") or PALETTE[i % len(PALETTE)]
        pts = fr["points"]
        who = "<b>%{fullData.name}</b><br>" if named_hover else ""
        fig.add_scatter(
            x=[p["tokens_per_s_per_user"] for p in pts], y=[p["tokens_per_s_per_gpu"] for p in pts], name=name,
            mode="lines+markers", line={"color": colour, "shape": "hv", **({"dash": s["dash"]} if s.get("dash") else {}),
                                        **({"width": s["width"]} if s.get("width") else {})},
            **({"marker": {"size": s["width"] + 4}} if s.get("width") else {}),
            customdata=[[config_label(p["layout"]), p["tokens_per_s_per_mw"], p["usd_per_million_tokens"]] for p in pts],
            hovertemplate=who + FRONTIER_HOVER + "<extra></extra>", **({} if chosen_in_legend else {"legendgroup": name}))
        chosen = fr.get("chosen") or {}
        if chosen:
            star = {"name": f"{name}: estimate"} if chosen_in_legend else {"name": name, "legendgroup": name,
                                                                           "showlegend": False}
            fig.add_scatter(x=[chosen["tokens_per_s_per_user"]], y=[chosen["tokens_per_s_per_gpu"]], mode="markers",
                            marker={"color": colour, "size": 13, "symbol": "star"},
                            customdata=[[config_label(fr.get("layout"))]],
                            hovertemplate=who + "chosen: %{customdata[0]}<extra></extra>", **star)
        limit = s.get("limit", {"text": f"TPOT limit · {name}", "colour": colour})
        if limit and fr.get("min_tokens_per_s_per_user"):
            fig.add_vline(x=fr["min_tokens_per_s_per_user"], line={"color": limit["colour"], "dash": "dash", "width": 1})
            # at the foot of the line: left of the limits the frontiers run high (slow users, big batches) and
            # the chosen star sits where a curve meets its limit, so a label at the top would cover it
            fig.add_annotation(x=fr["min_tokens_per_s_per_user"], y=0, yref="paper", yanchor="bottom", xanchor="left",
                               # labels stack by curve on the estimates page (as before), by line drawn here
                               yshift=16 * (i if chosen_in_legend else lines), xshift=3, showarrow=False,
                               text=limit["text"], font={"size": 11, "color": limit["colour"]},
                               bgcolor="rgba(255,255,255,.85)")
            lines += 1
    if not chosen_in_legend and any(s["frontier"].get("chosen") for s in series):
        fig.add_scatter(x=[None], y=[None], mode="markers", name="operating point each estimate chose",
                        marker={"color": LIMIT_COLOUR, "size": 13, "symbol": "star"}, hoverinfo="skip")
    per_gpu = [p["tokens_per_s_per_gpu"] for s in series for p in s["frontier"]["points"]]
    fig.update_xaxes(title_text="tokens/s per user (1000 / TPOT)", rangemode="tozero")
    if spans_decades(per_gpu):
        fig.update_yaxes(title_text="output tokens/s per GPU (log)", type="log", dtick=1)
    else:
        fig.update_yaxes(title_text="output tokens/s per GPU", rangemode="tozero")
    return _layout(fig, title, height=420)


def frontier_chart(frontiers: dict[str, dict], labels: dict[str, str] | None = None) -> dict | None:
    """Output tokens/s per GPU against tokens/s per user (1000 / TPOT) over every layout and batch the
    estimator tried — the Pareto frontier — with the estimate's chosen point and the workload's TPOT
    limit; hovering a point shows its layout, tokens/s per provisioned MW and $ per million tokens."""
    return frontier_figure([{"name": (labels or {}).get(rid, rid), "frontier": fr} for rid, fr in frontiers.items()
                            if fr and fr.get("points")])


def scenario_frontier_chart(workload: str, scenarios: list[dict]) -> dict | None:
    """One workload's frontier in each compared scenario, overlaid: a curve per scenario (its name in
    the legend; a stale estimate's curve dotted and labelled so), each scenario's chosen point, and each
    distinct TPOT limit once (grey when every scenario has the same one). ``scenarios``:
    ``[{"name", "frontier", "stale"}]``, ``frontier`` as in an estimate result's ``frontiers``.

    Worked example: two scenarios of 'Chat 8B', both with a 200 ms TPOT limit (5 tok/s per user), the
    second estimated before its last change → curves 'Baseline' and 'Half the pod (estimated before the
    last change)', dotted, two stars, one grey line at 5 tok/s per user labelled 'TPOT limit 200 ms'."""
    curves = [s for s in scenarios if s.get("frontier") and s["frontier"].get("points")]
    sharing: dict[float, list[int]] = {}  # tok/s per user at the limit → the curves with that limit
    for i, s in enumerate(curves):
        if s["frontier"].get("min_tokens_per_s_per_user"):
            sharing.setdefault(s["frontier"]["min_tokens_per_s_per_user"], []).append(i)
    series = []
    for i, s in enumerate(curves):
        colour = DISTINCT[i % len(DISTINCT)]
        own = s["frontier"].get("min_tokens_per_s_per_user")
        limit = None
        if own and sharing[own][0] == i:  # each distinct limit once, on the first curve that has it
            names = "" if len(sharing) == 1 else " · " + ", ".join(curves[j]["name"] for j in sharing[own])
            limit = {"text": f"TPOT limit {1000.0 / own:,.0f} ms{names}",
                     "colour": LIMIT_COLOUR if len(sharing) == 1 else colour}
        # each curve thinner than the one before: scenarios of one system often share their per-GPU
        # frontier exactly, and the later curve must not hide the earlier one
        series.append({"name": f"{s['name']} (estimated before the last change)" if s.get("stale") else s["name"],
                       "frontier": s["frontier"], "colour": colour, "dash": "dot" if s.get("stale") else None,
                       "limit": limit, "width": max(1.5, 6.0 - 2.0 * i)})
    return frontier_figure(series, f"{workload}: throughput against interactivity, by scenario",
                           named_hover=True, chosen_in_legend=False)


def latency_chart(curves: dict[str, list[dict]], labels: dict[str, str] | None = None) -> dict | None:
    """TTFT and TPOT against the requests in flight per replica; an axis whose values span two decades or
    more (TTFT once the queue builds: 200 ms → 150,000 ms) is logarithmic, so the useful range stays readable."""
    curves = {k: v for k, v in curves.items() if v}
    if not curves:
        return None
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Time to first token", "Time per output token"))
    for i, (rid, points) in enumerate(curves.items()):
        colour = PALETTE[i % len(PALETTE)]
        xs = [p["concurrency"] for p in points]
        name = (labels or {}).get(rid, rid)
        fig.add_scatter(x=xs, y=[p["ttft_ms"] for p in points], name=name, mode="lines+markers",
                        line={"color": colour}, row=1, col=1, hovertemplate="%{x} in flight: %{y:.0f} ms<extra></extra>")
        fig.add_scatter(x=xs, y=[p["tpot_ms"] for p in points], name=name, mode="lines+markers", showlegend=False,
                        line={"color": colour}, row=1, col=2, hovertemplate="%{x} in flight: %{y:.1f} ms<extra></extra>")
    sweep = sorted({p["concurrency"] for points in curves.values() for p in points})
    fig.update_xaxes(type="log", title_text="requests in flight per replica", tickvals=sweep[::2] if len(sweep) > 6
                     else sweep)
    for col, key in ((1, "ttft_ms"), (2, "tpot_ms")):
        values = [p[key] for points in curves.values() for p in points]
        if spans_decades(values):
            fig.update_yaxes(type="log", dtick=1, title_text="ms (log)", row=1, col=col)
        else:
            fig.update_yaxes(title_text="ms", rangemode="tozero", row=1, col=col)
    return _layout(fig, "Latency under load", height=380, showlegend=True)


def efficiency_chart(results: list[dict], pue: float = DEFAULT_PUE) -> dict | None:
    """Tokens per joule at the IT load (the systems' own draw, as MLPerf Power measures) and at the
    wall (plus network and storage, times the site's PUE), and the cost per million tokens."""
    rows = [r for r in results if r.get("inference")]
    if not rows:
        return None
    wall_per_it_w = facility_power(1.0, pue=pue).wall_w  # wall watts per watt of busy systems
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.14,
                        subplot_titles=(f"Tokens per joule<br><span style='font-size:11px'>IT load · wall at PUE "
                                        f"{pue:.2f}</span>", "USD per million output tokens"))
    labels = [r.get("label", r["id"]) for r in rows]
    it = [r["inference"]["tokens_per_joule"] for r in rows]
    fig.add_bar(x=labels, y=it, marker_color=ACCENT, row=1, col=1, name="at the IT load",
                hovertemplate="%{y:.2f} tokens/J at the IT load<extra></extra>")
    fig.add_bar(x=labels, y=[v / wall_per_it_w for v in it], marker_color="#8c6d1f", row=1, col=1,
                name=f"at the wall (PUE {pue:.2f}, network, storage)",
                hovertemplate="%{y:.2f} tokens/J at the wall<extra></extra>")
    fig.add_bar(x=labels, y=[r["inference"]["usd_per_million_tokens"] for r in rows], marker_color="#5aa0e0",
                row=1, col=2, showlegend=False, hovertemplate="$%{y:.3f} per M tokens<extra></extra>")
    return _layout(fig, "Energy and cost of serving", height=360, margin={"t": 84})


def training_chart(results: list[dict]) -> dict | None:
    rows = [r for r in results if r.get("training")]
    if not rows:
        return None
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.14,
                        subplot_titles=("Model FLOPs utilisation (%)", "Time to train (days)"))
    labels = [r.get("label", r["id"]) for r in rows]
    fig.add_bar(x=labels, y=[100 * r["training"]["mfu"] for r in rows], marker_color=ACCENT, row=1, col=1,
                showlegend=False, hovertemplate="%{y:.1f}% MFU<extra></extra>")
    fig.add_bar(x=labels, y=[r["training"]["time_to_train_s"] / 86400 for r in rows], marker_color="#5aa0e0",
                row=1, col=2, showlegend=False, hovertemplate="%{y:.1f} days<extra></extra>")
    return _layout(fig, "Training", height=340, margin={"t": 72})


def _walls(fig: go.Figure, scaling: dict, rows: int) -> None:
    steps = scaling["steps"]
    for k, (wall, index) in enumerate(scaling["walls"]):
        if index is None or index >= len(steps):
            continue
        x = steps[index]["gpus"]
        colour = WALL_COLOURS.get(wall, "#666")
        for row in range(1, rows + 1):
            fig.add_vline(x=x, line_dash="dot", line_width=1.5, opacity=0.9, line_color=colour, row=row, col=1)
        fig.add_annotation(x=x, y=1.0, yref="y domain", text=f"{wall} ({x:,} GPUs)", showarrow=False, xanchor="left",
                           xshift=4, yanchor="top", yshift=-16 * k, font={"size": 11, "color": colour},
                           bgcolor="rgba(255,255,255,.85)")


def phase_marks(phases: list[dict] | None) -> list[tuple[int, int]]:
    """(phase, GPUs) of each earlier phase of an estimate result (``result["phases"]``), for the scaling
    chart's phase lines. Worked example: ``[{"phase": 1, "results": {"Chat": {"gpus": 72, …}}}]`` → [(1, 72)]."""
    marks = []
    for p in phases or []:
        gpus = max((r.get("gpus") or 0 for r in p.get("results", {}).values()), default=0)
        if gpus:
            marks.append((p["phase"], gpus))
    return marks


def scaling_chart(scaling: dict | None, site_it_kw: float = 0, site_facility_kw: float = 0,
                  phases: list[dict] | None = None) -> dict | None:
    """The scaling path: throughput, power and switches by tier against GPUs, the walls marked and,
    for a phased design, where each earlier phase stands on the path."""
    if not scaling or not scaling.get("steps"):
        return None
    steps = scaling["steps"]
    gpus = [s["gpus"] for s in steps]
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.07,
                        subplot_titles=("Throughput (tokens/s)", "Power at maximum draw (kW)", "Switches by tier"))
    fig.add_scatter(x=gpus, y=[s["tokens_per_s"] for s in steps], mode="lines+markers", name="tokens/s",
                    line={"color": ACCENT}, row=1, col=1)
    fig.add_scatter(x=gpus, y=[s["it_power_kw"] for s in steps], mode="lines", name="IT power (max)",
                    line={"color": ACCENT}, row=2, col=1)
    fig.add_scatter(x=gpus, y=[s["facility_power_kw"] for s in steps], mode="lines", name="facility power (max × PUE)",
                    line={"color": "#5aa0e0"}, row=2, col=1)
    if site_it_kw:
        fig.add_hline(y=site_it_kw, line_dash="dash", line_width=1.5, opacity=0.9, line_color="#b4451f", row=2, col=1,
                      annotation_text="site IT limit", annotation_position="top left")
    if site_facility_kw:
        fig.add_hline(y=site_facility_kw, line_dash="dash", line_width=1.5, opacity=0.9, line_color="#8c6d1f", row=2, col=1,
                      annotation_text="facility limit", annotation_position="bottom right")
    for key, name, colour in (("leaf", "leaf", "#0b5cad"), ("spine", "spine", "#5aa0e0"), ("core", "core", "#9aa5b1")):
        fig.add_bar(x=gpus, y=[s[key] for s in steps], name=name, marker_color=colour, row=3, col=1)
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="GPUs", row=3, col=1)
    _walls(fig, scaling, 3)
    for phase, gpus in phase_marks(phases):
        fig.add_vline(x=gpus, line_width=1, line_color="#2f7d4f", opacity=0.8, row=1, col=1)
        fig.add_annotation(x=gpus, y=0, yref="y domain", yanchor="bottom", xanchor="left", xshift=3,
                           text=f"phase {phase}", showarrow=False, font={"size": 11, "color": "#2f7d4f"})
    step = scaling["su_systems"]
    return _layout(fig, f"Scaling path: {scaling['system']}, one step = {step} system{'' if step == 1 else 's'}",
                   height=640, margin={"t": 72})


def _pue(site_it_kw: float, site_facility_kw: float) -> float:
    """The site's PUE as its facility ÷ IT power limits (2,700 / 2,000 kW = 1.35), else the default."""
    return site_facility_kw / site_it_kw if site_it_kw and site_facility_kw > site_it_kw else DEFAULT_PUE


def estimate_charts(result: dict, site_it_kw: float = 0, site_facility_kw: float = 0) -> list[dict]:
    """All charts of an estimate result, in page order, each ``{"id", "figure"}``; empty ones left out."""
    results = result.get("results", [])
    labels = {r.get("id"): r.get("label") or r.get("id") for r in results}
    charts = [("frontier", frontier_chart(result.get("frontiers", {}), labels)),
              ("throughput", throughput_chart(results)), ("breakdown", breakdown_chart(results)),
              ("latency", latency_chart(result.get("latency_curves", {}), labels)),
              ("efficiency", efficiency_chart(results, _pue(site_it_kw, site_facility_kw))),
              ("training", training_chart(results)),
              ("scaling", scaling_chart(result.get("scaling"), site_it_kw, site_facility_kw, result.get("phases")))]
    return [{"id": f"chart-{name}", "figure": fig} for name, fig in charts if fig]
