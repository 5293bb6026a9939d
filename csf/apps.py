from django.apps import AppConfig


class CsfConfig(AppConfig):
    name = "csf"
    verbose_name = "Cybersecurity Framework"

    def ready(self) -> None:
        from csf.catalog_loader import LOADER
        from workbench.catalogs.registry import register_loader

        register_loader(LOADER)
