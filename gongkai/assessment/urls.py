"""The office's assessment pages, mounted under /staff/assessment/ with the namespace "assessment"."""

from django.urls import URLPattern

app_name = "assessment"

urlpatterns: list[URLPattern] = []
