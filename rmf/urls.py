from django.urls import path

app_name = "rmf"
urlpatterns: list = []
