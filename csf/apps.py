from django.apps import AppConfig


class CsfConfig(AppConfig):
    name = "csf"
    verbose_name = "Cybersecurity Framework"

    def ready(self) -> None:
        from csf.catalog_loader import LOADER
        from workbench.catalogs.registry import register_loader

        register_loader(LOADER)

        from csf.risk_groups import csf_functions_of
        from rmf.selectors.authorize_pages import register_risk_grouping

        register_risk_grouping("csf_function", "CSF 2.0 function", csf_functions_of)
