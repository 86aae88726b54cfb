"""The public's pages of 政策找人, mounted at /push/ under the namespace "push"."""

from django.urls import path

from gongkai.push import views
from gongkai.push.feeds import TagFeed

app_name = "push"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("requested/", views.requested, name="requested"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("feeds/<slug:code>.xml", TagFeed(), name="feed"),
]
