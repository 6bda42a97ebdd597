"""The classified documents register: the rules a user notices (marking, need-to-know, circulation
and its return obligation, 清退/销毁 with a witness, the yearly secrecy-period review)."""

import datetime
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from secrecy.documents import services
from secrecy.models import ClassifiedDocument, DocumentCirculation, SecrecyPeriodReview
from szmz_security.obligations.models import Obligation
from tests.factories import UserFactory
from tests.secrecy.factories import ClassifiedDocumentFactory, SecrecyPeriodReviewFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def form_data(department, custodian, **overrides):
    data = {
        "registered_on": today().isoformat(),
        "number": "JM-2026-001",
        "title": "关于做好某项工作的通知",
        "issuer": "民政部办公厅",
        "document_number": "民办发〔2026〕8号",
        "level": ClassifiedDocument.Level.CONFIDENTIAL,
        "secrecy_years": "10",
        "secret_until": "",
        "copies": "2",
        "custodian": custodian.pk,
        "department": department.pk,
        "restricted": "on",
        "note": "",
    }
    data.update(overrides)
    return data


def test_marking_shows_level_and_period():
    assert ClassifiedDocumentFactory(secrecy_years=10).marking == "机密★10年"
    document = ClassifiedDocumentFactory(
        level=ClassifiedDocument.Level.SECRET, secrecy_years=None, secret_until=datetime.date(2030, 1, 1)
    )
    assert document.marking == "秘密★2030-01-01"


def test_secrecy_office_registers_a_restricted_document_the_custodian_reads(
    client, secrecy, department, staff
):
    client.force_login(secrecy)
    response = client.post(reverse("secrecy:classifieddocument_add"), form_data(department, staff))
    assert response.status_code == 302
    document = ClassifiedDocument.objects.get(number="JM-2026-001")
    assert document.restricted and document.status == ClassifiedDocument.Status.HELD
    assert document.history.count() == 1
    # The custodian reads it; another member of the department does not even see it.
    client.force_login(staff)
    page = client.get(document.get_absolute_url())
    assert page.status_code == 200 and "关于做好某项工作的通知" in page.content.decode()
    colleague = UserFactory(username="colleague", roles=["staff"], departments=[department])
    client.force_login(colleague)
    assert client.get(document.get_absolute_url()).status_code == 404
    assert (
        document.get_absolute_url()
        not in client.get(reverse("secrecy:classifieddocument_list")).content.decode()
    )


def test_bad_input_is_refused_in_chinese_next_to_the_field(client, secrecy, department, staff):
    ClassifiedDocumentFactory(department=department, number="JM-2026-001")
    client.force_login(secrecy)
    response = client.post(
        reverse("secrecy:classifieddocument_add"),
        form_data(department, staff, secrecy_years="", secret_until=""),
    )
    assert response.status_code == 200
    assert "请填写保密期限（年）或保密截止日期。" in response.context["form"].errors["secrecy_years"]
    assert "本部门已有该登记编号的涉密文件。" in response.context["form"].errors["number"]
    assert ClassifiedDocument.objects.count() == 1


def test_api_400_names_the_field(client, secrecy, department, staff):
    client.force_login(secrecy)
    body = form_data(department, staff, secrecy_years=None, secret_until=None, restricted=True)
    response = client.post(reverse("api:classifieddocument-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert "secrecy_years" in response.json()
    assert not ClassifiedDocument.objects.exists()


def test_another_department_is_refused_everywhere(client, outsider, department):
    document = ClassifiedDocumentFactory(department=department, restricted=False)
    client.force_login(outsider)
    assert client.get(document.get_absolute_url()).status_code == 404
    assert (
        document.get_absolute_url()
        not in client.get(reverse("secrecy:classifieddocument_list")).content.decode()
    )
    assert client.get(reverse("api:classifieddocument-detail", args=[document.pk])).status_code == 404
    export = client.get(reverse("secrecy:classifieddocument_list"), {"export": "csv"})
    assert document.number not in b"".join(export.streaming_content).decode("utf-8-sig")


def test_inspector_sees_a_restricted_document_exists_but_not_its_content(client, inspector, department):
    document = ClassifiedDocumentFactory(department=department, restricted=True, title="绝不外泄的标题")
    client.force_login(inspector)
    page = client.get(document.get_absolute_url())
    assert page.status_code == 200 and "绝不外泄的标题" not in page.content.decode()
    api = client.get(reverse("api:classifieddocument-detail", args=[document.pk])).json()
    assert api["number"] == document.number and api["title"] != "绝不外泄的标题"


def test_circulation_creates_a_return_obligation_met_by_the_return(secrecy, staff, department):
    document = ClassifiedDocumentFactory(department=department, restricted=True)
    reader = UserFactory(username="reader", roles=["staff"], departments=[department])
    circulation = services.lend(
        document, by=secrecy, recipient=reader, lent_on=today(), due_on=today() + timedelta(days=3)
    )
    document.refresh_from_db()
    assert document.status == ClassifiedDocument.Status.CIRCULATING
    obligation = circulation.obligation
    assert obligation.kind == "secrecy.document_return" and obligation.is_open and obligation.restricted
    # The recipient may read the document while it is with them.
    assert ClassifiedDocument.objects.content_visible_to(reader).filter(pk=document.pk).exists()
    services.return_document(circulation, by=secrecy, returned_on=today())
    obligation.refresh_from_db()
    document.refresh_from_db()
    assert obligation.state == Obligation.State.MET
    assert document.status == ClassifiedDocument.Status.HELD


def test_an_unreturned_document_becomes_overdue(secrecy, department):
    document = ClassifiedDocumentFactory(department=department)
    circulation = services.lend(
        document, by=secrecy, recipient=UserFactory(), lent_on=today(), due_on=today() + timedelta(days=1)
    )
    assert not circulation.obligation.is_overdue()
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert circulation.obligation.is_overdue()
        assert Obligation.objects.overdue().filter(kind="secrecy.document_return").count() == 1
        services.return_document(circulation, by=secrecy)
        circulation.obligation.refresh_from_db()
        assert circulation.obligation.state == Obligation.State.MET_LATE


def test_destruction_needs_a_witness_other_than_the_custodian(client, secrecy, department, staff):
    document = ClassifiedDocumentFactory(department=department, custodian=staff)
    client.force_login(secrecy)
    url = reverse("secrecy:classifieddocument_destroy", args=[document.pk])
    data = {"closed_on": today().isoformat(), "disposal_method": "定点单位粉碎", "witness": staff.pk}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "监销人不能是文件保管人本人。" in response.content.decode()
    document.refresh_from_db()
    assert document.status == ClassifiedDocument.Status.HELD
    response = client.post(url, {**data, "witness": secrecy.pk})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == ClassifiedDocument.Status.DESTROYED and document.witness == secrecy
    assert document.history.first().history_change_reason.startswith("已销毁")


def test_no_circulation_after_return_to_issuer(secrecy, department, staff):
    document = ClassifiedDocumentFactory(department=department, custodian=staff)
    services.return_to_issuer(document, on=today(), method="机要交通退回", witness=secrecy, by=secrecy)
    document.refresh_from_db()
    assert document.status == ClassifiedDocument.Status.RETURNED
    with pytest.raises(services.ValidationError, match="已清退"):
        services.lend(document, by=secrecy, recipient=staff, lent_on=today(), due_on=today())
    assert not DocumentCirculation.objects.exists()


def test_api_destroy_action_400_names_the_witness(client, secrecy, department, staff):
    document = ClassifiedDocumentFactory(department=department, custodian=staff)
    client.force_login(secrecy)
    url = reverse("api:classifieddocument-destroy-document", args=[document.pk])
    body = {"closed_on": today().isoformat(), "disposal_method": "粉碎", "witness": staff.pk}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400 and "witness" in response.json()


def test_yearly_period_review_obligation_once_met_by_the_review(secrecy, department, other_department):
    ClassifiedDocumentFactory(department=department)
    first = services.ensure_period_review_obligations()
    again = services.ensure_period_review_obligations()
    assert len(first) == 1 and again == []
    obligation = Obligation.objects.get(kind="secrecy.period_review")
    assert obligation.department == department and obligation.is_open
    doc = ClassifiedDocumentFactory(department=department)
    review = SecrecyPeriodReview(
        department=department,
        year=today().year,
        reviewed_on=today(),
        reviewed_by=secrecy,
        result=SecrecyPeriodReview.Result.DECLASSIFIED,
    )
    services.record_period_review(review, declassified=[doc], by=secrecy)
    obligation.refresh_from_db()
    doc.refresh_from_db()
    assert obligation.state == Obligation.State.MET
    assert doc.status == ClassifiedDocument.Status.DECLASSIFIED


def test_period_review_overdue_after_the_year(department):
    ClassifiedDocumentFactory(department=department)
    (obligation,) = services.ensure_period_review_obligations()
    with time_machine.travel(datetime.datetime(today().year + 1, 1, 2, tzinfo=datetime.UTC)):
        assert Obligation.objects.overdue().filter(pk=obligation.pk).exists()


def test_one_review_per_department_and_year(client, secrecy, department):
    SecrecyPeriodReviewFactory(department=department, year=2025)
    client.force_login(secrecy)
    response = client.post(
        reverse("secrecy:secrecyperiodreview_add"),
        {
            "department": department.pk,
            "year": "2025",
            "reviewed_on": "2025-12-01",
            "reviewed_by": secrecy.pk,
            "result": SecrecyPeriodReview.Result.UNCHANGED,
        },
    )
    assert response.status_code == 200
    assert SecrecyPeriodReview.objects.count() == 1
    assert "本部门该年度已登记保密期限审查。" in response.content.decode()


def test_period_above_the_law_is_refused():
    document = ClassifiedDocumentFactory.build(level=ClassifiedDocument.Level.SECRET, secrecy_years=15)
    with pytest.raises(services.ValidationError) as error:
        document.clean()
    assert error.value.message_dict["secrecy_years"] == ["秘密级保密期限不能超过10年。"]
