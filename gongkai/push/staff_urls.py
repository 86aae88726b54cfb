"""The staff pages of 政策找人, mounted at /staff/push/ under the namespace "push_staff"."""

from django.urls import path

from gongkai.push import staff_views

app_name = "push_staff"

urlpatterns = [
    path("", staff_views.overview, name="overview"),
    path("publications/<int:pk>/tags/", staff_views.publication_tags, name="tags"),
    path("tags/new/", staff_views.tag_edit, name="tag_new"),
    path("tags/<int:pk>/", staff_views.tag_edit, name="tag_edit"),
]
