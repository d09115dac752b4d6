from django.urls import path

from loans import views

urlpatterns = [
    path("", views.home, name="home"),
]
