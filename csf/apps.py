from django.apps import AppConfig


def seed_csf_demo() -> str:
    """The demo agencies' five years of CSF assessments (csf.demo), for `manage.py seed_demo`."""
    from csf.demo import seed_csf

    summary = seed_csf()
    return "\n".join([summary.line(), *(f"  skipped {item}" for item in summary.skipped)])


class CsfConfig(AppConfig):
    name = "csf"
    verbose_name = "Cybersecurity Framework"

    def ready(self) -> None:
        from csf.catalog_loader import LOADER
        from workbench.catalogs.registry import register_loader

        register_loader(LOADER)

        from workbench.demo import register_demo_seeder

        register_demo_seeder("csf", 200, seed_csf_demo)  # after rmf (100)

        from csf.risk_groups import csf_functions_of
        from rmf.selectors.authorize_pages import register_risk_grouping

        register_risk_grouping("csf_function", "CSF 2.0 function", csf_functions_of)

        from csf.control_filters import register as register_control_filters

        register_control_filters()
