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
def millions(value):
    if value in (None, ""):
        return "–"
    return f"{float(value) / 1e6:,.1f}"
