"""The Celery application: configuration from Django settings (CELERY_*), tasks from the apps."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendportal.settings.local")

app = Celery("lendportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
