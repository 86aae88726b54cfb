"""Public participation's URLs, mounted at the site root with the namespace "participation":
the portal's pages under /participation/, the staff's under /staff/participation/."""

from django.urls import path

from gongkai.participation.views import public, staff

app_name = "participation"

urlpatterns = [
    path("participation/", public.index, name="index"),
    path("participation/consultation/<int:pk>/", public.consultation, name="consultation"),
    path("participation/decisions/<int:year>/", public.decisions, name="decisions"),
    path(
        "participation/decisions/<int:year>/export.xlsx",
        public.decisions_export,
        name="decisions_export",
    ),
    path("participation/meetings/", public.meetings, name="meetings"),
    path("participation/meetings/<int:pk>/", public.meeting, name="meeting"),
    path("staff/participation/", staff.home, name="staff_home"),
    path("staff/participation/decisions/new/", staff.decision_create, name="decision_create"),
    path("staff/participation/decisions/<int:pk>/", staff.decision_edit, name="decision_edit"),
    path(
        "staff/participation/consultations/new/",
        staff.consultation_create,
        name="consultation_create",
    ),
    path(
        "staff/participation/consultations/<int:pk>/",
        staff.consultation_page,
        name="staff_consultation",
    ),
    path(
        "staff/participation/consultations/<int:pk>/edit/",
        staff.consultation_edit,
        name="consultation_edit",
    ),
    path(
        "staff/participation/consultations/<int:pk>/publish/",
        staff.consultation_publish,
        name="consultation_publish",
    ),
    path(
        "staff/participation/consultations/<int:pk>/feedback/",
        staff.feedback_publish,
        name="feedback_publish",
    ),
    path(
        "staff/participation/comments/<int:pk>/publish/",
        staff.comment_publish,
        name="comment_publish",
    ),
    path(
        "staff/participation/comments/<int:pk>/refuse/", staff.comment_refuse, name="comment_refuse"
    ),
    path("staff/participation/comments/<int:pk>/adopt/", staff.comment_adopt, name="comment_adopt"),
    path("staff/participation/meetings/new/", staff.meeting_edit, name="meeting_create"),
    path("staff/participation/meetings/<int:pk>/", staff.meeting_edit, name="meeting_edit"),
    path("staff/participation/matters/new/", staff.matter_edit, name="matter_create"),
    path("staff/participation/matters/<int:pk>/", staff.matter_edit, name="matter_edit"),
]
