from django.urls import path

from csf import views

app_name = "csf"
urlpatterns = [
    path("csf/", views.csf_home, name="home"),
    path("csf/<str:version>/", views.csf_version, name="version"),
    path("csf/<str:version>/<str:identifier>/", views.csf_element, name="element"),
]
