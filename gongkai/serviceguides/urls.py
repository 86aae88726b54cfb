"""Staff pages for service guides, mounted at /staff/banshi/ under the namespace "serviceguides"."""

from django.urls import path

from gongkai.serviceguides.views import staff

app_name = "serviceguides"

urlpatterns = [
    path("", staff.service_list, name="list"),
    path("new/", staff.service_create, name="create"),
    path("import/", staff.service_import, name="import"),
    path("export.xlsx", staff.service_export, name="export"),
    path("<int:pk>/", staff.service_detail, name="detail"),
    path("<int:pk>/edit/", staff.service_edit, name="edit"),
    path("<int:pk>/submit/", staff.service_submit, name="submit"),
    path("<int:pk>/publish/", staff.service_publish, name="publish"),
    path("<int:pk>/return/", staff.service_return, name="return"),
    path("<int:pk>/withdraw/", staff.service_withdraw, name="withdraw"),
    path("<int:pk>/delete/", staff.service_delete, name="delete"),
    path("<int:pk>/materials/new/", staff.material_form, name="material_add"),
    path("materials/<int:material_pk>/edit/", staff.material_form, name="material_edit"),
    path("materials/<int:pk>/<str:which>/", staff.material_file, name="material_file"),
    path("<int:pk>/questions/new/", staff.question_form, name="question_add"),
    path("questions/<int:question_pk>/edit/", staff.question_form, name="question_edit"),
    path("<str:kind>/<int:pk>/remove/", staff.row_remove, name="remove"),
]
