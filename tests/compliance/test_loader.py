"""The framework data files: complete, faithful to the regulation, loaded idempotently and versioned."""

import datetime
import re
import shutil
from pathlib import Path

import pytest

from szmz_security.compliance import services
from szmz_security.compliance.loader import FRAMEWORK_DIR, FrameworkDataError, load_frameworks
from szmz_security.compliance.models import Attestation, Clause, Framework

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).parent / "data" / "regulation-2008-ch1-11.txt"
NUMERALS = "一二三四五六七八九十"


def numeral(text):
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + NUMERALS.index(text[1]) + 1
    return NUMERALS.index(text) + 1


def parse_source():
    """{“5.7”: text} from the published text: every numbered item of chapters 1–11, with the
    paragraphs that continue it."""
    items, chapter, code = {}, None, None
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if match := re.match(r"^第([一二三四五六七八九十]+)章、", line):
            chapter, code = numeral(match.group(1)), None
        elif match := re.match(r"^([一二三四五六七八九十]+)、(.*)$", line):
            code = f"{chapter}.{numeral(match.group(1))}"
            items[code] = match.group(2)
        elif code:
            items[code] += "\n" + line
    return items


def test_every_numbered_item_of_chapters_1_to_11_is_a_clause_with_its_text():
    source = parse_source()
    per_chapter = {}
    for code in source:
        per_chapter[int(code.split(".")[0])] = per_chapter.get(int(code.split(".")[0]), 0) + 1
    # Counted from the text: 7, 9, 5, 4, 8, 11, 5, 4, 6, 4, 2 items — 65 in all.
    assert per_chapter == {1: 7, 2: 9, 3: 5, 4: 4, 5: 8, 6: 11, 7: 5, 8: 4, 9: 6, 10: 4, 11: 2}

    framework = Framework.objects.get(code="szmz-2008")
    clauses = {
        c.code: c for c in Clause.objects.filter(framework=framework, retired=False).select_related("chapter")
    }
    assert set(clauses) == set(source)
    for code, text in source.items():
        assert clauses[code].text == text, code
        assert clauses[code].chapter.code == code.split(".")[0]
    assert clauses["5.7"].display_code == "第五章第7条"
    assert clauses["6.4"].text.count("\n") == 1  # the item's second paragraph is part of it
    chapters = list(framework.chapters.order_by("sort_order").values_list("label", "title"))
    assert chapters[0] == ("第一章", "总则") and chapters[-1] == ("第十一章", "附则") and len(chapters) == 11


def test_national_frameworks_are_loaded_with_their_evidence():
    codes = set(Framework.objects.filter(active=True).values_list("code", flat=True))
    assert {"szmz-2008", "csl", "cac-2025", "pipl", "secrets-2024", "mlps-l3"} <= codes
    log_rule = Clause.objects.get(framework__code="csl", code="21.3")
    assert "不少于六个月" in log_rule.text
    # Evidenced by the bureau's systems' log sources; the portal's own setting is only a precondition.
    assert [(e["kind"], e.get("precondition", False)) for e in log_rule.evidence] == [
        ("log_sources", False),
        ("setting", True),
    ]
    assert log_rule.evidence[0]["min"] == 180
    # Renumbered by the 2025 amendment, in force from 2026-01-01.
    assert log_rule.code_on(datetime.date(2025, 12, 31)) == "21(3)"
    assert log_rule.code_on(datetime.date(2026, 1, 1)) == "23(3)"
    assert Clause.objects.get(framework__code="pipl", code="57").evidence[0]["kinds"] == ["incident.pipl"]


def test_every_clause_has_evidence_or_a_reason_it_does_not_apply():
    for clause in Clause.objects.filter(retired=False):
        assert clause.evidence or clause.not_applicable_reason, clause.code


def test_loading_again_changes_nothing():
    history_before = Clause.history.count()
    loaded_at = Framework.objects.get(code="szmz-2008").loaded_at
    results = load_frameworks()
    assert {r.action for r in results} == {"unchanged"}
    forced = load_frameworks(force=True)
    assert all(not r.created and not r.updated and not r.retired for r in forced)
    assert Clause.history.count() == history_before
    assert Clause.objects.filter(framework__code="szmz-2008").count() == 65
    assert Framework.objects.get(code="szmz-2008").loaded_at >= loaded_at


def test_a_new_version_updates_texts_keeps_attestations_and_retires_removed_clauses(tmp_path, officer):
    clause = Clause.objects.get(framework__code="szmz-2008", code="1.1")
    attestation = services.attest(clause, by=officer, note="已核对")
    original = (FRAMEWORK_DIR / "szmz-2008.toml").read_text(encoding="utf-8")
    shipped = re.search(r'^version = "([^"]+)"', original, re.M).group(1)
    changed = original.replace(f'version = "{shipped}"', 'version = "2008.05-test"')
    changed = changed.replace(
        "对机房内设置的消防器材每月进行检查,以保证其有效性;",
        "对机房内设置的消防器材每月进行检查并记录,以保证其有效性;",
    )
    # Remove clause 11.2 (the last one in the file).
    changed = changed[: changed.index('[[clauses]]\ncode = "11.2"')]
    (tmp_path / "szmz-2008.toml").write_text(changed, encoding="utf-8")

    [result] = load_frameworks(tmp_path)
    assert result.action == "updated" and result.updated == ["5.7"] and result.retired == ["11.2"]
    assert Framework.objects.get(code="szmz-2008").version == "2008.05-test"
    fire = Clause.objects.get(framework__code="szmz-2008", code="5.7")
    assert "并记录" in fire.text
    assert "条文" in fire.history.first().history_change_reason
    removed = Clause.objects.get(framework__code="szmz-2008", code="11.2")
    assert removed.retired and removed.retired_at
    assert Attestation.objects.get(pk=attestation.pk).clause_id == clause.pk
    evaluation = services.evaluate("szmz-2008")
    assert removed.pk not in evaluation.by_clause and len(evaluation.by_clause) == 64

    # Back to the shipped file: the clause returns (same row), the text is restored.
    shutil.copy(FRAMEWORK_DIR / "szmz-2008.toml", tmp_path / "szmz-2008.toml")
    [result] = load_frameworks(tmp_path)
    assert result.updated == ["5.7", "11.2"]
    removed.refresh_from_db()
    assert not removed.retired


def test_a_broken_file_is_refused_whole(tmp_path):
    (tmp_path / "bad.toml").write_text(
        '[framework]\ncode = "bad"\nname = "x"\nshort_name = "x"\nversion = "1"\nsource = "x"\n'
        '[[chapters]]\ncode = "1"\ntitle = "x"\n'
        '[[clauses]]\ncode = "1.1"\nchapter = "9"\ntitle = "x"\ntext = "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(FrameworkDataError, match="章 '9' 未定义"):
        load_frameworks(tmp_path)
    assert not Framework.objects.filter(code="bad").exists()


def test_management_command_reports_each_framework(capsys):
    from django.core.management import call_command

    call_command("load_frameworks")
    out = capsys.readouterr().out
    assert "szmz-2008: 未变化" in out
