from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "gongkai.monitoring"
    label = "monitoring"
    verbose_name = "网站与新媒体监测"
    default_auto_field = "django.db.models.BigAutoField"
