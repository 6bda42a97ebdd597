"""The list pages' paginator: an exact count where it is cheap, the planner's estimate where not.

A ``COUNT(*)`` of 100,000 visible rows costs more than the page itself (issue #14). So the count
reads at most ``exact_up_to`` + 1 rows; beyond that, on PostgreSQL, the page shows the planner's
row estimate ("约 N 条"), never below what was counted. A department user's lists (a few thousand
rows through the access rule's indexes) are always counted exactly; SQLite always counts exactly.
"""

import json

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination


class EstimatedCountPaginator(Paginator):
    exact_up_to = 10_000
    # True when ``count`` is the planner's estimate (the template writes "约").
    estimated = False

    def queryset(self):
        """The rows' queryset: django-tables2 hands over its BoundRows (rows → TableData → qs)."""
        data = getattr(getattr(self.object_list, "data", None), "data", self.object_list)
        return data if isinstance(data, QuerySet) else None

    @cached_property
    def count(self):
        queryset = self.queryset()
        if queryset is None or connections[queryset.db].vendor != "postgresql":
            return super().count
        rows = queryset.order_by().values("pk")
        counted = rows[: self.exact_up_to + 1].count()
        if counted <= self.exact_up_to:
            return counted
        self.estimated = True
        return max(counted, planned_rows(rows))

    def page(self, number):
        # Django cuts the last page at ``count``: an estimate below the real count would cut rows.
        self.count  # noqa: B018 - decides whether the count is estimated
        if not self.estimated:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)

    def validate_number(self, number):
        # An estimate may fall short of the real count: a later page must still open (if empty).
        if not self.estimated:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("页码不是整数") from error
        if number < 1:
            raise EmptyPage("页码小于 1")
        return number


def planned_rows(queryset):
    """PostgreSQL's row estimate for a queryset (EXPLAIN without running it)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPagination(PageNumberPagination):
    """The API's page-number pagination with the list pages' paginator: ``count`` is exact up to
    ``EstimatedCountPaginator.exact_up_to`` rows and the planner's estimate beyond (then
    ``count_estimated`` is true), so a list endpoint never counts a whole large table."""

    django_paginator_class = EstimatedCountPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        count, *rest = response.data.items()
        response.data = dict([count, ("count_estimated", bool(self.page.paginator.estimated)), *rest])
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["count_estimated"] = {
            "type": "boolean",
            "description": "count 为数据库估算值（超过 10,000 条时）/ whether count is the planner's estimate",
        }
        return paginated
