"""The public's 办事服务 pages, mounted at /banshi/ under the namespace "banshi"."""

from django.urls import path

from gongkai.serviceguides.views import public

app_name = "banshi"

urlpatterns = [
    path("", public.index, name="index"),
    path("<int:pk>/", public.guide, name="guide"),
    # 一次告知: the guide on one printable page for the counter.
    path("<int:pk>/notice/", public.notice, name="notice"),
    path("material/<int:pk>/<str:which>/", public.material, name="material"),
    # 办事一本通: the web version and the Word file (?unit=CODE&group=unit|life-event).
    path("handbook/", public.handbook, name="handbook"),
    path("handbook.docx", public.handbook_docx, name="handbook_docx"),
]
