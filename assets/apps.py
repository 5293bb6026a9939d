from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "assets"
    verbose_name = "Inventory"

    def ready(self) -> None:
        from assets.catalog_loader import LOADER
        from workbench.catalogs.registry import register_loader

        register_loader(LOADER)
