"""Every page issues a constant number of SQL queries, whatever the row count (DESIGN.md "Scale").

Each page is loaded once to warm the process caches (content types, guardian's permission
look-ups), measured with a few rows, then measured again with ten times as many: the counts must
be equal. The rows are made the way real data looks to the access rule (own department, shared by
a personal grant and by a grant to the department, distinct reporters and editors), so that a
per-row query anywhere — a missing select_related, a permission check in a loop — shows up.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident
from szmz_security.auditlog.models import AuditEvent
from szmz_security.obligations.models import Notification, NotificationReceipt
from szmz_security.org.access import grant
from tests.factories import DepartmentFactory, IncidentFactory, ObligationFactory, UserFactory

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 30


# --- row makers: each adds n rows the viewer can see ----------------------------------------------


def add_incidents(ctx, n):
    for i in range(n):
        if i % 3 == 0:
            IncidentFactory(department=ctx.department, secret_leak=False)
        elif i % 3 == 1:
            grant("view", ctx.viewer, IncidentFactory(department=ctx.other_department, secret_leak=True))
        else:
            grant("view", ctx.department.group, IncidentFactory(department=ctx.other_department))


def add_obligations(ctx, n):
    now = timezone.now()
    for i in range(n):
        # Alternately overdue and due within 24 hours, so the dashboard lists both.
        due = now - timedelta(hours=i + 1) if i % 2 else now + timedelta(hours=1 + i % 20)
        obligation = ObligationFactory(
            department=ctx.department if i % 3 else ctx.other_department,
            created_at=due - timedelta(hours=24),
            due_at=due,
            assignee=UserFactory(),
            restricted=i % 4 == 0,
        )
        if obligation.department_id != ctx.department.pk or obligation.restricted:
            grant("view", ctx.viewer, obligation)


def add_notifications(ctx, n):
    start = Notification.objects.count()
    other = UserFactory(username="another_recipient")
    for i in range(start, start + n):
        obligation = ObligationFactory(department=ctx.department)
        notification = Notification.objects.create(
            recipients=[ctx.viewer.pk, other.pk],
            key=f"obligation:{obligation.pk}:due_soon",
            obligation=obligation,
            title=f"提醒{i}",
            url=obligation.get_absolute_url(),
        )
        # My receipts (read, mailed) and another recipient's: the list shows only mine, per row
        # by a subquery, not a query per row.
        NotificationReceipt.objects.create(
            notification=notification,
            recipient=ctx.viewer,
            read_at=timezone.now() if i % 2 else None,
            email_status="sent" if i % 3 else "pending",
        )
        NotificationReceipt.objects.create(notification=notification, recipient=other, read_at=timezone.now())


def add_audit_events(ctx, n):
    incident_type = ContentType.objects.get_for_model(Incident)
    for i in range(n):
        user = UserFactory()
        AuditEvent.objects.create(
            kind=AuditEvent.Kind.VIEW,
            log_class=AuditEvent.LogClass.ACCESS,
            user=user,
            username=user.username,
            ip_address=f"10.0.0.{i % 250 + 1}",
            object_type=incident_type,
            object_id=str(i),
            object_repr=f"事件{i}",
        )


def add_departments(ctx, n):
    for _ in range(n):
        DepartmentFactory(parent=ctx.department)


def add_edits(ctx, n):
    """n edits of the subject, each by a different person, each moving it between departments."""
    incident = ctx.subject
    start = incident.history.count()
    for i in range(n):
        incident.title = f"修改{start + i}"
        moved = incident.department == ctx.department
        incident.department = ctx.other_department if moved else ctx.department
        incident._history_user = UserFactory()
        incident.save()


def add_detail_load(ctx, n):
    """Around one incident: more edits, more people granted it, more incidents next to it."""
    add_edits(ctx, n)
    for _ in range(n):
        grant("view", UserFactory(), ctx.subject)
    add_incidents(ctx, n)


# --- how many rows a page shows (to prove the rows were really rendered) -------------------------


def table_rows(response):
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", response.content.decode(), re.S)
    return len(re.findall(r"<tr\b", body.group(1))) if body else 0


def api_rows(response):
    return len(response.json()["results"])


def dashboard_rows(response):
    html = response.content.decode()
    return len(re.findall(r'<li class="list-group-item"><a href="/obligations/\d+/"', html))


def history_rows(response):
    return response.content.decode().count('<div class="card-header small')


@dataclass
class Page:
    id: str
    viewer: str
    url: object  # (ctx) -> str
    add_rows: object  # (ctx, n) -> None
    shown: object = None  # (response) -> rows rendered, or None for a detail page

    def __str__(self):
        return self.id


def subject_url(name):
    return lambda ctx: reverse(name, args=[ctx.subject.pk])


def path(name):
    return lambda ctx: reverse(name)


PAGES = [
    Page("dashboard", "staff", path("dashboard"), add_obligations, dashboard_rows),
    Page("dashboard-officer", "officer", path("dashboard"), add_obligations, dashboard_rows),
    Page("incident-list", "staff", path("incidents:incident_list"), add_incidents, table_rows),
    Page("incident-list-officer", "officer", path("incidents:incident_list"), add_incidents, table_rows),
    Page("obligation-list", "staff", path("obligations:obligation_list"), add_obligations, table_rows),
    Page("notification-list", "staff", path("obligations:notification_list"), add_notifications, table_rows),
    Page("auditlog-list", "officer", path("auditlog:auditevent_list"), add_audit_events, table_rows),
    Page("incident-detail", "staff", subject_url("incidents:incident"), add_detail_load),
    Page("incident-detail-officer", "officer", subject_url("incidents:incident"), add_detail_load),
    Page("incident-history", "officer", subject_url("incidents:incident_history"), add_edits, history_rows),
    Page(
        "incident-history-reporter",
        "staff",
        subject_url("incidents:incident_history"),
        add_edits,
        history_rows,
    ),
    Page("api-incidents", "staff", path("api:incident-list"), add_incidents, api_rows),
    Page("api-incidents-officer", "officer", path("api:incident-list"), add_incidents, api_rows),
    Page("api-obligations", "staff", path("api:obligation-list"), add_obligations, api_rows),
    Page("api-notifications", "staff", path("api:notification-list"), add_notifications, api_rows),
    Page("api-departments", "staff", path("api:department-list"), add_departments, api_rows),
]


def measure(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response, [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_page_query_count_does_not_grow_with_rows(request, client, department, other_department, page):
    viewer = request.getfixturevalue(page.viewer)
    subject = IncidentFactory(department=department, reported_by=request.getfixturevalue("staff"))
    # The reporter keeps sight of the record wherever it moves (as filing it through the service does).
    grant("view", subject.reported_by, subject)
    ctx = SimpleNamespace(
        department=department, other_department=other_department, viewer=viewer, subject=subject
    )
    client.force_login(viewer)
    url = page.url(ctx)

    page.add_rows(ctx, FEW)
    measure(client, url)  # warm the process caches
    few, few_response, few_sql = measure(client, url)

    page.add_rows(ctx, MANY - FEW)
    many, many_response, many_sql = measure(client, url)

    if page.shown is not None:
        assert page.shown(many_response) > page.shown(few_response) > 0
    assert many == few, "\n".join(["extra queries with more rows:", *many_sql[len(few_sql) :]])
