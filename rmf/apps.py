from django.apps import AppConfig


class RmfConfig(AppConfig):
    name = "rmf"
    verbose_name = "Risk Management Framework"

    def ready(self) -> None:
        from rmf.catalog_loader import LOADER
        from workbench.catalogs.registry import register_loader

        register_loader(LOADER)
