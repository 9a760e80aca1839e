"""The comparison of scenarios: estimates compared per workload, each labelled, never a sum of the
throughputs of different workloads (each used the whole cluster), never the first workload's tokens/J
or $/M unnamed; the shared comparison shows the same rows."""

import pytest
from django.urls import reverse

from studio.models import Job, ShareLink
from studio.services import clone_as_scenario, create_from_reference
from studio.tasks import estimate_design_task
from studio.views.compare import estimate_rows, latest_estimate

pytestmark = pytest.mark.django_db

CHAT = {"kind": "inference", "model": "llama-3.1-8b", "precision": "fp8", "scenario": "server",
        "input_tokens": 300, "output_tokens": 290, "ttft_p99_limit_ms": 2000, "tpot_p99_limit_ms": 200,
        "name": "Chat 8B"}
RAG = {**CHAT, "input_tokens": 8000, "output_tokens": 500, "name": "RAG 8B"}


def estimated(design):
    Job.objects.create(owner=design.owner, kind="estimate", params={"design": str(design.code),
                                                                    "version": design.version})
    job = Job.objects.filter(kind="estimate", params__design=str(design.code)).first()
    estimate_design_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.state == Job.SUCCEEDED, job.error
    return job


@pytest.fixture
def pair(owner, loaded_catalog):
    design = create_from_reference(owner, "mi300x-inference-pod")
    design.workloads = [CHAT, RAG]
    design.save()
    scenario = clone_as_scenario(design, owner, "Half the pod")
    return design, scenario


def test_each_workload_is_compared_on_its_own_labelled_rows(owner_client, pair):
    design, scenario = pair
    job = estimated(design)
    chat, rag = (r["inference"] for r in job.result["results"])
    html = owner_client.get(reverse("design_compare", args=[design.code]), {"with": str(scenario.code)}).content.decode()
    assert "Chat 8B" in html and "RAG 8B" in html
    assert f"{chat['output_tokens_per_s']:,.0f}" in html and f"{rag['output_tokens_per_s']:,.0f}" in html
    assert f"{chat['usd_per_million_tokens']:,.3f}" in html and f"{rag['usd_per_million_tokens']:,.3f}" in html
    total = chat["output_tokens_per_s"] + rag["output_tokens_per_s"]
    assert f"{total:,.0f}" not in html  # throughputs of different workloads are never added up
    assert reverse("design_estimates", args=[scenario.code]) in html  # the scenario is not estimated yet


def test_the_rows_group_by_workload_and_dash_a_scenario_without_it(pair):
    design, scenario = pair
    estimated(design)
    columns = [{"design": design, "estimate": latest_estimate(design)},
               {"design": scenario, "estimate": latest_estimate(scenario)}]
    groups = estimate_rows(columns)
    assert [g["workload"] for g in groups] == ["Chat 8B", "RAG 8B"]
    assert [r["label"] for r in groups[0]["rows"]] == ["Output tokens/s (whole deployment)", "Tokens per joule",
                                                        "Cost"]
    assert groups[0]["rows"][0]["cells"][0]["value"] > 0 and groups[0]["rows"][0]["cells"][1]["value"] is None


def test_the_shared_comparison_shows_the_same_per_workload_rows(client, owner, pair):
    design, scenario = pair
    estimated(design)
    link = ShareLink.objects.create(design=design, kind=ShareLink.COMPARE, compare_with=[str(scenario.code)],
                                    created_by=owner, label="workshop")
    html = client.get(reverse("share_view", args=[link.token])).content.decode()
    assert "Chat 8B" in html and "RAG 8B" in html and "whole cluster" in html


# --- the frontiers overlaid: each serving workload's throughput–interactivity curve, one per scenario ---

def overlays(html: str) -> dict[str, dict]:
    """The frontier figures the comparison page embeds (json_script), by chart id."""
    import json
    import re

    return {m.group(1): json.loads(m.group(2)) for m in
            re.finditer(r'<script id="(chart-frontier-\d+)-data" type="application/json">(.*?)</script>', html, re.S)}


def curves(figure: dict) -> list[dict]:
    return [t for t in figure["data"] if t.get("mode") == "lines+markers"]


def stars(figure: dict) -> list[dict]:
    return [t for t in figure["data"] if t.get("marker", {}).get("symbol") == "star" and t.get("x") != [None]]


def compare_page(client, design, *others) -> str:
    response = client.get(reverse("design_compare", args=[design.code]), {"with": [str(o.code) for o in others]})
    assert response.status_code == 200
    return response.content.decode()


def test_each_shared_serving_workload_gets_one_chart_with_a_curve_per_scenario(owner_client, pair):
    design, scenario = pair
    job = estimated(design)
    estimated(scenario)
    html = compare_page(owner_client, design, scenario)
    charts = overlays(html)
    assert list(charts) == ["chart-frontier-1", "chart-frontier-2"]
    chat, rag = charts.values()
    assert chat["layout"]["title"]["text"].startswith("Chat 8B") and rag["layout"]["title"]["text"].startswith("RAG 8B")
    assert [t["name"] for t in curves(chat)] == [design.name, scenario.name]
    assert len({t["line"]["color"] for t in curves(chat)}) == 2  # distinct colours
    assert len(stars(chat)) == 2  # each scenario's chosen operating point
    chat_frontier = job.result["frontiers"][job.result["results"][0]["id"]]
    assert stars(chat)[0]["x"] == [chat_frontier["chosen"]["tokens_per_s_per_user"]]
    assert curves(chat)[0]["x"] == [p["tokens_per_s_per_user"] for p in chat_frontier["points"]]
    # the 200 ms TPOT limit both scenarios share: one line at 5 tok/s per user, not one per scenario
    assert [s["x0"] for s in chat["layout"]["shapes"]] == [pytest.approx(5.0)]
    assert [a["text"] for a in chat["layout"]["annotations"]] == ["TPOT limit 200 ms"]
    # hovering shows the scenario and the layout (the estimates page's hover text)
    assert "%{fullData.name}" in curves(chat)[0]["hovertemplate"]
    assert all(row[0] and " × TP" in row[0] for row in curves(chat)[0]["customdata"])
    assert 'src="/static/vendor/plotly-7.1.0.min.js"' in html and "js/charts.js" in html
    assert "no estimate yet" not in html and "before the last change to the design" not in html


def test_a_stale_estimate_is_labelled_on_the_chart_and_under_it(owner_client, pair):
    design, scenario = pair
    estimated(design)
    estimated(scenario)
    scenario.version += 1  # the scenario changed after its estimate
    scenario.save(update_fields=["version"])
    html = compare_page(owner_client, design, scenario)
    chat = overlays(html)["chart-frontier-1"]
    baseline, stale = curves(chat)
    assert baseline["name"] == design.name and "dash" not in baseline["line"]
    assert stale["name"] == f"{scenario.name} (estimated before the last change)" and stale["line"]["dash"] == "dot"
    assert f"<strong>{scenario.name}</strong>: estimated before the last change to the design" in html


def test_a_scenario_without_an_estimate_is_listed_under_the_chart(owner_client, pair):
    design, scenario = pair
    estimated(design)
    html = compare_page(owner_client, design, scenario)
    charts = overlays(html)
    assert len(charts) == 2
    for figure in charts.values():
        assert [t["name"] for t in curves(figure)] == [design.name]
    assert html.count(f"<strong>{scenario.name}</strong>: no estimate yet") == 2  # under each chart
    assert reverse("design_estimates", args=[scenario.code]) in html


def test_there_is_no_chart_when_no_scenario_has_a_frontier(owner_client, pair):
    design, scenario = pair
    html = compare_page(owner_client, design, scenario)  # nothing estimated
    assert "compare-frontiers" not in html and "plotly" not in html and not overlays(html)
    job = estimated(design)
    job.result = {k: v for k, v in job.result.items() if k != "frontiers"}  # an estimate made before frontiers
    job.save(update_fields=["result"])
    html = compare_page(owner_client, design, scenario)
    assert "Chat 8B" in html and "compare-frontiers" not in html and not overlays(html)


def test_a_workload_only_one_scenario_has_still_gets_its_chart(owner_client, pair):
    design, scenario = pair
    scenario.workloads = [CHAT]
    scenario.save()
    estimated(design)
    estimated(scenario)
    charts = overlays(compare_page(owner_client, design, scenario))
    chat, rag = charts.values()
    assert len(curves(chat)) == 2 and [t["name"] for t in curves(rag)] == [design.name]
    html = compare_page(owner_client, design, scenario)
    assert f"<strong>{scenario.name}</strong>: this workload is not in its latest estimate" in html


def test_outsiders_get_404_and_never_see_a_stranger_s_frontier(client, owner, outsider, pair, loaded_catalog):
    design, scenario = pair
    estimated(design)
    estimated(scenario)
    client.force_login(outsider)
    assert client.get(reverse("design_compare", args=[design.code]), {"with": str(scenario.code)}).status_code == 404
    own = create_from_reference(outsider, "mi300x-inference-pod")
    html = compare_page(client, own, design, scenario)  # another owner's scenarios are not in this family
    assert "compare-frontiers" not in html and scenario.name not in html
    assert str(design.code) not in html and str(scenario.code) not in html


def test_distinct_tpot_limits_are_each_drawn_once_and_named():
    from studio.reports.charts import scenario_frontier_chart

    points = [{"tokens_per_s_per_user": u, "tokens_per_s_per_gpu": 1000.0 / u, "tokens_per_s_per_mw": 1.0,
               "usd_per_million_tokens": 1.0, "layout": {"workers": 1, "tp": 8}} for u in (5.0, 10.0, 20.0)]
    frontier = {"points": points, "layout": {"tp": 8}, "chosen": {"tokens_per_s_per_user": 10.0,
                                                                  "tokens_per_s_per_gpu": 100.0}}
    figure = scenario_frontier_chart("Chat", [
        {"name": "A", "frontier": {**frontier, "min_tokens_per_s_per_user": 5.0}},
        {"name": "B", "frontier": {**frontier, "min_tokens_per_s_per_user": 10.0}},
        {"name": "C", "frontier": {**frontier, "min_tokens_per_s_per_user": 5.0}},
        {"name": "D", "frontier": None}])
    assert [t["name"] for t in curves(figure)] == ["A", "B", "C"]
    assert [a["text"] for a in figure["layout"]["annotations"]] == ["TPOT limit 200 ms · A, C", "TPOT limit 100 ms · B"]
    assert scenario_frontier_chart("Chat", [{"name": "D", "frontier": None}]) is None


def test_coinciding_curves_stay_visible_and_are_said_to_coincide(owner_client, pair):
    """A clone of the same pod has the same per-GPU frontier: the earlier curve is drawn wider, so the
    later one does not hide it, and a note under the chart says the two lie on each other."""
    from studio.views.compare import same_curves

    design, scenario = pair
    estimated(design)
    estimated(scenario)
    html = compare_page(owner_client, design, scenario)
    chat = next(iter(overlays(html).values()))
    first, second = curves(chat)
    assert first["x"] == second["x"] and first["y"] == second["y"]  # the same points
    assert first["line"]["width"] > second["line"]["width"]
    assert f"{design.name} and {scenario.name}: the same frontier per GPU" in html
    points = [{"tokens_per_s_per_user": 5.0, "tokens_per_s_per_gpu": 10.0}]
    other = [{"tokens_per_s_per_user": 5.0, "tokens_per_s_per_gpu": 11.0}]
    assert same_curves([{"name": "A", "frontier": {"points": points}}, {"name": "B", "frontier": {"points": other}},
                        {"name": "C", "frontier": {"points": points}}]) == [["A", "C"]]
