import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lendportal.settings.local")

from lendportal.telemetry import telemetry_init  # after the settings module is named

# Before the handler loads the middleware: OpenTelemetry's Django instrumentation adds its own.
telemetry_init(service="web", web=True)
application = get_asgi_application()
