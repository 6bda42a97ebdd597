"""Load the framework data files (``frameworks/*.toml``) into the database, idempotently.

A file whose digest is unchanged is skipped. A changed file updates its framework, chapters and
clauses in place (texts, evidence, frequency, N/A reason), records a change reason in the history,
keeps every attestation, and marks clauses (and chapters) no longer in the file as retired —
never deleted. A framework whose file disappeared is deactivated.
"""

import hashlib
import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connections, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from .evidence import EVIDENCE_KINDS
from .models import Chapter, Clause, Framework, Frequency

logger = logging.getLogger(__name__)

FRAMEWORK_DIR = Path(__file__).resolve().parent / "frameworks"
CLAUSE_FIELDS = (
    "chapter_id",
    "title",
    "text",
    "summary",
    "evidence",
    "frequency",
    "not_applicable_reason",
    "renumbered",
    "sort_order",
)
FREQUENCIES = {choice.value for choice in Frequency}


class FrameworkDataError(ValueError):
    pass


@dataclass
class LoadResult:
    framework: str
    action: str  # created / updated / unchanged
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    retired: list = field(default_factory=list)

    def __str__(self):
        if self.action == "unchanged":
            return f"{self.framework}: 未变化"
        return (
            f"{self.framework}: {'新建' if self.action == 'created' else '更新'}，"
            f"新增 {len(self.created)} 条，修改 {len(self.updated)} 条，废止 {len(self.retired)} 条"
        )


def parse(path):
    raw = Path(path).read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FrameworkDataError(f"{path}: {exc}") from exc
    validate(data, path)
    return data, hashlib.sha256(raw).hexdigest()


def validate(data, path):

    errors = []
    head = data.get("framework") or {}
    for key in ("code", "name", "short_name", "version", "source"):
        if not head.get(key):
            errors.append(f"[framework] 缺少 {key}")
    chapter_codes = [str(c.get("code", "")) for c in data.get("chapters", [])]
    if len(set(chapter_codes)) != len(chapter_codes) or "" in chapter_codes:
        errors.append("章号缺失或重复")
    seen = set()
    for clause in data.get("clauses", []):
        code = str(clause.get("code", ""))
        where = f"条款 {code or '?'}"
        if not code or code in seen:
            errors.append(f"{where}: 条款号缺失或重复")
        seen.add(code)
        if str(clause.get("chapter", "")) not in chapter_codes:
            errors.append(f"{where}: 章 {clause.get('chapter')!r} 未定义")
        for key in ("title", "text"):
            if not clause.get(key):
                errors.append(f"{where}: 缺少 {key}")
        for change in clause.get("renumbered", []):
            if not change.get("from") or not change.get("code"):
                errors.append(f"{where}: 条款号变更须有 from 与 code")
        items = clause.get("evidence", [])
        if not items and not clause.get("not_applicable"):
            errors.append(f"{where}: 须有证据要求或不适用原因")
        for item in items:
            if item.get("frequency", "") not in FREQUENCIES:
                errors.append(f"{where}: 频次 {item.get('frequency')!r} 无效")
            if item.get("kind") not in EVIDENCE_KINDS:
                # An app that registers the kind may land later: evaluated as “no evidence”.
                logger.warning("%s %s: evidence kind %r is not registered", path, where, item.get("kind"))
    if errors:
        raise FrameworkDataError(f"{path}: " + "；".join(errors))


def clause_frequency(items):
    """The clause's headline frequency: that of its first periodic evidence item."""
    frequencies = [item.get("frequency", "") for item in items]
    periodic = [f for f in frequencies if f and f != Frequency.PER_EVENT]
    return periodic[0] if periodic else (frequencies[0] if frequencies else "")


def load_file(path, *, force=False):
    data, digest = parse(path)
    head = data["framework"]
    framework = Framework.objects.filter(code=head["code"]).first()
    if framework and framework.digest == digest and framework.active and not force:
        return LoadResult(head["code"], "unchanged")
    now = timezone.now()
    reason = f"载入数据文件 {Path(path).name}（版本 {head['version']}）"
    with transaction.atomic():
        result = LoadResult(head["code"], "updated" if framework else "created")
        framework = framework or Framework(code=head["code"])
        for key in ("name", "short_name", "version", "source"):
            setattr(framework, key, head[key])
        framework.description = head.get("description", "").strip()
        framework.sort_order = head.get("sort_order", 100)
        framework.data_file = Path(path).name
        framework.digest = digest
        framework.active = True
        framework.loaded_at = now
        framework._change_reason = reason
        framework.save()

        chapters = {c.code: c for c in Chapter.objects.filter(framework=framework)}
        for index, spec in enumerate(data.get("chapters", [])):
            code = str(spec["code"])
            values = {
                "label": spec.get("label", code),
                "title": spec["title"],
                "sort_order": index,
                "retired": False,
            }
            chapter = chapters.get(code)
            if chapter is None:
                chapters[code] = Chapter.objects.create(framework=framework, code=code, **values)
            elif any(getattr(chapter, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(chapter, k, v)
                chapter._change_reason = reason
                chapter.save()
        wanted_chapters = {str(spec["code"]) for spec in data.get("chapters", [])}
        for code, chapter in chapters.items():
            if code not in wanted_chapters and not chapter.retired:
                chapter.retired = True
                chapter._change_reason = f"{reason}：数据文件中已删除"
                chapter.save()

        existing = {c.code: c for c in Clause.objects.filter(framework=framework)}
        new = []
        for index, spec in enumerate(data.get("clauses", [])):
            code = str(spec["code"])
            items = spec.get("evidence", [])
            values = {
                "chapter_id": chapters[str(spec["chapter"])].pk,
                "title": spec["title"],
                "text": spec["text"].strip(),
                "summary": bool(spec.get("summary", False)),
                "evidence": items,
                "frequency": clause_frequency(items),
                "not_applicable_reason": spec.get("not_applicable", "").strip(),
                "renumbered": [
                    {"from": str(change["from"]), "code": str(change["code"])}
                    for change in spec.get("renumbered", [])
                ],
                "sort_order": index,
            }
            clause = existing.get(code)
            if clause is None:
                new.append(Clause(framework=framework, code=code, **values))
                result.created.append(code)
                continue
            changed = [k for k in CLAUSE_FIELDS if getattr(clause, k) != values[k]]
            if changed or clause.retired:
                for k in CLAUSE_FIELDS:
                    setattr(clause, k, values[k])
                clause.retired, clause.retired_at = False, None
                clause._change_reason = f"{reason}：{'、'.join(Clause._meta.get_field(k.removesuffix('_id')).verbose_name for k in changed) or '恢复'}"
                clause.save()
                result.updated.append(code)
        if new:
            bulk_create_with_history(new, Clause, default_change_reason=reason)
        wanted = {str(spec["code"]) for spec in data.get("clauses", [])}
        for code, clause in existing.items():
            if code not in wanted and not clause.retired:
                clause.retired, clause.retired_at = True, now
                clause._change_reason = f"{reason}：数据文件中已删除，条款废止"
                clause.save()
                result.retired.append(code)
    return result


def load_frameworks(directory=None, *, force=False):
    """Load every ``*.toml`` in the directory; deactivate frameworks whose file is gone."""
    directory = Path(directory or FRAMEWORK_DIR)
    results = [load_file(path, force=force) for path in sorted(directory.glob("*.toml"))]
    loaded = {r.framework for r in results}
    if directory == FRAMEWORK_DIR:
        for framework in Framework.objects.filter(active=True).exclude(code__in=loaded):
            framework.active = False
            framework._change_reason = "数据文件已删除，框架停用"
            framework.save()
    return results


def load_after_migrate(sender, using="default", **kwargs):
    if sender.label != "compliance":
        return
    # Only when the app's tables exist (e.g. not while migrating backwards past 0001).

    if Clause._meta.db_table not in connections[using].introspection.table_names():
        return
    load_frameworks()
