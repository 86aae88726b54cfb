"""The staff workspace, mounted at /staff/ under the namespace "staff"."""

from django.urls import path

from gongkai.catalog import views
from gongkai.orgs import audit_pages, guide_pages

app_name = "staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("catalogs/new/", views.catalog_create, name="catalog_create"),
    path("catalogs/import/", views.catalog_import, name="catalog_import"),
    path("catalogs/<int:pk>/", views.catalog_detail, name="catalog_detail"),
    path("catalogs/<int:pk>/export.xlsx", views.catalog_export, name="catalog_export"),
    path("catalogs/<int:pk>/submit/", views.catalog_submit, name="catalog_submit"),
    path("catalogs/<int:pk>/approve/", views.catalog_approve, name="catalog_approve"),
    path("catalogs/<int:pk>/return/", views.catalog_return, name="catalog_return"),
    path("catalogs/<int:pk>/report/", views.catalog_report, name="catalog_report"),
    path("catalogs/<int:pk>/consistency/", views.catalog_consistency, name="catalog_consistency"),
    path("catalogs/<int:pk>/items/new/", views.item_add, name="item_add"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("units/<str:code>/villages/", views.unit_villages, name="unit_villages"),
    # The details each unit's 政府信息公开指南 is built from (gongkai.orgs.guide_pages).
    path("guides/", guide_pages.guide_list, name="guide_list"),
    path("guides/<str:code>/", guide_pages.guide_edit, name="guide_edit"),
    # The audit log, read-only, for the office and leaders (gongkai.orgs.audit_pages).
    path("audit/", audit_pages.audit_log, name="audit_log"),
    path("audit/verify/", audit_pages.audit_verify, name="audit_verify"),
]
