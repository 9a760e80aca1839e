"""The frontier comparison of docs/accuracy.md (``bench/accuracy_frontier.py``): the frontier and the published
points are read the same way — the best point at or above a speed, never a line between two layouts."""

from __future__ import annotations

from tests.bench_scripts import load

frontier = load("accuracy_frontier")


def point(per_user, per_gpu):
    return {"tokens_per_s_per_user": per_user, "tokens_per_s_per_gpu": per_gpu, "layout": {}}


def test_the_frontier_is_read_at_the_best_point_at_least_that_fast():
    pts = [point(40, 685), point(57, 366), point(80, 150)]
    assert frontier.at(pts, 50)["tokens_per_s_per_gpu"] == 366  # 525 if interpolated
    assert frontier.at(pts, 40)["tokens_per_s_per_gpu"] == 685
    assert frontier.at(pts, 81) is None


def test_the_published_best_is_the_most_per_gpu_over_all_the_runs_gpus_at_or_above_the_speed():
    def run(cid, tpot_ms, output, gpus, system="dgx-b200"):
        return {"id": cid, "cluster": {"system": system, "gpus": gpus},
                "workload": {"precision": "fp8", "input_tokens": 8192, "output_tokens": 1024},
                "measured": {"tpot_ms": tpot_ms, "output_tokens_per_s": output}}

    cases = [run("slow-big", 40.0, 80_000, 72), run("fast", 20.0, 36_000, 72), run("fast-small", 25.0, 9_000, 8),
             run("other-system", 10.0, 1e6, 72, "gb200-nvl72")]
    best = frontier.published_best(cases, "dgx-b200", "fp8", 8192, 1024, 40)
    assert best == {"tokens_per_s_per_gpu": 1125.0, "id": "fast-small"}
    assert frontier.published_best(cases, "dgx-b200", "fp8", 8192, 1024, 60) is None
