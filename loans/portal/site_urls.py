"""The site's own pages around the portal: the home page, the privacy notice, the portal."""

from django.urls import include, path

from loans.portal.views.account import privacy
from loans.portal.views.documents import verify
from loans.portal.views.home import home

urlpatterns = [
    path("", home, name="home"),
    path("privacy/", privacy, name="privacy"),
    # A settlement certificate's public check: no sign-in (issue #19).
    path("verify/<str:code>", verify, name="verify"),
    path("app/", include("loans.portal.urls")),
]
