"""Benchmark: the server time of an editor move next to a trivial authenticated page, in one run.

    .venv/bin/python bench/bench_editor.py [--repeat 15] [--sizes 100,1000,2000] [--fabric]

For halls of 100, 1,000 and 2,000 racks (600 × 1,200 mm racks of 4 × DGX H100 in rows of 40 with
aisles; with ``--fabric`` each row also has a network rack of 40 QM9700 at its start and the hall
an NDR compute fabric, so that every move re-types cables), it times through Django's test client (full request: middleware, session, ownership and
version check, the UPDATE, validation of what changed, the fragments):
  * ``home``: GET / (a trivial authenticated view: one count query and a small template);
  * ``move``: POST /designs/<code>/edit/move/ moving one rack by a tile (the editor's hot path);
  * ``move (cold)``: the first move after the process started (nothing about the design in memory);
  * ``loop``: the same move through the edit service loop alone (``editing.apply``: parse, apply,
    version bump, save the difference, revalidate), without HTTP, session or rendering.
It prints the medians and the ratio move / home. No assertion: this prints figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

RACKS_PER_ROW = 40


def hall(n_racks: int, fabric: bool = False):
    from studio.domain import design as d

    pdus = (d.PduPlacement("pdu-415v-60a-3ph", "A"), d.PduPlacement("pdu-415v-60a-3ph", "A"),
            d.PduPlacement("pdu-415v-60a-3ph", "B"), d.PduPlacement("pdu-415v-60a-3ph", "B"))
    racks = []
    for i in range(n_racks):
        row, col = divmod(i, RACKS_PER_ROW)
        racks.append(d.RackPlacement(
            id=f"R{row:02d}-{col + 1:02d}", model="rack-48u-600x1200", x_tiles=2 + col, y_tiles=3 + 5 * row,
            rotation=0 if row % 2 == 0 else 180, cooling="rdhx-active", pdus=pdus,
            devices=tuple(d.DevicePlacement("dgx-h100", 1 + 8 * k) for k in range(4))))
    rows = -(-n_racks // RACKS_PER_ROW)
    fabrics = {}
    if fabric:  # a network rack at the start of each row (x = 0; the row's racks start at x = 2)
        racks += [d.RackPlacement(id=f"N{row:02d}", model="rack-48u-600x1200", x_tiles=0, y_tiles=3 + 5 * row,
                                  rotation=0 if row % 2 == 0 else 180, cooling="air", pdus=pdus,
                                  devices=tuple(d.DevicePlacement("quantum-2-ndr", 1 + k) for k in range(40)))
                  for row in range(rows)]
        fabrics = {"compute": d.Fabric("quantum-2-ndr")}
    site = d.Site(width_m=(RACKS_PER_ROW + 4) * 0.6, depth_m=(rows * 5 + 6) * 0.6, it_power_kw=100_000,
                  facility_power_kw=130_000, cooling=d.SiteCooling(100_000, 100_000))
    return d.Design(name=f"Hall of {n_racks}", site=site, racks=tuple(racks), fabrics=fabrics)


def timed(fn, repeat: int) -> list[float]:
    out = []
    for i in range(repeat):
        start = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--sizes", default="100,1000,2000")
    parser.add_argument("--fabric", action="store_true", help="network racks and an NDR compute fabric")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        from catalog.loading import load_catalog
        from studio import editing, services
        from studio.domain.edits.parse import Form

        load_catalog()
        user = get_user_model().objects.create_user("bench", "bench@example.com", "bench-password-123456")
        client = Client()
        client.force_login(user)

        def home(_):
            assert client.get("/").status_code == 200

        home(0)
        home_s = statistics.median(timed(home, args.repeat))
        print(f"{'racks':>6} {'home ms':>9} {'move ms':>9} {'ratio':>7} {'cold move ms':>13} {'loop ms':>8}")
        for n in sizes:
            row = services.create_design(user, hall(n, args.fabric))
            label = f"R00-{min(n, RACKS_PER_ROW):02d}"  # the last rack of the first row: free tile beside it
            versions = {"v": row.version}

            def move(i, row=row, label=label, versions=versions):
                dx = 1 if i % 2 == 0 else -1
                response = client.post(f"/designs/{row.code}/edit/move/",
                                       {"version": versions["v"], "rack": label, "dx": dx, "dy": 0})
                assert response.status_code == 200, response.content[:300]
                versions["v"] += 1

            editing.forget_states()
            cold = timed(move, 1)[0]
            moves = timed(lambda i: move(i + 1), args.repeat)
            move_s = statistics.median(moves)

            def loop(i, row=row, label=label):
                row.refresh_from_db()
                editing.apply("move", row, row.version, Form(rack=label, dx=str(1 if i % 2 == 0 else -1), dy="0"))

            loop_s = statistics.median(timed(lambda i: loop(i + args.repeat + 1), args.repeat))
            print(f"{n:>6} {home_s * 1000:>9.1f} {move_s * 1000:>9.1f} {move_s / home_s:>7.1f} {cold * 1000:>13.1f} "
                  f"{loop_s * 1000:>8.1f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
