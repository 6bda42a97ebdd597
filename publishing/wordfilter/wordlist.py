"""Writing the list: ``add_words`` / ``import_words`` validated whole, written in one transaction
with one version bump (see the package docstring)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from .folding import normalize_word
from .matcher import bump_version
from .models import SensitiveWord, WordCategory, WordLevel

WORD_MAX_LENGTH = SensitiveWord._meta.get_field("word").max_length
NOTE_MAX_LENGTH = SensitiveWord._meta.get_field("note").max_length

# --- writing the list ------------------------------------------------------------------------------

_CATEGORY_ALIASES = {}
for _value, _label in WordCategory.choices:
    _CATEGORY_ALIASES[_value] = _value
    _CATEGORY_ALIASES[str(_label)] = _value
_LEVEL_ALIASES = {
    "审核": WordLevel.REVIEW.value,
    "屏蔽": WordLevel.BLOCK.value,
    "禁止": WordLevel.BLOCK.value,
}
for _value, _label in WordLevel.choices:
    _LEVEL_ALIASES[_value] = _value
    _LEVEL_ALIASES[str(_label)] = _value
CATEGORY_HELP = "、".join(f"{label}（{value}）" for value, label in WordCategory.choices)
LEVEL_HELP = "、".join(f"{label}（{value}）" for value, label in WordLevel.choices)


@dataclass
class LineError:
    line: int
    message: str

    def __str__(self):
        return f"第 {self.line} 行：{self.message}"


@dataclass
class ImportResult:
    created: int = 0
    # Words whose folded form is already in the list (or earlier in the same file): skipped, not errors,
    # so re-importing an updated list only adds what is new. (line, word, the existing word)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)

    def summary(self) -> str:
        text = f"新增敏感词 {self.created} 个"
        if self.skipped:
            text += f"，跳过已存在（规范形式相同）的 {len(self.skipped)} 个"
        return text + "。"


class WordImportError(Exception):
    """The rows were not all valid; nothing was written. ``errors``: list[LineError]."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


def _parse_category(value, default):
    value = (value or "").strip()
    if not value:
        return default, None
    code = _CATEGORY_ALIASES.get(value) or _CATEGORY_ALIASES.get(value.lower())
    if code is None:
        return None, f"类别“{value}”无效，应为：{CATEGORY_HELP}"
    return code, None


def _parse_level(value, default):
    value = (value or "").strip()
    if not value:
        return default, None
    code = _LEVEL_ALIASES.get(value) or _LEVEL_ALIASES.get(value.lower())
    if code is None:
        return None, f"级别“{value}”无效，应为：{LEVEL_HELP}"
    return code, None


def _validate(rows, default_category, default_level):
    """rows: (line, word, category, level, note). Returns (objects, skipped, errors)."""
    errors = []
    candidates = []
    for line, word, category, level, note in rows:
        word = (word or "").strip()
        note = (note or "").strip()
        problems = []
        if not word:
            problems.append("敏感词为空")
        elif len(word) > WORD_MAX_LENGTH:
            problems.append(f"敏感词超过 {WORD_MAX_LENGTH} 个字符")
        normalized = normalize_word(word) if word else ""
        if word and not normalized:
            problems.append(f"敏感词“{word}”只含空白、标点或符号，规范化后为空，无法匹配")
        category, problem = _parse_category(category, default_category)
        if problem:
            problems.append(problem)
        level, problem = _parse_level(level, default_level)
        if problem:
            problems.append(problem)
        if len(note) > NOTE_MAX_LENGTH:
            problems.append(f"备注超过 {NOTE_MAX_LENGTH} 个字符")
        if problems:
            errors.extend(LineError(line, problem) for problem in problems)
            continue
        candidates.append((line, word, normalized, category, level, note))
    if errors:
        return [], [], errors

    existing = {}
    normalized_forms = [candidate[2] for candidate in candidates]
    for start in range(0, len(normalized_forms), 500):  # stay under SQLite's variable limit
        chunk = normalized_forms[start : start + 500]
        existing.update(SensitiveWord.objects.filter(normalized__in=chunk).values_list("normalized", "word"))
    objects = []
    skipped = []
    for line, word, normalized, category, level, note in candidates:
        if normalized in existing:
            skipped.append((line, word, existing[normalized]))
            continue
        existing[normalized] = word
        objects.append(
            SensitiveWord(word=word, normalized=normalized, category=category, level=level, note=note)
        )
    return objects, skipped, []


def add_words(rows, *, user=None, category=None, level=None) -> ImportResult:
    """Add words in one transaction, or none (raises ``WordImportError`` listing every bad row).

    ``rows``: strings (a word) or mappings with ``word`` and optional ``category``, ``level``,
    ``note`` (values or Chinese labels); missing category/level take ``category``/``level``
    (default 其他 / 拦截). Rows are numbered from 1 in the errors. Duplicates by folded form are skipped
    and listed in the result. The list version is bumped once.
    """
    numbered = []
    for number, row in enumerate(rows, start=1):
        if isinstance(row, str):
            numbered.append((number, row, None, None, None))
        else:
            numbered.append((number, row.get("word"), row.get("category"), row.get("level"), row.get("note")))
    return _write(numbered, user, category or WordCategory.OTHER, level or WordLevel.BLOCK)


def _write(numbered, user, default_category, default_level, structural=()):
    objects, skipped, errors = _validate(numbered, default_category, default_level)
    errors = sorted([*structural, *errors], key=lambda error: error.line)
    if errors:
        raise WordImportError(errors)
    with transaction.atomic():
        if objects:
            bulk_create_with_history(objects, SensitiveWord, batch_size=1000, default_user=user)
            bump_version()
    return ImportResult(created=len(objects), skipped=skipped)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise WordImportError([LineError(1, "文件编码无法识别，请保存为 UTF-8（或 GBK/GB18030）后重试")])


_HEADER_WORDS = {"word", "敏感词", "词语", "关键词"}


def import_words(file, *, category=None, level=None, user=None, name=None) -> ImportResult:
    """Import a word list file: ``.csv`` (word,category,level[,note]; an optional header row) or
    plain text (one word a line; blank lines and lines starting with ``#`` ignored). ``category`` /
    ``level`` are the defaults for lines that do not name one. Validated whole; nothing is written
    unless every line is good (``WordImportError`` lists each bad line by its number)."""
    data = file.read() if hasattr(file, "read") else file
    name = name or getattr(file, "name", "") or ""
    text = _decode(data) if isinstance(data, bytes) else data
    numbered = []
    structural = []
    if name.lower().endswith(".csv"):
        for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
            if not any(cell.strip() for cell in cells):
                continue
            if number == 1 and cells[0].strip().lower() in _HEADER_WORDS:
                continue
            if len(cells) > 4:
                structural.append(
                    LineError(number, f"列数过多（{len(cells)} 列）：应为 敏感词,类别,级别[,备注]")
                )
                continue
            numbered.append((number, *(cells + [""] * (4 - len(cells)))))
    else:
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                numbered.append((number, stripped, None, None, None))
    if not numbered and not structural:
        raise WordImportError([LineError(1, "文件中没有敏感词")])
    return _write(numbered, user, category or WordCategory.OTHER, level or WordLevel.BLOCK, structural)
