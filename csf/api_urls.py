from csf import api

urlpatterns = [*api.urlpatterns]
