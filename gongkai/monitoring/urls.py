"""The office's monitoring pages, mounted under /staff/monitoring/ with the namespace "monitoring";
each page group's module lists its own."""

from gongkai.monitoring.views import accounts, columns, incidents, overview, probes

app_name = "monitoring"

urlpatterns = [
    *overview.urlpatterns,
    *columns.urlpatterns,
    *accounts.urlpatterns,
    *probes.urlpatterns,
    *incidents.urlpatterns,
]
