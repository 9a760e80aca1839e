from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .views import home, jobs

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", home.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("catalog/", include("catalog.urls")),
    path("jobs/", jobs.job_list, name="job_list"),
    path("jobs/catalog-stats/", jobs.job_start_catalog_stats, name="job_start_catalog_stats"),
    path("jobs/<uuid:code>/", jobs.job_detail, name="job_detail"),
    path("admin/", admin.site.urls),
]
