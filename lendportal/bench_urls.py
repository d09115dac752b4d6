"""The application's routes plus a bare "hello" view, the baseline `make bench` compares with."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from lendportal.urls import handler404
from lendportal.urls import urlpatterns as app_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns = [path("bench/hello", hello), *app_urlpatterns]
__all__ = ["handler404", "urlpatterns"]
