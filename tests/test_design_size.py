"""Design-size limits from the environment: an import or an edit that would make a design larger than
``STUDIO_MAX_RACKS`` / ``STUDIO_MAX_DEVICES_PER_RACK`` is refused with a clear 400, nothing saved; a file
larger than ``STUDIO_MAX_UPLOAD_MB`` is refused before it is read."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from studio.domain.limits import DesignSize
from studio.models import Design, RackPlacement
from tests.editor_fixtures import design  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def design_file(racks: int, devices: int = 1) -> bytes:
    return json.dumps({"format": "ai-factory-design/1", "name": "Big", "site": {"width_m": 200, "depth_m": 200},
                       "racks": [{"id": f"R{i:05d}", "model": "rack-48u-600x1200", "x_tiles": 2 * (i % 100),
                                  "y_tiles": 4 * (i // 100),
                                  "devices": [{"model": "dgx-h100", "u": 1 + 8 * k} for k in range(devices)]}
                                 for i in range(racks)]}).encode()


def test_an_import_with_more_racks_than_allowed_is_refused(owner_client, loaded_catalog, settings):
    settings.STUDIO_DESIGN_SIZE = DesignSize(max_racks=10)
    response = owner_client.post(reverse("design_import"), {"file": SimpleUploadedFile("d.json", design_file(11))})
    assert response.status_code == 400
    assert "racks: a design holds at most 10 racks (this one has 11)" in response.content.decode()
    assert Design.objects.count() == 0
    ok = owner_client.post(reverse("design_import"), {"file": SimpleUploadedFile("d.json", design_file(10))})
    assert ok.status_code == 302


def test_an_import_with_an_overfull_rack_is_refused(owner_client, loaded_catalog, settings):
    settings.STUDIO_DESIGN_SIZE = DesignSize(max_devices_per_rack=3)
    response = owner_client.post(reverse("design_import"), {"file": SimpleUploadedFile("d.json", design_file(1, 4))})
    assert response.status_code == 400 and "a rack holds at most 3 devices (R00000 has 4)" in response.content.decode()


def test_a_file_larger_than_the_upload_limit_is_refused_unread(owner_client, loaded_catalog, settings):
    settings.STUDIO_MAX_UPLOAD_BYTES = 2**20
    padded = design_file(5) + b" " * (2**20)
    response = owner_client.post(reverse("design_import"), {"file": SimpleUploadedFile("d.json", padded)})
    assert response.status_code == 400
    assert "The file is 1.0 MB; the studio takes design files of up to 1 MB (STUDIO_MAX_UPLOAD_MB)" in \
        response.content.decode()
    assert Design.objects.count() == 0


def test_an_edit_that_would_pass_the_limit_is_refused_and_saves_nothing(owner_client, design, settings):  # noqa: F811
    settings.STUDIO_DESIGN_SIZE = DesignSize(max_racks=4)
    response = owner_client.post(f"/designs/{design.code}/edit/add-rack/",
                                 {"version": 1, "model": "rack-48u-600x1200", "x": 20, "y": 10})
    assert response.status_code == 400 and "a design holds at most 4 racks" in response.content.decode()
    assert RackPlacement.objects.filter(design=design).count() == 4
    design.refresh_from_db()
    assert design.version == 1


def test_the_defaults_hold_a_100k_gpu_factory(settings):
    size = settings.STUDIO_DESIGN_SIZE
    assert size.max_racks >= 100_000 // 8 and size.max_devices_per_rack >= 48
