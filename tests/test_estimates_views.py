"""A design's estimates: workloads from presets, an estimate job with progress, charts and tables,
failure with a reason, and who may see or start what."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from studio.domain.perf.results import training_layout_label
from studio.models import DesignMember, Job
from studio.services import create_from_reference
from studio.tasks import estimate_design_task
from studio.templatetags.studio_tags import band_range

pytestmark = pytest.mark.django_db


@pytest.fixture
def design(owner, loaded_catalog):
    return create_from_reference(owner, "dgx-h100-su")


def run_latest_job(design):
    job = Job.objects.filter(kind="estimate", params__design=str(design.code)).first()
    estimate_design_task.apply(args=[job.pk])
    job.refresh_from_db()
    return job


def test_starting_an_estimate_queues_a_job_and_shows_its_progress(owner_client, design, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(estimate_design_task, "apply_async", lambda args, **kw: sent.extend(args))
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("design_estimate_start", args=[design.code]))
    job = Job.objects.get(kind="estimate")
    assert sent == [job.pk] and job.params["design"] == str(design.code)
    assert response["Location"] == reverse("design_estimate_detail", args=[design.code, job.code])
    html = owner_client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in html and "Waiting for a worker" in html


def test_a_finished_estimate_shows_table_charts_scaling_path_and_assumptions(owner_client, design):
    owner_client.post(reverse("design_estimate_start", args=[design.code]))
    job = run_latest_job(design)
    assert job.state == Job.SUCCEEDED, job.error
    html = owner_client.get(reverse("design_estimate_detail", args=[design.code, job.code])).content.decode()
    assert 'id="estimate-table"' in html and "tok/s" in html
    assert 'data-plotly-figure="chart-throughput-data"' in html and 'id="chart-throughput-data"' in html
    assert 'id="scaling-table"' in html and "First binding wall" in html
    assert "Assumptions" in html and "Confidence band" in html
    assert "hx-trigger" not in html  # polling stops when the job ends
    # a training row names every parallel dimension its GPUs multiply out of, as its assumption line does
    trained = [r["training"] for r in job.result["results"] if r.get("training")]
    assert trained
    for t in trained:
        label = training_layout_label(t["layout"])
        assert " CP" in label and label in html and f"layout {label}," in t["assumptions"][0]


def test_an_inference_row_states_where_published_runs_put_its_ttft_and_tpot(owner_client, loaded_catalog, owner):
    served_design = create_from_reference(owner, "mi300x-inference-pod")
    owner_client.post(reverse("design_estimate_start", args=[served_design.code]))
    job = run_latest_job(served_design)
    assert job.state == Job.SUCCEEDED, job.error
    html = owner_client.get(reverse("design_estimate_detail", args=[served_design.code, job.code])).content.decode()
    served = [r["inference"] for r in job.result["results"] if r.get("inference")]
    assert served
    for est in served:  # the table's range in ms, and each band's reason in the tooltip and the assumptions
        assert band_range(est["ttft_ms"], est["ttft_band"]) in html
        assert band_range(est["tpot_ms"], est["tpot_band"]) in html
        assert escape(est["ttft_band"]["reason"]) in html and escape(est["tpot_band"]["reason"]) in html
    assert "Where 80 % of published runs" in html and "Time to first token ×" in html and "Time per output token ×" in html


def test_the_estimates_page_shows_the_latest_estimate(owner_client, design):
    owner_client.post(reverse("design_estimate_start", args=[design.code]))
    run_latest_job(design)
    html = owner_client.get(reverse("design_estimates", args=[design.code])).content.decode()
    assert 'id="estimate-results"' in html


def test_a_preset_workload_is_added_and_removed_with_the_version_checked(owner_client, design):
    before = len(design.workloads)
    owner_client.post(reverse("design_workload_add", args=[design.code]),
                      {"preset": "chat", "model": "llama-3.1-8b", "version": design.version})
    design.refresh_from_db()
    assert len(design.workloads) == before + 1 and design.workloads[-1]["model"] == "llama-3.1-8b"
    assert design.workloads[-1]["input_tokens"] == 300
    stale = design.version - 1
    response = owner_client.post(reverse("design_workload_remove", args=[design.code, 0]), {"version": stale},
                                 follow=True)
    design.refresh_from_db()
    assert len(design.workloads) == before + 1
    assert "changed elsewhere" in response.content.decode()
    owner_client.post(reverse("design_workload_remove", args=[design.code, before]), {"version": design.version})
    design.refresh_from_db()
    assert len(design.workloads) == before


def test_an_unknown_model_or_preset_is_refused_with_a_message(owner_client, design):
    response = owner_client.post(reverse("design_workload_add", args=[design.code]),
                                 {"preset": "chat", "model": "gpt-9", "version": design.version}, follow=True)
    assert "unknown model" in response.content.decode()
    response = owner_client.post(reverse("design_workload_add", args=[design.code]),
                                 {"preset": "nonsense", "model": "llama-3.1-8b", "version": design.version}, follow=True)
    assert "unknown preset" in response.content.decode()


def test_an_estimate_that_cannot_run_fails_with_the_reason(owner_client, design):
    design.workloads = [{"kind": "inference", "model": "llama-3.1-405b", "precision": "bf16", "scenario": "offline",
                         "input_tokens": 1000, "output_tokens": 100, "tensor_parallel": 1}]
    design.save(update_fields=["workloads"])
    owner_client.post(reverse("design_estimate_start", args=[design.code]))
    job = run_latest_job(design)
    html = owner_client.get(reverse("design_estimate_detail", args=[design.code, job.code])).content.decode()
    # a model that does not fit on one GPU: the row says why (the job itself succeeds with a per-workload error)
    assert "text-danger" in html


def test_a_design_without_workloads_cannot_be_estimated(owner_client, design):
    design.workloads = []
    design.save(update_fields=["workloads"])
    response = owner_client.post(reverse("design_estimate_start", args=[design.code]), follow=True)
    assert "Add a workload" in response.content.decode()
    assert not Job.objects.filter(kind="estimate").exists()


def test_outsiders_get_404_and_viewers_cannot_start_estimates(client, design, outsider, collaborator):
    client.force_login(outsider)
    assert client.get(reverse("design_estimates", args=[design.code])).status_code == 404
    assert client.post(reverse("design_estimate_start", args=[design.code])).status_code == 404
    DesignMember.objects.create(design=design, user=collaborator, role=DesignMember.VIEW)
    client.force_login(collaborator)
    assert client.get(reverse("design_estimates", args=[design.code])).status_code == 200
    assert client.post(reverse("design_estimate_start", args=[design.code])).status_code == 403
    assert client.post(reverse("design_workload_add", args=[design.code]),
                       {"preset": "chat", "model": "llama-3.1-8b", "version": design.version}).status_code == 403


def test_an_estimate_job_of_another_design_is_not_shown_here(owner_client, owner, design, loaded_catalog):
    other = create_from_reference(owner, "starter-4-racks")
    job = Job.objects.create(owner=owner, kind="estimate", params={"design": str(other.code)})
    assert owner_client.get(reverse("design_estimate_detail", args=[design.code, job.code])).status_code == 404


def test_compare_shows_each_scenarios_latest_estimate(owner_client, owner, design):
    from studio.services import clone_as_scenario

    scenario = clone_as_scenario(design, owner, "Half the racks")
    owner_client.post(reverse("design_estimate_start", args=[design.code]))
    job = run_latest_job(design)
    html = owner_client.get(reverse("design_compare", args=[design.code]), {"with": str(scenario.code)}).content.decode()
    tokens = job.result["results"][0]["training"]["tokens_per_s"]
    assert "Training tokens/s" in html and f"{tokens:,.0f}" in html
    assert reverse("design_estimates", args=[scenario.code]) in html  # the other one is not estimated yet


def test_the_editor_links_to_the_estimates(owner_client, design):
    html = owner_client.get(reverse("design_editor", args=[design.code])).content.decode()
    assert reverse("design_estimates", args=[design.code]) in html


def test_the_smallest_build_for_a_throughput_target_is_named_with_its_site_fit(owner_client, design):
    url = reverse("design_estimates", args=[design.code])
    html = owner_client.get(url, {"target_workload": 0, "target_system": "dgx-h100",
                                  "target_value": 1}).content.decode()
    # workload 0 of the DGX H100 SU is pre-training: the target is days to train
    assert 'id="target-answer"' in html and "to train" in html
    html = owner_client.get(url, {"target_workload": 0, "target_system": "dgx-h100",
                                  "target_value": 1e-9}).content.decode()
    assert "No build of dgx-h100 reaches that target" in html and "workload cannot use more GPUs" in html


def test_a_bad_target_gets_a_clear_message(owner_client, design):
    url = reverse("design_estimates", args=[design.code])
    html = owner_client.get(url, {"target_workload": 0, "target_system": "dgx-h100", "target_value": "lots"}).content.decode()
    assert "give a positive number" in html
    html = owner_client.get(url, {"target_workload": 0, "target_system": "nope", "target_value": 5}).content.decode()
    assert "Unknown system &#x27;nope&#x27;" in html
