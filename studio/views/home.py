from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from catalog.models import CatalogItem

from ..models import Job


def home(request):
    context = {
        "catalog_items": CatalogItem.objects.count(),
        "recent_jobs": Job.objects.filter(owner=request.user)[:5],
    }
    return render(request, "studio/home.html", context)


@login_not_required
def healthz(request):
    """Liveness for load balancers and the run script: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
