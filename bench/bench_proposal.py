"""Benchmark: the PDF proposal of a design next to its HTML editor page, in one run.

    .venv/bin/python bench/bench_proposal.py [--designs dgx-h100-su,hall-500] [--keep DIR]

For the DGX H100 SU reference design and a hall of 500 racks (bench_editor's hall: 600 × 1,200 mm
racks of 4 × DGX H100, with a compute fabric and a serving workload), each in its own process (so
that the peak memory is that design's alone) on a fresh test database:
  * ``editor page``: GET /designs/<code>/ through Django's test client, the first (cold) request and
    the median of three more;
  * ``proposal job``: the whole ``proposal`` job as the worker runs it (``make_proposal_task``):
    validation, the estimate (none exists yet, so the job runs it), the charts, WeasyPrint, storing;
  * of which ``PDF``: the WeasyPrint rendering alone (``RenderedProposal.seconds``);
  * ``peak RSS``: the process's maximum resident set (``ru_maxrss``) after the proposal, and before it.
Target (issue 10): the 500-rack proposal in under 60 s and 1 GiB. No assertion: this prints figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")

TARGET_S, TARGET_MIB = 60, 1024  # issue 10's quality bar for the 500-rack proposal


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def domain_design(name: str, catalog):
    from dataclasses import replace

    from studio.domain import design as d
    from studio.domain.designfile import parse_design_text

    if name.startswith("hall-"):
        from bench_editor import hall

        design = hall(int(name.split("-", 1)[1]))
        return replace(design, name=f"Hall of {len(design.racks)} racks", fabrics={"compute": d.Fabric("quantum-2-ndr")},
                       workloads=(d.Workload(kind="inference", model="llama-3.1-70b", precision="fp8", scenario="server",
                                             input_tokens=1000, output_tokens=300, ttft_p99_limit_ms=2000,
                                             tpot_p99_limit_ms=100),))
    path = ROOT / "studio" / "reference_designs" / f"{name}.json"
    return parse_design_text(path.read_text(encoding="utf-8"), catalog)


def child(name: str, keep: str | None) -> dict:
    """Measure one design in this process; returns the figures."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, keepdb=False)
    from catalog.loading import load_catalog
    from catalog.source import get_catalog
    from studio import services
    from studio.models import Job, Proposal
    from studio.tasks import make_proposal_task

    load_catalog()
    catalog = get_catalog()
    user = get_user_model().objects.create_user("bench", "bench@example.com", "bench-password-123456")
    row = services.create_design(user, domain_design(name, catalog))
    client = Client()
    client.force_login(user)
    url = f"/designs/{row.code}/"
    start = time.perf_counter()
    assert client.get(url).status_code == 200
    cold = time.perf_counter() - start
    warm = []
    for _ in range(3):
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        warm.append(time.perf_counter() - start)
    before = rss_mib()
    job = Job.objects.create(owner=user, kind="proposal", params={"design": str(row.code), "version": row.version,
                                                                  "paper": "a4", "customer": "Bench"})
    start = time.perf_counter()
    make_proposal_task(job.pk)
    total = time.perf_counter() - start
    job.refresh_from_db()
    if job.state != Job.SUCCEEDED:
        raise SystemExit(f"{name}: the proposal job failed: {job.error}")
    proposal = Proposal.objects.get(code=job.result["proposal"])
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / f"{name}.pdf").write_bytes(bytes(proposal.pdf))
    return {"design": name, "racks": row.racks.count(), "editor_cold_s": cold, "editor_s": statistics.median(warm),
            "proposal_s": total, "pdf_s": job.result["seconds"], "pages": proposal.pages,
            "bytes": proposal.size_bytes, "rss_before_mib": before, "rss_peak_mib": rss_mib()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--designs", default="dgx-h100-su,hall-500")
    parser.add_argument("--keep", help="write each PDF into this folder")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.keep)))
        return
    rows = []
    for name in args.designs.split(","):
        cmd = [sys.executable, __file__, "--child", name] + (["--keep", args.keep] if args.keep else [])
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            raise SystemExit(f"{name}: {done.stderr[-2000:]}")
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"{'design':<14}{'racks':>6}{'editor cold':>13}{'editor':>9}{'proposal job':>14}{'of it PDF':>11}"
          f"{'pages':>7}{'size':>10}{'RSS before':>12}{'RSS peak':>10}")
    for r in rows:
        print(f"{r['design']:<14}{r['racks']:>6}{r['editor_cold_s']:>12.2f}s{r['editor_s']:>8.2f}s"
              f"{r['proposal_s']:>13.1f}s{r['pdf_s']:>10.1f}s{r['pages']:>7}{r['bytes'] / 1024:>8.0f}kB"
              f"{r['rss_before_mib']:>9.0f}MiB{r['rss_peak_mib']:>7.0f}MiB")
    big = [r for r in rows if r["design"] == "hall-500"]
    for r in big:
        ok = r["proposal_s"] < TARGET_S and r["rss_peak_mib"] < TARGET_MIB
        print(f"target for 500 racks: under {TARGET_S} s and {TARGET_MIB} MiB: {'met' if ok else 'NOT met'} "
              f"({r['proposal_s']:.1f} s, {r['rss_peak_mib']:.0f} MiB peak RSS)")


if __name__ == "__main__":
    main()
