from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """The outbox of partner events and its webhook deliveries (PRODUCT §7)."""

    name = "loans.events"
    label = "events"
    verbose_name = _("Partner events")

    def ready(self) -> None:
        # After a commit that wrote events, queue the webhook sender (the outbox cannot import
        # the task module, which imports the sender, which reads the outbox: no circle).
        from loans.events.services.outbox import outbox_sender_register
        from loans.events.tasks import webhook_deliveries_send

        outbox_sender_register(webhook_deliveries_send.delay)
