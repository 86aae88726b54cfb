from django.apps import AppConfig


class ServiceGuidesConfig(AppConfig):
    name = "gongkai.serviceguides"
    label = "serviceguides"
    verbose_name = "办事服务公开"
