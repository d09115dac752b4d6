from django.urls import include, path

from loans import views
from loans.portal.views.account import privacy

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", privacy, name="privacy"),
    path("app/", include("loans.portal.urls")),
]
