"""The hits and the automaton: one per list version, per process, shared through the cache;
the signals that bump the version on every change to the list (see the package docstring)."""

from __future__ import annotations

import heapq
import html
import logging
import pickle
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass

import ahocorasick
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.safestring import mark_safe

from .folding import _UNITS, _encode, _fold, _leading_positions, _positions, normalize_word
from .models import SensitiveWord, WordCategory, WordLevel, WordListVersion

logger = logging.getLogger(__name__)

FORMAT = 2  # bump when the automaton's payload or the folding changes (invalidates cached pickles)
CACHE_PREFIX = "wordfilter:automaton"
CACHE_TIMEOUT = 7 * 24 * 3600

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
