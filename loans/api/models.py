"""Rows of the partner API's own (PRODUCT §7): the idempotency records."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Partner


class IdempotencyRecord(models.Model):
    """The first successful response to a partner's POST with an ``Idempotency-Key``.

    Written in the same transaction as the change it answers, so a key is either stored with
    its effect or not at all; kept at least 24 hours (``idempotency_records_purge``).
    """

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    key = models.CharField(max_length=255, verbose_name=_("idempotency key"))
    request_method = models.CharField(max_length=8, verbose_name=_("request method"))
    request_path = models.CharField(max_length=255, verbose_name=_("request path"))
    request_hash = models.CharField(max_length=64, verbose_name=_("request hash"))
    response_status = models.PositiveSmallIntegerField(verbose_name=_("response status"))
    response_body = models.JSONField(verbose_name=_("response body"))
    created_at = models.DateTimeField(
        auto_now_add=True, db_index=True, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        # The table kept its name when the model moved here from the loans app (issue #8).
        db_table = "loans_idempotencyrecord"
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "key"], name="idempotency_key_unique_per_partner"
            )
        ]

    def __str__(self) -> str:
        return f"Idempotency key {self.key} of partner {self.partner_id}"
