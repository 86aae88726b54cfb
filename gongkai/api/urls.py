"""The read API, mounted at /api/ under the namespace "api"."""

from django.urls import path, re_path

from gongkai.api import views

app_name = "api"

urlpatterns = [
    path("publications/", views.publication_list, name="publications"),
    path("publications/<int:pk>/", views.publication_detail, name="publication"),
    path("catalogs/", views.catalog_list, name="catalogs"),
    path("catalogs/<str:code>/", views.catalog_detail, name="catalog"),
    path("units/", views.unit_list, name="units"),
    path("openapi.json", views.openapi_document, name="openapi"),
    path("docs", views.docs, name="docs"),
    # Any other address ending in "/" (publications/abc/, catalogs/a/b/) answers a JSON 404 like
    # the API's own, not the site's HTML page. Addresses without the slash are left to
    # APPEND_SLASH, which redirects /api/units to /api/units/.
    re_path(r"^[\s\S]+/$", views.not_found, name="not_found"),
]
