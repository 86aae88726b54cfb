from django.apps import AppConfig


class TopicsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "gongkai.topics"
    verbose_name = "专题专栏"
