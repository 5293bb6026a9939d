"""The system's inventory ("inventory", "xlsx"): its components in the columns of FedRAMP's
integrated inventory workbook where the workbench holds the data (the columns it has no data
for, such as IP or MAC addresses, are left out rather than shipped empty), then its
interconnections."""

from assets.models import Component, Interconnection
from rmf.documents.xlsx.workbook import Column, PackageWorkbook, labels
from rmf.models import Authorization
from rmf.selectors.document_rows import (
    inventory_components,
    inventory_interconnections,
    person,
)
from workbench.exports import Rendered

TITLE = "System inventory"
SOFTWARE = (Component.ComponentType.SOFTWARE, Component.ComponentType.FIRMWARE)
TYPE_LABELS = dict(Component.ComponentType.choices)

COMPONENT_COLUMNS = [
    Column("UNIQUE ASSET IDENTIFIER", 18),
    Column("Component", 28, wrap=True),
    Column(
        "Asset Type",
        20,
        choices=labels(Component.ComponentType.choices),
        prompt="Hardware, software, firmware, network device, IoT or OT device class.",
    ),
    Column("Public", 9, choices=("Yes", "No"), prompt="Reachable from the internet?"),
    Column("Location", 22, wrap=True),
    Column("Hardware Make/Model", 28, wrap=True),
    Column("Software/Database Vendor", 22, wrap=True),
    Column("Software/Database Name & Version", 28, wrap=True),
    Column("Quantity", 10, number_format="0"),
    Column("CPE Name", 36),
    Column("System Administrator/Owner", 22),
    Column("Comments", 40, wrap=True),
]
INTERCONNECTION_COLUMNS = [
    Column("Other side", 30, wrap=True),
    Column("Direction", 26, wrap=True),
    Column("Information exchanged", 40, wrap=True),
    Column("Agreement", 30, wrap=True, choices=labels(Interconnection.Agreement.choices)),
    Column("Agreement reference", 24, wrap=True),
    Column("Status", 14, choices=labels(Interconnection.Status.choices)),
]


def _component_row(system, component: Component, owner: str) -> list:
    vendor = component.vendor.name if component.vendor_id else ""
    software = component.component_type in SOFTWARE
    product = " ".join(part for part in (component.product, component.version) if part)
    return [
        f"{system.acronym}-{component.pk}",
        component.name,
        TYPE_LABELS.get(component.component_type, component.component_type),
        "Yes" if component.internet_reachable else "No",
        system.location,
        "" if software else " ".join(part for part in (vendor, product) if part),
        vendor if software else "",
        product if software else "",
        component.quantity,
        component.cpe,
        owner,
        component.notes,
    ]


def render(authorization: Authorization) -> Rendered:
    book = PackageWorkbook(authorization, document=TITLE)
    system = authorization.system
    owner = person(system.system_owner) if system.system_owner_id else ""
    components = book.table("Inventory", COMPONENT_COLUMNS, freeze_columns=1)
    for component in inventory_components(authorization):
        components.append(_component_row(system, component, owner))
    interconnections = book.table("Interconnections", INTERCONNECTION_COLUMNS, freeze_columns=1)
    for link in inventory_interconnections(authorization):
        interconnections.append(
            [
                str(link.remote_system) if link.remote_system_id else link.external_party,
                link.get_direction_display(),
                link.information,
                link.get_agreement_display(),
                link.agreement_reference,
                link.get_status_display(),
            ]
        )
    return book.render("inventory")
