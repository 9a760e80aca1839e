import math

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:"V-3p" }}`` for keys that are not identifiers."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def placement(result):
    """An estimate result's racks or systems and GPUs: ``{{ r|placement }}`` → '1 rack · 72 GPUs'
    (``studio.domain.placement.placement_label``)."""
    from catalog.source import get_catalog
    from studio.domain.placement import placement_label

    try:
        return placement_label(result.get("system"), result.get("gpus") or 0, get_catalog())
    except AttributeError:
        return ""


@register.filter
def training_layout(layout):
    """A stored training estimate's layout: ``{{ r.training.layout|training_layout }}`` → 'TP8 PP8 CP4 DP32'
    (``studio.domain.perf.results.training_layout_label``); '' when there is none."""
    from studio.domain.perf.results import training_layout_label

    try:
        return training_layout_label(layout)
    except (KeyError, TypeError, AttributeError):
        return ""


@register.filter
def number(value, digits=0):
    """A number with thousands separators and a fixed number of decimals; '–' for None."""
    if value is None or value == "":
        return "–"
    try:
        return f"{float(value):,.{int(digits)}f}"
    except (TypeError, ValueError):
        return value


@register.filter
def seconds_to_days(value):
    """A duration in seconds as days (or hours below a day)."""
    if value in (None, ""):
        return "–"
    seconds = float(value)
    if seconds < 86400:
        return f"{seconds / 3600:,.1f} h"
    return f"{seconds / 86400:,.1f} days"


@register.filter
def compact(value):
    """A large count in words a slide can hold: 1.5e12 → '1.5 T', 15e9 → '15 B', 2_000_000 → '2 M';
    below a million with separators (8,192); '–' for None."""
    if value in (None, ""):
        return "–"
    v = float(value)
    for scale, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if abs(v) >= scale:
            return f"{v / scale:,.3g} {unit}"
    return f"{v:,.0f}"


@register.filter
def mw(value_kw):
    """Kilowatts as megawatts with two decimals: 1151.1 → '1.15'; '–' for None."""
    if value_kw in (None, ""):
        return "–"
    return f"{float(value_kw) / 1000:,.2f}"


@register.filter
def millions(value):
    if value in (None, ""):
        return "–"
    return f"{float(value) / 1e6:,.1f}"


@register.filter
def duration_words(value):
    """A ``timedelta`` in words: "15 minutes", "2 hours", "1 hour 30 minutes"; '' for None."""
    if value is None:
        return ""
    minutes = round(value.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if minutes or not parts:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


@register.filter
def band_range(value, band):
    """The range a confidence band gives a value, in the value's unit, three significant figures:
    ``{{ r.inference.ttft_ms|band_range:r.inference.ttft_band }}`` with 450 ms and a band ×0.72 … ×3.81 →
    '324–1,710'; '' when the estimate carries no band (one stored before bands were stated)."""
    try:
        low, high = float(value) * float(band["low"]), float(value) * float(band["high"])
    except (TypeError, ValueError, KeyError):
        return ""
    return f"{_three_figures(low)}–{_three_figures(high)}"


def _three_figures(v: float) -> str:
    """324.0 → '324', 1714.5 → '1,710', 12.34 → '12.3', 0.8456 → '0.846'."""
    if v == 0:
        return "0"
    rounded = float(f"{v:.3g}")
    decimals = max(0, 2 - int(math.floor(math.log10(abs(rounded)))))
    return f"{rounded:,.{decimals}f}"
