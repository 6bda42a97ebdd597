"""The access contract (DESIGN.md §1), written once and applied to every department-scoped model.

A test module subclasses :class:`AccessContract` and describes its model::

    class TestIncidentAccess(AccessContract):
        model = Incident
        api_update = {"title": "改过的标题"}
        global_role = "security_officer"

        def make_record(self, department, restricted=False):
            return IncidentFactory(department=department, secret_leak=restricted)

The pages and API routes come from the model's declaration in the registry
(``szmz_security/core/registry.py``); a contract may name them itself (``url_names``, ``api_list``).
Every declared department-scoped model without a contract written here gets one generated from its
factory (``tests/test_access_contract.py``). What does not apply to a model is left out: a missing
``url_names`` key (Obligation has no edit or delete page), no API (no serializer declared), ``api_update`` = None (a read-only API),
``post_actions`` empty (no change actions besides the edit form). A test about something the model
does not have is reported as skipped with the reason; a read-only API is checked to refuse writes (405).

The people come from ``tests/conftest.py``: ``staff`` and ``head`` belong to ``department`` (the
record's department; ``head`` is 处室负责人), ``outsider`` to ``other_department``.
"""

import csv
import io

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import get_resolver, reverse

from szmz_security.core import registry
from szmz_security.org.access import global_permission, grant
from tests.factories import UserFactory

# url_names keys that take the record's pk, and those a plain department member may open.
OBJECT_KEYS = ("detail", "edit", "delete", "history")
READ_KEYS = ("detail", "history")
CHANGE_KEYS = ("edit", "delete")


def declared(model):
    """The model's declaration in the registry (the URL conf is loaded first: apps declare their
    models when their views are imported)."""
    get_resolver().url_patterns  # noqa: B018 - imports every app's views
    return registry.declaration(model)


class AccessContract:
    model = None
    # Taken from the model's declaration (szmz_security/core/registry.py) unless a contract names
    # them: the pages the model has, and its API routes when it has one.
    url_names: dict | None = None
    api_list: str | None = None
    api_detail: str | None = None
    # A PATCH body for the API detail, or None when the API is read-only.
    api_update: dict | None = None
    # Extra change actions posted from the detail page: {name: url_name}; ``post_data(name)`` gives the body.
    post_actions: dict = {}
    # A role holding the model's global view permission (sees every record, restricted ones too).
    global_role = "security_officer"
    # A role with global view but no change permission (inspectors), or None.
    read_only_role: str | None = "inspector"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.model is None or cls.url_names is not None:
            return
        declaration = declared(cls.model)
        # The contract opens the list and the record's pages (adding is the create tests' concern).
        cls.url_names = {k: v for k, v in declaration.url_names.items() if k in ("list", *OBJECT_KEYS)}
        if declaration.serializer is not None or declaration.viewset is not None:
            cls.api_list = cls.api_list or f"api:{declaration.model_name}-list"
            cls.api_detail = cls.api_detail or f"api:{declaration.model_name}-detail"

    # --- to be provided by the test module ------------------------------------------------------

    def make_record(self, department, restricted=False):
        raise NotImplementedError

    def post_data(self, name):
        return {}

    def label(self, obj):
        """How the record appears in its list row and its CSV export."""
        return str(obj)

    # --- which tests apply --------------------------------------------------------------------

    def pytest_generate_tests(self, metafunc):
        keys = {
            "url_key": list(self.url_names),
            "object_url_key": [k for k in OBJECT_KEYS if k in self.url_names],
            "read_url_key": [k for k in READ_KEYS if k in self.url_names],
            "change_url_key": [k for k in CHANGE_KEYS if k in self.url_names],
            "post_action": list(self.post_actions),
        }
        for name, values in keys.items():
            if name in metafunc.fixturenames:
                if not values:
                    # Nothing of the kind on this model: one visibly skipped case says so.
                    values = [
                        pytest.param(
                            None,
                            marks=pytest.mark.skip(
                                reason=f"{self.model.__name__} has no {name.replace('_', ' ')}"
                            ),
                        )
                    ]
                metafunc.parametrize(name, values)

    # --- fixtures -----------------------------------------------------------------------------

    @pytest.fixture
    def record(self, department):
        return self.make_record(department)

    @pytest.fixture
    def restricted_record(self, department):
        record = self.make_record(department, restricted=True)
        assert record.is_restricted(), "make_record(restricted=True) must make a need-to-know record"
        return record

    @pytest.fixture
    def foreign_record(self, other_department):
        return self.make_record(other_department)

    @pytest.fixture
    def global_user(self, db):
        return UserFactory(username=f"global-{self.global_role}", roles=[self.global_role])

    # --- helpers ------------------------------------------------------------------------------

    def url(self, key, obj=None):
        name = self.url_names[key]
        return reverse(name) if key == "list" else reverse(name, args=[obj.pk])

    def api_url(self, obj=None):
        return reverse(self.api_list) if obj is None else reverse(self.api_detail, args=[obj.pk])

    def need_api(self, detail=False):
        if self.api_list is None or (detail and self.api_detail is None):
            pytest.skip(f"{self.model.__name__} has no API")

    def get_as(self, client, user, url, **extra):
        client.force_login(user)
        return client.get(url, **extra)

    def list_page(self, client, user):
        response = self.get_as(client, user, self.url("list"))
        assert response.status_code == 200
        return response.content.decode()

    def shows(self, html, obj):
        """Whether a list page links the record (its detail URL, exactly)."""
        return f'href="{obj.get_absolute_url()}"' in html

    def api_ids(self, client, user):
        client.force_login(user)
        response = client.get(self.api_url())
        assert response.status_code == 200
        body = response.json()
        rows = body["results"] if isinstance(body, dict) else body
        return {row["id"] for row in rows}

    def csv_cells(self, client, user):
        response = self.get_as(client, user, self.url("list"), data={"export": "csv"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return {cell for row in csv.reader(io.StringIO(text)) for cell in row}

    def history_count(self, obj):
        return obj.history.count()

    def refused_api_writes(self, client, user, obj, status):
        """PATCH and DELETE through the API are refused with ``status`` (405 whoever asks, when the
        API is read-only) and leave the record as it was."""
        if self.api_update is None:
            status = 405
        client.force_login(user)
        before = self.history_count(obj)
        url = self.api_url(obj)
        assert client.patch(url, self.api_update or {}, content_type="application/json").status_code == status
        assert client.delete(url).status_code == status
        assert self.model.objects.filter(pk=obj.pk).exists()
        assert self.history_count(obj) == before

    # --- anonymous ----------------------------------------------------------------------------

    def test_anonymous_is_sent_to_login(self, client, record, url_key):
        url = self.url(url_key, record)
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(resolve_url(settings.LOGIN_URL) + "?next=")

    def test_anonymous_api_answers_401(self, client, record):
        self.need_api()
        assert client.get(self.api_url()).status_code == 401
        if self.api_detail:
            assert client.get(self.api_url(record)).status_code == 401

    # --- another department -------------------------------------------------------------------

    def test_other_department_gets_404(self, client, outsider, record, object_url_key):
        assert self.get_as(client, outsider, self.url(object_url_key, record)).status_code == 404

    def test_other_department_cannot_post_changes(self, client, outsider, record):
        before = self.history_count(record)
        client.force_login(outsider)
        for key in CHANGE_KEYS:
            if key in self.url_names:
                assert client.post(self.url(key, record), {}).status_code == 404
        for name in self.post_actions:
            url = reverse(self.post_actions[name], args=[record.pk])
            assert client.post(url, self.post_data(name)).status_code == 404
        assert self.model.objects.filter(pk=record.pk).exists()
        assert self.history_count(record) == before

    def test_other_department_list_leaves_the_record_out(self, client, outsider, record, foreign_record):
        html = self.list_page(client, outsider)
        assert self.shows(html, foreign_record)
        assert not self.shows(html, record)

    def test_other_department_api_leaves_the_record_out(self, client, outsider, record, foreign_record):
        self.need_api(detail=True)
        ids = self.api_ids(client, outsider)
        assert foreign_record.pk in ids
        assert record.pk not in ids
        assert client.get(self.api_url(record)).status_code == 404

    def test_other_department_api_cannot_change(self, client, outsider, record):
        self.need_api(detail=True)
        self.refused_api_writes(client, outsider, record, 404)

    # --- own department -----------------------------------------------------------------------

    def test_member_opens_the_record(self, client, staff, record, read_url_key):
        response = self.get_as(client, staff, self.url(read_url_key, record))
        assert response.status_code == 200
        assert str(record) in response.content.decode()

    def test_member_list_and_api_show_the_record(self, client, staff, record, foreign_record):
        html = self.list_page(client, staff)
        assert self.shows(html, record)
        assert not self.shows(html, foreign_record)
        if self.api_list:
            ids = self.api_ids(client, staff)
            assert record.pk in ids
            assert foreign_record.pk not in ids
        if self.api_detail:
            response = client.get(self.api_url(record))
            assert response.status_code == 200
            assert response.json()["id"] == record.pk

    def test_member_may_not_change(self, client, staff, record, change_url_key):
        """Visible but not changeable: 403, for the page and for the post, and nothing changes."""
        before = self.history_count(record)
        assert self.get_as(client, staff, self.url(change_url_key, record)).status_code == 403
        assert client.post(self.url(change_url_key, record), {}).status_code == 403
        assert self.model.objects.filter(pk=record.pk).exists()
        assert self.history_count(record) == before

    def test_member_may_not_post_actions(self, client, staff, record, post_action):
        before = self.history_count(record)
        client.force_login(staff)
        url = reverse(self.post_actions[post_action], args=[record.pk])
        assert client.post(url, self.post_data(post_action)).status_code == 403
        assert self.history_count(record) == before

    def test_member_api_may_not_change(self, client, staff, record):
        self.need_api(detail=True)
        self.refused_api_writes(client, staff, record, 403)

    def test_department_head_may_change(self, client, head, record, change_url_key):
        response = self.get_as(client, head, self.url(change_url_key, record))
        assert response.status_code == 200
        assert str(record) in response.content.decode()

    def test_department_head_may_post_actions(self, client, head, record, post_action):
        before = self.history_count(record)
        client.force_login(head)
        url = reverse(self.post_actions[post_action], args=[record.pk])
        response = client.post(url, self.post_data(post_action))
        assert response.status_code == 302, response.content.decode()[:500]
        assert self.history_count(record) == before + 1

    def test_department_head_api_may_change(self, client, head, record):
        self.need_api(detail=True)
        if self.api_update is None:
            self.refused_api_writes(client, head, record, 405)
            return
        client.force_login(head)
        response = client.patch(self.api_url(record), self.api_update, content_type="application/json")
        assert response.status_code == 200, response.content
        record.refresh_from_db()
        for field, value in self.api_update.items():
            assert getattr(record, field) == value

    def test_department_head_does_not_reach_other_departments(self, client, head, foreign_record):
        for key in OBJECT_KEYS:
            if key in self.url_names:
                assert self.get_as(client, head, self.url(key, foreign_record)).status_code == 404

    # --- restricted (need-to-know) records ----------------------------------------------------

    def test_restricted_record_is_hidden_from_the_department(
        self, client, staff, head, restricted_record, object_url_key
    ):
        for member in (staff, head):
            assert self.get_as(client, member, self.url(object_url_key, restricted_record)).status_code == 404

    def test_restricted_record_left_out_of_lists(self, client, staff, record, restricted_record):
        html = self.list_page(client, staff)
        assert self.shows(html, record)
        assert not self.shows(html, restricted_record)
        if self.api_list:
            ids = self.api_ids(client, staff)
            assert record.pk in ids
            assert restricted_record.pk not in ids
        if self.api_detail:
            assert client.get(self.api_url(restricted_record)).status_code == 404

    def test_restricted_record_granted_to_a_person(
        self, client, staff, head, restricted_record, read_url_key
    ):
        grant("view", staff, restricted_record)
        assert self.get_as(client, staff, self.url(read_url_key, restricted_record)).status_code == 200
        assert self.shows(self.list_page(client, staff), restricted_record)
        if self.api_detail:
            assert client.get(self.api_url(restricted_record)).status_code == 200
        # The grant names one person: the head of the same department still sees nothing.
        assert self.get_as(client, head, self.url(read_url_key, restricted_record)).status_code == 404

    def test_view_grant_does_not_allow_changes(self, client, staff, restricted_record, change_url_key):
        grant("view", staff, restricted_record)
        assert self.get_as(client, staff, self.url(change_url_key, restricted_record)).status_code == 403

    def test_record_shared_with_another_department(
        self, client, outsider, other_department, restricted_record, read_url_key
    ):
        grant("view", other_department.group, restricted_record)
        assert self.get_as(client, outsider, self.url(read_url_key, restricted_record)).status_code == 200
        assert self.shows(self.list_page(client, outsider), restricted_record)
        if self.api_list:
            assert restricted_record.pk in self.api_ids(client, outsider)

    # --- global roles -------------------------------------------------------------------------

    def test_global_role_sees_everything(
        self, client, global_user, record, restricted_record, foreign_record, read_url_key
    ):
        assert global_user.has_perm(global_permission(self.model, "view"))
        for obj in (record, restricted_record, foreign_record):
            assert self.get_as(client, global_user, self.url(read_url_key, obj)).status_code == 200

    def test_global_role_lists_everything(
        self, client, global_user, record, restricted_record, foreign_record
    ):
        html = self.list_page(client, global_user)
        assert all(self.shows(html, obj) for obj in (record, restricted_record, foreign_record))
        if self.api_list:
            assert {record.pk, restricted_record.pk, foreign_record.pk} <= self.api_ids(client, global_user)

    def test_global_role_may_change_as_its_permissions_say(
        self, client, global_user, restricted_record, change_url_key
    ):
        """The edit / delete page follows the role's global change / delete permission: 200 or 403."""
        action = {"edit": "change", "delete": "delete"}[change_url_key]
        allowed = global_user.has_perm(global_permission(self.model, action))
        response = self.get_as(client, global_user, self.url(change_url_key, restricted_record))
        assert response.status_code == (200 if allowed else 403)

    def test_read_only_role_sees_but_may_not_change(self, client, record, foreign_record):
        if self.read_only_role is None:
            pytest.skip("no read-only role for this model")
        reader = UserFactory(username=f"reader-{self.read_only_role}", roles=[self.read_only_role])
        for obj in (record, foreign_record):
            if "detail" in self.url_names:
                assert self.get_as(client, reader, self.url("detail", obj)).status_code == 200
            else:
                client.force_login(reader)
            for key in CHANGE_KEYS:
                if key in self.url_names:
                    assert client.get(self.url(key, obj)).status_code == 403
            for name in self.post_actions:
                url = reverse(self.post_actions[name], args=[obj.pk])
                assert client.post(url, self.post_data(name)).status_code == 403
        if self.api_detail:
            self.refused_api_writes(client, reader, record, 403)

    # --- CSV export ---------------------------------------------------------------------------

    def test_csv_export_holds_only_visible_rows(
        self, client, staff, record, restricted_record, foreign_record
    ):
        cells = self.csv_cells(client, staff)
        assert self.label(record) in cells
        assert self.label(restricted_record) not in cells
        assert self.label(foreign_record) not in cells

    def test_csv_export_for_global_role_holds_every_row(
        self, client, global_user, record, restricted_record, foreign_record
    ):
        cells = self.csv_cells(client, global_user)
        assert {self.label(record), self.label(restricted_record), self.label(foreign_record)} <= cells

    def test_csv_export_ignores_a_filter_for_an_invisible_department(
        self, client, staff, foreign_record, other_department
    ):
        """Filtering by another department's id must not widen what the export holds."""
        response = self.get_as(
            client, staff, self.url("list"), data={"export": "csv", "department": other_department.pk}
        )
        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert self.label(foreign_record) not in text
