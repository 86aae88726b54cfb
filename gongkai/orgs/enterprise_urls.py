"""Staff pages of the public enterprises and institutions, mounted at /staff/enterprises/."""

from django.urls import path

from gongkai.orgs import enterprise_pages

app_name = "enterprises"

urlpatterns = [
    path("", enterprise_pages.enterprise_list, name="list"),
]
