"""The cycle's documents as OSCAL JSON (declaring OSCAL 1.2.1): the system security plan,
the assessment results and the plan of action and milestones, registered in the document
registry as ("ssp", "json"), ("sar", "json") and ("poam", "json")."""

from rmf.documents import DocumentSpec, register_document
from rmf.documents.oscal.common import JSON_TYPE, dumps, filename
from rmf.documents.oscal.poam import poam_document
from rmf.documents.oscal.results import results_document
from rmf.documents.oscal.ssp import ssp_document
from rmf.models import Authorization
from workbench.exports import Rendered


def render_ssp(authorization: Authorization) -> Rendered:
    return filename(authorization, "ssp"), JSON_TYPE, dumps(ssp_document(authorization))


def render_results(authorization: Authorization) -> Rendered:
    return filename(authorization, "sar"), JSON_TYPE, dumps(results_document(authorization))


def render_poam(authorization: Authorization) -> Rendered:
    return filename(authorization, "poam"), JSON_TYPE, dumps(poam_document(authorization))


register_document(DocumentSpec("ssp", "json", "System security plan (OSCAL JSON)", render_ssp))
register_document(
    DocumentSpec("sar", "json", "Security assessment results (OSCAL JSON)", render_results)
)
register_document(
    DocumentSpec("poam", "json", "Plan of action and milestones (OSCAL JSON)", render_poam)
)
