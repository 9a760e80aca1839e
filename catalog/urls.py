from django.urls import path

from . import views

urlpatterns = [
    path("", views.catalog_list, name="catalog_list"),
    path("<str:slug>/", views.item_detail, name="catalog_detail"),
]
