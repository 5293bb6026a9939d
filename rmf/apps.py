from django.apps import AppConfig


class RmfConfig(AppConfig):
    name = "rmf"
    verbose_name = "Risk Management Framework"
