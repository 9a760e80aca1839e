"""Routes of a design's estimates and workloads (included under designs/<uuid:code>/)."""

from django.urls import path

from .views import estimates

urlpatterns = [
    path("estimates/", estimates.estimates, name="design_estimates"),
    path("estimates/start/", estimates.estimate_start, name="design_estimate_start"),
    path("estimates/<uuid:job_code>/", estimates.estimate_detail, name="design_estimate_detail"),
    path("workloads/add/", estimates.workload_add, name="design_workload_add"),
    path("workloads/save/", estimates.workload_save, name="design_workload_save"),
    path("workloads/<int:index>/remove/", estimates.workload_remove, name="design_workload_remove"),
]
