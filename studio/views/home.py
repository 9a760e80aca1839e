from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render

from catalog.models import CatalogItem

from .. import jobs
from ..models import Job


def home(request):
    context = {
        "catalog_items": CatalogItem.objects.count(),
        "recent_jobs": Job.objects.filter(owner=request.user)[:5],
    }
    return render(request, "studio/home.html", context)


def _broker_state() -> str:
    """"ok", or why the broker cannot be reached (one connection attempt, a few seconds at most)."""
    from studio.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:  # any transport error means the same: jobs cannot be queued
        return f"unreachable: {type(exc).__name__}: {exc}"[:300]
    return "ok"


@login_not_required
def healthz(request):
    """Health for load balancers, the run script and operators.

    ``database`` must answer for the web process to be useful (503 otherwise); ``broker`` and
    ``worker`` say whether background jobs can run (``status`` is then "degraded", still 200, so a
    load balancer keeps serving pages). ``worker`` is alive when one ran the periodic job sweep
    within three sweep periods. ``?strict=1`` answers 503 unless everything is ok.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        last_seen_s = jobs.worker_last_seen_s()
    except DatabaseError as exc:
        return JsonResponse({"status": "down", "database": f"unreachable: {exc}"[:300]}, status=503)
    broker = _broker_state()
    worker = {"alive": jobs.worker_alive(last_seen_s),
              "last_seen_s": None if last_seen_s is None else round(last_seen_s, 1)}
    healthy = broker == "ok" and worker["alive"]
    body = {"status": "ok" if healthy else "degraded", "database": "ok", "broker": broker, "worker": worker}
    return JsonResponse(body, status=503 if request.GET.get("strict") == "1" and not healthy else 200)
