"""The package's workbooks (openpyxl, write-only, streamed): the control implementation matrix,
the assessment results per objective, the POA&M in the federal template's columns and the
system's inventory. Registered in the document registry when the app is ready."""

from rmf.documents import DocumentSpec, register_document
from rmf.documents.xlsx import inventory, matrix, poam, results

SPECS = [
    register_document(
        DocumentSpec(
            kind="ssp",
            format="xlsx",
            title="Control implementation matrix (Excel)",
            render=matrix.render,
        )
    ),
    register_document(
        DocumentSpec(
            kind="sar",
            format="xlsx",
            title="Assessment results per objective (Excel)",
            render=results.render,
        )
    ),
    register_document(
        DocumentSpec(
            kind="poam",
            format="xlsx",
            title="POA&M, federal template columns (Excel)",
            render=poam.render,
        )
    ),
    register_document(
        DocumentSpec(
            kind="inventory",
            format="xlsx",
            title="System inventory (Excel)",
            render=inventory.render,
        )
    ),
]
