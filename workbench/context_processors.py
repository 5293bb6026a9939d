from django.conf import settings

# Which main-navigation entry a page belongs to, by the start of its path (first match wins).
NAV_SECTIONS = (
    ("/catalog/information-types/", "information_types"),
    ("/catalog/", "controls"),
    ("/csf/", "csf"),
    ("/rmf/", "rmf"),
    ("/authorizations/", "rmf"),
    ("/selected-controls/", "rmf"),
    ("/systems/", "systems"),
    ("/components/", "systems"),
    ("/interconnections/", "systems"),
    ("/system-information-types/", "systems"),
    ("/organizations/", "organizations"),
    ("/memberships/", "organizations"),
    ("/audit/", "organizations"),
)


def nav_section(path: str) -> str:
    if path.startswith("/systems/") and "/rmf/" in path:
        return "rmf"
    return next((section for prefix, section in NAV_SECTIONS if path.startswith(prefix)), "")


def workbench(request):
    return {
        "WORKBENCH_MARKING": settings.WORKBENCH_MARKING,
        "nav_section": nav_section(request.path),
    }
