"""The ledger's rules (chapter 6 §4–5, 保守国家秘密法): numbering, custodian, protection periods,
zones, the marking, the destroyed guard and who sees a classified medium."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from media_control.ledger import services as ledger_services
from media_control.models import MediaNumberCounter, Medium, marking_for
from szmz_security.org.access import can
from tests.factories import UserFactory

from .factories import MediumFactory


def test_number_follows_the_scheme_per_type_and_year(department):
    first = MediumFactory(department=department, type="usb")
    second = MediumFactory(department=department, type="usb")
    disk = MediumFactory(department=department, type="hard_disk")
    year = first.registered_on.year
    assert first.number == f"SZMZ-U-{year}-0001"
    assert second.number == f"SZMZ-U-{year}-0002"
    assert disk.number == f"SZMZ-HD-{year}-0001"
    last_year = MediumFactory(
        department=department, type="usb", registered_on=first.registered_on.replace(year=year - 1)
    )
    assert last_year.number == f"SZMZ-U-{year - 1}-0001"


def test_number_scheme_is_configurable(settings, department):
    settings.MEDIA_NUMBER_FORMAT = "MZ/{year}/{type}{seq:03d}"
    medium = MediumFactory(department=department, type="optical")
    assert medium.number == f"MZ/{medium.registered_on.year}/CD001"


def test_a_number_taken_by_hand_is_skipped(department):
    year = MediumFactory.build().registered_on.year
    MediumFactory(department=department, number=f"SZMZ-U-{year}-0001")
    generated = MediumFactory(department=department)
    assert generated.number == f"SZMZ-U-{year}-0002"


def test_many_registrations_never_share_a_number(department):
    numbers = {MediumFactory(department=department, type="card").number for _ in range(25)}
    assert len(numbers) == 25
    assert MediaNumberCounter.objects.get(type_code="SD").last == 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_numbering_is_race_safe(department):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises whole transactions)")
    results, errors = [], []

    def worker():
        try:
            for _ in range(5):
                results.append(ledger_services.next_number("usb", 2030))
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == len(set(results)) == 20


def test_marking():
    assert marking_for("confidential", 10) == "机密★10年"
    assert marking_for("internal", None) == "内部"
    assert MediumFactory.build(secrecy_level="top_secret", protection_years=30).marking == "绝密★30年"


@pytest.mark.parametrize(
    ("level", "years", "ok"),
    [
        ("secret", 10, True),
        ("secret", 11, False),
        ("confidential", 20, True),
        ("confidential", 21, False),
        ("top_secret", 30, True),
        ("top_secret", 31, False),
    ],
)
def test_protection_period_maximum(department, keeper, level, years, ok):
    medium = MediumFactory.build(
        department=department,
        custodian=keeper,
        secrecy_level=level,
        protection_years=years,
        zone="classified",
    )
    if ok:
        ledger_services.save_medium(medium, by=keeper)
        assert medium.pk
    else:
        with pytest.raises(ValidationError) as refused:
            ledger_services.save_medium(medium, by=keeper)
        assert "保密期限最长" in refused.value.message_dict["protection_years"][0]
        assert not Medium.objects.exists()


def test_classified_medium_needs_a_period_and_a_custodian(department):
    medium = MediumFactory.build(department=department, secrecy_level="secret", zone="classified")
    with pytest.raises(ValidationError) as refused:
        medium.full_clean()
    errors = refused.value.message_dict
    assert "必须指定保管人" in errors["custodian"][0]
    assert "须填写保密期限" in errors["protection_years"][0]


def test_classified_medium_never_on_the_internet(department, keeper):
    medium = MediumFactory.build(
        department=department, custodian=keeper, secrecy_level="secret", protection_years=5, zone="internet"
    )
    with pytest.raises(ValidationError) as refused:
        ledger_services.save_medium(medium, by=keeper)
    assert "只能在涉密网或单机" in refused.value.message_dict["zone"][0]


def test_restricted_follows_the_level(medium, confidential_medium):
    assert not medium.restricted
    assert confidential_medium.restricted
    confidential_medium.secrecy_level = "internal"
    confidential_medium.protection_years = None
    confidential_medium.zone = "gov_intranet"
    ledger_services.save_medium(confidential_medium, by=confidential_medium.custodian)
    assert not Medium.objects.get(pk=confidential_medium.pk).restricted


def test_classified_medium_is_seen_by_custodian_officers_and_secrecy_office_only(
    confidential_medium, keeper, staff, head, officer, secrecy, outsider, inspector
):
    for user in (keeper, officer, secrecy, inspector):
        assert can(user, "view", confidential_medium), user
    for user in (staff, head, outsider):
        assert not can(user, "view", confidential_medium), user
        assert not Medium.objects.visible_to(user).filter(pk=confidential_medium.pk).exists()


def test_unclassified_medium_is_seen_by_the_department(medium, staff, head, outsider):
    assert can(staff, "view", medium) and can(head, "view", medium)
    assert can(head, "change", medium) and not can(staff, "change", medium)
    assert not can(outsider, "view", medium)


def test_custodian_change_moves_the_grant(confidential_medium, keeper, department):
    successor = UserFactory(username="successor", roles=["staff"], departments=[department])
    confidential_medium.custodian = successor
    ledger_services.save_medium(confidential_medium, by=successor)
    assert can(successor, "view", confidential_medium)
    assert not can(keeper, "view", confidential_medium)


def test_destroyed_medium_refuses_any_change(medium, keeper):
    Medium.objects.filter(pk=medium.pk).update(status="destroyed")
    medium.refresh_from_db()
    medium.brand = "改过的品牌"
    with pytest.raises(ValidationError, match="已销毁"):
        medium.save()
    with pytest.raises(ValidationError, match="已销毁"):
        ledger_services.save_medium(medium, by=keeper)
    with pytest.raises(ValidationError, match="已销毁"):
        medium.full_clean()
    with pytest.raises(ValidationError, match="已销毁"):
        medium.delete()
    assert Medium.objects.get(pk=medium.pk).brand == "金士顿"


def test_history_is_kept(medium, keeper):
    medium.brand = "闪迪"
    ledger_services.save_medium(medium, by=keeper, reason="更正品牌")
    assert medium.history.first().history_change_reason == "更正品牌"
    assert medium.history.count() == 2
