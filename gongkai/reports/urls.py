"""The office's report pages, mounted at /staff/reports/ under the namespace "reports"; each
report's module lists its own."""

from gongkai.reports.views import annual, monthly

app_name = "reports"

urlpatterns = [*monthly.urlpatterns, *annual.urlpatterns]
