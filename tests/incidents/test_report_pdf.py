"""The report document kept when a report to a regulator is recorded without an upload: the PDF
generated from the incident, holding the content items of 国家网络安全事件报告管理办法 (2025), with
its Chinese text really drawn (embedded TrueType font), not blank."""

import shutil
import subprocess
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from PIL import Image

from incidents import services
from incidents.models import Incident, RegulatorReport

pytestmark = pytest.mark.django_db

CONTENT_ITEMS = ("事件名称", "影响范围", "已采取的措施", "溯源线索", "现场保护情况")


@pytest.fixture
def recorded(settings, tmp_path, department, staff, officer):
    settings.MEDIA_ROOT = tmp_path / "media"
    incident = services.file_incident(
        Incident(
            title="门户网站<首页>被篡改 & 挂马",
            description="首页被植入博彩链接",
            discovered_at=timezone.now() - timedelta(hours=3),
            department=department,
            reported_by=staff,
            category="attack",
            subcategory="attack.intrusion",
            crime_suspected=True,
            place="市民政局机房",
        )
    )
    incident.measures_taken = "已断开门户服务器外网连接"
    incident.tracing_leads = "攻击源IP 203.0.113.7"
    incident.scene_preservation = "已对服务器做磁盘镜像"
    services.update_incident(incident, by=officer, changed_fields=["measures_taken"])
    police = incident.obligations.get(kind="incident.police")
    report = services.record_report(
        incident,
        police,
        by=officer,
        sent_at=timezone.now() - timedelta(minutes=10),
        channel=RegulatorReport.Channel.ONLINE,
        receiving_body="市公安局网警支队",
    )
    report.refresh_from_db()
    with report.document.open("rb") as document:
        data = document.read()
    return report, data


def test_the_generated_pdf_is_stored_with_the_report(recorded, settings):
    report, data = recorded
    assert data.startswith(b"%PDF-")
    assert report.document.name.endswith(".pdf")
    assert (settings.MEDIA_ROOT / report.document.name).is_file()  # under MEDIA_ROOT, outside the web root
    assert b"/FontFile2" in data, "the CJK TrueType font must be embedded"


def test_the_pdf_is_not_blank(recorded, tmp_path):
    _, data = recorded
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "poppler-utils (pdftoppm) is needed to rasterise the report"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        [pdftoppm, "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    page = next(tmp_path.glob("page*.png"))
    image = Image.open(BytesIO(page.read_bytes())).convert("L")
    dark = sum(image.histogram()[:200])
    # A page of tables and Chinese text at 50 dpi: thousands of dark pixels; a blank or
    # boxes-only rendering of a missing font gives (almost) none.
    assert dark > 2000, f"only {dark} non-white pixels on page 1"


def test_the_pdf_holds_the_content_items_in_chinese(recorded, tmp_path):
    _, data = recorded
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        pytest.skip("pdftotext not installed (the embedded font is checked by the test above)")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(data)
    # -raw: content-stream order, spaces as drawn ("第 1 页 共 1 页"; the other modes drop the spaces
    # between Chinese characters and digits).
    text = subprocess.run([pdftotext, "-raw", str(pdf), "-"], check=True, capture_output=True).stdout.decode()
    for item in (*CONTENT_ITEMS, "第 1 页 共", "网络安全事件报告", "公安机关"):
        assert item in text, item
    # The incident's own words, XML-escaped on the way in and intact on the way out.
    for value in (
        "门户网站<首页>被篡改 & 挂马",
        "已断开门户服务器外网连接",
        "203.0.113.7",
        "已对服务器做磁盘镜像",
    ):
        assert value in text, value
