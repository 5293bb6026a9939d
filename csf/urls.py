from django.urls import path

app_name = "csf"
urlpatterns: list = []
