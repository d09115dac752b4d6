from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Partner
from loans.api.fields import BIGINT_MAX
from loans.api.permissions import request_partner
from loans.events.models import OutboxEvent
from loans.events.selectors import UnknownEventCursor, partner_events_after
from loans.events.services.outbox import outbox_events_sequence
from loans.events.services.webhooks import event_as_dict
from loans.replica import replica_configured, replica_reads


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    created_at = serializers.DateTimeField()
    data = serializers.DictField()  # type: ignore[assignment]  # the event's field, by contract


class EventPageSerializer(serializers.Serializer):
    results = EventSerializer(many=True)
    next_after = serializers.IntegerField(
        allow_null=True, help_text="Pass as ?after= to read on; null when nothing was returned."
    )


class EventListApi(APIView):
    """The partner's events in commit order, after the event id ``after`` (the same events the
    webhooks send). Resume with ``after`` = the last id read: nothing is skipped."""

    required_scopes = ["events"]

    class QuerySerializer(serializers.Serializer):
        after = serializers.IntegerField(required=False, min_value=0, max_value=BIGINT_MAX)
        limit = serializers.IntegerField(required=False, min_value=1, max_value=500, default=100)

    @extend_schema(
        operation_id="event_list",
        parameters=[QuerySerializer],
        responses={200: EventPageSerializer},
    )
    def get(self, request: Request) -> Response:
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        outbox_events_sequence()
        try:
            events = _events_after(
                partner=request_partner(request),
                after=query.validated_data.get("after") or None,
                limit=query.validated_data["limit"],
            )
        except UnknownEventCursor as error:
            raise serializers.ValidationError({"after": ["No such event."]}) from error
        return Response(
            {
                "results": [event_as_dict(e) for e in events],
                "next_after": events[-1].pk if events else query.validated_data.get("after"),
            }
        )


def _events_after(*, partner: Partner, after: int | None, limit: int) -> list[OutboxEvent]:
    """The feed's page from the replica when there is one (#20, docs/scaling.md).

    The replica may be a moment behind: it shows a prefix of the commit order, so nothing is
    skipped, but an ``after`` read from the primary (a webhook's event) may not be there yet:
    that one is looked up on the primary before it is refused.
    """
    try:
        with replica_reads():
            return partner_events_after(partner=partner, after=after, limit=limit)
    except UnknownEventCursor:
        if not replica_configured():
            raise
    return partner_events_after(partner=partner, after=after, limit=limit)
