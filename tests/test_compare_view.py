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
