"""The office's monitoring pages, mounted under /staff/monitoring/ with the namespace "monitoring"."""

from django.urls import URLPattern

app_name = "monitoring"

urlpatterns: list[URLPattern] = []
