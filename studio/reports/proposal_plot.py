"""Plotting primitives for the proposal's server-drawn SVG charts: round axis ticks, a plotting
panel with linear or log-2 x, lines, reference lines, legends and horizontal bars. Plain string
building; the charts themselves are in ``proposal_charts``."""

from __future__ import annotations

import math
from html import escape

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

    def vline(self, x: float, colour: str, label: str = "", *, row: int = 0, foot: bool = False) -> str:
        """A dashed vertical line at ``x``, its label at the top (``row`` stacks labels down) or, with
        ``foot``, at the bottom (stacking up) — where a frontier's limit label covers nothing."""
        px = self.sx(x)
        out = f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{self.y}" y2="{self.y + self.h}" stroke="{colour}" ' \
              f'stroke-width="1.4" stroke-dasharray="4 3"/>'
        if label:
            ty = self.y + self.h - 5 - 14 * row if foot else self.y + 12 + 14 * row
            out += (f'<rect x="{px + 2:.1f}" y="{ty - 9:.1f}" width="{4.9 * len(label) + 4:.1f}" height="12" '
                    f'fill="#fff" fill-opacity="0.9"/>')
            out += text(px + 4, ty, label, size=9, colour=colour)
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


def svg_doc(width: float, height: float, body: str, label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{escape(label)}">{body}</svg>')


def hbars(rows: list[tuple[str, str, list[tuple[float, str]]]], *, xlabel: str, xmax: float | None = None,
          width: float = 720, left: float = 230, value_fmt=None, legend_entries=None) -> tuple[str, float]:
    """Horizontal bars, one per row ``(label, sublabel, [(value, colour), …])`` stacked left to right;
    returns the SVG body and its height. ``value_fmt`` writes each bar's total at its end."""
    top = TOP + (16 if legend_entries else 0)
    ticks = nice_ticks(0, xmax if xmax is not None else max(sum(v for v, _ in segs) for _, _, segs in rows) or 1)
    bar_h, gap = 18, 12
    height = top + len(rows) * (bar_h + gap) + BOTTOM
    p = Panel(left, top, width - left - RIGHT - 40, height - top - BOTTOM, (0, ticks[-1]), (0, 1))
    body = [legend(left, 16, legend_entries, width=width - left)] if legend_entries else []
    for t in ticks:
        x = p.sx(t)
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{p.y}" y2="{p.y + p.h}" stroke="{GRID}"/>')
        body.append(text(x, p.y + p.h + 15, short(t), size=9, anchor="middle", colour=MUTED))
    body.append(text(p.x + p.w / 2, p.y + p.h + 32, xlabel, size=10, anchor="middle"))
    for i, (label, sub, segs) in enumerate(rows):
        y = top + gap / 2 + i * (bar_h + gap)
        base = 0.0
        for value, colour in segs:
            body.append(f'<rect x="{p.sx(base):.1f}" y="{y:.1f}" width="{p.sx(base + value) - p.sx(base):.1f}" '
                        f'height="{bar_h}" fill="{colour}"/>')
            base += value
        if value_fmt:
            body.append(text(p.sx(base) + 4, y + bar_h / 2 + 3.5, value_fmt(base), size=9, colour=INK))
        body.append(text(left - 8, y + bar_h / 2 - 1, label[:38], size=9.5, anchor="end"))
        if sub:
            body.append(text(left - 8, y + bar_h / 2 + 10, sub, size=8.5, anchor="end", colour=MUTED))
    body.append(f'<line x1="{p.x}" x2="{p.x}" y1="{p.y}" y2="{p.y + p.h}" stroke="{INK}"/>')
    return "".join(body), height
