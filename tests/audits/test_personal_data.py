"""The personal-information inventory (issue #15): what each department holds about 服务对象, on which
legal basis and for how long, its yearly review and the destruction of records past retention."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from rest_framework.authtoken.models import Token

from audits.models import PersonalDataDestruction, PersonalDataInventory
from audits.privacy import services
from szmz_security.obligations.models import Obligation
from tests.audits.factories import PersonalDataInventoryFactory
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


def inventory_form(department, **changes):
    data = {
        "department": department.pk,
        "system": "社会救助信息系统",
        "dataset": "低保申请材料",
        "subjects": "低保对象",
        "categories": ["identity", "contact"],
        "purpose": "审核最低生活保障申请",
        "legal_basis": "duty",
        "consent_method": "",
        "necessity": "",
        "retention_months": "60",
        "storage_location": "政务云",
        "access_scope": "社会救助处经办人员",
        "security_measures": "",
        "note": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)  # verified: tests/conftest.py
    return client


def test_an_officer_records_an_inventory_with_its_history(officer_client, officer, department):
    response = officer_client.post("/audits/personal-data/add/", inventory_form(department))
    assert response.status_code == 302
    inventory = PersonalDataInventory.objects.get()
    assert inventory.categories == ["identity", "contact"]
    assert inventory.history.get().history_user == officer
    assert "低保申请材料" in officer_client.get(inventory.get_absolute_url()).content.decode()


def test_sensitive_information_needs_its_necessity_and_nothing_is_written(officer_client, department):
    response = officer_client.post(
        "/audits/personal-data/add/", inventory_form(department, categories=["identity", "health"])
    )
    assert response.status_code == 200  # the form again, with the message next to the field
    assert "须说明处理的必要性" in response.content.decode()
    assert not PersonalDataInventory.objects.exists()


def test_consent_as_the_basis_needs_how_it_is_obtained(officer_client, department):
    response = officer_client.post(
        "/audits/personal-data/add/", inventory_form(department, legal_basis="consent")
    )
    assert response.status_code == 200
    assert "取得同意的方式" in response.content.decode()
    assert not PersonalDataInventory.objects.exists()


def test_the_api_names_the_field_of_a_broken_rule(officer_client, department):
    data = inventory_form(department, categories=["biometric"], retention_months=60)
    response = officer_client.post("/api/personal-data-inventories/", data, content_type="application/json")
    assert response.status_code == 400
    assert "necessity" in response.json()
    assert not PersonalDataInventory.objects.exists()


def test_the_api_records_an_inventory_and_its_yearly_review(officer_client, department):
    response = officer_client.post(
        "/api/personal-data-inventories/",
        inventory_form(department, retention_months=60),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    services.ensure_yearly()
    reviewed = officer_client.post(
        f"/api/personal-data-inventories/{pk}/review/",
        {"note": "与系统一致"},
        content_type="application/json",
    )
    assert reviewed.status_code == 200
    assert reviewed.json()["last_reviewed_on"] == timezone.localdate().isoformat()
    assert Obligation.objects.get(kind=services.REVIEW_KIND).state == Obligation.State.MET


def test_another_departments_member_does_not_see_an_inventory(client, department):
    inventory = PersonalDataInventoryFactory(department=department)
    outsider = UserFactory(roles=["staff"], departments=[DepartmentFactory()])
    member = UserFactory(roles=["staff"], departments=[department])
    client.force_login(outsider)
    assert inventory.dataset not in client.get("/audits/personal-data/").content.decode()
    assert client.get(inventory.get_absolute_url()).status_code == 404
    token, _ = Token.objects.get_or_create(user=outsider)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.get(f"/api/personal-data-inventories/{inventory.pk}/", **headers).status_code == 404
    client.force_login(member)
    assert client.get(inventory.get_absolute_url()).status_code == 200


def test_each_inventory_owes_a_review_and_a_clean_up_once_a_year(department):
    PersonalDataInventoryFactory(department=department, retention_months=60)
    PersonalDataInventoryFactory(department=department, retention_months=None)
    with time_machine.travel(at(2026, 2, 1, 9), tick=False):
        services.ensure_yearly()
        services.ensure_yearly()  # the daily task again: nothing doubled
    assert Obligation.objects.filter(kind=services.REVIEW_KIND).count() == 2
    assert Obligation.objects.filter(kind=services.RETENTION_KIND).count() == 1
    assert set(Obligation.objects.values_list("due_at", flat=True)) == {at(2026, 12, 31, 23, 59, 59)}


def test_the_review_meets_the_obligation_and_a_late_one_is_late(officer, department):
    inventory = PersonalDataInventoryFactory(department=department)
    with time_machine.travel(at(2026, 2, 1, 9), tick=False):
        services.ensure_yearly()
    with time_machine.travel(at(2027, 1, 3, 9), tick=False):
        services.review_inventory(inventory, by=officer, note="与系统一致")
    obligation = Obligation.objects.get(kind=services.REVIEW_KIND)
    assert obligation.state == Obligation.State.MET_LATE
    inventory.refresh_from_db()
    assert inventory.last_reviewed_on == datetime.date(2027, 1, 3)


def test_a_destruction_needs_a_witness_other_than_the_performer(officer_client, officer, department):
    inventory = PersonalDataInventoryFactory(department=department, retention_months=60)
    response = officer_client.post(
        "/audits/personal-data-destructions/add/",
        {
            "inventory": inventory.pk,
            "destroyed_on": "2026-03-01",
            "scope": "过期材料",
            "record_count": "10",
            "method": "delete",
            "performed_by": officer.pk,
            "witness": officer.pk,
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "监销人不能与执行人为同一人" in response.content.decode()
    assert not PersonalDataDestruction.objects.exists()


def test_a_destruction_meets_the_years_clean_up_on_time(officer_client, officer, department):
    inventory = PersonalDataInventoryFactory(department=department, retention_months=60)
    witness = UserFactory(roles=["staff"], departments=[department])
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        services.ensure_yearly()
        response = officer_client.post(
            "/audits/personal-data-destructions/add/",
            {
                "inventory": inventory.pk,
                "destroyed_on": "2026-03-01",
                "scope": "2020年以前注销对象的材料",
                "record_count": "35",
                "method": "delete",
                "performed_by": officer.pk,
                "witness": witness.pk,
                "note": "",
            },
        )
    assert response.status_code == 302
    destruction = PersonalDataDestruction.objects.get()
    assert destruction.department == department
    assert Obligation.objects.get(kind=services.RETENTION_KIND).state == Obligation.State.MET
