"""Scan files and asset imports are checked by content: the API answers 400 naming the field."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assets.models import AssetImport, Reconciliation
from tests.assets.test_network_api import INTRANET
from tests.core.test_uploads import EXE

pytestmark = pytest.mark.django_db


def test_a_web_page_named_csv_is_refused_as_scan_in_the_api(client, officer):
    client.force_login(officer)
    scan = SimpleUploadedFile("leases.csv", b"<html><body><script>alert(1)</script></body></html>")
    response = client.post(
        reverse("api:reconciliation-list"), {"zone": INTRANET, "source": "dhcp", "scan": scan}
    )
    assert response.status_code == 400
    assert "网页" in response.json()["scan"][0]
    assert not Reconciliation.objects.exists()


def test_a_program_named_xlsx_is_refused_by_the_asset_import(client, officer):
    client.force_login(officer)
    response = client.post(reverse("assets:asset_import_add"), {"file": SimpleUploadedFile("资产.xlsx", EXE)})
    assert response.status_code == 400
    assert "实际为 exe 格式" in response.content.decode()
    assert not AssetImport.objects.exists()
