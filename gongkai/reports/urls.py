"""The office's report pages, mounted at /staff/reports/ under the namespace "reports"."""

from django.urls import path

app_name = "reports"

urlpatterns: list = []  # type: ignore[type-arg]
