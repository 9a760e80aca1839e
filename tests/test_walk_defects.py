"""The workshop walk's defects (issue 12, item 4), each with the test that would have caught it."""

import pytest
from django.urls import reverse

from catalog.source import get_catalog
from studio.domain.placement import placement_label
from studio.models import Job
from studio.services import create_from_reference
from studio.tasks import estimate_design_task

pytestmark = pytest.mark.django_db


def test_after_estimate_now_the_smallest_build_form_lists_the_systems(owner_client, owner, loaded_catalog):
    design = create_from_reference(owner, "dgx-h100-su")
    response = owner_client.post(reverse("design_estimate_start", args=[design.code]))
    html = owner_client.get(response["Location"]).content.decode()  # the estimate's own page, before any reload
    assert '<option value="dgx-h100" selected>' in html and '<option value="gb200-nvl72"' in html
    # and sizing from there answers, not "Unknown system ''"
    html = owner_client.get(reverse("design_estimates", args=[design.code]),
                            {"target_workload": 0, "target_system": "dgx-h100", "target_value": 30}).content.decode()
    assert "Unknown system" not in html and 'id="target-answer"' in html


@pytest.mark.parametrize(("system", "gpus", "label"), [
    ("gb200-nvl72", 72, "1 rack · 72 GPUs"),
    ("gb200-nvl72", 576, "8 racks · 576 GPUs"),
    ("dgx-h100", 256, "32 systems · 256 GPUs"),
    ("dgx-h100", 8, "1 system · 8 GPUs"),
    (None, 8, "8 GPUs"),
])
def test_the_on_column_says_racks_or_systems_and_gpus(system, gpus, label):
    assert placement_label(system, gpus, get_catalog()) == label


def test_an_nvl72_estimate_reads_as_racks_not_as_72_systems(owner_client, owner, loaded_catalog):
    design = create_from_reference(owner, "gb200-nvl72-su")
    design.workloads = [{"kind": "inference", "model": "llama-3.1-8b", "precision": "fp8", "scenario": "offline",
                         "input_tokens": 300, "output_tokens": 290, "name": "Chat"}]
    design.save()
    owner_client.post(reverse("design_estimate_start", args=[design.code]))
    job = Job.objects.get(kind="estimate", params__design=str(design.code))
    estimate_design_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.state == Job.SUCCEEDED, job.error
    gpus = job.result["results"][0]["gpus"]
    html = owner_client.get(reverse("design_estimate_detail", args=[design.code, job.code])).content.decode()
    assert f"{gpus // 72} racks · {gpus:,} GPUs" in html
    assert f"{gpus} × gb200-nvl72" not in html


def test_a_new_tile_size_keeps_every_rack_in_place_in_metres_and_says_so():
    from dataclasses import replace

    from studio.domain.designfile import parse_design_text
    from studio.domain.edits import restore
    from studio.domain.edits.fields import tiles_for_tile_size, update_site
    from studio.services import REFERENCE_DIR

    catalog = get_catalog()
    design = parse_design_text((REFERENCE_DIR / "dgx-h100-su.json").read_text(), catalog)
    assert design.site.tile_mm == 600
    applied = update_site(design, replace(design.site, tile_mm=300))
    for before, after in zip(design.racks, applied.design.racks, strict=True):
        assert (after.x_tiles, after.y_tiles) == (before.x_tiles * 2, before.y_tiles * 2)  # same metres
    assert applied.message.startswith(f"Tile 600 → 300 mm: the {len(design.racks)} racks keep their places in metres")
    assert restore(applied.design, applied.inverse).design == design  # undo puts site and racks back together
    same = update_site(design, replace(design.site, pue=1.2))
    assert same.design.racks == design.racks and same.message == "Updated the site"
    # the docstring's worked example
    assert [tiles_for_tile_size(10, 600, 300), tiles_for_tile_size(10, 600, 610),
            tiles_for_tile_size(7, 600, 1200)] == [20, 10, 4]


def test_training_tokens_read_compactly():
    from studio.templatetags.studio_tags import compact

    assert [compact(1.5e12), compact(15e9), compact(2_000_000), compact(8192), compact(None)] == [
        "1.5 T", "15 B", "2 M", "8,192", "–"]
