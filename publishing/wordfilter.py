"""The sensitive-word filter (regulation 10 §2): evasion-resistant matching with an Aho–Corasick
automaton, hits reported at their positions in the original text.

Public interface (used by the publication workflow, the message board and the API)::

    hits = check(text)            # list[Hit], ordered by (start, -end)
    blocking(hits)                # True when any hit is block-level (拦截)
    needs_review(hits)            # True when any hit is review-level (人工审核)
    [hit.as_dict() for hit in hits]   # JSON for ApprovalStep.filter_hits / BoardMessage.filter_hits
    highlight(text, hits)         # safe HTML with the hits wrapped in <mark>

    add_words(rows, user=...)     # bulk add (validated whole, nothing written on error)
    import_words(file, category=..., level=...)   # .txt (one word a line) or .csv
    bump_version()                # after any write that bypasses save()/delete() (e.g. .update())

Folding (``normalize``)
    Each character of the text is folded on its own, so every folded character knows the index of
    the original character it came from: NFKC (full-width → half-width, compatibility forms),
    lower-case, traditional → simplified (OpenCC ``t2s`` applied to the single character, so the
    length is kept: a character whose conversion is not exactly one character stays as it is), then
    everything that is not a letter or a digit is dropped: whitespace, punctuation (P*), symbols
    (S*), marks (M*, e.g. combining characters stacked on letters), control and format characters
    (Cc, Cf — which include the zero-width characters U+200B–U+200D, U+2060, U+FEFF), surrogates,
    and unassigned/private-use code points. A few characters fold to several ("ﬁ" → "fi", "㈱" → "株"
    after dropping the brackets); their folded characters all point at the one source character.
    The folding of each distinct character is computed the first time it is seen and kept in
    ``str.translate`` tables, so a whole text is folded at C speed. Words are folded the same way when
    they are stored (``SensitiveWord.normalized``), so "賭博", "赌 博" and "ＶＰＮ" all meet the text in
    one form. Because separators are dropped, an ASCII word also matches inside a longer ASCII run
    (the price of matching "s.e.x" and "s e x"); prefer CJK or longer words for short Latin terms.

Matching
    pyahocorasick looks a node's children up one by one, and the root of a 20,000-word Chinese list
    has thousands of children, so the automaton runs over a small-alphabet encoding of the folded
    text (four code units per character, see ``_encode``). bench/bench_filter.py, 20,000 words:
    matching the encoded text ≈ 13 MB/s against 0.77 MB/s for the same automaton over the characters
    themselves and 0.12 MB/s for one ``re`` alternation of the same words; ``check()`` end to end
    (folding, matching, positions) ≈ 3 MB/s, i.e. about 1 ms for a 3 KB message. Every occurrence is
    reported, overlapping and nested ones included.

One automaton per list version, per process, shared through the cache
    ``WordListVersion`` (one row) is bumped on every change to the word list: by ``add_words`` /
    ``import_words``, and by the post_save / post_delete signals of ``SensitiveWord``, so admin edits
    bump it too. The list's identity is ``(version, changed_at)``: a rolled-back transaction may reuse a
    version number, never its timestamp.

    Each process keeps the current automaton in a module-level variable. The version row is read with
    one cheap query at most once every ``WORDFILTER_VERSION_TTL`` seconds (default 2; 0 = every call):
    a change made in another process is picked up within that time, a change made in this process at
    once (the writer resets the local check time after commit). A per-request read would cost one query
    per check call for a list that changes a few times a year; two seconds of staleness is acceptable
    for a filter whose list is edited by hand.

    The first process to need a version builds the automaton and stores it, pickled, in the Django cache
    (Redis in production, shared by the web, worker and beat containers) under a key naming the version;
    the others load it instead of rebuilding. Measured with 20,000 words (bench/bench_filter.py):
    loading the 8.8 MB pickle takes 0.024 s against 0.05 s to read the words plus 0.14 s to build
    (0.12 ×), so loading is kept. With the development LocMemCache the "shared" copy only serves the
    one process, which is harmless. A cache outage is logged and the process builds for itself.

Writing the list
    ``add_words`` / ``import_words`` validate every row first and write nothing unless all are good
    (``WordImportError.errors``: one ``LineError`` per problem, "第 N 行：…"); then one transaction of
    ``bulk_create_with_history`` and one version bump. A word whose folded form is already in the list
    (or earlier in the same file) is skipped, not an error, and listed in ``ImportResult.skipped``,
    so an updated list can be re-imported. Single saves and deletes bump the version through signals;
    ``batch_changes()`` folds the bumps of many saves/deletes (e.g. an admin bulk delete) into one.
"""

from __future__ import annotations

import csv
import heapq
import html
import io
import logging
import pickle
import re
import threading
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from itertools import compress

import ahocorasick
import opencc
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.safestring import mark_safe
from simple_history.utils import bulk_create_with_history

from .models import SensitiveWord, WordCategory, WordLevel, WordListVersion

logger = logging.getLogger(__name__)

FORMAT = 2  # bump when the automaton's payload or the folding changes (invalidates cached pickles)
CACHE_PREFIX = "wordfilter:automaton"
CACHE_TIMEOUT = 7 * 24 * 3600
WORD_MAX_LENGTH = SensitiveWord._meta.get_field("word").max_length
NOTE_MAX_LENGTH = SensitiveWord._meta.get_field("note").max_length

# --- folding ---------------------------------------------------------------------------------------

_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Mc", "Me"})
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_t2s = opencc.OpenCC("t2s")


def _fold_char(char: str) -> str:
    folded = []
    for part in unicodedata.normalize("NFKC", char).lower():
        if part in _ZERO_WIDTH:
            continue
        category = unicodedata.category(part)
        if category in _DROP_CATEGORIES or category[0] in "PS":
            continue
        simplified = _t2s.convert(part)
        folded.append(simplified if len(simplified) == 1 else part)
    return "".join(folded)


class _FoldTable(dict):
    """``str.translate`` table: code point → its folded form (a code point when it is one character,
    "" when dropped), computed the first time the character is seen; whole texts are then folded at
    C speed (the alphabet of real text is a few thousand characters)."""

    def __missing__(self, ordinal):
        folded = _fold_char(chr(ordinal))
        value = ord(folded) if len(folded) == 1 else folded
        self[ordinal] = value
        return value


class _LengthTable(dict):
    """code point → the length of its folded form (as a code point: 0, 1, 2 …)."""

    def __missing__(self, ordinal):
        value = _FOLDS[ordinal]
        length = 1 if isinstance(value, int) else len(value)
        self[ordinal] = length
        return length


_FOLDS = _FoldTable()
_LENGTHS = _LengthTable()
_EXPANDING = re.compile("[^\\x00\\x01]")


def _fold(text: str) -> str:
    return text.translate(_FOLDS)


def _positions(text: str) -> list[int]:
    lengths = text.translate(_LENGTHS)
    if _EXPANDING.search(lengths) is None:  # every character folds to zero or one character
        return list(compress(range(len(text)), lengths.encode("latin-1")))
    positions = []
    for index, length in enumerate(lengths):
        if length != "\x00":
            positions.extend([index] * ord(length))
    return positions


def _leading_positions(text: str, count: int) -> list[int]:
    """The first ``count`` of ``_positions(text)``, reading only as much of the text as it takes
    (folding is character by character, so a prefix folds to a prefix)."""
    size = count
    while True:
        positions = _positions(text[:size])
        if len(positions) >= count or size >= len(text):
            return positions
        size *= 2


def normalize(text: str) -> tuple[str, list[int]]:
    """The text folded for matching, and for each folded character the index of its source
    character in ``text``."""
    return _fold(text), _positions(text)


# pyahocorasick looks a node's children up one by one, so a root with thousands of children (the
# first characters of 20,000 Chinese words) makes every step slow. The automaton therefore works on
# an encoding of the folded text with small alphabets: each character becomes four code units —
# (plane, high nibble of the high byte), low nibble of the high byte, high and low nibbles of the
# low byte — each position in its own disjoint range, so a match can only start on a character
# boundary. Built from bytes slicing and ``bytes.translate`` (C speed). About 17x faster with
# 20,000 random CJK words than matching the characters themselves (bench/bench_filter.py).
_UNITS = 4
_UNIT0 = bytes((value + 0x10) & 0xFF for value in range(256))  # plane 0..16 → high byte 0x10..0x20
_UNIT0_LOW = bytes(0x40 | value >> 4 for value in range(256))
_UNIT1 = bytes(0x50 | value & 0x0F for value in range(256))
_UNIT2 = bytes(0x20 | value >> 4 for value in range(256))
_UNIT3 = bytes(0x30 | value & 0x0F for value in range(256))


def _encode(folded: str) -> str:
    data = folded.encode("utf-32-be")
    high = data[2::4]
    low = data[3::4]
    out = bytearray(2 * _UNITS * len(folded))
    out[0::8] = data[1::4].translate(_UNIT0)
    out[1::8] = high.translate(_UNIT0_LOW)
    out[3::8] = high.translate(_UNIT1)
    out[5::8] = low.translate(_UNIT2)
    out[7::8] = low.translate(_UNIT3)
    return out.decode("utf-16-be")


def normalize_word(word: str) -> str:
    return normalize(word)[0]


# --- hits ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    word: str  # the word as stored in the list
    category: str  # WordCategory value
    level: str  # WordLevel value
    start: int  # index in the original text of the first character of the (evaded) occurrence
    end: int  # index after its last character (exclusive): text[start:end] is what was written

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def category_label(self) -> str:
        return WordCategory(self.category).label if self.category in WordCategory.values else self.category

    @property
    def level_label(self) -> str:
        return WordLevel(self.level).label if self.level in WordLevel.values else self.level


def blocking(hits) -> bool:
    """True when any hit is block-level: the text must not be published or shown."""
    return any(hit.level == WordLevel.BLOCK for hit in hits)


def needs_review(hits) -> bool:
    """True when any hit is review-level: an information officer must look (independent of blocking)."""
    return any(hit.level == WordLevel.REVIEW for hit in hits)


def highlight(text: str, hits) -> str:
    """``text`` HTML-escaped with every hit wrapped in ``<mark class="sensitive-word">``
    (overlapping hits merged into one mark)."""
    spans = sorted((hit.start, hit.end) for hit in hits)
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out = []
    cursor = 0
    for start, end in merged:
        out.append(html.escape(text[cursor:start]))
        out.append(f'<mark class="sensitive-word">{html.escape(text[start:end])}</mark>')
        cursor = end
    out.append(html.escape(text[cursor:]))
    return mark_safe("".join(out))  # nosec B308 B703 # every piece of user text is escaped above


# --- the automaton ---------------------------------------------------------------------------------


class Matcher:
    """An Aho–Corasick automaton over the folded forms of one version of the active word list."""

    def __init__(self, key: str, automaton: ahocorasick.Automaton, size: int):
        self.key = key
        self.automaton = automaton
        self.size = size

    @classmethod
    def build(cls, key: str, rows) -> Matcher:
        """``rows``: (normalized, word, category, level) tuples."""
        automaton = ahocorasick.Automaton()
        size = 0
        for normalized, word, category, level in rows:
            if normalized:
                automaton.add_word(_encode(normalized), (len(normalized), word, category, level))
                size += 1
        if size:
            automaton.make_automaton()
        return cls(key, automaton, size)

    def find(self, text: str) -> list[Hit]:
        if not self.size or not text:
            return []
        folded = _fold(text)
        if not folded:
            return []
        matches = list(self.automaton.iter(_encode(folded)))
        if not matches:
            return []
        positions = _positions(text)
        hits = []
        for end, (length, word, category, level) in matches:
            last = end // _UNITS
            hits.append(Hit(word, category, level, positions[last - length + 1], positions[last] + 1))
        hits.sort(key=lambda hit: (hit.start, -hit.end, hit.word))
        return hits

    def find_first(self, text: str, limit: int) -> CheckSummary:
        """The first ``limit`` hits in ``find``'s order, and the count and levels of them all,
        without building a Hit for every match (250,000 matches in a million characters)."""
        if not self.size or not text or not (folded := _fold(text)):
            return CheckSummary([], 0, False, False)
        matches = list(self.automaton.iter(_encode(folded)))
        levels = {level for _end, (_length, _word, _category, level) in matches}
        # Folded indices map to the original ones in order, so sorting on them sorts the hits.
        first = heapq.nsmallest(
            limit, matches, key=lambda match: (match[0] // _UNITS - match[1][0], -match[0], match[1][1])
        )
        needed = max((end // _UNITS for end, _value in first), default=-1) + 1
        positions = _leading_positions(text, needed)
        hits = []
        for end, (length, word, category, level) in first:
            last = end // _UNITS
            hits.append(Hit(word, category, level, positions[last - length + 1], positions[last] + 1))
        return CheckSummary(hits, len(matches), WordLevel.BLOCK in levels, WordLevel.REVIEW in levels)


@dataclass(frozen=True)
class CheckSummary:
    hits: list  # the first hits by position
    total: int  # every hit
    blocked: bool  # any hit, listed or not, is block-level
    needs_review: bool


_lock = threading.Lock()
_state = {"matcher": None, "key": None, "checked_at": 0.0}


def _version_ttl() -> float:
    return float(getattr(settings, "WORDFILTER_VERSION_TTL", 2.0))


def _current_key() -> str:
    row = WordListVersion.objects.order_by("pk").values_list("version", "changed_at").first()
    version, changed_at = row if row else (0, None)
    stamp = changed_at.timestamp() if changed_at else 0
    return f"{FORMAT}:{version}:{stamp:.6f}"


def _load_rows():
    return SensitiveWord.objects.filter(active=True).values_list("normalized", "word", "category", "level")


def _cache_key(key: str) -> str:
    return f"{CACHE_PREFIX}:{key}"


def get_matcher() -> Matcher:
    """The matcher for the current list version (built, or loaded from the shared cache, once per version)."""
    now = time.monotonic()
    matcher = _state["matcher"]
    if matcher is not None and now - _state["checked_at"] < _version_ttl():
        return matcher
    key = _current_key()
    if matcher is not None and matcher.key == key:
        _state["checked_at"] = now
        return matcher
    with _lock:
        matcher = _state["matcher"]
        if matcher is None or matcher.key != key:
            matcher = _load_or_build(key)
            _state["matcher"] = matcher
            _state["key"] = key
        _state["checked_at"] = now
    return matcher


def _load_or_build(key: str) -> Matcher:
    blob = None
    try:
        blob = cache.get(_cache_key(key))
    except Exception:  # a cache outage must not stop the filter
        logger.warning("word filter: cache unavailable, building the automaton locally", exc_info=True)
    if blob is not None:
        try:
            size, automaton = pickle.loads(blob)  # nosec B301 # our own cache entry, written below; the cache is not user-writable
            return Matcher(key, automaton, size)
        except Exception:
            logger.warning("word filter: unreadable cached automaton %s, rebuilding", key, exc_info=True)
    matcher = Matcher.build(key, _load_rows())
    try:
        cache.set(
            _cache_key(key),
            pickle.dumps((matcher.size, matcher.automaton), protocol=pickle.HIGHEST_PROTOCOL),
            CACHE_TIMEOUT,
        )
    except Exception:
        logger.warning("word filter: could not store the automaton in the cache", exc_info=True)
    return matcher


def reset_local_cache() -> None:
    """Make the next check read the version row (called after this process changes the list)."""
    _state["checked_at"] = 0.0


def check(text: str) -> list[Hit]:
    """Every occurrence of an active sensitive word in ``text`` (overlapping ones included)."""
    return get_matcher().find(text or "")


def check_first(text: str, limit: int) -> CheckSummary:
    """``check`` bounded for the API: the first ``limit`` hits, with the total and the levels."""
    return get_matcher().find_first(text or "", limit)


def bump_version() -> None:
    """Mark the word list as changed; every process rebuilds (or loads) its automaton."""
    now = timezone.now()
    # One row; an atomic increment, so two concurrent writers never produce the same version.
    if not WordListVersion.objects.update(version=F("version") + 1, changed_at=now):
        WordListVersion.objects.create(version=1, changed_at=now)
    reset_local_cache()
    transaction.on_commit(reset_local_cache)


_batch = threading.local()


@contextmanager
def batch_changes():
    """Within this block, saves and deletes of words bump the version once, at the end."""
    depth = getattr(_batch, "depth", 0)
    _batch.depth = depth + 1
    if not depth:
        _batch.changed = False
    try:
        yield
    finally:
        _batch.depth = depth
        if not depth and _batch.changed:
            bump_version()


@receiver(post_save, sender=SensitiveWord, dispatch_uid="wordfilter_bump_on_save")
@receiver(post_delete, sender=SensitiveWord, dispatch_uid="wordfilter_bump_on_delete")
def _word_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    if getattr(_batch, "depth", 0):
        _batch.changed = True
    else:
        bump_version()


@receiver(pre_save, sender=SensitiveWord, dispatch_uid="wordfilter_normalize_on_save")
def _fill_normalized(sender, instance, raw=False, **kwargs):
    """Every save computes the folded form, whoever saves (fixtures, with ``raw``, excepted)."""
    if not raw:
        instance.normalized = normalize_word(instance.word)


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
