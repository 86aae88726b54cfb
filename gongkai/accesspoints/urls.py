"""The access points' URLs, mounted at the site root with the namespace "accesspoints": the
public list under /xxgk/access-points/, kiosk mode under /kiosk/, the staff's pages under
/staff/access-points/."""

from django.urls import path

from gongkai.accesspoints.views import kiosk, public, staff

app_name = "accesspoints"

urlpatterns = [
    path("xxgk/access-points/", public.access_point_list, name="list"),
    path("kiosk/", kiosk.kiosk_home, name="kiosk"),
    path("kiosk/start/", kiosk.kiosk_start, name="kiosk_start"),
    path("kiosk/exit/", kiosk.kiosk_exit, name="kiosk_exit"),
    path("staff/access-points/", staff.staff_list, name="staff_list"),
    path("staff/access-points/new/", staff.staff_create, name="staff_create"),
    path("staff/access-points/<int:pk>/", staff.staff_edit, name="staff_edit"),
    path("staff/access-points/<int:pk>/active/", staff.staff_set_active, name="staff_set_active"),
]
