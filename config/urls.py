"""URL map: the public portal at the root, the staff workspace under /staff/, the read API,
and /healthz for the proxy's health checks."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gongkai.core.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("gongkai.portal.urls")),
    path("staff/publications/", include("gongkai.publications.urls")),
    path("staff/applications/", include("gongkai.applications.urls")),
    path("staff/reports/", include("gongkai.reports.urls")),
    path("staff/monitoring/", include("gongkai.monitoring.urls")),
    path("staff/ledger/", include("gongkai.ledger.urls")),
    path("staff/assessment/", include("gongkai.assessment.urls")),
    path("staff/site/", include("gongkai.portal.staff_urls")),
    path("staff/", include("gongkai.catalog.urls")),
    path("api/", include("gongkai.api.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
