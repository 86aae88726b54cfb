"""The office's pages for the site's duties, mounted under /staff/site/ with the namespace
"site" (gongkai.portal.staff_views lists them)."""

from gongkai.portal import staff_views

app_name = "site"

urlpatterns = staff_views.urlpatterns
