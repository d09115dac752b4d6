"""The admin app with the back office's site as its default (issue #23).

Listed in INSTALLED_APPS in place of ``django.contrib.admin``; ``admin.site`` is then a
``BackOfficeSite`` and every ``@admin.register`` in the project registers there.
"""

from django.contrib.admin.apps import AdminConfig


class BackOfficeAdminConfig(AdminConfig):
    default_site = "loans.backoffice.site.BackOfficeSite"
