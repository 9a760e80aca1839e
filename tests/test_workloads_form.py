"""Editable workloads: the estimates page's workload form adds and edits any workload (model, precision,
lengths, latency limits, concurrency, training shape), refuses bad values with a 400 and a message per field
(the limits table's, as for imported files), offers FP4 only where the design's GPUs have it, and holds the
12-workload cap, which imported design files meet too."""

import copy
import json

import pytest
from django.urls import reverse

from catalog.source import get_catalog
from studio.domain.designfile import parse_design_text
from studio.domain.jsonread import DesignFileError
from studio.domain.limits import MAX_WORKLOADS
from studio.domain.workloadform import Fp4Support, WorkloadFormError, fp4_support, read_workload
from studio.services import REFERENCE_DIR, create_from_reference

pytestmark = pytest.mark.django_db

CHAT = {"kind": "inference", "model": "llama-3.1-70b", "precision": "fp8", "scenario": "server",
        "input_tokens": "2000", "output_tokens": "400", "ttft_p99_limit_ms": "1500", "tpot_p99_limit_ms": "40",
        "concurrency": "", "name": "Customer chat"}


@pytest.fixture
def h100(owner, loaded_catalog):
    return create_from_reference(owner, "dgx-h100-su")


@pytest.fixture
def b200(owner, loaded_catalog):
    return create_from_reference(owner, "dgx-b200-su")


def save(client, design, **fields):
    design.refresh_from_db()
    return client.post(reverse("design_workload_save", args=[design.code]),
                       {**CHAT, "version": design.version, **fields})


def test_a_typed_inference_workload_is_added_with_its_lengths_and_limits(owner_client, h100):
    before = len(h100.workloads)
    response = save(owner_client, h100)
    assert response.status_code == 302 and response["Location"].endswith("?tab=workloads")
    h100.refresh_from_db()
    added = h100.workloads[-1]
    assert len(h100.workloads) == before + 1
    assert added == {"kind": "inference", "model": "llama-3.1-70b", "precision": "fp8", "scenario": "server",
                     "input_tokens": 2000, "output_tokens": 400, "ttft_p99_limit_ms": 1500.0,
                     "tpot_p99_limit_ms": 40.0, "name": "Customer chat"}


def test_a_workload_is_edited_in_place_through_the_edit_loop(owner_client, h100):
    index = len(h100.workloads) - 1
    response = save(owner_client, h100, index=str(index), kind="training", model="llama-3.1-8b", precision="bf16",
                    sequence_length="8192", global_batch_sequences="512", train_tokens="1e12", name="")
    assert response.status_code == 302
    version = h100.version
    h100.refresh_from_db()
    assert h100.version == version + 1
    assert h100.workloads[index] == {"kind": "training", "model": "llama-3.1-8b", "precision": "bf16",
                                     "sequence_length": 8192, "global_batch_sequences": 512, "train_tokens": 1e12}


def test_the_edit_link_fills_the_form_with_the_workload(owner_client, h100):
    save(owner_client, h100)
    h100.refresh_from_db()
    index = len(h100.workloads) - 1
    html = owner_client.get(reverse("design_estimates", args=[h100.code]), {"edit": index}).content.decode()
    assert f'name="index" value="{index}"' in html and 'value="Customer chat"' in html
    assert 'id="wf_ttft" inputmode="decimal" value="1500"' in html  # 1500.0 shown as 1500
    assert 'id="pane-workloads" role="tabpanel"' in html and "tab-pane fade show active\" id=\"pane-workloads" in html


@pytest.mark.parametrize(("field", "value", "message"), [
    ("input_tokens", "0", "Input tokens: Tokens must be at least 1 (got 0)"),
    ("output_tokens", "many", "Output tokens: Tokens must be a whole number (got &#x27;many&#x27;)"),
    ("ttft_p99_limit_ms", "-5", "TTFT limit (p99): Latency limit must be above 0 ms (got -5)"),
    ("concurrency", "2.5", "Concurrency: Parallel count must be a whole number"),
    ("model", "gpt-9", "Unknown model &#x27;gpt-9&#x27;"),
    ("input_tokens", "", "Input tokens is required"),
])
def test_a_bad_value_is_refused_with_a_400_and_a_message_naming_the_field(owner_client, h100, field, value, message):
    before = list(h100.workloads)
    response = save(owner_client, h100, **{field: value})
    html = response.content.decode()
    assert response.status_code == 400 and 'id="workload-errors"' in html and message in html
    assert 'value="Customer chat"' in html  # what was typed is kept
    h100.refresh_from_db()
    assert h100.workloads == before


def test_fp4_is_refused_on_hopper_with_the_reason_and_accepted_on_blackwell(owner_client, h100, b200):
    response = save(owner_client, h100, precision="fp4")
    html = response.content.decode()
    assert response.status_code == 400
    assert "FP4 needs GPUs with FP4 units (Blackwell, MI355X); this design&#x27;s h100-sxm has none" in html
    page = owner_client.get(reverse("design_estimates", args=[h100.code])).content.decode()
    assert 'value="fp4"  disabled>FP4 — not on this hardware</option>' in page
    assert save(owner_client, b200, precision="fp4").status_code == 302
    b200.refresh_from_db()
    assert b200.workloads[-1]["precision"] == "fp4"


def test_fp4_support_reads_the_catalogs_fp4_units():
    catalog = get_catalog()
    h100, b200 = catalog.get("dgx-h100"), catalog.get("dgx-b200")
    assert fp4_support([h100], catalog) == Fp4Support(gpus=("h100-sxm",), without=("h100-sxm",))
    assert fp4_support([b200], catalog).ok and not fp4_support([], catalog).ok


def test_the_concurrency_scenario_needs_a_concurrency():
    catalog = get_catalog()
    with pytest.raises(WorkloadFormError) as caught:
        read_workload({**CHAT, "scenario": "concurrency"}, catalog, Fp4Support(("b200",), ()))
    assert caught.value.errors == {"concurrency": "Concurrency is required for the concurrency scenario "
                                                  "(requests in flight)"}
    workload = read_workload({**CHAT, "scenario": "concurrency", "concurrency": "64"}, catalog,
                             Fp4Support(("b200",), ()))
    assert workload.concurrency == 64


def test_the_form_holds_the_twelve_workload_cap(owner_client, h100):
    while len(h100.workloads) < MAX_WORKLOADS:
        assert save(owner_client, h100).status_code == 302
        h100.refresh_from_db()
    response = save(owner_client, h100)
    assert response.status_code == 400 and f"at most {MAX_WORKLOADS} workloads" in response.content.decode()


def test_an_imported_design_file_meets_the_same_cap():
    catalog = get_catalog()
    data = json.loads((REFERENCE_DIR / "dgx-h100-su.json").read_text())
    one = data["workloads"][0]
    data["workloads"] = [copy.deepcopy(one) for _ in range(MAX_WORKLOADS)]
    assert len(parse_design_text(json.dumps(data), catalog).workloads) == MAX_WORKLOADS
    data["workloads"].append(copy.deepcopy(one))
    with pytest.raises(DesignFileError) as caught:
        parse_design_text(json.dumps(data), catalog)
    assert caught.value.path == "workloads" and "at most 12 workloads, found 13" in str(caught.value)


def test_an_imported_workload_meets_the_forms_limits():
    catalog = get_catalog()
    data = json.loads((REFERENCE_DIR / "dgx-h100-su.json").read_text())
    data["workloads"] = [{"kind": "inference", "model": "llama-3.1-8b", "precision": "fp8", "scenario": "server",
                          "input_tokens": 0, "output_tokens": 10}]
    with pytest.raises(DesignFileError, match="at least 1"):
        parse_design_text(json.dumps(data), catalog)
    with pytest.raises(WorkloadFormError, match="at least 1"):
        read_workload({**CHAT, "input_tokens": "0"}, catalog, Fp4Support((), ()))


def test_a_viewer_cannot_save_a_workload(client, h100, collaborator):
    from studio.models import DesignMember

    DesignMember.objects.create(design=h100, user=collaborator, role=DesignMember.VIEW)
    client.force_login(collaborator)
    assert save(client, h100).status_code == 403
