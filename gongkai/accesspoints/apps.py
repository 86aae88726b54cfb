from django.apps import AppConfig


class AccessPointsConfig(AppConfig):
    name = "gongkai.accesspoints"
    label = "accesspoints"
    verbose_name = "政务公开专区和查阅点"
