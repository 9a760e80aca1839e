"""Look at every page at every screen size (not part of the suite: its name is not test_*.py).

    .venv/bin/pytest tests/look_at_every_page.py -p no:cacheprovider   # PNGs in /tmp/h8/shots

An estimated GB200 NVL72 unit with three workloads and a scenario; the designs list, editor, estimates
(results and workloads), comparison, presentation (each slide, and the printed PDF), catalog, jobs, bill
of materials, sharing, history and home page at 1024×768, 1280×800, 1440×900 and 1920×1080.
H8_PAGES=editor,present limits the pages, H8_SIZES=1280x720,1920x1080 the sizes, H8_PHASED=1 puts the
unit's racks in three phases, H8_REF names another reference design.
"""
import os
from pathlib import Path

import pytest

from studio.models import Job
from studio.services import clone_as_scenario, create_from_reference
from studio.tasks import estimate_design_task
from tests.browser import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True)]
OUT = Path(os.environ.get("H8_OUT", "/tmp/h8/shots"))
SIZES = [tuple(map(int, s.split("x"))) for s in os.environ.get("H8_SIZES", "1024x768,1280x800,1440x900,1920x1080").split(",")]
ONLY = os.environ.get("H8_PAGES", "")
W = [{"kind": "inference", "model": "llama-3.1-70b", "precision": "fp8", "scenario": "server", "input_tokens": 1000,
      "output_tokens": 8000, "ttft_p99_limit_ms": 3000, "tpot_p99_limit_ms": 50, "name": "Reasoning 70B"},
     {"kind": "inference", "model": "llama-3.1-8b", "precision": "fp8", "scenario": "server", "input_tokens": 300,
      "output_tokens": 290, "ttft_p99_limit_ms": 2000, "tpot_p99_limit_ms": 200, "name": "Chat 8B"},
     {"kind": "training", "model": "llama-3.1-70b", "precision": "bf16", "sequence_length": 8192,
      "global_batch_sequences": 1024, "train_tokens": 1.5e12, "name": "Fine-tune 70B"}]


def test_shots(page, live_server, owner, loaded_catalog):
    OUT.mkdir(parents=True, exist_ok=True)
    design = create_from_reference(owner, os.environ.get("H8_REF", "gb200-nvl72-su"))
    design.workloads = W
    design.save()
    if os.environ.get("H8_PHASED"):
        from studio.models import RackPlacement
        for label, phase in {"G02": 2, "G03": 2, "G04": 2, "G05": 3, "G06": 3, "G07": 3, "G08": 3}.items():
            RackPlacement.objects.filter(design=design, label=label).update(phase=phase)
    scenario = clone_as_scenario(design, owner, "Scenario B")
    for d in (design, scenario):
        job = Job.objects.create(owner=owner, kind="estimate", params={"design": str(d.code), "version": d.version})
        estimate_design_task.apply(args=[job.pk])
    sign_in(page, live_server, "owner", PASSWORD)
    base = f"{live_server.url}/designs/{design.code}"
    pages = {"designs": f"{live_server.url}/designs/", "editor": f"{base}/",
             "estimates": f"{base}/estimates/", "workloads": f"{base}/estimates/?tab=workloads",
             "compare": f"{base}/compare/?with={scenario.code}", "present": f"{base}/present/",
             "catalog": f"{live_server.url}/catalog/", "jobs": f"{live_server.url}/jobs/", "bom": f"{base}/bom/",
             "sharing": f"{base}/sharing/", "history": f"{base}/history/", "home": f"{live_server.url}/"}
    for w, h in SIZES:
        page.set_viewport_size({"width": w, "height": h})
        for name, url in pages.items():
            if ONLY and name not in ONLY.split(","):
                continue
            page.goto(url)
            page.wait_for_timeout(900)
            if name == "present":
                for k in range(7):
                    page.screenshot(path=str(OUT / f"present{k + 1}-{w}x{h}.png"))
                    page.keyboard.press("ArrowRight")
                    page.wait_for_timeout(400)
                page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
                page.wait_for_timeout(500)
                page.emulate_media(media="print")
                page.pdf(path=str(OUT / "present.pdf"), landscape=True, format="A4", print_background=True)
                page.emulate_media(media="screen")
                continue
            page.screenshot(path=str(OUT / f"{name}-{w}x{h}.png"), full_page=name in ("estimates", "compare"))
