from django.apps import AppConfig


def seed_rmf_demo() -> str:
    """The demo city's RMF cycles (rmf.demo), for `manage.py seed_demo`."""
    from rmf.demo import seed_rmf

    summary = seed_rmf()
    lines = [summary.line()]
    lines += [f"  skipped {item}" for item in summary.skipped]
    return "\n".join(lines)


class RmfConfig(AppConfig):
    name = "rmf"
    verbose_name = "Risk Management Framework"

    def ready(self) -> None:
        from rmf.catalog_loader import LOADER
        from workbench.catalogs.registry import register_loader
        from workbench.demo import register_demo_seeder

        register_loader(LOADER)
        register_demo_seeder("rmf", 100, seed_rmf_demo)
        import rmf.documents.oscal  # noqa: F401  registers the OSCAL documents
        import rmf.documents.pdf  # noqa: F401  registers the PDF documents
        import rmf.documents.xlsx  # noqa: F401  registers the workbooks
