from rmf.api import assessment, catalog, categorization, implementation, selection, workflow

urlpatterns = [
    *catalog.urlpatterns,
    *workflow.urlpatterns,
    *categorization.urlpatterns,
    *selection.urlpatterns,
    *implementation.urlpatterns,
    *assessment.urlpatterns,
]
