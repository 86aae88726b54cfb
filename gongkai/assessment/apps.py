from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "gongkai.assessment"
    label = "assessment"
    verbose_name = "考核与整改"
    default_auto_field = "django.db.models.BigAutoField"
