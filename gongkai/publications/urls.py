"""The staff pages for government information, mounted at /staff/publications/ under the
namespace "publications"."""

from django.urls import path

from gongkai.publications import import_pages, interpretation_pages, views

app_name = "publications"

urlpatterns = [
    path("", views.publication_list, name="list"),
    path("new/", views.publication_create, name="create"),
    path("review/", views.review_queue, name="review"),
    path("words/", views.check_words, name="words"),
    path("interpretation/", interpretation_pages.interpretation_rate, name="interpretation"),
    path("words/<int:pk>/active/", views.check_word_active, name="word_active"),
    path("subsidies/import/", views.subsidy_import, name="subsidy_import"),
    path("import/", import_pages.import_start, name="import"),
    path("import/<int:pk>/", import_pages.import_job, name="import_job"),
    path("import/<int:pk>/confirm/", import_pages.import_job_confirm, name="import_job_confirm"),
    path("<int:pk>/", views.publication_detail, name="detail"),
    path("<int:pk>/edit/", views.publication_edit, name="edit"),
    path("<int:pk>/submit/", views.publication_submit, name="submit"),
    path("<int:pk>/approve/", views.publication_approve, name="approve"),
    path("<int:pk>/return/", views.publication_return, name="return"),
    path("<int:pk>/withdraw/", views.publication_withdraw, name="withdraw"),
    path("<int:pk>/retained-review/", views.publication_review, name="retained_review"),
    path("<int:pk>/validity/", views.publication_validity, name="validity"),
    path("<int:pk>/attachments/", views.attachment_add, name="attach"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="detach"),
]
