from django.urls import path

from csf.views import assessments, benchmarks, coverage, profiles
from csf.views import reference as views

app_name = "csf"
# The assessment, coverage and profile pages come first: "csf/<version>/<identifier>/" below
# would otherwise take "csf/assessments/12/".
urlpatterns = [
    *assessments.urlpatterns,
    *coverage.urlpatterns,
    *profiles.urlpatterns,
    *benchmarks.urlpatterns,
    path("csf/", views.csf_home, name="home"),
    path("csf/<str:version>/", views.csf_version, name="version"),
    path("csf/<str:version>/<str:identifier>/", views.csf_element, name="element"),
]
