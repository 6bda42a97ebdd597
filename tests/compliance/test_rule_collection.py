"""The whole rule collection (#15): every binding document of the seed a framework of its own,
quoting the seed; 等保 2.0 level 3 complete; every document named in docs/regulation-map.md; each
framework its own section of the dashboard."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from szmz_security.compliance import services
from szmz_security.compliance.evidence import EVIDENCE_KINDS
from szmz_security.compliance.models import Clause, Framework

pytestmark = pytest.mark.django_db

SEED = Path(__file__).parent / "data" / "regulations-zh.txt"
MAP = Path(settings.BASE_DIR) / "docs" / "regulation-map.md"
# The documents of the collection that bind the bureau, each its own framework.
COLLECTION = {
    "mz-netsec": "民政网络安全管理制度",
    "sz-egov-2013": "深圳市电子政务信息安全管理试行办法",
    "mz-office-pc": "民政局公务电脑使用管理制度",
    "sz-service-risk": "深圳市民政服务机构安全风险管控办法",
    "szmz-secrecy": "市民政局保密工作制度",
    "mz-infosys": "民政信息系统安全管理制度",
    "mz-client-info": "服务对象信息安全管理制度",
    "mz-archive-secrecy": "民政档案保密管理制度",
    "cac-public-accounts": "互联网用户公众账号信息服务管理规定",
    "self-inspection": "信息安全管理制度检查内容",
}
# GB/T 22239-2019 8.1: the level-3 general requirements, items per control area.
MLPS_ITEMS = {
    "8.1.1": 22,
    "8.1.2": 8,
    "8.1.3": 20,
    "8.1.4": 34,
    "8.1.5": 12,
    "8.1.6": 7,
    "8.1.7": 14,
    "8.1.8": 12,
    "8.1.9": 34,
    "8.1.10": 48,
}


def test_every_binding_document_is_a_framework_of_its_own():
    frameworks = dict(Framework.objects.filter(active=True).values_list("code", "name"))
    for code, name in COLLECTION.items():
        assert frameworks.get(code) == name, code
        assert Clause.objects.filter(framework__code=code, retired=False).exists(), code


def test_the_documents_texts_are_quoted_from_the_seed():
    seed = SEED.read_text(encoding="utf-8")
    for clause in Clause.objects.filter(framework__code__in=COLLECTION, retired=False):
        assert not clause.summary, clause.code
        for line in clause.text.splitlines():
            assert line in seed, (clause.framework_id, clause.code, line)


def test_level_3_has_every_general_requirement_item_as_a_summary():
    clauses = list(Clause.objects.filter(framework__code="mlps-l3", retired=False).select_related("chapter"))
    per_chapter = {}
    for clause in clauses:
        per_chapter[clause.chapter.code] = per_chapter.get(clause.chapter.code, 0) + 1
        assert clause.summary, clause.code
    assert {k: v for k, v in per_chapter.items() if k != "test"} == MLPS_ITEMS
    shown = {clause.display_code for clause in clauses if clause.chapter.code != "test"}
    assert len(shown) == sum(MLPS_ITEMS.values())
    assert all(re.fullmatch(r"8\.1\.\d+\.\d+[a-j]", code) for code in shown)
    # The first file's codes stay (attestations name them); the audit-data item shows the
    # standard's number.
    codes = {clause.code: clause for clause in clauses}
    assert {"8.1.4.3a", "8.1.4.3b", "8.1.4.3c", "8.1.5.4e", "annual-test"} <= set(codes)
    assert codes["8.1.5.4e"].display_code == "8.1.5.4d" and "审计数据" in codes["8.1.5.4e"].text
    assert codes["8.1.5.4e-central"].display_code == "8.1.5.4e"


def test_every_evidence_item_names_a_registered_kind_and_an_existing_record():
    for clause in Clause.objects.filter(retired=False):
        for item in clause.evidence:
            assert item["kind"] in EVIDENCE_KINDS, (clause.framework_id, clause.code, item["kind"])
            if item["kind"] == "records":
                model = apps.get_model(item["model"])
                model._meta.get_field(item["date_field"])
                for name in [*item.get("filter", {}), item.get("done_field")]:
                    if name:
                        model._meta.get_field(name)


def test_the_map_names_every_document_of_the_seed_and_every_framework():
    lines = SEED.read_text(encoding="utf-8").splitlines()
    # Each document opens with its title twice (title, blank line, title).
    titles = {lines[i] for i in range(len(lines) - 2) if lines[i] and lines[i] == lines[i + 2]}
    assert len(titles) >= 20
    text = MAP.read_text(encoding="utf-8")
    missing = [title for title in titles if title.rstrip("0123456789") not in text]
    assert not missing
    assert "深圳市民政局信息安全管理制度（2008年5月修订）" in text
    for code in Framework.objects.filter(active=True).values_list("code", flat=True):
        assert f"`{code}`" in text, code


def test_dashboard_shows_each_document_as_its_own_section(client, officer):
    client.force_login(officer)
    response = client.get(reverse("compliance:overview"))
    html = response.content.decode()
    sections = [f.framework.code for f in response.context["evaluation"].frameworks]
    assert set(COLLECTION) | {"szmz-2008", "mlps-l3"} <= set(sections)
    assert len(sections) == len(set(sections))
    for name in COLLECTION.values():
        assert name in html, name
    assert "8.1.10 安全运维管理" in html


def test_one_record_evidences_clauses_of_several_documents():
    evaluation = services.evaluate()
    naming_backups = {
        status.clause.framework.code
        for status in evaluation.clauses
        if any(item.get("model") == "assets.BackupRecord" for item in status.clause.evidence)
    }
    assert {"szmz-2008", "mz-infosys", "mz-client-info", "mlps-l3", "self-inspection"} <= naming_backups
