from django.apps import AppConfig


class PushConfig(AppConfig):
    name = "gongkai.push"
    label = "push"
    verbose_name = "政策找人"
    default_auto_field = "django.db.models.BigAutoField"
