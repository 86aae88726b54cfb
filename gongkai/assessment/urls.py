"""The office's assessment pages, mounted under /staff/assessment/ with the namespace "assessment":
the dashboard, the indicator sets and score tables, and rectification items; each page group's
module lists its own."""

from gongkai.assessment.views import dashboard, rectifications, scores

app_name = "assessment"

urlpatterns = [*dashboard.urlpatterns, *scores.urlpatterns, *rectifications.urlpatterns]
