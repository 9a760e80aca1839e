from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .views import bom, compare, designs, editor, home, jobs, members, sharing

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", home.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("catalog/", include("catalog.urls")),
    path("jobs/", jobs.job_list, name="job_list"),
    path("jobs/catalog-stats/", jobs.job_start_catalog_stats, name="job_start_catalog_stats"),
    path("jobs/<uuid:code>/", jobs.job_detail, name="job_detail"),
    path("jobs/<uuid:code>/retry/", jobs.job_retry, name="job_retry"),
    path("designs/", designs.design_list, name="design_list"),
    path("designs/new/", designs.design_create, name="design_create"),
    path("designs/import/", designs.design_import, name="design_import"),
    path("designs/<uuid:code>/", editor.editor, name="design_editor"),
    path("designs/<uuid:code>/rename/", designs.design_rename, name="design_rename"),
    path("designs/<uuid:code>/clone/", designs.design_clone, name="design_clone"),
    path("designs/<uuid:code>/delete/", designs.design_delete, name="design_delete"),
    path("designs/<uuid:code>/export/", designs.design_export, name="design_export"),
    path("designs/<uuid:code>/racks/<str:label>/", editor.rack_panel, name="design_rack"),
    path("designs/<uuid:code>/edit/<slug:op>/", editor.edit, name="design_edit"),
    path("designs/<uuid:code>/undo/", editor.undo, name="design_undo"),
    path("designs/<uuid:code>/compare/", compare.compare, name="design_compare"),
    path("designs/<uuid:code>/present/", compare.present, name="design_present"),
    path("designs/<uuid:code>/", include("studio.urls_estimates")),
    path("designs/<uuid:code>/sharing/", sharing.sharing, name="design_sharing"),
    path("designs/<uuid:code>/sharing/members/add/", members.member_add, name="design_member_add"),
    path("designs/<uuid:code>/sharing/members/role/", members.member_role, name="design_member_role"),
    path("designs/<uuid:code>/sharing/members/remove/", members.member_remove, name="design_member_remove"),
    path("designs/<uuid:code>/sharing/links/", sharing.share_create, name="design_share_create"),
    path("designs/<uuid:code>/sharing/links/<uuid:link_code>/revoke/", sharing.share_revoke,
         name="design_share_revoke"),
    path("designs/<uuid:code>/bom/", bom.bom_page, name="design_bom"),
    path("designs/<uuid:code>/bom.<str:fmt>", bom.bom_download, name="design_bom_download"),
    path("designs/<uuid:code>/netbox.zip", bom.netbox_download, name="design_netbox"),
    path("s/<str:token>/", sharing.share_view, name="share_view"),
    path("admin/", admin.site.urls),
]
