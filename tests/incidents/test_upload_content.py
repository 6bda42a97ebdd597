"""Evidence is checked by content on the screen; what is stored is downloaded, never shown inline."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from incidents import services
from incidents.models import Attachment, Incident
from tests.core.test_uploads import EXE
from tests.incidents.test_screens import field_error, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def incident(department, staff):
    return services.file_incident(
        Incident(
            title="办公电脑感染木马",
            description="杀毒软件报警",
            department=department,
            reported_by=staff,
            discovered_at=timezone.now() - timedelta(hours=1),
            category="malware",
            subcategory="malware.trojan",
        )
    )


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [("发票.pdf", EXE, "实际为 exe 格式"), ("日志.txt", b"<html><body><script>x()</script>", "网页")],
)
def test_disguised_evidence_is_refused_on_the_field_and_nothing_is_stored(
    client, staff, incident, media, name, content, reason
):
    client.force_login(staff)
    response = client.post(url("attachment_add", incident), {"files": [SimpleUploadedFile(name, content)]})
    assert response.status_code == 400
    error = field_error(response.content.decode(), "files")
    assert name in error and reason in error
    assert not Attachment.objects.exists()
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_stored_evidence_downloads_as_an_attachment_with_nosniff(client, staff, incident):
    attachment = services.add_attachment(incident, SimpleUploadedFile("日志.txt", b"trojan found"), by=staff)
    client.force_login(staff)
    response = client.get(url("attachment", incident, attachment.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
