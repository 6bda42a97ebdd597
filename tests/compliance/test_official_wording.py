"""Issue #15 item 6: the national frameworks whose text is public quote the official wording, with
the article each clause comes from; the summary flag (“要点摘要，以正式文本为准”) stays only where
the text is not public (等保 2.0) or could not be verified."""

import re

import pytest
from django.urls import reverse

from szmz_security.compliance.models import Clause, Framework

pytestmark = pytest.mark.django_db

# Frameworks whose text is public law or a published rule.
OFFICIAL = {"csl", "pipl", "secrets-2024", "cac-2025"}
# Clauses of those frameworks still marked as summaries because their official text could not be
# verified from a trustworthy source: (framework, clause code) -> reason. Empty today: every clause
# of the four frameworks quotes the official wording (sources in each TOML's header comment).
UNVERIFIED = {}
ARTICLE = re.compile(r"第[一二三四五六七八九十百]+条")
SUMMARY_BADGE = "要点摘要，以正式文本为准"


def official_clauses():
    return list(
        Clause.objects.filter(framework__code__in=OFFICIAL, retired=False).select_related("framework")
    )


def test_public_law_texts_carry_no_summary_flag_and_name_their_article():
    assert (
        set(Framework.objects.filter(code__in=OFFICIAL, active=True).values_list("code", flat=True))
        == OFFICIAL
    )
    clauses = official_clauses()
    assert {c.framework.code for c in clauses} == OFFICIAL
    for clause in clauses:
        key = (clause.framework.code, clause.code)
        assert clause.summary == (key in UNVERIFIED), key
        # The article: the clause code itself (网络安全法 21.3, 个人信息保护法 57) or the title.
        assert re.fullmatch(r"\d+(\.\d+)?", clause.code) or ARTICLE.search(clause.title), key
        if not re.fullmatch(r"\d+(\.\d+)?", clause.code):
            # Quoted article by article: the text opens with the article it quotes.
            assert ARTICLE.match(clause.text), key
    for framework in Framework.objects.filter(code__in=OFFICIAL):
        assert "摘要" not in framework.source, framework.code
    for key in UNVERIFIED:
        assert Clause.objects.get(framework__code=key[0], code=key[1], retired=False).summary, key


def test_state_secrets_clauses_quote_the_2024_articles():
    texts = {c.code: c.text for c in official_clauses() if c.framework.code == "secrets-2024"}
    # The 2024 revision renumbered the 2010 law; the 2024 article numbers and wording.
    assert texts["levels"].startswith("第十四条　国家秘密的密级分为绝密、机密、秘密三级。")
    assert "绝密级不超过三十年，机密级不超过二十年，秘密级不超过十年。" in texts["levels"]
    assert "涉及国家秘密的电子文件应当按照国家有关规定作出国家秘密标志。" in texts["levels"]
    assert texts["review"].startswith("第二十四条　机关、单位应当每年审核所确定的国家秘密。")
    assert (
        "（一）未按照国家保密规定和标准采取有效保密措施，将涉密信息系统、涉密信息设备接入互联网"
        in texts["no-internet"]
    )
    assert "（三）使用非涉密信息系统、非涉密信息设备存储或者处理国家秘密；" in texts["no-secrets-on-public"]
    assert texts["leak-report"].startswith("第四十七条　国家工作人员或者其他公民发现国家秘密已经泄露")
    assert "并在24小时内向同级保密行政管理部门和上级主管部门报告。" in texts["leak-report"]


def test_cac_clauses_quote_articles_4_and_8():
    texts = {c.code: c.text for c in official_clauses() if c.framework.code == "cac-2025"}
    assert "其他网络运营者应当及时向属地省级网信部门报告，最迟不得超过4小时。" in texts["initial"]
    assert (
        "涉及关键信息基础设施的，网络运营者应当第一时间向保护工作部门、公安机关报告，最迟不得超过1小时。"
        in texts["initial"]
    )
    assert texts["summary"].startswith("第八条　网络安全事件处置工作结束后，网络运营者应当于30日内")


def test_clause_page_shows_the_official_wording_without_the_summary_badge(client, officer):
    client.force_login(officer)
    review = Clause.objects.get(framework__code="secrets-2024", code="review", retired=False)
    html = client.get(reverse("compliance:clause", args=[review.pk])).content.decode()
    assert "每年审核所确定的国家秘密（第二十四条）" in html
    assert "第二十四条　机关、单位应当每年审核所确定的国家秘密。" in html
    assert SUMMARY_BADGE not in html
    assert "2024年2月27日第二次修订" in html  # the framework's source line under the text
    # 等保 2.0 is not reproduced: its clauses keep the badge.
    mlps = Clause.objects.filter(framework__code="mlps-l3", retired=False).first()
    assert SUMMARY_BADGE in client.get(reverse("compliance:clause", args=[mlps.pk])).content.decode()
