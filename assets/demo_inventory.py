"""The demo inventory: the systems of the fictional City of Riverton, as plain data.

About forty systems across the six agencies — IT (311, payments, permitting, child welfare case
management, DMV licensing, ERP, HR/payroll, GIS, the city network), OT (traffic signals, water
SCADA, lift stations, building automation) and IoT (parking meters, street lighting, air quality
sensors, cameras, fleet telematics, smart water meters) — with their components, the connections
between them and to outside parties, and the SP 800-60 information types they handle.

Vendors of city-specific products are invented; commodity platforms (Windows Server, Red Hat,
PostgreSQL, Cisco, ...) carry their real names and CPE names. Nothing here describes a real
city's systems or claims any product is vulnerable.

`seed_inventory()` creates whatever is missing, through the services (validation and audit
records apply). Running it again creates nothing and changes nothing that is already there.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from guardian.shortcuts import get_perms

from assets.demo import AGENCIES, CITY, STATE
from assets.models import (
    Component,
    InformationType,
    Interconnection,
    Organization,
    System,
    SystemInformationType,
    Vendor,
)
from assets.services import (
    component_create,
    interconnection_create,
    system_assessor_grant,
    system_create,
    system_information_type_add,
    vendor_get_or_create,
)

# The systems the demo "assessor" (an outside consultancy) is engaged for, and nothing else.
ASSESSED_SYSTEMS = ("TSCS", "SSL", "WEB", "BAS")
ASSESSOR_USERNAME = "assessor"
AUTHORIZING_OFFICIAL = "ao"  # the city's authorizing official: the role reaches every agency

# Who answers for the systems of each agency (usernames of demo users holding a role there).
AGENCY_PEOPLE = {
    "DOT": ("owner", "isso"),
    "DMV": ("dmv-owner", "dmv-isso"),
    "CFS": ("cfs-owner", "cfs-isso"),
    "DPW": ("dpw-owner", "dpw-isso"),
    "DoIT": ("doit-owner", "doit-isso"),
    "RWU": ("water-owner", "water-isso"),
}

IT, OT, IOT = System.Kind.IT, System.Kind.OT, System.Kind.IOT
MAJOR_APP = System.SystemType.MAJOR_APPLICATION
GENERAL_SUPPORT = System.SystemType.GENERAL_SUPPORT
ICS = System.SystemType.INDUSTRIAL_CONTROL
IOT_FLEET = System.SystemType.IOT_FLEET
CLOUD_SERVICE = System.SystemType.CLOUD_SERVICE
ON_PREMISES = System.Hosting.ON_PREMISES
CLOUD = System.Hosting.CLOUD
SAAS = System.Hosting.SAAS
HYBRID = System.Hosting.HYBRID
OPERATIONAL = System.Status.OPERATIONAL
PLANNED = System.Status.PLANNED
UNDER_DEVELOPMENT = System.Status.UNDER_DEVELOPMENT
MAJOR_MODIFICATION = System.Status.MAJOR_MODIFICATION
DISPOSED = System.Status.DISPOSED
WEB = System.Channel.WEB
MOBILE_APP = System.Channel.MOBILE_APP
KIOSK = System.Channel.KIOSK
PHONE = System.Channel.PHONE
SOCIAL_MEDIA = System.Channel.SOCIAL_MEDIA

HW = Component.ComponentType.HARDWARE
SW = Component.ComponentType.SOFTWARE
FW = Component.ComponentType.FIRMWARE
NET = Component.ComponentType.NETWORK
IOT_DEVICE = Component.ComponentType.IOT_DEVICE
OT_DEVICE = Component.ComponentType.OT_DEVICE

OUT = Interconnection.Direction.OUTGOING
IN = Interconnection.Direction.INCOMING
BOTH = Interconnection.Direction.BIDIRECTIONAL
ISA = Interconnection.Agreement.ISA
MOU = Interconnection.Agreement.MOU
CONTRACT = Interconnection.Agreement.CONTRACT
NO_AGREEMENT = Interconnection.Agreement.NONE

WINDOWS_2022 = "cpe:2.3:o:microsoft:windows_server_2022:-:*:*:*:*:*:*:*"
WINDOWS_2019 = "cpe:2.3:o:microsoft:windows_server_2019:-:*:*:*:*:*:*:*"
RHEL_9 = "cpe:2.3:o:redhat:enterprise_linux:9.0:*:*:*:*:*:*:*"


@dataclass(frozen=True)
class DemoComponent:
    name: str
    component_type: str
    vendor: str = ""
    product: str = ""
    version: str = ""
    quantity: int = 1
    cpe: str = ""
    internet_reachable: bool = False
    notes: str = ""


@dataclass(frozen=True)
class DemoLink:
    """An interconnection: to another demo system (its acronym) or to an outside party."""

    information: str
    direction: str
    to: str = ""  # acronym of a demo system
    party: str = ""  # an external party
    agreement: str = NO_AGREEMENT
    reference: str = ""
    status: str = Interconnection.Status.ACTIVE


@dataclass(frozen=True, kw_only=True)
class DemoSystem:
    agency: str  # short name of the agency, see assets.demo.AGENCIES
    acronym: str  # unique across the demo, so links can name it
    name: str
    kind: str
    system_type: str
    description: str
    status: str = OPERATIONAL
    hosting: str = ON_PREMISES
    hosting_provider: str = ""
    public_facing: bool = False
    channels: tuple[str, ...] = ()
    processes_pii: bool = False
    user_count: int | None = None
    location: str = ""
    boundary: str = ""
    laws: tuple[str, ...] = ()  # laws, regulations and policies the city names for the system
    operational_since: date | None = None
    next_review: date | None = None
    retirement_date: date | None = None
    components: tuple[DemoComponent, ...] = ()
    information_types: tuple[tuple[str, str], ...] = ()  # (SP 800-60 id, why)
    links: tuple[DemoLink, ...] = field(default=())


TMC = "Traffic Management Center, 41 Depot Road"
DATA_CENTER = "City data center, Municipal Building, 200 Main Street"
WATER_PLANT = "Riverton Water Treatment Plant, 1 Intake Road"

SYSTEMS: list[DemoSystem] = [
    # ----------------------------------------------------------------- Transportation (DOT)
    DemoSystem(
        agency="DOT",
        acronym="TSCS",
        name="Traffic Signal Control System",
        kind=OT,
        system_type=ICS,
        description="Runs the city's 238 signalized intersections: timing plans, coordination "
        "along corridors, pedestrian phases and emergency-vehicle preemption. Engineers at the "
        "Traffic Management Center watch and adjust the signals from the central ATMS.",
        user_count=25,
        location=f"{TMC}, and 238 intersections citywide",
        boundary="The central ATMS servers and workstations in the Traffic Management Center, "
        "the dedicated traffic fiber network and cabinet switches, and the controllers, "
        "malfunction management units, detection and preemption receivers in each signal "
        "cabinet. The cameras (TCAM) and the city enterprise network (GSS) are outside.",
        operational_since=date(2016, 5, 2),
        next_review=date(2026, 9, 30),
        laws=(
            (
                "Manual on Uniform Traffic Control Devices (MUTCD), 23 CFR part 655 subpart F, as "
                "adopted by the State of Columbia"
            ),
            (
                "City of Riverton traffic signal operations policy (timing changes approved by the "
                "city traffic engineer)"
            ),
        ),
        components=(
            DemoComponent(
                "ATMS central software",
                SW,
                "Meridian Traffic Systems",
                "SignalCentral ATMS",
                "7.4.2",
            ),
            DemoComponent(
                "ATMS application and database servers",
                HW,
                "Dell Technologies",
                "PowerEdge R650",
                quantity=3,
            ),
            DemoComponent(
                "ATMS server operating system",
                SW,
                "Microsoft",
                "Windows Server 2022 Standard",
                "21H2",
                quantity=3,
                cpe=WINDOWS_2022,
            ),
            DemoComponent(
                "Intersection signal controllers",
                OT_DEVICE,
                "Meridian Traffic Systems",
                "ATC-5 Advanced Transportation Controller",
                "3.2.11",
                quantity=238,
            ),
            DemoComponent(
                "Malfunction management units",
                OT_DEVICE,
                "Eastgate Signal Products",
                "MMU-16LE",
                "2.6",
                quantity=238,
                notes="Force the intersection to flashing red on conflicting greens.",
            ),
            DemoComponent(
                "Cabinet Ethernet switches",
                NET,
                "Kestrel Industrial Networks",
                "KX-508 hardened switch",
                "6.1.4",
                quantity=238,
            ),
            DemoComponent(
                "Vehicle and pedestrian detection",
                OT_DEVICE,
                "ClearLane Detection",
                "ClearLane VX radar/video sensor",
                "4.0.9",
                quantity=410,
            ),
            DemoComponent(
                "Emergency vehicle preemption receivers",
                OT_DEVICE,
                "Eastgate Signal Products",
                "GPS preemption receiver GP-2",
                "2.1",
                quantity=96,
            ),
        ),
        information_types=(
            ("D.11.1", "Signal timing keeps vehicles, buses and pedestrians moving safely."),
            (
                "D.2.2",
                "Signals are critical infrastructure: altered timing or preemption could cause "
                "crashes.",
            ),
            ("D.4.4", "Preemption gives fire engines and ambulances green lights en route."),
        ),
        links=(
            DemoLink(
                "Live video from intersection cameras for operators (view only)",
                IN,
                to="TCAM",
            ),
            DemoLink(
                "Signal status, incident alerts and coordinated timing plans on state routes",
                BOTH,
                party="Columbia Department of Transportation, Regional Traffic Operations Center",
                agreement=MOU,
                reference="MOU CDOT-RIV-2019-04",
            ),
            DemoLink(
                "Vendor remote maintenance sessions through the DoIT jump host, on request",
                IN,
                party="Meridian Traffic Systems (vendor support)",
                agreement=CONTRACT,
                reference="Contract DOT-2021-118",
            ),
        ),
    ),
    DemoSystem(
        agency="DOT",
        acronym="TCAM",
        name="Traffic Camera Network",
        kind=IOT,
        system_type=IOT_FLEET,
        description="140 pan-tilt-zoom cameras that let traffic engineers see congestion and "
        "incidents. Live video is not recorded; a still image from selected cameras is refreshed "
        "every two minutes on the city website.",
        public_facing=True,
        channels=(WEB,),
        user_count=40,
        location=f"140 intersections and highway ramps; video servers at the {TMC}",
        boundary="The cameras, the video management servers and the image publishing service. "
        "The website that shows the still images (WEB) is a separate system.",
        operational_since=date(2018, 3, 15),
        next_review=date(2026, 6, 30),
        components=(
            DemoComponent(
                "PTZ traffic cameras",
                IOT_DEVICE,
                "Vantage Optics",
                "VX-PTZ 4K traffic camera",
                "5.8.2",
                quantity=140,
            ),
            DemoComponent("Video management software", SW, "Vantage Optics", "Vantage VMS", "12.1"),
            DemoComponent("Video servers", HW, "Dell Technologies", "PowerEdge R750", quantity=2),
            DemoComponent(
                "Still image publisher",
                SW,
                "F5",
                "NGINX",
                "1.24.0",
                cpe="cpe:2.3:a:f5:nginx:1.24.0:*:*:*:*:*:*:*",
                internet_reachable=True,
            ),
        ),
        information_types=(
            ("D.11.1", "Operators confirm congestion and crashes on video before retiming."),
            ("C.2.6.2", "The published still images are official traveler information."),
        ),
        links=(
            DemoLink(
                "Still images of selected cameras, every two minutes",
                OUT,
                to="WEB",
                agreement=MOU,
                reference="DoIT service agreement SA-2022-03",
            ),
        ),
    ),
    DemoSystem(
        agency="DOT",
        acronym="PARK",
        name="Smart Parking Meter Network",
        kind=IOT,
        system_type=IOT_FLEET,
        description="Pay stations and single-space meters downtown, plus pay-by-plate in the "
        "mobile app. Meters report payments and faults over cellular to the vendor's cloud; "
        "enforcement officers see which plates have paid.",
        hosting=SAAS,
        hosting_provider="ParkLogic Inc. (meter management cloud)",
        public_facing=True,
        channels=(KIOSK, MOBILE_APP, WEB),
        processes_pii=True,
        user_count=45000,
        location="Downtown, Riverside and University districts (2,150 spaces)",
        boundary="The meters and pay stations, their cellular modems, the ParkLogic management "
        "cloud and the mobile app. Card data goes straight to the card processor and is never "
        "stored by the city.",
        operational_since=date(2019, 7, 1),
        next_review=date(2026, 11, 30),
        components=(
            DemoComponent(
                "Multi-space pay stations",
                IOT_DEVICE,
                "ParkLogic Inc.",
                "PL-900 solar pay station",
                "4.12.0",
                quantity=310,
            ),
            DemoComponent(
                "Single-space smart meters",
                IOT_DEVICE,
                "ParkLogic Inc.",
                "PL-200 smart meter",
                "2.8.5",
                quantity=540,
            ),
            DemoComponent(
                "Meter cellular modems",
                NET,
                "Northwind Wireless",
                "NW-LTE-M module",
                "1.9.3",
                quantity=850,
            ),
            DemoComponent(
                "Meter management cloud",
                SW,
                "ParkLogic Inc.",
                "ParkLogic Cloud",
                "2025.3",
                internet_reachable=True,
            ),
            DemoComponent(
                "Pay-by-plate mobile app",
                SW,
                "ParkLogic Inc.",
                "ParkRiverton app (iOS and Android)",
                "5.2",
                internet_reachable=True,
            ),
            DemoComponent(
                "Enforcement handhelds",
                HW,
                "Zebra Technologies",
                "TC58 mobile computer",
                quantity=28,
            ),
        ),
        information_types=(
            ("C.2.5.2", "Parking fees are user fees collected from drivers."),
            ("C.2.8.9", "Pay-by-plate accounts hold names, e-mail addresses and plate numbers."),
            ("D.11.1", "Curb space is managed to keep turnover and traffic flowing downtown."),
        ),
        links=(
            DemoLink(
                "Card authorizations and daily settlement (tokenized, PCI DSS)",
                BOTH,
                party="Keystone Merchant Services (card processor)",
                agreement=CONTRACT,
                reference="Merchant agreement KMS-RIV-0419",
            ),
            DemoLink(
                "Daily parking revenue totals for reconciliation", OUT, to="ERP", agreement=MOU
            ),
            DemoLink(
                "Paid sessions by plate, for enforcement",
                OUT,
                to="PCM",
                agreement=NO_AGREEMENT,
            ),
        ),
    ),
    DemoSystem(
        agency="DOT",
        acronym="PCM",
        name="Parking Citation Management",
        kind=IT,
        system_type=MAJOR_APP,
        description="Issues and tracks parking tickets, looks up the registered owner of a plate, "
        "sends notices, and lets people pay or contest a ticket online.",
        hosting=SAAS,
        hosting_provider="TicketTrail Systems",
        public_facing=True,
        channels=(WEB,),
        processes_pii=True,
        user_count=12000,
        location="Vendor cloud; handhelds with parking enforcement officers",
        boundary="The TicketTrail citation service, its public payment and appeal pages, and "
        "the ticket printers paired with enforcement handhelds.",
        operational_since=date(2020, 1, 6),
        next_review=date(2026, 8, 31),
        components=(
            DemoComponent(
                "Citation management service",
                SW,
                "TicketTrail Systems",
                "TicketTrail Citation Manager",
                "9.3",
                internet_reachable=True,
            ),
            DemoComponent(
                "Online pay-or-contest portal",
                SW,
                "TicketTrail Systems",
                "TicketTrail Public Portal",
                "9.3",
                internet_reachable=True,
            ),
            DemoComponent(
                "Mobile ticket printers",
                HW,
                "Zebra Technologies",
                "ZQ521 mobile printer",
                quantity=28,
            ),
        ),
        information_types=(
            ("C.2.5.1", "Unpaid tickets are debts owed to the city and go to collection."),
            ("C.2.8.9", "Holds the names and addresses of registered vehicle owners."),
            ("D.17.5", "Residents contest tickets through an administrative review."),
        ),
        links=(
            DemoLink(
                "Registered owner name and address for a plate number",
                BOTH,
                party="Columbia State DMV network (vehicle owner lookup)",
                agreement=ISA,
                reference="ISA COL-DMV-2020-11",
            ),
            DemoLink("Citation payments by card", OUT, to="PAY", agreement=MOU),
        ),
    ),
    DemoSystem(
        agency="DOT",
        acronym="SSL",
        name="Smart Street Lighting",
        kind=IOT,
        system_type=IOT_FLEET,
        description="Networked LED street lights that dim late at night, report outages by "
        "themselves and measure the energy each light uses.",
        hosting=SAAS,
        hosting_provider="Lumenet Controls (central management system)",
        user_count=15,
        location="Citywide, 11,800 street lights",
        boundary="The light controller nodes, the mesh gateways and the Lumenet central "
        "management system.",
        operational_since=date(2021, 4, 12),
        next_review=date(2027, 3, 31),
        components=(
            DemoComponent(
                "Luminaire controller nodes",
                IOT_DEVICE,
                "Lumenet Controls",
                "LN-7 NEMA 7-pin node",
                "3.4.1",
                quantity=11800,
            ),
            DemoComponent(
                "Mesh network gateways",
                NET,
                "Lumenet Controls",
                "LG-300 gateway",
                "2.2.0",
                quantity=64,
            ),
            DemoComponent(
                "Central management system",
                SW,
                "Lumenet Controls",
                "Lumenet CMS",
                "6.0",
                internet_reachable=True,
            ),
        ),
        information_types=(
            (
                "D.22.3",
                "Street lights are public infrastructure the city operates and maintains.",
            ),
            ("D.7.2", "Dimming schedules and metered energy are part of the energy plan."),
        ),
        links=(
            DemoLink("Light pole locations and outage points", BOTH, to="GIS", agreement=MOU),
            DemoLink(
                "Metered energy use per light, for billing",
                OUT,
                party="Riverton Power & Light (electric utility)",
                agreement=CONTRACT,
                reference="Energy services contract RPL-2020-7",
            ),
        ),
    ),
    DemoSystem(
        agency="DOT",
        acronym="EVCN",
        name="Curbside EV Charging Network",
        kind=IOT,
        system_type=IOT_FLEET,
        description="Planned public chargers for electric vehicles at the curb and in city "
        "garages, paid in a mobile app or by card at the charger.",
        status=PLANNED,
        hosting=SAAS,
        hosting_provider="VoltPoint Charging (network operator)",
        public_facing=True,
        channels=(MOBILE_APP, KIOSK),
        processes_pii=True,
        user_count=3000,
        location="48 curbside and garage locations (planned)",
        boundary="The chargers, their cellular links and the VoltPoint network management "
        "service, once installed.",
        components=(
            DemoComponent(
                "Level 2 curbside chargers",
                IOT_DEVICE,
                "VoltPoint Charging",
                "VP-L2 dual-port charger",
                quantity=80,
            ),
            DemoComponent(
                "DC fast chargers",
                IOT_DEVICE,
                "VoltPoint Charging",
                "VP-DC150 fast charger",
                quantity=8,
            ),
            DemoComponent(
                "Charging network management",
                SW,
                "VoltPoint Charging",
                "VoltPoint Network (OCPP 2.0.1)",
                internet_reachable=True,
            ),
        ),
        information_types=(
            ("D.7.2", "Public charging supports the city's transportation energy goals."),
            ("C.2.5.2", "Drivers pay charging fees to the city."),
        ),
        links=(
            DemoLink(
                "Card authorizations at the charger",
                BOTH,
                party="Keystone Merchant Services (card processor)",
                agreement=CONTRACT,
                reference="Merchant agreement KMS-RIV-0419 (amendment pending)",
                status=Interconnection.Status.PLANNED,
            ),
        ),
    ),
    # ----------------------------------------------------------------- Motor Vehicles (DMV)
    DemoSystem(
        agency="DMV",
        acronym="DRVS",
        name="Driver Licensing and Vehicle Registration System",
        kind=IT,
        system_type=MAJOR_APP,
        description="The system of record for driver licenses, permits, vehicle registrations "
        "and titles issued in Riverton. Counter clerks use it for every transaction; it is "
        "being moved from the on-premises servers to Azure Government.",
        status=MAJOR_MODIFICATION,
        hosting=HYBRID,
        hosting_provider="Microsoft Azure Government",
        processes_pii=True,
        user_count=320,
        location=f"{DATA_CENTER}; Azure Government (US Gov Virginia)",
        boundary="The licensing and registration application, its Oracle database, the "
        "counter workstations with document scanners and signature pads in the three DMV "
        "offices, and the new Azure landing zone the application is moving to.",
        operational_since=date(2009, 9, 14),
        next_review=date(2026, 5, 31),
        laws=(
            "Driver's Privacy Protection Act of 1994 (18 U.S.C. 2721 et seq.)",
            "REAL ID Act of 2005 and 6 CFR part 37 (driver's license and ID card issuance)",
            "State of Columbia motor vehicle records confidentiality law",
        ),
        components=(
            DemoComponent(
                "Licensing and registration application",
                SW,
                "Keystone GovTech",
                "MVS Motor Vehicle Suite",
                "11.2",
            ),
            DemoComponent(
                "Application server",
                SW,
                "Apache Software Foundation",
                "Tomcat",
                "10.1.18",
                quantity=4,
                cpe="cpe:2.3:a:apache:tomcat:10.1.18:*:*:*:*:*:*:*",
            ),
            DemoComponent(
                "Database",
                SW,
                "Oracle",
                "Oracle Database Enterprise Edition",
                "19c",
                quantity=2,
                cpe="cpe:2.3:a:oracle:database_server:19c:*:*:*:*:*:*:*",
            ),
            DemoComponent(
                "Server operating system",
                SW,
                "Red Hat",
                "Red Hat Enterprise Linux",
                "9.2",
                quantity=6,
                cpe=RHEL_9,
            ),
            DemoComponent(
                "Counter workstations", HW, "Dell Technologies", "OptiPlex 7010", quantity=64
            ),
            DemoComponent(
                "Document scanners and signature pads",
                HW,
                "Fujitsu",
                "fi-8170 scanner with signature pad",
                quantity=64,
            ),
            DemoComponent(
                "Azure landing zone",
                SW,
                "Microsoft",
                "Azure Government virtual network and Azure Firewall",
                notes="Target platform of the re-hosting project (phase 2 of 3).",
            ),
        ),
        information_types=(
            ("D.21.3", "Issues driver licenses, permits and vehicle registrations."),
            ("C.2.8.9", "Holds names, addresses, dates of birth, photos and license numbers."),
            ("C.2.5.2", "Collects license and registration fees at the counter."),
        ),
        links=(
            DemoLink(
                "Driver history, license status and problem driver pointer checks",
                BOTH,
                party="Columbia State DMV network",
                agreement=ISA,
                reference="ISA COL-DMV-2009-02 (renewed 2024)",
            ),
            DemoLink("Approved card print requests", OUT, to="DLCP", agreement=NO_AGREEMENT),
            DemoLink("Staff sign-in (SAML)", IN, to="IDP", agreement=MOU),
        ),
    ),
    DemoSystem(
        agency="DMV",
        acronym="DMVO",
        name="DMV Online Services",
        kind=IT,
        system_type=MAJOR_APP,
        description="Lets residents renew a registration, replace a lost license, change their "
        "address and order records online instead of visiting an office.",
        hosting=CLOUD,
        hosting_provider="Microsoft Azure Government",
        public_facing=True,
        channels=(WEB, MOBILE_APP),
        processes_pii=True,
        user_count=60000,
        location="Azure Government (US Gov Virginia)",
        boundary="The public web application, its API and database in Azure, and the "
        "MyRiverton mobile app screens for DMV services.",
        operational_since=date(2022, 2, 28),
        next_review=date(2026, 10, 31),
        components=(
            DemoComponent(
                "Online services web application",
                SW,
                "Keystone GovTech",
                "MVS Online",
                "3.7",
                internet_reachable=True,
            ),
            DemoComponent(
                "Web application firewall",
                NET,
                "Microsoft",
                "Azure Front Door with WAF",
                internet_reachable=True,
            ),
            DemoComponent(
                "Database",
                SW,
                "PostgreSQL Global Development Group",
                "Azure Database for PostgreSQL",
                "15.6",
                cpe="cpe:2.3:a:postgresql:postgresql:15.6:*:*:*:*:*:*:*",
            ),
        ),
        information_types=(
            ("D.21.3", "Residents renew registrations and replace licenses online."),
            ("C.2.8.9", "Residents identify themselves with license number and date of birth."),
            ("C.2.6.1", "A self-service channel that saves a trip to a DMV office."),
        ),
        links=(
            DemoLink("Renewals and address changes", BOTH, to="DRVS", agreement=MOU),
            DemoLink("Fee payments", BOTH, to="PAY", agreement=MOU),
        ),
    ),
    DemoSystem(
        agency="DMV",
        acronym="DMVQ",
        name="DMV Appointment and Queuing System",
        kind=IT,
        system_type=CLOUD_SERVICE,
        description="Books appointments, checks people in at the kiosk, calls them to a window "
        "and texts them when their turn is near.",
        hosting=SAAS,
        hosting_provider="QFlow Systems",
        public_facing=True,
        channels=(WEB, KIOSK, PHONE),
        processes_pii=True,
        user_count=90000,
        location="QFlow cloud; kiosks and lobby displays in the three DMV offices",
        boundary="The QFlow service, the check-in kiosks and the lobby display players.",
        operational_since=date(2021, 6, 7),
        next_review=date(2026, 12, 31),
        components=(
            DemoComponent(
                "Appointment and queue service",
                SW,
                "QFlow Systems",
                "QFlow Cloud",
                "2025.1",
                internet_reachable=True,
            ),
            DemoComponent(
                "Check-in kiosks", HW, "QFlow Systems", "QFlow K20 kiosk", "8.4", quantity=9
            ),
            DemoComponent(
                "Lobby display players",
                IOT_DEVICE,
                "QFlow Systems",
                "QFlow media player",
                "2.3",
                quantity=12,
            ),
        ),
        information_types=(
            ("C.2.6.1", "Schedules and serves DMV customers."),
            ("C.2.8.9", "Keeps names and mobile numbers to text people when it is their turn."),
        ),
        links=(
            DemoLink(
                "Text message reminders",
                OUT,
                party="Relay Messaging Inc. (SMS gateway)",
                agreement=CONTRACT,
                reference="Contract DMV-2021-044",
            ),
        ),
    ),
    DemoSystem(
        agency="DMV",
        acronym="DLCP",
        name="Driver License Card Production",
        kind=IT,
        system_type=MAJOR_APP,
        description="Captures the photo and signature at the counter and sends approved "
        "licenses and ID cards to the card manufacturer, which mails them to residents.",
        processes_pii=True,
        user_count=90,
        location="Three DMV offices; central issuance by the card manufacturer",
        boundary="The photo capture stations, the image server and the secure file transfer "
        "to the card manufacturer. The manufacturer's plant is outside.",
        operational_since=date(2017, 11, 20),
        next_review=date(2026, 7, 31),
        components=(
            DemoComponent(
                "Photo and signature capture stations",
                HW,
                "SecureCard Solutions",
                "IDCapture 5 station",
                "5.3",
                quantity=24,
            ),
            DemoComponent(
                "Image and print-request server",
                SW,
                "SecureCard Solutions",
                "IDCentral",
                "4.1",
            ),
            DemoComponent(
                "Server operating system",
                SW,
                "Microsoft",
                "Windows Server 2019 Standard",
                "1809",
                cpe=WINDOWS_2019,
            ),
        ),
        information_types=(
            ("C.2.8.9", "Photos and signatures are the basis of the credential."),
            ("D.21.3", "Produces the physical license and ID cards."),
        ),
        links=(
            DemoLink(
                "Card print files with photos (SFTP, encrypted)",
                OUT,
                party="SecureCard Solutions (card manufacturer)",
                agreement=CONTRACT,
                reference="Contract DMV-2017-009",
            ),
        ),
    ),
    DemoSystem(
        agency="DMV",
        acronym="CASH",
        name="DMV Legacy Cashiering System",
        kind=IT,
        system_type=MAJOR_APP,
        description="The old counter cashiering system for DMV fees. Replaced by the city "
        "payments portal and the counter payment terminals; its data was archived and the "
        "servers were wiped.",
        status=DISPOSED,
        processes_pii=True,
        user_count=70,
        location=DATA_CENTER,
        boundary="The cashiering application, its database server and the counter receipt "
        "printers (all decommissioned).",
        operational_since=date(2004, 3, 1),
        retirement_date=date(2024, 6, 28),
        components=(
            DemoComponent("Cashiering application", SW, "Tillwright Software", "TillPoint", "6.5"),
            DemoComponent(
                "Database server",
                SW,
                "Microsoft",
                "SQL Server 2012",
                "11.0",
                notes="Media sanitized and certificate of destruction filed in July 2024.",
            ),
            DemoComponent("Receipt printers", HW, "Epson", "TM-T88V receipt printer", quantity=30),
        ),
        information_types=(
            ("C.2.5.2", "Recorded fees paid at DMV counters until 2024."),
            ("C.3.2.6", "Daily deposits were reconciled against its records."),
        ),
        links=(
            DemoLink(
                "Daily deposits (disconnected at retirement)",
                OUT,
                to="ERP",
                agreement=MOU,
                status=Interconnection.Status.DISCONNECTED,
            ),
        ),
    ),
    # ----------------------------------------------------- Children and Family Services (CFS)
    DemoSystem(
        agency="CFS",
        acronym="CCWIS",
        name="Child Welfare Case Management",
        kind=IT,
        system_type=MAJOR_APP,
        description="Caseworkers record reports of abuse and neglect, investigations, safety "
        "plans, foster placements, court dates and services for every child and family the "
        "agency works with.",
        hosting=CLOUD,
        hosting_provider="Microsoft Azure Government",
        processes_pii=True,
        user_count=450,
        location="Azure Government (US Gov Virginia)",
        boundary="The case management application, its database and document storage in "
        "Azure, and the integration services to the hotline, the mobile field app and the "
        "state.",
        operational_since=date(2021, 10, 4),
        next_review=date(2026, 4, 30),
        laws=(
            (
                "Child Abuse Prevention and Treatment Act (CAPTA): confidentiality of child "
                "abuse and neglect records"
            ),
            "Comprehensive Child Welfare Information System rule (45 CFR 1355.50 to 1355.59)",
        ),
        components=(
            DemoComponent(
                "Case management application",
                SW,
                "CaseBridge Solutions",
                "CaseBridge Child Welfare",
                "2024.2",
            ),
            DemoComponent(
                "Application runtime",
                SW,
                "Microsoft",
                ".NET",
                "8.0.4",
                cpe="cpe:2.3:a:microsoft:.net:8.0.4:*:*:*:*:*:*:*",
            ),
            DemoComponent("Database", SW, "Microsoft", "Azure SQL Database"),
            DemoComponent("Case document storage", SW, "Microsoft", "Azure Blob Storage"),
            DemoComponent(
                "Web application firewall",
                NET,
                "Microsoft",
                "Azure Front Door with WAF",
                internet_reachable=True,
            ),
        ),
        information_types=(
            ("D.10.3", "Child protective and foster care services are social services."),
            (
                "C.2.8.9",
                "Holds names, dates of birth and Social Security numbers of children and parents.",
            ),
            ("D.17.1", "Court reports and dependency hearing dates are prepared here."),
            ("D.14.3", "Records children's medical and behavioral health referrals."),
        ),
        links=(
            DemoLink(
                "Federal AFCARS and NCANDS reporting extracts",
                OUT,
                party="Columbia Department of Human Services",
                agreement=ISA,
                reference="ISA COL-DHS-2021-15",
            ),
            DemoLink("Staff sign-in (SAML)", IN, to="IDP", agreement=MOU),
        ),
    ),
    DemoSystem(
        agency="CFS",
        acronym="CFSH",
        name="Child Abuse and Neglect Hotline",
        kind=IT,
        system_type=CLOUD_SERVICE,
        description="The 24-hour hotline where residents and mandated reporters call in "
        "concerns about a child. Screeners take the report in the contact center and send it "
        "to case management.",
        hosting=SAAS,
        hosting_provider="ContactLine Cloud",
        public_facing=True,
        channels=(PHONE, WEB),
        processes_pii=True,
        user_count=8000,
        location="ContactLine cloud; screeners at the CFS office, 90 Elm Street",
        boundary="The cloud contact center (call routing, recording, screener desktop) and "
        "the online mandated reporter form.",
        operational_since=date(2020, 3, 2),
        next_review=date(2026, 6, 30),
        components=(
            DemoComponent(
                "Cloud contact center",
                SW,
                "ContactLine Cloud",
                "ContactLine CX",
                "2025.2",
                internet_reachable=True,
            ),
            DemoComponent(
                "Online mandated reporter form",
                SW,
                "ContactLine Cloud",
                "ContactLine Forms",
                internet_reachable=True,
            ),
            DemoComponent("Screener headsets", HW, "Jabra", "Engage 65 headset", quantity=30),
        ),
        information_types=(
            ("D.10.3", "Reports of suspected abuse start child protective services."),
            ("C.2.8.9", "Reports name the child, family members and the reporter."),
            ("D.4.4", "Reports of a child in immediate danger are dispatched the same hour."),
        ),
        links=(DemoLink("Screened reports become intakes", OUT, to="CCWIS", agreement=MOU),),
    ),
    DemoSystem(
        agency="CFS",
        acronym="CFSM",
        name="Caseworker Mobile Field App",
        kind=IT,
        system_type=MAJOR_APP,
        description="Caseworkers use city tablets on home visits to read the case, take notes "
        "and photos, and capture signatures, even without a signal.",
        hosting=CLOUD,
        hosting_provider="Microsoft Azure Government",
        processes_pii=True,
        user_count=260,
        location="Caseworker tablets in the field; sync service in Azure Government",
        boundary="The field app, the managed tablets and the sync service. Device management "
        "is provided by M365 (Intune).",
        operational_since=date(2022, 9, 12),
        next_review=date(2026, 9, 30),
        components=(
            DemoComponent("Field app", SW, "CaseBridge Solutions", "CaseBridge Mobile", "3.4"),
            DemoComponent("Tablets", HW, "Apple", "iPad (10th generation)", quantity=260),
            DemoComponent(
                "Tablet operating system",
                SW,
                "Apple",
                "iPadOS",
                "17.5",
                quantity=260,
                cpe="cpe:2.3:o:apple:ipados:17.5:*:*:*:*:*:*:*",
            ),
        ),
        information_types=(
            ("D.10.3", "Home visit notes are part of the child's case."),
            ("C.2.8.9", "Case data cached on tablets includes children's identities."),
        ),
        links=(DemoLink("Case data sync for offline visits", BOTH, to="CCWIS", agreement=MOU),),
    ),
    DemoSystem(
        agency="CFS",
        acronym="CFSD",
        name="Case File Imaging",
        kind=IT,
        system_type=MAJOR_APP,
        description="Scans and stores paper case files, court orders and medical records so "
        "that caseworkers can find them from the case.",
        processes_pii=True,
        user_count=120,
        location=f"{DATA_CENTER}; scanners at the CFS office, 90 Elm Street",
        boundary="The document management server, its storage and the production scanners.",
        operational_since=date(2014, 2, 3),
        next_review=date(2026, 3, 31),
        components=(
            DemoComponent(
                "Document management software", SW, "Archway Content", "Archway ECM", "22.4"
            ),
            DemoComponent(
                "Document server operating system",
                SW,
                "Microsoft",
                "Windows Server 2019 Standard",
                "1809",
                cpe=WINDOWS_2019,
            ),
            DemoComponent("Production scanners", HW, "Fujitsu", "fi-7600 scanner", quantity=4),
        ),
        information_types=(
            ("C.3.5.6", "Keeps case files for the retention period set by state law."),
            ("C.2.8.9", "Scanned files contain Social Security numbers and medical records."),
        ),
        links=(DemoLink("Links from cases to scanned documents", BOTH, to="CCWIS", agreement=MOU),),
    ),
    DemoSystem(
        agency="CFS",
        acronym="CFSP",
        name="Foster Care Provider Portal",
        kind=IT,
        system_type=MAJOR_APP,
        description="Being built: lets licensed foster parents and group homes see placement "
        "requests, update their openings, and submit monthly reports and reimbursement claims.",
        status=UNDER_DEVELOPMENT,
        hosting=CLOUD,
        hosting_provider="Microsoft Azure Government",
        public_facing=True,
        channels=(WEB,),
        processes_pii=True,
        user_count=700,
        location="Azure Government (US Gov Virginia)",
        boundary="The provider web portal and its API, with sign-in for outside providers.",
        next_review=date(2026, 8, 31),
        components=(
            DemoComponent(
                "Provider portal",
                SW,
                "CaseBridge Solutions",
                "CaseBridge Provider Portal",
                "1.0-beta",
                internet_reachable=True,
            ),
            DemoComponent(
                "Provider sign-in",
                SW,
                "Microsoft",
                "Entra External ID",
                internet_reachable=True,
            ),
        ),
        information_types=(
            ("D.10.3", "Foster placements are a social service."),
            ("C.3.2.5", "Providers claim their monthly reimbursements through the portal."),
        ),
        links=(
            DemoLink(
                "Placement requests and provider openings",
                BOTH,
                to="CCWIS",
                agreement=MOU,
                status=Interconnection.Status.PLANNED,
            ),
        ),
    ),
    # ------------------------------------------------------------------- Public Works (DPW)
    DemoSystem(
        agency="DPW",
        acronym="PRMT",
        name="Permitting and Licensing",
        kind=IT,
        system_type=MAJOR_APP,
        description="Residents and contractors apply for building, right-of-way, excavation "
        "and business permits and licenses online; staff review plans, schedule inspections "
        "and issue the permits.",
        hosting=SAAS,
        hosting_provider="PermitPath Inc.",
        public_facing=True,
        channels=(WEB, MOBILE_APP),
        processes_pii=True,
        user_count=18000,
        location="PermitPath cloud; inspectors' tablets in the field",
        boundary="The PermitPath service, the public application portal and the inspector "
        "mobile app.",
        operational_since=date(2019, 10, 1),
        next_review=date(2026, 10, 31),
        components=(
            DemoComponent(
                "Permitting service",
                SW,
                "PermitPath Inc.",
                "PermitPath Land Management",
                "2025.4",
                internet_reachable=True,
            ),
            DemoComponent(
                "Public application portal",
                SW,
                "PermitPath Inc.",
                "PermitPath Citizen Access",
                "2025.4",
                internet_reachable=True,
            ),
            DemoComponent(
                "Inspector mobile app", SW, "PermitPath Inc.", "PermitPath Inspect", "7.1"
            ),
        ),
        information_types=(
            ("D.21.3", "Issues building, right-of-way and business permits and licenses."),
            ("D.21.1", "Schedules and records inspections."),
            ("C.2.5.2", "Collects permit and plan review fees."),
        ),
        links=(
            DemoLink("Parcel, zoning and address lookups", IN, to="GIS", agreement=MOU),
            DemoLink("Permit fee payments", BOTH, to="PAY", agreement=MOU),
        ),
    ),
    DemoSystem(
        agency="DPW",
        acronym="WAM",
        name="Work Order and Asset Management",
        kind=IT,
        system_type=MAJOR_APP,
        description="Tracks the city's streets, sewers, buildings and vehicles and every work "
        "order against them, from pothole repair to preventive maintenance.",
        hosting=SAAS,
        hosting_provider="Fieldstone Software",
        user_count=380,
        location="Fieldstone cloud; crews' tablets",
        boundary="The Fieldstone work management service and the crew mobile app.",
        operational_since=date(2018, 1, 8),
        next_review=date(2027, 1, 31),
        components=(
            DemoComponent(
                "Work management service",
                SW,
                "Fieldstone Software",
                "Fieldstone CMMS",
                "12.6",
                internet_reachable=True,
            ),
            DemoComponent("Crew mobile app", SW, "Fieldstone Software", "Fieldstone Go", "4.9"),
            DemoComponent("Crew tablets", HW, "Samsung", "Galaxy Tab Active5", quantity=140),
        ),
        information_types=(
            ("C.3.1.1", "Manages the city's facilities, fleet and equipment."),
            ("D.22.3", "Maintenance history of streets, sewers and public buildings."),
        ),
        links=(
            DemoLink("Asset locations and work order map layers", BOTH, to="GIS", agreement=MOU),
        ),
    ),
    DemoSystem(
        agency="DPW",
        acronym="FLEET",
        name="Fleet Telematics",
        kind=IOT,
        system_type=IOT_FLEET,
        description="GPS units in city vehicles report location, speed, engine faults and "
        "mileage, so dispatchers can route crews, plows show on the snow map and maintenance "
        "is scheduled by use.",
        hosting=SAAS,
        hosting_provider="Roadwise Telematics",
        processes_pii=True,
        user_count=90,
        location="620 city vehicles and snow plows",
        boundary="The in-vehicle telematics units and the Roadwise cloud portal.",
        operational_since=date(2020, 11, 16),
        next_review=date(2026, 11, 30),
        components=(
            DemoComponent(
                "Vehicle telematics units",
                IOT_DEVICE,
                "Roadwise Telematics",
                "RW-400 OBD-II GPS unit",
                "7.3.2",
                quantity=620,
            ),
            DemoComponent(
                "Telematics cloud portal",
                SW,
                "Roadwise Telematics",
                "Roadwise Fleet",
                "2025.2",
                internet_reachable=True,
            ),
        ),
        information_types=(
            ("C.3.1.1", "Tracks the use and condition of the city's vehicle fleet."),
            ("C.3.3.6", "Driving data of named employees can bear on their performance review."),
        ),
        links=(
            DemoLink("Odometer and engine hours for maintenance", OUT, to="WAM", agreement=MOU),
        ),
    ),
    DemoSystem(
        agency="DPW",
        acronym="BAS",
        name="Building Automation System",
        kind=OT,
        system_type=ICS,
        description="Controls heating, cooling, ventilation and lighting in City Hall, the "
        "Municipal Building, libraries and recreation centers, and raises alarms for the "
        "facilities team.",
        user_count=20,
        location="14 city buildings; supervisory server in the data center",
        boundary="The supervisory server and its workstation, the BACnet network controllers "
        "and field controllers in the 14 buildings, on their own VLAN.",
        operational_since=date(2013, 8, 19),
        next_review=date(2026, 7, 31),
        components=(
            DemoComponent(
                "Supervisory controller software",
                SW,
                "Helix Building Controls",
                "Helix Supervisor",
                "4.13",
            ),
            DemoComponent(
                "Network controllers (BACnet/IP)",
                OT_DEVICE,
                "Helix Building Controls",
                "HX-NC2 network controller",
                "4.13.1",
                quantity=14,
            ),
            DemoComponent(
                "Field controllers (BACnet MS/TP)",
                OT_DEVICE,
                "Helix Building Controls",
                "HX-FC field controller",
                "2.9",
                quantity=410,
            ),
            DemoComponent(
                "Supervisory server operating system",
                SW,
                "Microsoft",
                "Windows Server 2019 Standard",
                "1809",
                cpe=WINDOWS_2019,
            ),
        ),
        information_types=(
            ("C.3.1.1", "Operates the mechanical systems of city facilities."),
            ("D.7.2", "Schedules and setpoints save energy in city buildings."),
        ),
        links=(
            DemoLink(
                "Remote monitoring and alarm response",
                BOTH,
                party="Apex Mechanical Services (maintenance contractor)",
                agreement=CONTRACT,
                reference="Contract DPW-2022-031",
            ),
        ),
    ),
    DemoSystem(
        agency="DPW",
        acronym="PACS",
        name="Facility Access Control",
        kind=IOT,
        system_type=IOT_FLEET,
        description="Badge readers and door controllers that let employees into city buildings "
        "and restricted rooms, with the employee badge database.",
        processes_pii=True,
        user_count=2600,
        location="22 city buildings; server in the data center",
        boundary="The access control server, the door controllers and badge readers, and the "
        "badge printer.",
        operational_since=date(2015, 5, 11),
        next_review=date(2026, 5, 31),
        components=(
            DemoComponent(
                "Access control server software", SW, "Sentinel Access", "Sentinel ACS", "5.6"
            ),
            DemoComponent(
                "Door controllers",
                IOT_DEVICE,
                "Sentinel Access",
                "SA-2D door controller",
                "3.1.7",
                quantity=180,
            ),
            DemoComponent(
                "Badge readers",
                IOT_DEVICE,
                "Sentinel Access",
                "SA-R10 smart card reader",
                "1.4",
                quantity=360,
            ),
            DemoComponent("Badge printer", HW, "Sentinel Access", "SA-P5 card printer"),
        ),
        information_types=(
            ("C.3.1.3", "Controls physical access to city facilities."),
            ("C.2.8.9", "Holds employee photos and badge numbers."),
        ),
        links=(DemoLink("New hires and separations", IN, to="HRP", agreement=MOU),),
    ),
    DemoSystem(
        agency="DPW",
        acronym="LIFT",
        name="Wastewater Lift Station Control",
        kind=OT,
        system_type=ICS,
        description="PLCs at 27 sewage lift stations run the pumps, and report wet-well levels, "
        "pump failures and power loss to the operators so overflows are prevented.",
        user_count=12,
        location="27 lift stations; operator workstations at the DPW yard, 600 Mill Road",
        boundary="The station PLCs and cellular modems, the private cellular network (APN) and "
        "the HMI server and workstations at the DPW yard.",
        operational_since=date(2012, 6, 4),
        next_review=date(2026, 6, 30),
        components=(
            DemoComponent(
                "Lift station PLCs",
                OT_DEVICE,
                "Ironbridge Automation",
                "IB-1200 PLC",
                "21.3",
                quantity=27,
            ),
            DemoComponent(
                "Station cellular modems",
                NET,
                "Northwind Wireless",
                "NW-IR300 industrial router",
                "2.4.8",
                quantity=27,
            ),
            DemoComponent(
                "HMI software", SW, "Blue Heron Controls", "HeronView HMI", "10.2", quantity=2
            ),
            DemoComponent(
                "Alarm notification dialer",
                SW,
                "Blue Heron Controls",
                "HeronAlert",
                "3.0",
            ),
        ),
        information_types=(
            ("D.22.3", "The sewer system is public infrastructure run by the city."),
            ("D.8.1", "Overflow prevention is reported to the state environmental agency."),
            ("D.2.2", "Pump failures can cause sewage overflows into the river."),
        ),
        links=(
            DemoLink(
                "Station telemetry over a private cellular APN",
                BOTH,
                party="Columbia Wireless (cellular carrier, private APN)",
                agreement=CONTRACT,
                reference="Contract DPW-2019-077",
            ),
        ),
    ),
    DemoSystem(
        agency="DPW",
        acronym="ENV",
        name="Environmental and Air Quality Sensors",
        kind=IOT,
        system_type=IOT_FLEET,
        description="Low-cost sensors on light poles measure fine particles, ozone, noise and "
        "temperature in every neighborhood; the readings go on a public dashboard.",
        hosting=SAAS,
        hosting_provider="AirSense Environmental",
        public_facing=True,
        channels=(WEB,),
        user_count=5000,
        location="75 light poles citywide",
        boundary="The sensor units, their LTE-M links and the AirSense data platform with the "
        "public dashboard.",
        operational_since=date(2023, 4, 22),
        next_review=date(2027, 4, 30),
        components=(
            DemoComponent(
                "Air quality sensor units",
                IOT_DEVICE,
                "AirSense Environmental",
                "AS-8 multi-sensor",
                "2.1.0",
                quantity=75,
            ),
            DemoComponent(
                "Sensor data platform and dashboard",
                SW,
                "AirSense Environmental",
                "AirSense Cloud",
                "2025.1",
                internet_reachable=True,
            ),
        ),
        information_types=(
            ("D.8.1", "Measures air quality and noise in neighborhoods."),
            ("D.20.2", "The readings are published as open data."),
        ),
        links=(
            DemoLink(
                "Hourly readings for the state air quality map",
                OUT,
                party="Columbia Department of Environmental Quality",
                agreement=MOU,
                reference="MOU DEQ-RIV-2023-02",
            ),
            DemoLink(
                "Sensor readings as open data",
                OUT,
                to="OPEN",
                status=Interconnection.Status.PLANNED,
            ),
        ),
    ),
    # ----------------------------------------------------------- Information Technology (DoIT)
    DemoSystem(
        agency="DoIT",
        acronym="GSS",
        name="Riverton Enterprise Network and Data Center",
        kind=IT,
        system_type=GENERAL_SUPPORT,
        description="The general support system every agency runs on: the city wide area "
        "network, internet access and firewalls, Wi-Fi, the virtual server farm, storage and "
        "backups in the data center.",
        user_count=2600,
        location=f"{DATA_CENTER}; 65 city sites on the city fiber ring",
        boundary="Core and site switches and routers, firewalls, Wi-Fi, the VMware clusters, "
        "storage and backup in the data center and the recovery site. Applications hosted on "
        "it are their own systems.",
        operational_since=date(2008, 1, 1),
        next_review=date(2026, 3, 31),
        components=(
            DemoComponent(
                "Core and distribution switches",
                NET,
                "Cisco",
                "Catalyst 9500",
                "17.9.4",
                quantity=6,
                cpe="cpe:2.3:o:cisco:ios_xe:17.9.4:*:*:*:*:*:*:*",
            ),
            DemoComponent(
                "Site switches",
                NET,
                "Cisco",
                "Catalyst 9300",
                "17.9.4",
                quantity=140,
                cpe="cpe:2.3:o:cisco:ios_xe:17.9.4:*:*:*:*:*:*:*",
            ),
            DemoComponent(
                "Perimeter firewalls",
                NET,
                "Palo Alto Networks",
                "PA-3440",
                "11.1.2",
                quantity=4,
                cpe="cpe:2.3:o:paloaltonetworks:pan-os:11.1.2:*:*:*:*:*:*:*",
                internet_reachable=True,
            ),
            DemoComponent(
                "Virtualization hosts",
                SW,
                "VMware",
                "vSphere ESXi",
                "8.0",
                quantity=24,
                cpe="cpe:2.3:o:vmware:esxi:8.0:*:*:*:*:*:*:*",
            ),
            DemoComponent(
                "Storage arrays", HW, "Dell Technologies", "PowerStore 3200T", quantity=2
            ),
            DemoComponent("Backup software", SW, "Veeam", "Veeam Backup & Replication", "12.1"),
            DemoComponent(
                "Wi-Fi access points",
                NET,
                "Cisco",
                "Meraki MR46",
                "30.7",
                quantity=420,
            ),
            DemoComponent(
                "Remote access VPN",
                SW,
                "Palo Alto Networks",
                "GlobalProtect",
                "6.2",
                internet_reachable=True,
            ),
        ),
        information_types=(
            ("C.3.5.4", "Operates the network and data center all agencies depend on."),
            ("C.3.5.8", "Monitors network traffic and device health around the clock."),
            ("C.2.4.2", "Backups and the recovery site keep city services running."),
        ),
        links=(
            DemoLink(
                "Internet access (two carriers)",
                BOTH,
                party="Columbia Fiber and MetroNet (internet service providers)",
                agreement=CONTRACT,
                reference="Contracts IT-2023-012 and IT-2023-013",
            ),
            DemoLink("Firewall, VPN and server logs", OUT, to="SIEM", agreement=NO_AGREEMENT),
        ),
    ),
    DemoSystem(
        agency="DoIT",
        acronym="IDP",
        name="Identity Provider and Directory",
        kind=IT,
        system_type=GENERAL_SUPPORT,
        description="One sign-in for city employees: the Active Directory domain and the cloud "
        "identity provider with multi-factor authentication, used by most city applications.",
        hosting=HYBRID,
        hosting_provider="Microsoft (Entra ID)",
        processes_pii=True,
        user_count=2900,
        location=f"{DATA_CENTER}; Microsoft cloud",
        boundary="The domain controllers, the directory sync server and the city's Entra ID "
        "tenant with its conditional access and MFA policies.",
        operational_since=date(2008, 1, 1),
        next_review=date(2026, 2, 28),
        components=(
            DemoComponent(
                "Domain controllers",
                SW,
                "Microsoft",
                "Windows Server 2022 Active Directory",
                "21H2",
                quantity=4,
                cpe=WINDOWS_2022,
            ),
            DemoComponent("Directory sync", SW, "Microsoft", "Entra Connect Sync", "2.3"),
            DemoComponent(
                "Cloud identity and MFA",
                SW,
                "Microsoft",
                "Entra ID P2",
                internet_reachable=True,
            ),
        ),
        information_types=(
            ("C.2.8.9", "Holds every employee's identity and authentication details."),
            ("C.3.1.3", "Decides who may use which city system."),
        ),
        links=(
            DemoLink("Sign-in and directory for mail and Teams", BOTH, to="M365", agreement=MOU),
            DemoLink("Sign-in events and risky sign-in alerts", OUT, to="SIEM"),
        ),
    ),
    DemoSystem(
        agency="DoIT",
        acronym="M365",
        name="Email and Collaboration (Microsoft 365)",
        kind=IT,
        system_type=CLOUD_SERVICE,
        description="Email, calendars, Teams, OneDrive and SharePoint for all city staff, plus "
        "Intune to manage laptops, phones and tablets.",
        hosting=SAAS,
        hosting_provider="Microsoft 365 Government (GCC)",
        processes_pii=True,
        user_count=2700,
        location="Microsoft 365 GCC",
        boundary="The city's Microsoft 365 GCC tenant: Exchange Online, Teams, SharePoint, "
        "OneDrive and Intune, as configured by the city.",
        operational_since=date(2019, 4, 1),
        next_review=date(2026, 9, 30),
        components=(
            DemoComponent(
                "Exchange Online", SW, "Microsoft", "Exchange Online", internet_reachable=True
            ),
            DemoComponent(
                "Teams and SharePoint",
                SW,
                "Microsoft",
                "Teams and SharePoint Online",
                internet_reachable=True,
            ),
            DemoComponent("Device management", SW, "Microsoft", "Intune", internet_reachable=True),
            DemoComponent(
                "Email security gateway",
                SW,
                "Microsoft",
                "Defender for Office 365 Plan 2",
                internet_reachable=True,
            ),
        ),
        information_types=(
            ("C.2.8.12", "Everyday correspondence and documents of every agency."),
            ("C.3.5.6", "Email is kept under the city's records retention schedule."),
        ),
        links=(DemoLink("Mailbox audit and alert logs", OUT, to="SIEM", agreement=NO_AGREEMENT),),
    ),
    DemoSystem(
        agency="DoIT",
        acronym="ERP",
        name="Enterprise Resource Planning (Finance)",
        kind=IT,
        system_type=MAJOR_APP,
        description="The city's books: general ledger, budget, purchasing, accounts payable "
        "and receivable, and capital assets.",
        hosting=SAAS,
        hosting_provider="CivicLedger Software",
        processes_pii=True,
        user_count=640,
        location="CivicLedger cloud",
        boundary="The CivicLedger financial suite, the vendor self-service portal and the "
        "integration server in the data center.",
        operational_since=date(2017, 7, 1),
        next_review=date(2026, 6, 30),
        components=(
            DemoComponent(
                "Financial suite", SW, "CivicLedger Software", "CivicLedger ERP", "2025.1"
            ),
            DemoComponent(
                "Vendor self-service portal",
                SW,
                "CivicLedger Software",
                "CivicLedger Vendor Access",
                "2025.1",
                internet_reachable=True,
            ),
            DemoComponent(
                "Integration server",
                SW,
                "Red Hat",
                "Red Hat Enterprise Linux",
                "9.3",
                cpe=RHEL_9,
            ),
        ),
        information_types=(
            ("C.3.2.4", "The general ledger of the city."),
            ("C.3.2.5", "Pays vendors and contractors."),
            ("C.2.3.5", "Tracks spending against the adopted budget."),
            ("C.3.4.1", "Purchase orders for goods and services."),
        ),
        links=(
            DemoLink(
                "Vendor payments (ACH) and positive pay files",
                OUT,
                party="First Columbia Bank",
                agreement=CONTRACT,
                reference="Banking services contract FIN-2021-002",
            ),
            DemoLink("Staff sign-in (SAML)", IN, to="IDP", agreement=MOU),
        ),
    ),
    DemoSystem(
        agency="DoIT",
        acronym="HRP",
        name="Human Resources and Payroll",
        kind=IT,
        system_type=MAJOR_APP,
        description="Employee records, hiring, time and attendance, benefits and payroll for "
        "about 2,600 city employees.",
        hosting=SAAS,
        hosting_provider="Summit Workforce Solutions",
        processes_pii=True,
        user_count=2700,
        location="Summit Workforce cloud; time clocks in city buildings",
        boundary="The HR and payroll service, the employee self-service portal and the time "
        "clocks.",
        operational_since=date(2018, 1, 1),
        next_review=date(2026, 4, 30),
        components=(
            DemoComponent(
                "HR and payroll service",
                SW,
                "Summit Workforce Solutions",
                "Summit HCM",
                "2025R1",
            ),
            DemoComponent(
                "Employee self-service portal",
                SW,
                "Summit Workforce Solutions",
                "Summit Self Service",
                "2025R1",
                internet_reachable=True,
            ),
            DemoComponent(
                "Time clocks",
                IOT_DEVICE,
                "Summit Workforce Solutions",
                "TC-50 biometric time clock",
                "3.2",
                quantity=85,
            ),
        ),
        information_types=(
            ("C.3.3.4", "Calculates and pays salaries."),
            ("C.3.3.5", "Manages health and retirement benefits."),
            ("C.2.8.9", "Holds Social Security numbers and bank accounts of employees."),
        ),
        links=(
            DemoLink(
                "Payroll direct deposits (ACH)",
                OUT,
                party="First Columbia Bank",
                agreement=CONTRACT,
                reference="Banking services contract FIN-2021-002",
            ),
            DemoLink("Payroll journal entries", OUT, to="ERP", agreement=MOU),
            DemoLink("Joiners, movers and leavers", OUT, to="IDP", agreement=MOU),
        ),
    ),
    DemoSystem(
        agency="DoIT",
        acronym="PAY",
        name="City Payments Portal",
        kind=IT,
        system_type=MAJOR_APP,
        description="One place to pay the city online or at a counter: water bills, parking "
        "tickets, permit fees, DMV fees and property taxes.",
        hosting=CLOUD,
        hosting_provider="Amazon Web Services (GovCloud)",
        public_facing=True,
        channels=(WEB, MOBILE_APP, PHONE),
        processes_pii=True,
        user_count=150000,
        location="AWS GovCloud (US-West); counter payment terminals in city offices",
        boundary="The payment web application and API in AWS, the interactive voice response "
        "line and the counter card terminals. Card numbers are tokenized by the processor.",
        operational_since=date(2023, 9, 5),
        next_review=date(2026, 9, 30),
        laws=(
            (
                "PCI DSS v4.0 (Payment Card Industry Data Security Standard), required by the "
                "city's merchant agreement"
            ),
            "State of Columbia data breach notification law",
            "City of Riverton information security policy",
        ),
        components=(
            DemoComponent(
                "Payments web application",
                SW,
                "Paystream Public Sector",
                "Paystream Municipal",
                "5.4",
                internet_reachable=True,
            ),
            DemoComponent(
                "Container platform",
                SW,
                "Amazon Web Services",
                "Amazon EKS",
                "1.29",
            ),
            DemoComponent(
                "Database",
                SW,
                "PostgreSQL Global Development Group",
                "Amazon RDS for PostgreSQL",
                "16.2",
                cpe="cpe:2.3:a:postgresql:postgresql:16.2:*:*:*:*:*:*:*",
            ),
            DemoComponent(
                "Counter card terminals",
                HW,
                "Verifone",
                "V400c Plus",
                quantity=45,
            ),
            DemoComponent(
                "Pay-by-phone IVR",
                SW,
                "Paystream Public Sector",
                "Paystream IVR",
                "2.0",
                internet_reachable=True,
            ),
        ),
        information_types=(
            ("C.3.2.6", "Collects what residents owe the city."),
            ("C.2.5.2", "Fees for permits, parking and DMV services."),
            ("C.2.8.9", "Payers' names, addresses and account numbers."),
        ),
        links=(
            DemoLink(
                "Card and ACH authorizations and settlement (tokenized, PCI DSS)",
                BOTH,
                party="Keystone Merchant Services (card processor)",
                agreement=CONTRACT,
                reference="Merchant agreement KMS-RIV-0419",
            ),
            DemoLink("Daily receipts and general ledger postings", BOTH, to="ERP", agreement=MOU),
        ),
    ),
    DemoSystem(
        agency="DoIT",
        acronym="R311",
        name="Riverton 311 Service Requests",
        kind=IT,
        system_type=MAJOR_APP,
        description="Residents report potholes, broken street lights, missed trash pickup and "
        "other problems by web, app or phone, and follow the request until it is fixed.",
        hosting=SAAS,
        hosting_provider="CivicReach Inc.",
        public_facing=True,
        channels=(WEB, MOBILE_APP, PHONE),
        processes_pii=True,
        user_count=40000,
        location="CivicReach cloud; 311 call center at City Hall",
        boundary="The CivicReach CRM, the MyRiverton app and web form, and the 311 call "
        "center agent desktops.",
        operational_since=date(2016, 9, 1),
        next_review=date(2026, 8, 31),
        laws=(
            (
                "State of Columbia public records law (service requests and call recordings can be "
                "requested by the public)"
            ),
            "City of Riverton records retention schedule",
        ),
        components=(
            DemoComponent(
                "311 CRM",
                SW,
                "CivicReach Inc.",
                "CivicReach 311",
                "2025.2",
                internet_reachable=True,
            ),
            DemoComponent(
                "MyRiverton mobile app",
                SW,
                "CivicReach Inc.",
                "MyRiverton (iOS and Android)",
                "6.3",
                internet_reachable=True,
            ),
            DemoComponent(
                "Call center telephony",
                SW,
                "ContactLine Cloud",
                "ContactLine CX",
                "2025.2",
                internet_reachable=True,
            ),
            DemoComponent(
                "Agent workstations", HW, "Dell Technologies", "OptiPlex 7010", quantity=22
            ),
        ),
        information_types=(
            ("C.2.6.1", "Takes service requests from residents."),
            ("C.2.8.9", "Keeps the name, phone and e-mail of people who want updates."),
            ("D.22.3", "Requests are about streets, lights and other city infrastructure."),
        ),
        links=(
            DemoLink("Address validation and request locations", BOTH, to="GIS", agreement=MOU),
            DemoLink("Service requests become work orders", BOTH, to="WAM", agreement=MOU),
            DemoLink(
                "Text and e-mail status updates to residents",
                OUT,
                party="Relay Messaging Inc. (SMS gateway)",
                agreement=CONTRACT,
                reference="Contract IT-2016-051",
            ),
        ),
    ),
    DemoSystem(
        agency="DoIT",
        acronym="GIS",
        name="Enterprise GIS",
        kind=IT,
        system_type=MAJOR_APP,
        description="The city's maps: parcels, addresses, streets, utilities and zoning, used "
        "by staff in every agency and published in public web maps.",
        hosting=HYBRID,
        hosting_provider="Esri (ArcGIS Online)",
        public_facing=True,
        channels=(WEB,),
        user_count=9000,
        location=f"{DATA_CENTER}; ArcGIS Online",
        boundary="The ArcGIS Enterprise servers and geodatabase in the data center and the "
        "city's ArcGIS Online organization with its public maps.",
        operational_since=date(2011, 3, 1),
        next_review=date(2027, 2, 28),
        components=(
            DemoComponent(
                "GIS server",
                SW,
                "Esri",
                "ArcGIS Enterprise",
                "11.3",
                quantity=3,
                cpe="cpe:2.3:a:esri:arcgis_enterprise:11.3:*:*:*:*:*:*:*",
            ),
            DemoComponent(
                "Geodatabase",
                SW,
                "Microsoft",
                "SQL Server 2019 Standard",
                "15.0",
                cpe="cpe:2.3:a:microsoft:sql_server_2019:-:*:*:*:*:*:*:*",
            ),
            DemoComponent(
                "Public web maps",
                SW,
                "Esri",
                "ArcGIS Online",
                internet_reachable=True,
            ),
        ),
        information_types=(
            ("C.2.3.3", "The common base map that city systems share."),
            ("C.2.8.4", "Parcels and city-owned property."),
            ("C.2.6.2", "Public maps of zoning, closures and services."),
        ),
        links=(DemoLink("Staff sign-in (SAML)", IN, to="IDP", agreement=MOU),),
    ),
    DemoSystem(
        agency="DoIT",
        acronym="WEB",
        name="City Website",
        kind=IT,
        system_type=MAJOR_APP,
        description="riverton.example.gov: news, service pages, meeting agendas and forms, "
        "edited by communications staff in every agency.",
        hosting=CLOUD,
        hosting_provider="Civic Cloud Hosting (on AWS)",
        public_facing=True,
        channels=(WEB, SOCIAL_MEDIA),
        user_count=400000,
        location="Civic Cloud Hosting, AWS US-East",
        boundary="The Drupal content management system, its web servers and database, and "
        "the content delivery network in front of it.",
        operational_since=date(2020, 6, 15),
        next_review=date(2026, 12, 31),
        components=(
            DemoComponent(
                "Content management system",
                SW,
                "Drupal",
                "Drupal",
                "10.2.6",
                cpe="cpe:2.3:a:drupal:drupal:10.2.6:*:*:*:*:*:*:*",
                internet_reachable=True,
            ),
            DemoComponent(
                "Web servers",
                SW,
                "F5",
                "NGINX",
                "1.25.4",
                quantity=2,
                cpe="cpe:2.3:a:f5:nginx:1.25.4:*:*:*:*:*:*:*",
                internet_reachable=True,
            ),
            DemoComponent(
                "Database",
                SW,
                "MariaDB Foundation",
                "MariaDB",
                "10.11.7",
                cpe="cpe:2.3:a:mariadb:mariadb:10.11.7:*:*:*:*:*:*:*",
            ),
            DemoComponent(
                "Content delivery network",
                NET,
                "Civic Cloud Hosting",
                "Edge CDN",
                internet_reachable=True,
            ),
        ),
        information_types=(
            ("C.2.6.2", "Official information the city publishes."),
            ("C.2.6.4", "News and announcements."),
        ),
        links=(
            DemoLink("Page analytics", OUT, party="Analytics provider (privacy-mode tracking)"),
        ),
    ),
    DemoSystem(
        agency="DoIT",
        acronym="SIEM",
        name="Security Monitoring (SIEM)",
        kind=IT,
        system_type=GENERAL_SUPPORT,
        description="Collects logs from servers, network devices and cloud services so the "
        "security team can detect and investigate attacks.",
        user_count=8,
        location=DATA_CENTER,
        boundary="The log collectors, indexers and search heads, and the endpoint detection "
        "console.",
        operational_since=date(2019, 2, 11),
        next_review=date(2026, 2, 28),
        components=(
            DemoComponent(
                "SIEM platform",
                SW,
                "Splunk",
                "Splunk Enterprise",
                "9.2.1",
                quantity=5,
                cpe="cpe:2.3:a:splunk:splunk:9.2.1:*:*:*:enterprise:*:*:*",
            ),
            DemoComponent(
                "Endpoint detection and response",
                SW,
                "Microsoft",
                "Defender for Endpoint",
                quantity=3100,
            ),
            DemoComponent(
                "Log collector operating system",
                SW,
                "Red Hat",
                "Red Hat Enterprise Linux",
                "9.3",
                quantity=3,
                cpe=RHEL_9,
            ),
        ),
        information_types=(
            ("C.3.5.5", "Detects and investigates security incidents."),
            ("C.3.5.8", "Monitors systems and networks."),
        ),
        links=(
            DemoLink(
                "Threat indicators and incident notifications",
                BOTH,
                party="Columbia State Fusion Center / MS-ISAC",
                agreement=MOU,
                reference="MS-ISAC membership agreement",
            ),
        ),
    ),
    DemoSystem(
        agency="DoIT",
        acronym="ITSM",
        name="IT Service Desk",
        kind=IT,
        system_type=CLOUD_SERVICE,
        description="Where employees ask for help and IT tracks incidents, changes and the "
        "hardware and software asset list.",
        hosting=SAAS,
        hosting_provider="Helpwise Cloud",
        user_count=2600,
        location="Helpwise cloud",
        boundary="The Helpwise service desk and its discovery agent in the data center.",
        operational_since=date(2019, 9, 3),
        next_review=date(2027, 1, 31),
        components=(
            DemoComponent("Service desk", SW, "Helpwise Cloud", "Helpwise ITSM", "2025.1"),
            DemoComponent("Discovery agent", SW, "Helpwise Cloud", "Helpwise Discovery", "4.2"),
        ),
        information_types=(
            ("C.3.1.2", "Tracks help requests from employees."),
            ("C.3.5.2", "Records change approvals for city systems."),
        ),
        links=(DemoLink("Staff sign-in (SAML)", IN, to="IDP", agreement=MOU),),
    ),
    DemoSystem(
        agency="DoIT",
        acronym="OPEN",
        name="Open Data Portal",
        kind=IT,
        system_type=CLOUD_SERVICE,
        description="Planned: publishes city data sets (311 requests, air quality, budgets, "
        "permits) for residents, journalists and researchers.",
        status=PLANNED,
        hosting=SAAS,
        hosting_provider="OpenCivic Data",
        public_facing=True,
        channels=(WEB,),
        user_count=20000,
        location="OpenCivic Data cloud (planned)",
        boundary="The open data catalog and its publishing pipelines.",
        components=(
            DemoComponent(
                "Open data catalog",
                SW,
                "OpenCivic Data",
                "OpenCivic Portal",
                internet_reachable=True,
            ),
            DemoComponent("Publishing pipelines", SW, "OpenCivic Data", "OpenCivic Pipelines"),
        ),
        information_types=(
            ("D.20.2", "Publishes general purpose data and statistics."),
            ("C.2.6.2", "Open data is official information of the city."),
        ),
    ),
    # ------------------------------------------------------------- Water Utility (RWU)
    DemoSystem(
        agency="RWU",
        acronym="WSCADA",
        name="Water Treatment and Distribution SCADA",
        kind=OT,
        system_type=ICS,
        description="Runs the water treatment plant and watches the distribution system: "
        "chemical dosing, filters, pumps, 9 storage tanks and 14 pump stations. Operators "
        "control it from the plant control room around the clock.",
        user_count=30,
        location=f"{WATER_PLANT}; 14 pump stations and 9 tanks",
        boundary="The SCADA servers and HMI workstations in the control room, the plant PLCs, "
        "the remote terminal units and licensed radios at pump stations and tanks, and the "
        "control network up to the firewall to the historian network.",
        operational_since=date(2010, 4, 5),
        next_review=date(2026, 3, 31),
        laws=(
            (
                "America's Water Infrastructure Act of 2018, section 2013 (Safe Drinking Water Act "
                "section 1433): risk and resilience assessment and emergency response plan"
            ),
            "EPA water sector cybersecurity guidance (voluntary)",
            "State of Columbia drinking water program rules",
        ),
        components=(
            DemoComponent(
                "SCADA server software",
                SW,
                "Blue Heron Controls",
                "HeronView SCADA",
                "10.2",
                quantity=2,
            ),
            DemoComponent(
                "HMI workstations",
                HW,
                "Dell Technologies",
                "Precision 3660",
                quantity=6,
            ),
            DemoComponent(
                "Plant PLCs",
                OT_DEVICE,
                "Ironbridge Automation",
                "IB-5800 PLC",
                "33.11",
                quantity=18,
            ),
            DemoComponent(
                "Pump station and tank RTUs",
                OT_DEVICE,
                "Tidewater Telemetry",
                "TT-600 RTU",
                "4.7",
                quantity=23,
            ),
            DemoComponent(
                "Licensed radios",
                NET,
                "Tidewater Telemetry",
                "TT-900 licensed radio",
                "2.0.3",
                quantity=24,
            ),
            DemoComponent(
                "Control network firewall",
                NET,
                "Fortinet",
                "FortiGate 100F",
                "7.4.3",
                quantity=2,
                cpe="cpe:2.3:o:fortinet:fortios:7.4.3:*:*:*:*:*:*:*",
            ),
            DemoComponent(
                "Server operating system",
                SW,
                "Microsoft",
                "Windows Server 2019 Standard",
                "1809",
                quantity=2,
                cpe=WINDOWS_2019,
            ),
        ),
        information_types=(
            ("D.6.1", "Treats and delivers the city's drinking water."),
            ("D.2.2", "Water treatment is critical infrastructure."),
            ("D.14.2", "Chemical dosing errors could harm public health."),
        ),
        links=(
            DemoLink(
                "Process values, one way through the plant firewall",
                OUT,
                to="WHIST",
                agreement=MOU,
                reference="RWU OT network policy 2023",
            ),
            DemoLink(
                "Integrator remote support (escorted, on request)",
                IN,
                party="Blue Heron Controls (SCADA integrator)",
                agreement=CONTRACT,
                reference="Contract RWU-2020-014",
            ),
        ),
    ),
    DemoSystem(
        agency="RWU",
        acronym="WHIST",
        name="Water Operations Historian and Reporting",
        kind=OT,
        system_type=MAJOR_APP,
        description="Keeps every reading from the SCADA system for years and produces the "
        "daily operating reports and the monthly compliance reports to the state.",
        user_count=45,
        location=f"{WATER_PLANT}, operations network",
        boundary="The historian server and the reporting server on the plant operations "
        "network between the control network and the city network.",
        operational_since=date(2015, 1, 12),
        next_review=date(2026, 9, 30),
        components=(
            DemoComponent("Process historian", SW, "Blue Heron Controls", "HeronHistorian", "8.1"),
            DemoComponent("Reporting server", SW, "Blue Heron Controls", "HeronReports", "8.1"),
            DemoComponent(
                "Server operating system",
                SW,
                "Microsoft",
                "Windows Server 2022 Standard",
                "21H2",
                quantity=2,
                cpe=WINDOWS_2022,
            ),
        ),
        information_types=(
            ("D.6.1", "Operating history of water treatment and distribution."),
            ("D.21.1", "Monthly compliance reports to the state drinking water program."),
        ),
        links=(
            DemoLink(
                "Monthly operating reports",
                OUT,
                party="Columbia Drinking Water Program",
                agreement=MOU,
                reference="State electronic reporting agreement DW-0318",
            ),
        ),
    ),
    DemoSystem(
        agency="RWU",
        acronym="AMI",
        name="Smart Water Meters (AMI)",
        kind=IOT,
        system_type=IOT_FLEET,
        description="Radio water meters at every home and business send hourly readings, so "
        "bills are exact, leaks are spotted early and customers can see their use.",
        hosting=SAAS,
        hosting_provider="Clearwater Metering (head-end service)",
        public_facing=True,
        channels=(WEB,),
        processes_pii=True,
        user_count=25000,
        location="58,000 service connections; collectors on water towers and poles",
        boundary="The meter radio endpoints, the collectors and the Clearwater head-end and "
        "customer usage portal.",
        operational_since=date(2022, 5, 2),
        next_review=date(2026, 11, 30),
        components=(
            DemoComponent(
                "Meter radio endpoints",
                IOT_DEVICE,
                "Clearwater Metering",
                "CW-R5 endpoint",
                "3.3.0",
                quantity=58000,
            ),
            DemoComponent(
                "Collectors",
                NET,
                "Clearwater Metering",
                "CW-C2 collector",
                "2.6.1",
                quantity=32,
            ),
            DemoComponent(
                "AMI head-end",
                SW,
                "Clearwater Metering",
                "Clearwater Head-End",
                "2025.1",
                internet_reachable=True,
            ),
            DemoComponent(
                "Customer usage portal",
                SW,
                "Clearwater Metering",
                "Clearwater MyWater",
                "2.4",
                internet_reachable=True,
            ),
        ),
        information_types=(
            ("D.6.1", "Measures water delivered to each customer."),
            ("C.2.8.9", "Hourly use of a named household reveals when people are home."),
        ),
        links=(DemoLink("Daily meter reads for billing", OUT, to="UBIS", agreement=MOU),),
    ),
    DemoSystem(
        agency="RWU",
        acronym="UBIS",
        name="Utility Billing and Customer Information",
        kind=IT,
        system_type=MAJOR_APP,
        description="Water and sewer accounts, bills, payment plans and shut-off notices for "
        "58,000 customers.",
        processes_pii=True,
        user_count=60,
        location=DATA_CENTER,
        boundary="The billing application and database and the bill print interface.",
        operational_since=date(2012, 10, 1),
        next_review=date(2026, 10, 31),
        components=(
            DemoComponent("Billing application", SW, "HydroBill Systems", "HydroBill CIS", "7.8"),
            DemoComponent(
                "Database",
                SW,
                "Oracle",
                "Oracle Database Standard Edition 2",
                "19c",
                cpe="cpe:2.3:a:oracle:database_server:19c:*:*:*:*:*:*:*",
            ),
            DemoComponent(
                "Server operating system",
                SW,
                "Red Hat",
                "Red Hat Enterprise Linux",
                "9.2",
                quantity=2,
                cpe=RHEL_9,
            ),
        ),
        information_types=(
            ("C.2.5.2", "Bills water and sewer charges."),
            ("C.2.5.1", "Tracks past-due accounts and payment plans."),
            ("C.2.8.9", "Customer names, addresses and bank details for autopay."),
        ),
        links=(
            DemoLink("Bill payments and autopay", BOTH, to="PAY", agreement=MOU),
            DemoLink("Revenue and receivables postings", OUT, to="ERP", agreement=MOU),
            DemoLink(
                "Bill print and mail files",
                OUT,
                party="Columbia Mailing Services (bill printer)",
                agreement=CONTRACT,
                reference="Contract RWU-2019-006",
            ),
        ),
    ),
    DemoSystem(
        agency="RWU",
        acronym="LIMS",
        name="Water Quality Laboratory System",
        kind=IT,
        system_type=MAJOR_APP,
        description="Tracks water samples from collection to result in the utility's lab, and "
        "sends the results the state requires.",
        user_count=18,
        location=f"Laboratory, {WATER_PLANT}",
        boundary="The laboratory information management system and the instrument interfaces "
        "in the lab.",
        operational_since=date(2016, 2, 15),
        next_review=date(2027, 2, 28),
        components=(
            DemoComponent(
                "Laboratory information management",
                SW,
                "LabTrack Scientific",
                "LabTrack LIMS",
                "6.2",
            ),
            DemoComponent(
                "Instrument interface PCs", HW, "Dell Technologies", "OptiPlex 5000", quantity=5
            ),
        ),
        information_types=(
            ("D.14.2", "Tests drinking water for contaminants that affect public health."),
            ("D.21.1", "Compliance sampling results are reported to the state."),
        ),
        links=(
            DemoLink(
                "Compliance sample results (electronic reporting)",
                OUT,
                party="Columbia Drinking Water Program",
                agreement=MOU,
                reference="State electronic reporting agreement DW-0318",
            ),
            DemoLink("Sample results for the operating reports", OUT, to="WHIST", agreement=MOU),
        ),
    ),
]


@dataclass
class InventorySummary:
    """What is in the demo inventory now, and how much of it this run created."""

    systems: int = 0
    components: int = 0
    interconnections: int = 0
    information_types: int = 0
    vendors: int = 0
    created_systems: int = 0
    created_components: int = 0
    created_interconnections: int = 0
    created_information_types: int = 0
    missing_information_types: list[str] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return bool(
            self.created_systems
            + self.created_components
            + self.created_interconnections
            + self.created_information_types
        )


def _agencies() -> dict[str, Organization]:
    city = Organization.objects.get(name=CITY, parent__name=STATE, parent__parent=None)
    by_name = {
        organization.name: organization for organization in Organization.objects.filter(parent=city)
    }
    return {short_name: by_name[name] for name, short_name, _ in AGENCIES}


def _people() -> dict[str, object]:
    usernames = {AUTHORIZING_OFFICIAL, ASSESSOR_USERNAME}
    for owner, isso in AGENCY_PEOPLE.values():
        usernames |= {owner, isso}
    users = get_user_model().objects.filter(username__in=usernames)
    return {user.username: user for user in users}


def _create_system(demo: DemoSystem, organization: Organization, people) -> System:
    owner, isso = AGENCY_PEOPLE[demo.agency]
    return system_create(
        actor=None,
        organization=organization,
        name=demo.name,
        acronym=demo.acronym,
        description=demo.description,
        kind=demo.kind,
        system_type=demo.system_type,
        status=demo.status,
        system_owner=people.get(owner),
        isso=people.get(isso),
        authorizing_official=people.get(AUTHORIZING_OFFICIAL),
        hosting=demo.hosting,
        hosting_provider=demo.hosting_provider,
        public_facing=demo.public_facing,
        channels=list(demo.channels),
        processes_pii=demo.processes_pii,
        user_count=demo.user_count,
        location=demo.location,
        boundary_description=demo.boundary,
        laws_regulations="\n".join(demo.laws),
        operational_since=demo.operational_since,
        next_review=demo.next_review,
        retirement_date=demo.retirement_date,
    )


@transaction.atomic
def seed_inventory() -> InventorySummary:
    """Create the demo systems and everything about them that is not there yet.

    Needs the demo organizations and people (assets.demo.seed_organizations_and_people) and,
    for the information types, the SP 800-60 catalog (manage.py load_catalogs)."""
    summary = InventorySummary()
    agencies = _agencies()
    people = _people()
    catalog = InformationType.objects.in_bulk(
        [type_id for demo in SYSTEMS for type_id, _ in demo.information_types]
    )
    systems: dict[str, System] = {}
    for demo in SYSTEMS:
        organization = agencies[demo.agency]
        system = System.objects.filter(
            organization=organization, acronym__iexact=demo.acronym
        ).first()
        if system is None:
            system = _create_system(demo, organization, people)
            summary.created_systems += 1
        systems[demo.acronym] = system

        existing = set(system.components.values_list("name", flat=True))
        for part in demo.components:
            if part.name in existing:
                continue
            component_create(
                actor=None,
                system=system,
                name=part.name,
                component_type=part.component_type,
                vendor=vendor_get_or_create(name=part.vendor) if part.vendor else None,
                product=part.product,
                version=part.version,
                quantity=part.quantity,
                cpe=part.cpe,
                internet_reachable=part.internet_reachable,
                notes=part.notes,
            )
            summary.created_components += 1

        listed = set(system.information_types.values_list("catalog_type_id", flat=True))
        for type_id, note in demo.information_types:
            if type_id in listed:
                continue
            if type_id not in catalog:
                summary.missing_information_types.append(type_id)
                continue
            system_information_type_add(
                actor=None, system=system, catalog_type=catalog[type_id], note=note
            )
            summary.created_information_types += 1

    for demo in SYSTEMS:
        system = systems[demo.acronym]
        for link in demo.links:
            remote = systems[link.to] if link.to else None
            exists = Interconnection.objects.filter(
                system=system,
                remote_system=remote,
                external_party=link.party,
                information=link.information,
            ).exists()
            if exists:
                continue
            interconnection_create(
                actor=None,
                system=system,
                remote_system=remote,
                external_party=link.party,
                direction=link.direction,
                information=link.information,
                agreement=link.agreement,
                agreement_reference=link.reference,
                status=link.status,
            )
            summary.created_interconnections += 1

    assessor = people.get(ASSESSOR_USERNAME)
    for acronym in ASSESSED_SYSTEMS:
        assessed = systems[acronym]
        if assessor is not None and "assess_system" not in get_perms(assessor, assessed):
            system_assessor_grant(actor=None, system=assessed, user=assessor)

    demo_systems = System.objects.filter(pk__in=[system.pk for system in systems.values()])
    summary.systems = demo_systems.count()
    summary.components = Component.objects.filter(system__in=demo_systems).count()
    summary.interconnections = Interconnection.objects.filter(system__in=demo_systems).count()
    summary.information_types = SystemInformationType.objects.filter(
        system__in=demo_systems
    ).count()
    summary.vendors = Vendor.objects.filter(components__system__in=demo_systems).distinct().count()
    summary.missing_information_types = sorted(set(summary.missing_information_types))
    return summary
