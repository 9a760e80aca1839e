"""Load test of the production configuration: N simulated users editing at one edit per second.

    .venv/bin/python bench/load_test.py --users 10,50,100 [--seconds 60] [--warmup 10] [--web-workers 2]
                                        [--web-threads 4] [--json FILE]

Needs PostgreSQL (127.0.0.1:5432, database ``test``, trust auth) and Redis (127.0.0.1:6379). For each
user count it starts the ``Procfile``'s stack (``tests/prodstack.py``: a fresh PostgreSQL database,
gunicorn with ``--web-workers`` processes of ``--web-threads`` threads, a Celery worker with beat, ``DEBUG=0``, behind a simulated
TLS proxy), then:

* every user owns a design of four racks (one DGX H100 each) and a chat workload; the first ten users
  also edit one **shared** design (they are its editors), each their own rack of it;
* each user makes one edit per second (paced, not closed-loop: the next edit starts one second after the
  previous one started, or at once if that one took longer), at a moment of the second of its own
  (a random phase per user, ± 50 ms each time: independent people are not in step): 60 % rack moves (one tile and back), 25 %
  device drops into the next free U slot, 15 % site edits (the electricity price) — shared-design users
  move their rack of the shared design instead — and every user starts one estimate job during the run;
* a 409 (the design changed since the user's version) is counted as a conflict; the user takes the new
  version from the answer and sends the same edit again, as the editor does after its view is refreshed;
* afterwards it exports every design and checks that it is exactly what the accepted edits say (rack
  positions, devices, site price): a difference is a lost (or phantom) edit.

The first ``--warmup`` seconds run the same load unmeasured (each web process meets the designs, opens
its database connections and compiles its templates); their p95 is printed apart, and their edits are
checked with the rest. It prints requests/s, p50/p95/p99 latency per kind of request and overall,
errors (5xx, refused edits, transport errors), conflicts, lost edits, and the CPU each part used per
request (web, worker, PostgreSQL, this load generator). Timings on a shared 2-core machine are noisy,
and the load generator runs on the same cores as the server: read the figures as what this machine
sustains.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.prodstack import VERSION_RE, Browser, Stack, fresh_database, manage, production_env  # noqa: E402

RACK_MODEL, PDU_MODEL, SYSTEM = "rack-48u-600x1200", "pdu-415v-60a-3ph", "dgx-h100"
SYSTEM_U, RACK_U = 8, 48
SHARED_EDITORS = 10
SITE = {"width_m": 30, "depth_m": 20, "tile_mm": 600, "it_power_kw": 2000, "pue": 1.3, "facility_power_kw": 2600,
        "cooling": {"air_kw": 2000, "liquid_kw": 0}, "floor_max_kg_per_m2": 1500, "redundancy": "N+1",
        "electricity_usd_per_kwh": 0.08}
SITE_FORM = {"width_m": 30, "depth_m": 20, "tile_mm": 600, "it_power_kw": 2000, "pue": 1.3,
             "facility_power_kw": 2600, "air_cooling_kw": 2000, "liquid_cooling_kw": 0, "floor_max_kg_per_m2": 1500,
             "redundancy": "N+1"}


def rack(label: str, x: int, y: int) -> dict:
    return {"id": label, "model": RACK_MODEL, "x_tiles": x, "y_tiles": y, "rotation": 0, "cooling": "rdhx-active",
            "pdus": [{"model": PDU_MODEL, "feed": "A"}, {"model": PDU_MODEL, "feed": "B"}],
            "devices": [{"model": SYSTEM, "u": 1}]}


def design_file(name: str, racks: int) -> dict:
    return {"format": "ai-factory-design/1", "name": name, "site": SITE,
            "racks": [rack(f"A{i + 1:02d}", 2 + 3 * i, 6) for i in range(racks)],
            "workloads": [{"kind": "inference", "model": "llama-3.1-8b", "precision": "fp8", "scenario": "server",
                           "input_tokens": 1000, "output_tokens": 300}]}


SETUP = """
import json, sys
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from catalog.source import get_catalog
from studio import services
from studio.domain.designfile import parse_design_text
from studio.models import DesignMember
spec = json.loads(sys.stdin.read())
catalog, User, out = get_catalog(), get_user_model(), {"users": []}
shared_owner = User.objects.create_user("load-owner", password=None)
shared = services.create_design(shared_owner, parse_design_text(json.dumps(spec["shared"]), catalog))
out["shared"] = str(shared.code)
for i in range(spec["users"]):
    user = User.objects.create_user(f"load-{i:03d}", password=None)
    design = services.create_design(user, parse_design_text(json.dumps(spec["own"]), catalog))
    if i < spec["shared_editors"]:
        DesignMember.objects.create(design=shared, user=user, role=DesignMember.EDIT)
    session = SessionStore()
    session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    out["users"].append({"name": user.username, "session": session.session_key, "design": str(design.code)})
print("LOAD-SETUP " + json.dumps(out))
"""


@dataclass
class DesignModel:
    """What a design must look like after the run: the accepted edits applied to the start."""

    code: str
    version: int = 1
    rack_y: dict[str, int] = field(default_factory=dict)
    devices: dict[str, list[int]] = field(default_factory=dict)
    price: float = 0.08
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    measure_from: float = 0.0  # time.monotonic(): requests started before it are the warm-up's
    warmup: list[float] = field(default_factory=list)

    def record(self, kind: str, seconds: float, status: int, started: float) -> None:
        with self.lock:
            (self.latencies[kind] if started >= self.measure_from else self.warmup).append(seconds)
            self.statuses[status] += 1
            if status == 409:
                self.conflicts += 1


class User:
    def __init__(self, port: int, session: str, own: DesignModel, shared: DesignModel | None, shared_rack: str | None,
                 results: Results, rng: random.Random):
        self.browser = Browser(port)
        self.browser.cookies["sessionid"] = session
        self.own, self.shared, self.shared_rack = own, shared, shared_rack
        self.results, self.rng = results, rng
        self.versions: dict[str, int] = {own.code: 1}
        if shared:
            self.versions[shared.code] = 1

    def edit(self, model: DesignModel, op: str, fields: list[tuple[str, object]], apply) -> None:
        """Send one edit; on 409 take the new version and send it again (at most 5 times)."""
        for _ in range(5):
            version = self.versions[model.code]
            started, start = time.monotonic(), time.perf_counter()
            try:
                status, _, body = self.browser.post(f"/designs/{model.code}/edit/{op}/",
                                                    [("version", version), *fields])
            except OSError as exc:
                with self.results.lock:
                    self.results.errors.append(f"{op}: {type(exc).__name__}: {exc}")
                return
            self.results.record(op, time.perf_counter() - start, status, started)
            found = VERSION_RE.search(body)
            if found:
                self.versions[model.code] = int(found.group(1))
            if status == 200:
                with model.lock:
                    apply()
                return
            if status != 409:
                with self.results.lock:
                    self.results.errors.append(f"{op} answered {status}: {body[:200]!r}")
                return

    def move(self, model: DesignModel, label: str) -> None:
        dy = 1 if model.rack_y[label] == 6 else -1

        def apply():
            model.rack_y[label] += dy

        self.edit(model, "move", [("rack", label), ("dx", 0), ("dy", dy)], apply)

    def drop_device(self) -> bool:
        for label, used in self.own.devices.items():
            u = max(used) + SYSTEM_U
            if u + SYSTEM_U - 1 <= RACK_U:
                self.edit(self.own, "add-device", [("rack", label), ("model", SYSTEM), ("u", u)],
                          lambda label=label, u=u: self.own.devices[label].append(u))
                return True
        return False

    def site_edit(self) -> None:
        price = round(self.rng.uniform(0.05, 0.15), 3)

        def apply():
            self.own.price = price

        self.edit(self.own, "site", [*SITE_FORM.items(), ("electricity_usd_per_kwh", price)], apply)

    def start_estimate(self) -> None:
        started, start = time.monotonic(), time.perf_counter()
        status, _, _ = self.browser.post(f"/designs/{self.own.code}/estimates/start/", {})
        self.results.record("estimate-start", time.perf_counter() - start, status, started)
        if status != 302:
            with self.results.lock:
                self.results.errors.append(f"estimate start answered {status}")

    def run(self, seconds: float, warmup: float, barrier: threading.Barrier) -> None:
        barrier.wait()
        t0 = time.monotonic()
        estimate_at = warmup + self.rng.uniform(0, seconds * 0.8)  # in the measured part
        # each user's own second: people editing independently are not in step (all users on the same
        # beat would send every edit of the second within the same few milliseconds)
        phase = self.rng.uniform(0, 1.0)
        estimated, tick = False, 0
        while tick < warmup + seconds:
            due = t0 + phase + tick + self.rng.uniform(-0.05, 0.05)
            time.sleep(max(0.0, due - time.monotonic()))
            tick += 1
            if not estimated and time.monotonic() - t0 >= estimate_at:
                estimated = True
                self.start_estimate()
                continue
            roll = self.rng.random()
            if self.shared is not None and roll < 0.6:
                self.move(self.shared, self.shared_rack)
            elif roll < 0.6:
                self.move(self.own, self.rng.choice(list(self.own.rack_y)))
            elif roll < 0.85 and self.drop_device():
                pass
            else:
                self.site_edit()


def cpu_seconds(stack: Stack) -> dict[str, float]:
    """CPU seconds (user + system, with reaped children's) used so far by the stack's web and worker
    process groups, by the PostgreSQL server's processes and by this load generator, from ``/proc``
    (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    groups = {proc.pid: name for name, proc in stack.procs}  # each runs in a session of its own
    out = {"web": 0.0, "worker": 0.0, "postgres": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                comm, rest = f.read().rsplit(")", 1)
        except OSError:
            continue
        fields = rest.split()
        # its own user + system time, and that of its children it has reaped (the PostgreSQL server
        # collects the time of backends that ended: a connection closed during the run still counts)
        cpu = sum(int(x) for x in fields[11:15]) / tick
        name = groups.get(int(fields[3]))  # the process group
        if name is None and comm.endswith("(postgres"):
            name = "postgres"
        if name:
            out[name] += cpu
    times = os.times()
    out["load generator"] = times.user + times.system
    return out


def wait_for_jobs(env: dict, timeout_s: float = 180) -> dict[str, int]:
    """The estimate jobs' states, once none is queued or running any more (or at ``timeout_s``)."""
    count = ("from studio.models import Job; import collections, json; "
             "print('JOBS ' + json.dumps(collections.Counter(Job.objects.values_list('state', flat=True))))")
    deadline = time.monotonic() + timeout_s
    while True:
        states = json.loads(manage(env, "shell", "-c", count).split("JOBS ", 1)[1])
        if not set(states) & {"queued", "running"} or time.monotonic() > deadline:
            return states
        time.sleep(2)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def verify(browser: Browser, models: list[DesignModel]) -> list[str]:
    """Export every design and compare it with what its accepted edits say."""
    lost = []
    for model in models:
        status, _, body = browser.get(f"/designs/{model.code}/export/")
        if status != 200:
            lost.append(f"{model.code}: export answered {status}")
            continue
        design = json.loads(body)
        for r in design["racks"]:
            if r["id"] in model.rack_y and r["y_tiles"] != model.rack_y[r["id"]]:
                lost.append(f"{model.code} {r['id']}: y {r['y_tiles']} where the accepted edits say "
                            f"{model.rack_y[r['id']]}")
            if r["id"] in model.devices:
                us = sorted(d["u"] for d in r["devices"])
                if us != sorted(model.devices[r["id"]]):
                    lost.append(f"{model.code} {r['id']}: devices at {us} where the edits say "
                                f"{sorted(model.devices[r['id']])}")
        if model.devices and abs(design["site"]["electricity_usd_per_kwh"] - model.price) > 1e-9:
            lost.append(f"{model.code}: price {design['site']['electricity_usd_per_kwh']} where the edits say "
                        f"{model.price}")
    return lost


def run_once(users: int, seconds: float, web_workers: int, seed: int, web_threads: int = 4,
             warmup: float = 10.0) -> dict:
    with tempfile.TemporaryDirectory() as tmp, fresh_database() as database_url:
        env = production_env(database_url, Path(tmp) / "var", redis_db=12, web_workers=web_workers,
                             web_threads=web_threads,
                             worker_concurrency=2)
        with Stack(env, Path(tmp)) as stack:
            spec = {"users": users, "shared_editors": min(SHARED_EDITORS, users),
                    "own": design_file("Load test", 4), "shared": design_file("Shared hall", SHARED_EDITORS)}
            import subprocess

            setup = subprocess.run([sys.executable, "manage.py", "shell", "-c", SETUP], input=json.dumps(spec),
                                   cwd=Path(__file__).resolve().parent.parent, env=env, capture_output=True,
                                   text=True, timeout=600, check=True)
            info = json.loads(setup.stdout.split("LOAD-SETUP ", 1)[1])
            start = {"rack_y": {f"A{i + 1:02d}": 6 for i in range(4)}}
            shared = DesignModel(info["shared"], rack_y={f"A{i + 1:02d}": 6 for i in range(SHARED_EDITORS)})
            results, rng = Results(), random.Random(seed)
            sim = []
            for i, u in enumerate(info["users"]):
                own = DesignModel(u["design"], rack_y=dict(start["rack_y"]), devices={k: [1] for k in start["rack_y"]})
                on_shared = i < SHARED_EDITORS
                sim.append(User(stack.port, u["session"], own, shared if on_shared else None,
                                f"A{i + 1:02d}" if on_shared else None, results, random.Random(rng.random())))
            for user in sim:  # a CSRF cookie each, before the clock starts
                user.browser.ensure_csrf("/designs/")
            barrier = threading.Barrier(len(sim) + 1)
            threads = [threading.Thread(target=u.run, args=(seconds, warmup, barrier), daemon=True) for u in sim]
            for t in threads:
                t.start()
            barrier.wait()
            results.measure_from = t0 = time.monotonic() + warmup
            time.sleep(max(0.0, t0 - time.monotonic()))
            cpu0 = cpu_seconds(stack)
            for t in threads:
                t.join()
            wall, cpu1 = time.monotonic() - t0, cpu_seconds(stack)
            lost = verify(sim[0].browser, [shared])  # user 0 is an editor of the shared design
            for user in sim:
                lost += verify(user.browser, [user.own])
            job_states = wait_for_jobs(env)
    every = [x for values in results.latencies.values() for x in values]
    edits = sum(len(v) for k, v in results.latencies.items() if k != "estimate-start")
    return {"users": users, "web": f"{web_workers} × {web_threads}", "seconds": round(wall, 1), "requests": len(every),
            "requests_per_s": round(len(every) / wall, 1),
            "p50_ms": round(1000 * percentile(every, 50), 1), "p95_ms": round(1000 * percentile(every, 95), 1),
            "p99_ms": round(1000 * percentile(every, 99), 1),
            "by_kind": {k: {"n": len(v), "p50_ms": round(1000 * statistics.median(v), 1),
                            "p95_ms": round(1000 * percentile(v, 95), 1)} for k, v in sorted(results.latencies.items())},
            # CPU per request of each part, over the measured part
            "cpu_ms_per_request": {k: round(1000 * (cpu1[k] - cpu0[k]) / max(len(every), 1), 2) for k in cpu0},
            "jobs": job_states,  # the estimate jobs' states once the worker is done (or after 3 minutes)
            "statuses": dict(results.statuses), "edits": edits, "conflicts": results.conflicts,
            "warmup_s": warmup, "warmup_requests": len(results.warmup),
            "warmup_p95_ms": round(1000 * percentile(results.warmup, 95), 1),
            "errors": len(results.errors), "error_samples": results.errors[:5], "lost_edits": len(lost),
            "lost_samples": lost[:5]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="10,50,100", help="comma-separated user counts")
    parser.add_argument("--seconds", type=float, default=60, help="the measured part")
    parser.add_argument("--warmup", type=float, default=10,
                        help="seconds of the same load before it, not in the latency figures (each web process "
                             "meets each design and opens its connections); their p95 is reported apart")
    # the Procfile's defaults: on two cores, two processes of four threads each used ~20 % less CPU per
    # request than five single-threaded ones (more edits find their design's state in their process's
    # memory, connections are kept alive), measured with this script, 100 users, 30 s each
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--web-threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    rows = []
    for n in [int(x) for x in args.users.split(",")]:
        row = run_once(n, args.seconds, args.web_workers, args.seed, args.web_threads, args.warmup)
        rows.append(row)
        print(json.dumps(row), flush=True)
    print("\n| users | req/s | p50 ms | p95 ms | p99 ms | warm-up p95 ms | edits | conflicts (409) | errors "
          "| lost edits | estimates succeeded |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['users']} | {r['requests_per_s']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} "
              f"| {r['warmup_p95_ms']} | {r['edits']} | {r['conflicts']} | {r['errors']} | {r['lost_edits']} "
              f"| {r['jobs'].get('succeeded', 0)} of {sum(r['jobs'].values())} |")
    print("\nCPU ms per request (timed run): " + "; ".join(
        f"{r['users']} users: " + ", ".join(f"{k} {v}" for k, v in r["cpu_ms_per_request"].items()) for r in rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    return 1 if any(r["errors"] or r["lost_edits"] or set(r["jobs"]) - {"succeeded"} for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
