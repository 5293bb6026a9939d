"""The project's own manifest of NIST reference files: name, publisher address, SHA-256.

A file whose hash differs is refused unless the operator accepts it explicitly, so that a
republished catalog is reviewed before it changes what every system is assessed against.
"""

from dataclasses import dataclass

OSCAL_CONTENT = (
    "https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-53/rev5/json/"
)
OSCAL_RELEASES = "https://github.com/usnistgov/OSCAL/releases/download/"


@dataclass(frozen=True)
class ManifestEntry:
    key: str
    path: str  # relative to the NIST folder, as laid out in ../shared/nist
    url: str
    sha256: str
    title: str
    loaded: bool = True  # OSCAL schemas are verified and kept, not loaded into the database


def _schema(version: str, model: str, sha256: str) -> ManifestEntry:
    name = f"oscal_{model}_schema.json"
    return ManifestEntry(
        key=f"oscal-schema-{version}-{model}",
        path=f"oscal-schemas/v{version}/{name}",
        url=f"{OSCAL_RELEASES}v{version}/{name}",
        sha256=sha256,
        title=f"OSCAL {version} JSON Schema: {model}",
        loaded=False,
    )


MANIFEST: tuple[ManifestEntry, ...] = (
    ManifestEntry(
        key="sp800-53-catalog",
        path="sp800-53/rev5/NIST_SP-800-53_rev5_catalog.json",
        url=OSCAL_CONTENT + "NIST_SP-800-53_rev5_catalog.json",
        sha256="1645df6a370dcb931db2e2d5d70c2f77bc89c38499a416c23a70eb2c0e595bcc",
        title="SP 800-53 Rev 5.2.0 controls and SP 800-53A assessment procedures",
    ),
    *(
        ManifestEntry(
            key=f"sp800-53b-{level.lower()}",
            path=f"sp800-53/rev5/NIST_SP-800-53_rev5_{level}-baseline_profile.json",
            url=OSCAL_CONTENT + f"NIST_SP-800-53_rev5_{level}-baseline_profile.json",
            sha256=sha256,
            title=f"SP 800-53B {level} baseline",
        )
        for level, sha256 in (
            ("LOW", "79b7c450ab62ba012e5ad95f6255ece75fc165b2c421fefda276d82240542219"),
            ("MODERATE", "d88e64e1e4b3a2d65de2367f4ec31828c04f1be93375fd597c41af1409578e03"),
            ("HIGH", "c98eb266f3c78c622c6573e032ab1b7619a30821840bb10f7f21fdee78281058"),
            ("PRIVACY", "ee4e7f0ff8f1141d3974f9072d287af919d081e1dfc6666ac0b579504aeddbcb"),
        )
    ),
    ManifestEntry(
        key="csf20-cprt",
        path="csf/cprt_CSF_2_0_0_04-24-2024.json",
        url="https://csrc.nist.gov/extensions/nudp/services/json/csf/download?olirids=all",
        sha256="7d4bb7306cc026ab5cbb155f978c1c0c436ca4150f5d6a7cf92fd9f55e7d20c7",
        title="CSF 2.0 core and CSF 1.1 crosswalk (NIST CPRT export)",
    ),
    ManifestEntry(
        key="csf11-800-53-mapping",
        path="csf/csf-pf-to-sp800-53r5-mappings.xlsx",
        url=(
            "https://csrc.nist.gov/files/pubs/sp/800/53/r5/upd1/final/docs/"
            "csf-pf-to-sp800-53r5-mappings.xlsx"
        ),
        sha256="8b09e8c5bd11dcfa494d2f5beec2d32d98df934285c0214712d020abefc162f1",
        title="CSF 1.1 core and its mapping to SP 800-53 Rev 5",
    ),
    ManifestEntry(
        key="csf20-reference-tool",
        path="csf/csf2.xlsx",
        url="https://csrc.nist.gov/extensions/nudp/services/json/csf/download?olirids=all&format=xlsx",
        sha256="0202e082c335e6c7c4bbdeedeca633e5747a7ac5a71d2719bc82f73ba1603211",
        title="CSF 2.0 Reference Tool export with informative references",
    ),
    ManifestEntry(
        key="csf20-olir-800-53",
        path="csf/Cybersecurity_Framework_v2-0_Concept_Crosswalk_800-53_5_2_0_draft.xlsx",
        url=(
            "https://csrc.nist.gov/files/pubs/cswp/29/the-nist-cybersecurity-framework-csf-20/"
            "final/docs/Cybersecurity_Framework_v2-0_Concept_Crosswalk_800-53_5_2_0_draft.xlsx"
        ),
        sha256="5521fa73ace64d8a3014a7b1e971f0f20d32df5ff5e174632723bda09e7e908f",
        title="OLIR concept crosswalk CSF 2.0 to SP 800-53 Rev 5.2.0",
    ),
    ManifestEntry(
        key="sp800-60-information-types",
        path="sp800-60/fedramp_sp800-60v2r1_information-types.json",
        url=(
            "https://raw.githubusercontent.com/GSA/fedramp-automation/master/dist/content/rev5/"
            "resources/json/information-types.json"
        ),
        sha256="af3f58b0989995c03aa640f22340e3c195a69dec0d07ba86ac0a3adb8c3e6754",
        title="SP 800-60 Vol 2 Rev 1 information types",
    ),
    *(
        _schema(version, model, sha256)
        for (version, model), sha256 in {
            (
                "1.1.3",
                "assessment-plan",
            ): "0850be91252390dde740a98fd2f0fc504cd0ba66fe8940c2b6242b7aa2fb36eb",
            (
                "1.1.3",
                "assessment-results",
            ): "d9e34757f0c12aff61f52b821f0b8f83ba0ba75b3a149a202b08ba82f82bc4c3",
            (
                "1.1.3",
                "catalog",
            ): "5e120afbd14c480a9498ab6388857ef32b3b880e458525e966ff7c7f59333d90",
            (
                "1.1.3",
                "complete",
            ): "7e8fb0820e72254e024b8ca9adc9adf70f71665d66248aa963ec267a9ed7ff26",
            (
                "1.1.3",
                "component",
            ): "9bde069f8f65ec82ea626348cc40ae5d42b0f74c1a2a8b9289a1604bf521a15c",
            ("1.1.3", "poam"): "e404043fef9cc6108c0e895932f513043d54f28457b4eb02e74dc0cff1215e16",
            (
                "1.1.3",
                "profile",
            ): "d14c99b4bc48cb1ef370cd27a78c23e04bab847e737e11f478b37714db30851b",
            ("1.1.3", "ssp"): "da5f452b9e7bdf85246b79ed32475cd419321eb600e6928439ae67aef5a63e53",
            (
                "1.2.1",
                "assessment-plan",
            ): "0153e4e0414903c51c13732d4158d955630e33a3ef009d2691cf3e07336136f4",
            (
                "1.2.1",
                "assessment-results",
            ): "4f9e277a177adbcca9527612ce450a33dc6096773fa229d413d801d196c61985",
            (
                "1.2.1",
                "catalog",
            ): "c0ae626d6bafe318db68692152d0cbbebf29ba7226b1596a5513cc5d1754504d",
            (
                "1.2.1",
                "complete",
            ): "f53c67f5f64cc49c9b3512834d2baa2f8da841cf2cc0c361e6d77ecce0f3d077",
            (
                "1.2.1",
                "component",
            ): "ce95b3b3ea8de87c020ad4a91075241f6f863a77afe212ee828009830d6042d1",
            (
                "1.2.1",
                "mapping",
            ): "5b8f6f9b8117bb42ad8466d11d1695f0be9cc31350c2a3aea770614d96d70d3f",
            ("1.2.1", "poam"): "c02062bbc6f5092012286cbc6161b643eb6aecfbb918cb5790be777860da2c11",
            (
                "1.2.1",
                "profile",
            ): "3b92e83ef9043af573ca81a451f899adf6855440b0974fb448b9c635fead7983",
            ("1.2.1", "ssp"): "3027ffb23ba94a8ca4e43ce9417cf2b02f27b7c36d8a4ead8fe2905483c6d10a",
        }.items()
    ),
)

MANIFEST_BY_KEY = {entry.key: entry for entry in MANIFEST}
