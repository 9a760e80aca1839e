"""The estimate's charts drawn on the server as SVG, for the PDF proposal.

The estimates page draws the same result JSON with Plotly in the browser (``studio.reports.charts``);
kaleido (Plotly's SVG export) is not installed here and would need a browser, so the PDF gets
plain SVG built from the same numbers: the throughput–interactivity frontier, throughput with its
confidence band, latency under load and the scaling path with its walls. No number is computed
here beyond placing it on an axis; every value is read from the estimate result.
"""

from __future__ import annotations

import math
from html import escape

from .charts import ACCENT, PALETTE, WALL_COLOURS

FONT = "Liberation Sans, DejaVu Sans, sans-serif"
INK, MUTED, GRID = "#1d2733", "#6c757d", "#e3e7ec"
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 30, 42  # room for tick labels and titles, in SVG user units


def nice_step(span: float, count: int = 5) -> float:
    """A round tick step (1, 2 or 5 × 10^k) giving about ``count`` intervals over ``span``.

    Worked example: a span of 23 over 5 intervals is 4.6 raw → 10^0 × 5 = 5.
    """
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 5, 10):
        if raw <= mult * power:
            return mult * power
    return 10 * power


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Ticks covering [low, high] at a ``nice_step``: (0, 23) → [0, 5, 10, 15, 20, 25]."""
    if high <= low:
        high = low + 1
    step = nice_step(high - low, count)
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def log_ticks(low: float, high: float) -> list[float]:
    """Powers of two covering [low, high] on a log axis: (1, 512) → [1, 2, 4, …, 512]."""
    first = 2 ** math.floor(math.log2(max(low, 1e-9)))
    ticks = [first]
    while ticks[-1] < high:
        ticks.append(ticks[-1] * 2)
    return ticks


def short(value: float) -> str:
    """A tick label: 1,250,000 → '1.25M', 25,000 → '25k', 0.5 → '0.5', 120 → '120'."""
    a = abs(value)
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if a >= div:
            return f"{value / div:.3g}{suffix}"
    return f"{value:.3g}"


def text(x: float, y: float, body: str, *, size: float = 10, anchor: str = "start", colour: str = INK,
         weight: str = "normal", rotate: bool = False) -> str:
    turn = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if rotate else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{colour}" '
            f'font-weight="{weight}" font-family="{FONT}"{turn}>{escape(body)}</text>')


class Panel:
    """A plotting area at (x, y) of size w × h with linear or log-2 x and linear y axes."""

    def __init__(self, x: float, y: float, w: float, h: float, xlim: tuple, ylim: tuple, *, xlog: bool = False):
        self.x, self.y, self.w, self.h, self.xlog = x, y, w, h, xlog
        self.x0, self.x1 = (math.log2(xlim[0]), math.log2(xlim[1])) if xlog else xlim
        self.y0, self.y1 = ylim
        if self.x1 <= self.x0:
            self.x1 = self.x0 + 1
        if self.y1 <= self.y0:
            self.y1 = self.y0 + 1

    def sx(self, v: float) -> float:
        v = math.log2(v) if self.xlog else v
        return self.x + (v - self.x0) / (self.x1 - self.x0) * self.w

    def sy(self, v: float) -> float:
        return self.y + self.h - (v - self.y0) / (self.y1 - self.y0) * self.h

    def frame(self, xticks, yticks, *, xlabel: str = "", ylabel: str = "", title: str = "",
              xfmt=short, show_x: bool = True) -> str:
        out = [f'<rect x="{self.x}" y="{self.y}" width="{self.w}" height="{self.h}" fill="#fff" stroke="none"/>']
        for t in yticks:
            y = self.sy(t)
            out.append(f'<line x1="{self.x}" x2="{self.x + self.w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
            out.append(text(self.x - 6, y + 3.5, short(t), size=9, anchor="end", colour=MUTED))
        if show_x:
            for t in xticks:
                x = self.sx(t)
                out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{self.y + self.h}" y2="{self.y + self.h + 4}" '
                           f'stroke="{MUTED}"/>')
                out.append(text(x, self.y + self.h + 15, xfmt(t), size=9, anchor="middle", colour=MUTED))
        out.append(f'<line x1="{self.x}" x2="{self.x + self.w}" y1="{self.y + self.h}" y2="{self.y + self.h}" '
                   f'stroke="{INK}"/>')
        out.append(f'<line x1="{self.x}" x2="{self.x}" y1="{self.y}" y2="{self.y + self.h}" stroke="{INK}"/>')
        if xlabel and show_x:
            out.append(text(self.x + self.w / 2, self.y + self.h + 32, xlabel, size=10, anchor="middle"))
        if ylabel:
            out.append(text(self.x - 48, self.y + self.h / 2, ylabel, size=10, anchor="middle", rotate=True))
        if title:
            out.append(text(self.x, self.y - 8, title, size=11, weight="bold"))
        return "".join(out)

    def line(self, xs, ys, colour: str, *, dash: str = "", markers: bool = True, width: float = 1.8) -> str:
        pts = " ".join(f"{self.sx(x):.1f},{self.sy(y):.1f}" for x, y in zip(xs, ys, strict=True))
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        out = [f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="{width}"{dashed}/>']
        if markers:
            out += [f'<circle cx="{self.sx(x):.1f}" cy="{self.sy(y):.1f}" r="2.4" fill="{colour}"/>'
                    for x, y in zip(xs, ys, strict=True)]
        return "".join(out)

    def vline(self, x: float, colour: str, label: str = "", *, row: int = 0) -> str:
        px = self.sx(x)
        out = f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{self.y}" y2="{self.y + self.h}" stroke="{colour}" ' \
              f'stroke-width="1.4" stroke-dasharray="4 3"/>'
        if label:
            out += text(px + 4, self.y + 12 + 14 * row, label, size=9, colour=colour)
        return out

    def hline(self, y: float, colour: str, label: str = "") -> str:
        py = self.sy(y)
        out = f'<line x1="{self.x}" x2="{self.x + self.w}" y1="{py:.1f}" y2="{py:.1f}" stroke="{colour}" ' \
              f'stroke-width="1.4" stroke-dasharray="6 3"/>'
        if label:
            out += text(self.x + self.w - 4, py - 4, label, size=9, anchor="end", colour=colour)
        return out


def legend(x: float, y: float, entries: list[tuple[str, str]], *, width: float = 700) -> str:
    """Swatches and names in rows from (x, y)."""
    out, cx, cy = [], x, y
    for name, colour in entries:
        span = 22 + 5.6 * len(name)
        if cx + span > x + width and cx > x:
            cx, cy = x, cy + 15
        out.append(f'<rect x="{cx:.1f}" y="{cy - 8:.1f}" width="12" height="8" fill="{colour}"/>')
        out.append(text(cx + 16, cy, name, size=9))
        cx += span + 10
    return "".join(out)


def _svg(width: float, height: float, body: str, label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{escape(label)}">{body}</svg>')


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
            body.append(p.vline(fr["min_tokens_per_s_per_user"], colour, "TPOT limit", row=i))
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
              ("latency", "Latency under load", latency_svg(result.get("latency_curves", {}), labels)),
              ("scaling", "Scaling path", scaling_svg(result.get("scaling"), site_it_kw, site_facility_kw))]
    return [{"id": name, "title": title, "svg": drawing} for name, title, drawing in charts if drawing]
