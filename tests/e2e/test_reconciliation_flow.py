"""The monthly IP/MAC reconciliation in the browser (issue 4): an officer uploads a switch scan,
sees an unregistered device, registers it to an existing asset, signs the run off, and the
month's obligation shows met (已按期完成)."""

import re

import pytest
from playwright.sync_api import expect

from assets.models import IPAssignment, MacAddress, Reconciliation
from assets.reconciliation import services as rec
from szmz_security.core.choices import NetworkZone
from szmz_security.obligations.models import Obligation
from tests.assets.factories import AssetFactory, IPAssignmentFactory, MacAddressFactory, SubnetFactory
from tests.factories import PASSWORD

SCAN = (
    "\ufeffMAC Address,IP Address,Hostname,Last Seen\n"
    "AA-BB-CC-00-00-01,10.20.1.10,pc-shjz-01,2026-11-05 09:00\n"
    "0A11.2233.4455,10.20.1.77,unknown-laptop,2026-11-05 09:05\n"
)


@pytest.fixture
def network(department):
    subnet = SubnetFactory(cidr="10.20.1.0/24", zone=NetworkZone.GOV_INTRANET, department=department)
    registered = AssetFactory(number="SZMZ-PC-0001", department=department)
    MacAddressFactory(mac="aa:bb:cc:00:00:01", asset=registered)
    IPAssignmentFactory(subnet=subnet, ip="10.20.1.10", mac="aa:bb:cc:00:00:01", asset=registered)
    return AssetFactory(number="SZMZ-NB-0042", name="社救处笔记本", department=department)


def test_officer_reconciles_registers_and_signs_off(page, login, live_server, officer, network, tmp_path):
    obligation = rec.ensure_obligation(NetworkZone.GOV_INTRANET, rec.month_start(rec.timezone.localdate()))
    scan = tmp_path / "switch-mac-table.csv"
    scan.write_text(SCAN, encoding="utf-8")

    login("officer", PASSWORD)
    page.goto("/assets/reconciliations/")
    page.get_by_role("link", name="新建IP/MAC 核查").click()
    expect(page.get_by_role("heading", name="上传扫描结果")).to_be_visible()
    form = page.locator("#scan-form")
    form.get_by_label("网络区域").select_option(label="政务内网")
    form.get_by_label("数据来源").select_option(label="交换机 MAC 表")
    form.get_by_label("扫描结果（CSV）").set_input_files(str(scan))
    form.get_by_role("button", name="上传并比对").click()

    run = Reconciliation.objects.get()
    expect(page).to_have_url(f"{live_server.url}/assets/reconciliations/{run.pk}/")
    expect(page.get_by_role("alert").filter(has_text="比对完成")).to_contain_text("发现差异 1 条")
    row = page.get_by_test_id("items").locator("tbody tr").filter(has_text="未登记的 MAC")
    expect(row).to_contain_text("10.20.1.77")
    expect(row).to_contain_text("0A-11-22-33-44-55")
    expect(page.get_by_test_id("sign-off")).to_contain_text("尚有 1 条差异未处理")

    row.get_by_role("link", name="处理").click()
    expect(page.get_by_test_id("item-detail")).to_contain_text("未在台账登记")
    resolve = page.locator("#resolve-form")
    resolve.locator("input[name=resolution][value=registered]").check()
    resolve.get_by_label("资产编号").fill("SZMZ-NB-0042")
    resolve.get_by_role("button", name="确认处理").click()

    expect(page).to_have_url(f"{live_server.url}/assets/reconciliations/{run.pk}/")
    expect(page.get_by_role("alert").filter(has_text="已处理")).to_be_visible()
    expect(page.get_by_test_id("items").locator("tbody tr").first).to_contain_text("已登记")
    assert MacAddress.objects.get(mac="0a:11:22:33:44:55").asset == network
    assert IPAssignment.objects.get(ip="10.20.1.77").asset == network

    sign_off = page.get_by_test_id("sign-off")
    sign_off.get_by_label("签核意见").fill("本月核查完毕，私接设备已登记。")
    sign_off.get_by_role("button", name="签核本月核查").click()
    expect(page.get_by_test_id("run-state")).to_have_text("已签核")
    expect(page.get_by_test_id("signed-off")).to_contain_text("本月核查完毕")
    expect(page.get_by_test_id("obligation")).to_contain_text("已按期完成")
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.MET

    # The obligation's own page says so too.
    page.goto(f"/obligations/{obligation.pk}/")
    expect(page.locator("body")).to_contain_text("已按期完成")
    assert re.search(r"IP/MAC 月度核查", obligation.title)
