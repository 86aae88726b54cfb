from django.urls import path

from gongkai.catalog import views

app_name = "staff"

urlpatterns = [
    path("", views.home, name="home"),
]
