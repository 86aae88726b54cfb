"""The office's ledger pages, mounted under /staff/ledger/ with the namespace "ledger"."""

from django.urls import URLPattern

app_name = "ledger"

urlpatterns: list[URLPattern] = []
