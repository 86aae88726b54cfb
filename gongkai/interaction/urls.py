"""The message pages: the public's under /hudong/ and the staff's under /staff/messages/, both in
the namespace "interaction" (config/urls.py includes this at the root). The 找错 form keeps its
address /jiucuo/ in the portal's namespace (gongkai.portal.urls)."""

from django.urls import path

from gongkai.interaction.views import public, staff

app_name = "interaction"

urlpatterns = [
    path("hudong/", public.index, name="index"),
    path("hudong/write/<slug:box>/", public.write, name="write"),
    path("hudong/done/", public.done, name="done"),
    path("hudong/track/", public.track, name="track"),
    path("hudong/rate/", public.rate, name="rate"),
    path("hudong/list/", public.published_list, name="published_list"),
    path("hudong/<int:pk>/", public.published_detail, name="published_detail"),
    path("staff/messages/", staff.message_list, name="list"),
    path("staff/messages/settings/", staff.answer_settings, name="settings"),
    path("staff/messages/<int:pk>/", staff.message_detail, name="detail"),
    path("staff/messages/<int:pk>/assign/", staff.assign, name="assign"),
    path("staff/messages/<int:pk>/transfer/", staff.transfer, name="transfer"),
    path("staff/messages/<int:pk>/simple/", staff.mark_simple, name="simple"),
    path("staff/messages/<int:pk>/reply/", staff.reply, name="reply"),
    path("staff/messages/<int:pk>/review/", staff.review, name="review"),
    path("staff/messages/<int:pk>/invalid/", staff.mark_invalid, name="invalid"),
]
