from django.urls import path

from assets import information_type_views
from assets.views import organizations, spreadsheets, systems

app_name = "assets"
urlpatterns = [
    path(
        "catalog/information-types/",
        information_type_views.information_type_list,
        name="information_type_list",
    ),
    path(
        "catalog/information-types/<str:pk>/",
        information_type_views.information_type_detail,
        name="information_type_detail",
    ),
    *organizations.urlpatterns,
    *systems.urlpatterns,
    *spreadsheets.urlpatterns,
]
