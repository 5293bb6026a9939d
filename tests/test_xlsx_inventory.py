"""The system inventory workbook ("inventory", "xlsx"): components in the FedRAMP integrated
inventory columns the workbench has data for, then interconnections; a fixed number of queries
whatever the components."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.services import component_create, interconnection_create
from assets.services.inventory import vendor_get_or_create
from rmf.documents import document_render
from tests.test_rmf_cycles import refreshed, started_cycle
from tests.test_xlsx_control_matrix import table_of, validations_of, workbook_of


def test_components_and_interconnections(personas):
    authorization = started_cycle(personas)
    system = authorization.system
    software = component_create(
        actor=None,
        system=system,
        name="Signal timing software",
        component_type="software",
        vendor=vendor_get_or_create(name="Econolite"),
        product="Centracs",
        version="3.2",
        quantity=2,
        cpe="cpe:2.3:a:econolite:centracs:3.2:*:*:*:*:*:*:*",
        internet_reachable=True,
        notes="=SUM(A1) is how the vendor names its export.",
    )
    controller = component_create(
        actor=None,
        system=system,
        name="Intersection controllers",
        component_type="ot_device",
        vendor=vendor_get_or_create(name="Siemens"),
        product="M60",
        quantity=240,
    )
    interconnection_create(
        actor=None,
        system=system,
        remote_system=personas.sibling_system,
        direction="outgoing",
        information="Plate reads at intersections",
        agreement="mou",
        agreement_reference="MOU 2025-14",
    )

    book = workbook_of(document_render(authorization, "inventory", "xlsx"))
    assert book.sheetnames == ["About", "Inventory", "Interconnections", "Lists"]
    sheet = book["Inventory"]
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == "A1:L4"
    rows = {row["Component"]: row for row in table_of(sheet)}
    assert list(rows) == ["Central server", "Intersection controllers", "Signal timing software"]
    app = rows["Signal timing software"]
    assert app == {
        "UNIQUE ASSET IDENTIFIER": f"TSC-{software.pk}",
        "Component": "Signal timing software",
        "Asset Type": "Software",
        "Public": "Yes",
        "Location": None,
        "Hardware Make/Model": None,
        "Software/Database Vendor": "Econolite",
        "Software/Database Name & Version": "Centracs 3.2",
        "Quantity": 2,
        "CPE Name": "cpe:2.3:a:econolite:centracs:3.2:*:*:*:*:*:*:*",
        "System Administrator/Owner": personas.member.get_full_name(),
        "Comments": "=SUM(A1) is how the vendor names its export.",
    }
    assert sheet.cell(row=4, column=12).data_type == "s"  # text, not a formula
    plc = rows["Intersection controllers"]
    assert plc["UNIQUE ASSET IDENTIFIER"] == f"TSC-{controller.pk}"
    assert plc["Asset Type"] == "OT device class (PLC, RTU, controller)"
    assert plc["Public"] == "No"
    assert plc["Hardware Make/Model"] == "Siemens M60"
    assert plc["Software/Database Vendor"] is None
    assert plc["Quantity"] == 240

    lists = validations_of(sheet)
    assert lists["Public"] == ["Yes", "No"]
    assert lists["Asset Type"][0] == "Hardware"

    [link] = table_of(book["Interconnections"])
    assert link == {
        "Other side": "Vehicle Registration (VRS)",
        "Direction": "Data goes out to the other side",
        "Information exchanged": "Plate reads at intersections",
        "Agreement": "Memorandum of understanding (MOU/MOA)",
        "Agreement reference": "MOU 2025-14",
        "Status": "Active",
    }


def test_the_inventory_takes_the_same_queries_whatever_the_components(personas):
    authorization = started_cycle(personas)

    def count() -> int:
        # As a request reads it: the cycle fetched afresh, nothing cached on it.
        fresh = refreshed(authorization)
        with CaptureQueriesContext(connection) as queries:
            document_render(fresh, "inventory", "xlsx")
        return len(queries)

    few = count()
    vendor = vendor_get_or_create(name="Siemens")
    for number in range(25):
        component_create(
            actor=None,
            system=authorization.system,
            name=f"Controller {number:02d}",
            component_type="ot_device",
            vendor=vendor,
        )
    book = workbook_of(document_render(authorization, "inventory", "xlsx"))
    assert len(table_of(book["Inventory"])) == 26
    assert count() == few
