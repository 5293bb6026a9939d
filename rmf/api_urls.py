from rmf.api import catalog, categorization, selection, workflow

urlpatterns = [
    *catalog.urlpatterns,
    *workflow.urlpatterns,
    *categorization.urlpatterns,
    *selection.urlpatterns,
]
