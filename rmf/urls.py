from django.urls import path

from rmf.views import (
    assess,
    authorize,
    catalog,
    categorize,
    document_jobs,
    documents,
    evidence,
    implement,
    monitor,
    oscal,
    poam_lists,
    portfolio,
    reporting,
    select,
    workflow,
)

app_name = "rmf"
urlpatterns = [
    path("catalog/", catalog.family_list_view, name="family_list"),
    path("catalog/families/<str:family_id>/", catalog.family_detail_view, name="family_detail"),
    path("catalog/controls/", catalog.control_list_view, name="control_list"),
    path("catalog/controls/<str:control_id>/", catalog.control_detail_view, name="control_detail"),
    *workflow.urlpatterns,
    *categorize.urlpatterns,
    *select.urlpatterns,
    *portfolio.urlpatterns,
    *implement.urlpatterns,
    *evidence.urlpatterns,
    *assess.urlpatterns,
    *authorize.urlpatterns,
    *monitor.urlpatterns,
    *reporting.urlpatterns,
    *poam_lists.urlpatterns,
    *documents.urlpatterns,
    *document_jobs.urlpatterns,
    *oscal.urlpatterns,
]
