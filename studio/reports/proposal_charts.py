"""The estimate's charts drawn on the server as SVG, for the PDF proposal.

The estimates page draws the same result JSON with Plotly in the browser (``studio.reports.charts``);
kaleido (Plotly's SVG export) is not installed here and would need a browser, so the PDF gets
plain SVG built from the same numbers, in the page's order: the throughput–interactivity frontier,
throughput with its confidence band, where a step's time goes, latency under load, energy and cost
of serving, training, and the scaling path with its walls. Every value is read from the estimate
result; the only arithmetic is placing it on an axis and a step's parts as shares of the step, as
the page's chart does.
"""

from __future__ import annotations

import math

from .charts import ACCENT, BREAKDOWN_PARTS, PALETTE, WALL_COLOURS
from .proposal_plot import (
    BOTTOM,
    GRID,
    INK,
    LEFT,
    MUTED,
    RIGHT,
    TOP,
    Panel,
    hbars,
    legend,
    log_ticks,
    nice_ticks,
    short,
    text,
)
from .proposal_plot import svg_doc as _svg


def frontier_svg(frontiers: dict, labels: dict | None = None) -> str | None:
    """Output tokens/s per GPU against tokens/s per user for every layout tried, per workload; the
    chosen point as a star and the TPOT limit as a dashed line (``estimating.frontier_of``)."""
    series = {k: v for k, v in (frontiers or {}).items() if v and v.get("points")}
    if not series:
        return None
    labels = labels or {}
    xs = [p["tokens_per_s_per_user"] for fr in series.values() for p in fr["points"]]
    ys = [p["tokens_per_s_per_gpu"] for fr in series.values() for p in fr["points"]]
    xs += [fr["min_tokens_per_s_per_user"] for fr in series.values() if fr.get("min_tokens_per_s_per_user")]
    xt, yt = nice_ticks(0, max(xs)), nice_ticks(0, max(ys))
    width, height = 720, 330
    p = Panel(LEFT, TOP + 16, width - LEFT - RIGHT, height - TOP - 16 - BOTTOM, (0, xt[-1]), (0, yt[-1]))
    body = [p.frame(xt, yt, xlabel="tokens/s per user (1000 / TPOT)", ylabel="output tokens/s per GPU")]
    entries = []
    for i, (rid, fr) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        pts = sorted(fr["points"], key=lambda q: q["tokens_per_s_per_user"])
        body.append(p.line([q["tokens_per_s_per_user"] for q in pts], [q["tokens_per_s_per_gpu"] for q in pts],
                           colour))
        chosen = fr.get("chosen") or {}
        if chosen:
            cx, cy = p.sx(chosen["tokens_per_s_per_user"]), p.sy(chosen["tokens_per_s_per_gpu"])
            star = " ".join(f"{cx + r * math.sin(k * math.pi / 5):.1f},{cy - r * math.cos(k * math.pi / 5):.1f}"
                            for k, r in zip(range(10), [7, 3] * 5, strict=True))
            body.append(f'<polygon points="{star}" fill="{colour}" stroke="#fff" stroke-width="0.8"/>')
        if fr.get("min_tokens_per_s_per_user"):
            body.append(p.vline(fr["min_tokens_per_s_per_user"], colour, "TPOT limit", row=i, foot=True))
        entries.append((f"{labels.get(rid, rid)} (★ the estimate)", colour))
    body.append(legend(LEFT, 16, entries))
    return _svg(width, height, "".join(body), "Throughput against interactivity")


def throughput_svg(results: list[dict]) -> str | None:
    """Each workload's throughput (output tokens/s serving, tokens/s training) as a bar with its
    confidence band (value × band.low … value × band.high) as a whisker."""
    rows = [r for r in results if r.get("inference") or r.get("training")]
    if not rows:
        return None
    values = []
    for r in rows:
        est = r["inference"] or r["training"]
        value = est["output_tokens_per_s"] if r["inference"] else est["tokens_per_s"]
        values.append((r, value, value * est["band"]["low"], value * est["band"]["high"]))
    ticks = nice_ticks(0, max(v[3] for v in values))
    bar_h, gap = 22, 14
    height = TOP + len(rows) * (bar_h + gap) + BOTTOM
    width, left = 720, 230
    p = Panel(left, TOP, width - left - RIGHT, height - TOP - BOTTOM, (0, ticks[-1]), (0, 1))
    body = [f'<rect x="{p.x}" y="{p.y}" width="{p.w}" height="{p.h}" fill="#fff"/>']
    for t in ticks:
        x = p.sx(t)
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{p.y}" y2="{p.y + p.h}" stroke="{GRID}"/>')
        body.append(text(x, p.y + p.h + 15, short(t), size=9, anchor="middle", colour=MUTED))
    body.append(text(p.x + p.w / 2, p.y + p.h + 32, "tokens/s (whisker: confidence band)", size=10, anchor="middle"))
    for i, (r, value, low, high) in enumerate(values):
        y = TOP + gap / 2 + i * (bar_h + gap)
        colour = ACCENT if r["inference"] else PALETTE[1]
        body.append(f'<rect x="{p.x}" y="{y:.1f}" width="{p.sx(value) - p.x:.1f}" height="{bar_h}" fill="{colour}"/>')
        mid = y + bar_h / 2
        body.append(f'<line x1="{p.sx(low):.1f}" x2="{p.sx(high):.1f}" y1="{mid:.1f}" y2="{mid:.1f}" stroke="{INK}" '
                    f'stroke-width="1.3"/>')
        for end in (low, high):
            body.append(f'<line x1="{p.sx(end):.1f}" x2="{p.sx(end):.1f}" y1="{mid - 5:.1f}" y2="{mid + 5:.1f}" '
                        f'stroke="{INK}" stroke-width="1.3"/>')
        name = r.get("label") or r["id"]
        body.append(text(left - 8, mid - 2, name[:38], size=9.5, anchor="end"))
        body.append(text(left - 8, mid + 10, f"{r['gpus']:,} × {r['system']}", size=8.5, anchor="end", colour=MUTED))
    body.append(f'<line x1="{p.x}" x2="{p.x}" y1="{p.y}" y2="{p.y + p.h}" stroke="{INK}"/>')
    return _svg(width, height, "".join(body), "Throughput with confidence band")


def _estimates(results: list[dict]) -> list[tuple[dict, dict]]:
    return [(r, r["inference"] or r["training"]) for r in results if r.get("inference") or r.get("training")]


def breakdown_svg(results: list[dict]) -> str | None:
    """Where a decode or training step's time goes, as shares of the step (the result's ``breakdown``)."""
    rows = _estimates(results)
    if not rows:
        return None
    parts = [(key, name, PALETTE[i % len(PALETTE)]) for i, (key, name) in enumerate(BREAKDOWN_PARTS)]
    bars = []
    for r, est in rows:
        total = sum(est["breakdown"].get(key, 0.0) for key, _, _ in parts) or 1.0
        bars.append((r.get("label") or r["id"], f"{r['gpus']:,} × {r['system']}",
                     [(100 * est["breakdown"].get(key, 0.0) / total, colour) for key, _, colour in parts]))
    used = [(name, colour) for key, name, colour in parts if any(est["breakdown"].get(key) for _, est in rows)]
    body, height = hbars(bars, xlabel="% of step time", xmax=100, legend_entries=used)
    return _svg(720, height, body, "Where the time goes")


def energy_cost_svg(results: list[dict]) -> str | None:
    """Serving: tokens per joule at the IT load and $ per million output tokens, per workload."""
    rows = [(r, r["inference"]) for r in results if r.get("inference")]
    if not rows:
        return None
    left, body = [], []
    for key, xlabel, fmt, colour in (("tokens_per_joule", "tokens per joule (IT load)", "{:,.2f}", ACCENT),
                                     ("usd_per_million_tokens", "$ per million output tokens", "${:,.3f}", PALETTE[1])):
        part, height = hbars([(r.get("label") or r["id"], "", [(est[key], colour)]) for r, est in rows],
                             xlabel=xlabel, width=360, left=150, value_fmt=fmt.format)
        left.append((part, height))
    height = max(h for _, h in left)
    body.append(left[0][0])
    body.append(f'<g transform="translate(360,0)">{left[1][0]}</g>')
    return _svg(720, height, "".join(body), "Energy and cost of serving")


def training_svg(results: list[dict]) -> str | None:
    """Training: model FLOPs utilisation and days to train, per workload."""
    rows = [(r, r["training"]) for r in results if r.get("training")]
    if not rows:
        return None
    mfu, h1 = hbars([(r.get("label") or r["id"], "", [(100 * est["mfu"], ACCENT)]) for r, est in rows],
                    xlabel="model FLOPs utilisation (%)", width=360, left=150, value_fmt="{:.1f} %".format)
    days, h2 = hbars([(r.get("label") or r["id"], "", [((est.get("time_to_train_s") or 0) / 86400, PALETTE[1])])
                      for r, est in rows], xlabel="days to train", width=360, left=150,
                     value_fmt="{:,.1f} d".format)
    return _svg(720, max(h1, h2), f'{mfu}<g transform="translate(360,0)">{days}</g>', "Training")


def latency_svg(curves: dict, labels: dict | None = None) -> str | None:
    """TTFT and TPOT as the requests in flight per model replica grow (log-2 axis), per workload."""
    curves = {k: v for k, v in (curves or {}).items() if v}
    if not curves:
        return None
    labels = labels or {}
    width, height, pw = 720, 300, 300
    conc = [q["concurrency"] for pts in curves.values() for q in pts]
    xt = log_ticks(min(conc), max(conc))
    body, entries = [], []
    for col, (key, title) in enumerate((("ttft_ms", "Time to first token (ms)"), ("tpot_ms", "Time per output token (ms)"))):
        yt = nice_ticks(0, max(q[key] for pts in curves.values() for q in pts))
        p = Panel(LEFT + col * (pw + 56), TOP + 18, pw, height - TOP - 18 - BOTTOM, (xt[0], xt[-1]), (0, yt[-1]),
                  xlog=True)
        body.append(p.frame(xt, yt, xlabel="requests in flight per replica", title=title, xfmt=lambda v: f"{v:g}"))
        for i, (rid, pts) in enumerate(curves.items()):
            colour = PALETTE[i % len(PALETTE)]
            body.append(p.line([q["concurrency"] for q in pts], [q[key] for q in pts], colour))
            if col == 0:
                entries.append((labels.get(rid, rid), colour))
    body.append(legend(LEFT, 12, entries))
    return _svg(width, height, "".join(body), "Latency under load")


def scaling_svg(scaling: dict | None, site_it_kw: float = 0, site_facility_kw: float = 0) -> str | None:
    """The design's scaling path: throughput, power at maximum draw (with the site's limits) and
    switches by tier against GPUs; every wall the path meets as a dotted line."""
    if not scaling or not scaling.get("steps"):
        return None
    steps = scaling["steps"]
    gpus = [s["gpus"] for s in steps]
    xt = nice_ticks(0, max(gpus))
    width, pw, ph = 720, 720 - LEFT - RIGHT, 150
    body = []
    power = [s["it_power_kw"] for s in steps] + [s["facility_power_kw"] for s in steps] + [site_it_kw, site_facility_kw]
    switches = [s["leaf"] + s["spine"] + s["core"] for s in steps]
    panels = [("Throughput (tokens/s)", nice_ticks(0, max(s["tokens_per_s"] for s in steps))),
              ("Power at maximum draw (kW)", nice_ticks(0, max(power))),
              ("Switches by tier", nice_ticks(0, max(switches) or 1))]
    y, made = 40, []
    for i, (title, yt) in enumerate(panels):
        p = Panel(LEFT, y, pw, ph, (0, xt[-1]), (0, yt[-1]))
        body.append(p.frame(xt, yt, title=title, xlabel="GPUs", show_x=i == 2))
        made.append(p)
        y += ph + 34
    body.append(made[0].line(gpus, [s["tokens_per_s"] for s in steps], ACCENT))
    body.append(made[1].line(gpus, [s["it_power_kw"] for s in steps], ACCENT, markers=False))
    body.append(made[1].line(gpus, [s["facility_power_kw"] for s in steps], PALETTE[1], markers=False))
    if site_it_kw:
        body.append(made[1].hline(site_it_kw, "#b4451f", "site IT limit"))
    if site_facility_kw:
        body.append(made[1].hline(site_facility_kw, "#8c6d1f", "facility limit"))
    bar_w = max(1.5, min(14.0, 0.6 * pw / max(len(steps), 1)))
    for s in steps:
        base = 0
        for key, colour in (("leaf", ACCENT), ("spine", PALETTE[1]), ("core", PALETTE[3])):
            if s[key]:
                top = made[2].sy(base + s[key])
                body.append(f'<rect x="{made[2].sx(s["gpus"]) - bar_w / 2:.1f}" y="{top:.1f}" width="{bar_w:.1f}" '
                            f'height="{made[2].sy(base) - top:.1f}" fill="{colour}"/>')
                base += s[key]
    for k, (wall, index) in enumerate(scaling.get("walls") or []):
        if index is None or index >= len(steps):
            continue
        colour = WALL_COLOURS.get(wall, "#666")
        for j, p in enumerate(made):
            body.append(p.vline(steps[index]["gpus"], colour, f"{wall} ({steps[index]['gpus']:,} GPUs)" if j == 0 else "",
                                row=k))
    height = y + 10
    body.append(legend(LEFT, 16, [("tokens/s", ACCENT), ("IT power (max)", ACCENT),
                                  ("facility power (max × PUE)", PALETTE[1]), ("leaf", ACCENT),
                                  ("spine", PALETTE[1]), ("core", PALETTE[3])]))
    return _svg(width, height, "".join(body), "Scaling path")


def proposal_charts(result: dict, site_it_kw: float = 0, site_facility_kw: float = 0) -> list[dict]:
    """The PDF's charts of an estimate result, in the estimates page's order: ``{"id", "title", "svg"}``."""
    results = result.get("results", [])
    labels = {r.get("id"): r.get("label") or r.get("id") for r in results}
    charts = [("frontier", "Throughput against interactivity (every layout and batch tried)",
               frontier_svg(result.get("frontiers", {}), labels)),
              ("throughput", "Throughput with confidence band", throughput_svg(results)),
              ("breakdown", "Where the time goes (share of a decode step or training step)", breakdown_svg(results)),
              ("latency", "Latency under load", latency_svg(result.get("latency_curves", {}), labels)),
              ("energy", "Energy and cost of serving", energy_cost_svg(results)),
              ("training", "Training", training_svg(results)),
              ("scaling", "Scaling path", scaling_svg(result.get("scaling"), site_it_kw, site_facility_kw))]
    return [{"id": name, "title": title, "svg": drawing} for name, title, drawing in charts if drawing]
