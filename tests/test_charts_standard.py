"""The studio's one chart template: every estimate chart carries its font, palette and the title and
legend bands (so neither overlaps an axis title); an axis whose values span two decades or more is
logarithmic (the TTFT axis never runs linearly to 150,000 ms); bars say racks, not '72 × gb200-nvl72'."""

import pytest

from studio.reports.charts import (
    FONT_FAMILY,
    PALETTE,
    estimate_charts,
    latency_chart,
    spans_decades,
    throughput_chart,
)

pytestmark = pytest.mark.django_db

BAND = {"low": 0.8, "high": 1.2, "label": "narrow", "reason": "r"}
RESULTS = [{"id": "a", "label": "Chat", "system": "gb200-nvl72", "gpus": 72,
            "inference": {"output_tokens_per_s": 1000.0, "band": BAND, "tokens_per_joule": 2.0,
                          "usd_per_million_tokens": 0.1, "breakdown": {"compute_s": 1.0}}},
           {"id": "b", "label": "Batch", "system": "gb200-nvl72", "gpus": 72,
            "inference": {"output_tokens_per_s": 900_000.0, "band": BAND, "tokens_per_joule": 20.0,
                          "usd_per_million_tokens": 0.01, "breakdown": {"compute_s": 1.0}}}]
CURVES = {"a": [{"concurrency": c, "ttft_ms": t, "tpot_ms": 14.0 + c / 100} for c, t in
                ((1, 180.0), (8, 200.0), (64, 900.0), (512, 150_000.0))]}


def test_spans_decades_worked_example():
    assert spans_decades([180, 150_000]) and not spans_decades([14, 38])
    assert not spans_decades([0, 5]) and not spans_decades([7])


def test_every_chart_uses_the_studio_template():
    charts = estimate_charts({"results": RESULTS, "latency_curves": CURVES})
    assert {c["id"] for c in charts} >= {"chart-throughput", "chart-latency", "chart-efficiency"}
    for chart in charts:
        template = chart["figure"]["layout"]["template"]["layout"]
        assert template["font"]["family"] == FONT_FAMILY and template["colorway"] == PALETTE
        assert template["legend"]["yref"] == "container" and template["title"]["yref"] == "container"


def test_the_ttft_axis_is_logarithmic_when_the_queue_builds_and_tpot_stays_linear():
    layout = latency_chart(CURVES, {"a": "Chat"})["layout"]
    assert layout["yaxis"]["type"] == "log" and layout["yaxis2"].get("type") in (None, "linear", "-")
    assert latency_chart(CURVES, {"a": "Chat"})["data"][0]["name"] == "Chat"


@pytest.mark.parametrize("values", [(1000.0, 900_000.0)])
def test_throughput_bars_span_decades_on_a_log_axis_and_say_racks(values):
    fig = throughput_chart(RESULTS)
    assert fig["layout"]["yaxis"]["type"] == "log"
    assert all("1 rack · 72 GPUs" in name and "× gb200" not in name for name in fig["data"][0]["x"])


def test_the_scaling_chart_marks_each_earlier_phase():
    from studio.reports.charts import phase_marks, scaling_chart

    phases = [{"phase": 1, "results": {"Chat": {"gpus": 72, "tokens_per_s": 1.0}}},
              {"phase": 2, "results": {"Chat": {"gpus": 288, "tokens_per_s": 4.0}}}]
    assert phase_marks(phases[:1]) == [(1, 72)] and phase_marks(None) == []
    steps = [{"gpus": g, "tokens_per_s": g * 10.0, "it_power_kw": g * 2.0, "facility_power_kw": g * 2.6,
              "leaf": 1, "spine": 1, "core": 0} for g in (72, 144, 288, 576)]
    fig = scaling_chart({"steps": steps, "walls": [], "system": "gb200-nvl72", "su_systems": 1}, phases=phases)
    texts = [a["text"] for a in fig["layout"]["annotations"]]
    assert "phase 1" in texts and "phase 2" in texts


def test_a_tpot_limit_label_sits_at_the_foot_of_its_line_clear_of_the_chosen_star():
    # the star is where the curve meets its limit, high up on a frontier; the label goes at the bottom
    from studio.reports.charts import frontier_chart

    points = [{"tokens_per_s_per_user": u, "tokens_per_s_per_gpu": g, "tokens_per_s_per_mw": 1.0,
               "usd_per_million_tokens": 1.0, "layout": {"serving": "single-node", "tp": 1, "workers": 8}}
              for u, g in ((10, 20000), (50, 9000), (100, 800))]
    fr = {"points": points, "chosen": points[0], "layout": points[0]["layout"], "min_tokens_per_s_per_user": 5.0}
    fig = frontier_chart({"chat": fr, "rag": fr})
    labels = [a for a in fig["layout"]["annotations"] if a["text"].startswith("TPOT limit")]
    assert [(a["y"], a["yanchor"], a["yshift"]) for a in labels] == [(0, "bottom", 0), (0, "bottom", 16)]
