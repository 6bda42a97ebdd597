"""Asset labels: a PDF sheet (A4, 3 × 8) for the selected assets or the current filter, only
visible assets, audited, an empty or too large selection refused with a message."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from assets.register.labels import qr_payload
from szmz_security.auditlog.models import AuditEvent
from tests.assets.factories import AssetFactory

pytestmark = pytest.mark.django_db

URL = reverse("assets:asset_labels")


def pdf_text(tmp_path, data):
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils (pdftotext) is needed to read the labels"
    path = tmp_path / "labels.pdf"
    path.write_bytes(data)
    return subprocess.run(
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_pages(tmp_path, data):
    path = tmp_path / "pages.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_selected_assets_on_a_label_sheet(client, staff, department, other_department, tmp_path):
    mine = [AssetFactory(department=department, name=f"打印机{i}") for i in range(3)]
    theirs = AssetFactory(department=other_department)
    client.force_login(staff)
    response = client.post(URL, {"pk": [a.pk for a in mine[:2]] + [theirs.pk], "scope": "selected"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert b"/FontFile2" in data  # the CJK font is embedded
    text = pdf_text(tmp_path, data)
    assert mine[0].number in text and mine[1].number in text
    assert "打印机0" in text and department.name in text and "深圳市民政局" in text
    assert mine[2].number not in text
    assert theirs.number not in text  # another department's asset is left out even when posted
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PRINT)
    assert event.user == staff and event.detail["count"] == 2


def test_current_filter_prints_every_matching_asset_over_several_pages(client, officer, department, tmp_path):
    for i in range(30):
        AssetFactory(department=department, type="printer", number=f"PRN-{i:03d}")
    AssetFactory(department=department, type="desktop", number="PC-000")
    client.force_login(officer)
    response = client.post(URL, {"scope": "filter", "query": "type=printer"})
    data = b"".join(response.streaming_content)
    text = pdf_text(tmp_path, data)
    assert "PRN-029" in text and "PC-000" not in text
    assert pdf_pages(tmp_path, data) == 2  # 24 labels a page


def test_qr_code_holds_the_number_and_the_detail_url(department):
    asset = AssetFactory(department=department)
    assert (
        qr_payload(asset, f"http://portal/assets/{asset.pk}/")
        == f"{asset.number}\nhttp://portal/assets/{asset.pk}/"
    )


def test_empty_selection_is_refused_with_a_message(client, staff):
    client.force_login(staff)
    response = client.post(URL, {"scope": "selected"}, follow=True)
    assert "未选择任何资产" in response.content.decode()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.PRINT).exists()


def test_too_many_labels_are_refused(client, officer, department, settings):
    settings.ASSET_LABELS_MAX = 5
    assets = [AssetFactory(department=department) for _ in range(6)]
    client.force_login(officer)
    response = client.post(URL, {"scope": "selected", "pk": [a.pk for a in assets]}, follow=True)
    assert "一次最多打印 5 个标签" in response.content.decode()
    response = client.post(URL, {"scope": "selected", "pk": [a.pk for a in assets[:5]]})
    assert response["Content-Type"] == "application/pdf"


def test_labels_need_a_login_and_a_post(client, staff):
    assert client.post(URL).status_code == 302
    client.force_login(staff)
    assert client.get(URL).status_code == 405
