from django.urls import path

from assets import information_type_api
from assets.api import organizations, spreadsheets, systems

urlpatterns = [
    path(
        "catalog/information-types/",
        information_type_api.InformationTypeListApi.as_view(),
        name="api-information-type-list",
    ),
    path(
        "catalog/information-types/<str:pk>/",
        information_type_api.InformationTypeDetailApi.as_view(),
        name="api-information-type-detail",
    ),
    *organizations.urlpatterns,
    *systems.urlpatterns,
    *spreadsheets.urlpatterns,
]
