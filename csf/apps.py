from django.apps import AppConfig


class CsfConfig(AppConfig):
    name = "csf"
    verbose_name = "Cybersecurity Framework"
