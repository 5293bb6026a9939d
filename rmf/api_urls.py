from rmf.api import (
    assessment,
    authorize,
    catalog,
    categorization,
    implementation,
    monitor,
    poam_lists,
    reporting,
    selection,
    workflow,
)

urlpatterns = [
    *catalog.urlpatterns,
    *workflow.urlpatterns,
    *categorization.urlpatterns,
    *selection.urlpatterns,
    *implementation.urlpatterns,
    *assessment.urlpatterns,
    *authorize.urlpatterns,
    *reporting.urlpatterns,
    *monitor.urlpatterns,
    *poam_lists.urlpatterns,
]
