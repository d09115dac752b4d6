"""The Celery application: configuration from Django settings (CELERY_*), tasks from the apps."""

import os

from celery import Celery
from celery.signals import (
    after_setup_logger,
    after_setup_task_logger,
    beat_init,
    before_task_publish,
    task_postrun,
    task_prerun,
    worker_init,
    worker_process_init,
)

from lendportal.request_id import task_context_enter, task_context_exit, task_publish_header
from lendportal.worker import (
    beat_telemetry_start,
    celery_logger_json,
    worker_metrics_start,
    worker_telemetry_start,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendportal.settings.local")

app = Celery("lendportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request id travels from the request into the tasks it queues (issue #21).
before_task_publish.connect(task_publish_header, weak=False)
task_prerun.connect(task_context_enter, weak=False)
task_postrun.connect(task_context_exit, weak=False)

# JSON log lines like the web's (LOG_FORMAT=json), metrics, Sentry and OpenTelemetry (#21).
after_setup_logger.connect(celery_logger_json, weak=False)
after_setup_task_logger.connect(celery_logger_json, weak=False)
worker_init.connect(worker_metrics_start, weak=False)
worker_process_init.connect(worker_telemetry_start, weak=False)
beat_init.connect(beat_telemetry_start, weak=False)
