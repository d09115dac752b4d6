"""Lists are paged by a cursor over the id: stable under inserts, no COUNT over millions."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200

    def get_paginated_response_schema(self, schema: Any) -> dict[str, Any]:
        """DRF's page schema, with links a partner recognises as examples."""
        page = super().get_paginated_response_schema(schema)
        link = "https://lendportal.example/api/v1/loans?cursor="
        page["properties"]["next"].update(
            example=f"{link}cD0yMDI2LTEyLTAx", description="The next page; null on the last."
        )
        page["properties"]["previous"].update(
            example=None, description="The page before; null on the first."
        )
        return page
