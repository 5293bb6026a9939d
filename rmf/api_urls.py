from rmf.api import catalog

urlpatterns = [*catalog.urlpatterns]
