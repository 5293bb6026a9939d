"""What each role may do, as data. Permissions are codenames on Organization (see its Meta)."""

from assets.models import Role

VIEW = "view_organization"
MANAGE = "manage_organization"
AUDIT = "view_audit_trail"
EDIT_INVENTORY = "edit_inventory"
EDIT_RMF = "edit_rmf"
TAILOR = "tailor_controls"
ASSESS = "assess_systems"
AUTHORIZE = "authorize_systems"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ORG_ADMIN: frozenset({VIEW, MANAGE, AUDIT, EDIT_INVENTORY}),
    Role.PLANNER: frozenset({VIEW, EDIT_INVENTORY, EDIT_RMF}),
    Role.SYSTEM_OWNER: frozenset({VIEW, EDIT_INVENTORY, EDIT_RMF}),
    Role.ISSO: frozenset({VIEW, EDIT_INVENTORY, EDIT_RMF, TAILOR}),
    Role.ASSESSOR: frozenset({VIEW, ASSESS}),
    Role.AUTHORIZING_OFFICIAL: frozenset({VIEW, AUTHORIZE}),
    Role.VIEWER: frozenset({VIEW}),
}

# Roles held at a state or city that reach its child agencies. System-level roles (owner, ISSO,
# assessor) stay where they were granted: an outside assessor of one agency sees nothing else.
CASCADING_ROLES: frozenset[str] = frozenset(
    {Role.ORG_ADMIN, Role.PLANNER, Role.AUTHORIZING_OFFICIAL, Role.VIEWER}
)

ROLE_HELP: dict[str, str] = {
    Role.ORG_ADMIN: "Manages the organization, its agencies and who holds which role.",
    Role.PLANNER: "Keeps the inventory and prepares RMF and CSF work.",
    Role.SYSTEM_OWNER: "Answers for a system: its inventory record and RMF documentation.",
    Role.ISSO: "Maintains the security posture of systems: tailoring, implementation.",
    Role.ASSESSOR: "Independent assessor: records 800-53A determinations and findings.",
    Role.AUTHORIZING_OFFICIAL: "Accepts risk: approves categorizations, plans and decisions.",
    Role.VIEWER: "Reads everything of the organization, changes nothing.",
}


def qualified(codename: str) -> str:
    return f"assets.{codename}"
