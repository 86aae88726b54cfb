"""The public portal, mounted at the site root under the namespace "portal"."""

from django.urls import path

from gongkai.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("catalog/", views.catalog_index, name="catalog_index"),
    path("catalog/units/", views.catalog_units, name="catalog_units"),
    path("catalog/domain/<slug:code>/", views.catalog_domain, name="catalog_domain"),
    path(
        "catalog/domain/<slug:code>/unit/<str:unit_code>/",
        views.catalog_domain_unit,
        name="catalog_domain_unit",
    ),
    path("catalog/unit/<str:code>/", views.catalog_unit, name="catalog_unit"),
    path(
        "catalog/unit/<str:code>/export.xlsx",
        views.catalog_unit_export,
        name="catalog_unit_export",
    ),
    path("catalog/item/<int:pk>/", views.catalog_item, name="catalog_item"),
]
