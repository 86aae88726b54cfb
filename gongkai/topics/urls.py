"""The office's pages of 专题专栏, mounted at /staff/topics/ under the namespace "topics" (the
public pages are the portal's: gongkai.portal.views.topics)."""

from django.urls import path

from gongkai.topics.views import staff

app_name = "topics"

urlpatterns = [
    path("", staff.topic_list, name="staff_list"),
    path("new/", staff.topic_edit, name="staff_new"),
    path("<int:pk>/", staff.topic_edit, name="staff_edit"),
    path("<int:pk>/sections/new/", staff.section_edit, name="section_new"),
    path("<int:pk>/sections/<int:section_pk>/", staff.section_edit, name="section_edit"),
    path(
        "<int:pk>/sections/<int:section_pk>/delete/",
        staff.section_delete,
        name="section_delete",
    ),
]
