"""The Celery application: configuration from Django settings (CELERY_*), tasks from the apps."""

import os

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

from lendportal.request_id import task_context_enter, task_context_exit, task_publish_header

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendportal.settings.local")

app = Celery("lendportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request id travels from the request into the tasks it queues (issue #21).
before_task_publish.connect(task_publish_header, weak=False)
task_prerun.connect(task_context_enter, weak=False)
task_postrun.connect(task_context_exit, weak=False)
