"""The staff pages for applications, mounted at /staff/applications/ under the namespace
"applications". The public pages (/apply/, /apply/track/) are in gongkai.portal.urls."""

from django.urls import path

from gongkai.applications.views import detail, intake, letters, queues

app_name = "applications"

urlpatterns = [
    path("", queues.application_list, name="list"),
    path("overdue/", queues.overdue_lists, name="overdue"),
    path("report/", queues.report_table, name="report"),
    path("new/", intake.application_register, name="register"),
    path("import/", intake.register_import, name="import"),
    path("letter-templates/", letters.letter_templates, name="letter_templates"),
    path(
        "letter-templates/<slug:kind>/",
        letters.letter_template_download,
        name="letter_template",
    ),
    path(
        "letter-templates/<slug:kind>/upload/",
        letters.letter_template_upload,
        name="letter_template_upload",
    ),
    path(
        "letter-templates/<slug:kind>/reset/",
        letters.letter_template_reset,
        name="letter_template_reset",
    ),
    path("letters/<int:pk>/", letters.letter_download, name="letter"),
    path(
        "consultations/<int:pk>/answered/",
        detail.consultation_answered,
        name="consultation_answered",
    ),
    path(
        "consultations/<int:pk>/delivered/",
        detail.consultation_delivered,
        name="consultation_delivered",
    ),
    path("<int:pk>/", detail.application_detail, name="detail"),
    path("<int:pk>/applicant/", detail.applicant_reveal, name="applicant"),
    path("<int:pk>/confirm/", detail.confirm, name="confirm"),
    path("<int:pk>/accept/", detail.accept, name="accept"),
    path("<int:pk>/route/", detail.route, name="route"),
    path("<int:pk>/supplement/", detail.supplement, name="supplement"),
    path("<int:pk>/supplemented/", detail.supplemented, name="supplemented"),
    path("<int:pk>/lapse/", detail.lapse, name="lapse"),
    path("<int:pk>/consult/", detail.consult, name="consult"),
    path("<int:pk>/reasons/", detail.request_reasons, name="reasons"),
    path("<int:pk>/defer/", detail.defer, name="defer"),
    path("<int:pk>/extend/", detail.extend, name="extend"),
    path("<int:pk>/fee/", detail.fee_notice, name="fee"),
    path("<int:pk>/fee-received/", detail.fee_received, name="fee_received"),
    path("<int:pk>/fee-paid/", detail.fee_paid, name="fee_paid"),
    path("<int:pk>/fee-lapse/", detail.fee_lapse, name="fee_lapse"),
    path("<int:pk>/reply/", detail.reply, name="reply"),
    path("<int:pk>/withdraw/", detail.withdraw, name="withdraw"),
    path("<int:pk>/deliver/", detail.deliver, name="deliver"),
    path("<int:pk>/archive/", detail.archive, name="archive"),
    path("<int:pk>/letters/", letters.letter_generate, name="letter_generate"),
]
