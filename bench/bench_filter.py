"""The sensitive-word filter (publishing/wordfilter/) on 10 MB of text with a 20,000-word list.

Deterministic data (seed 2026): 20,000 words (80 % CJK of 2–5 characters from U+4E00–U+9FA5,
20 % ASCII of 4–8 letters, categories and levels cycling) written through ``add_words``; a text of
10,000,000 UTF-8 bytes of random CJK and ASCII with spaces and punctuation, with one list word
planted about every 2 KB, a third of them evaded (inserted space, zero-width space or full stop).
MB = 10^6 bytes of the original UTF-8 text, for every throughput row.

Compared with the same words as one Python ``re`` alternation (escaped, longest first), in the
same process, on the same folded text. The alternation tries the words one after another at every
position, about 0.15 MB/s here, so it runs on the first 1 MB of the text only (the rows say so), and
the automaton is timed on that same 1 MB for the ratio. ``re`` also returns non-overlapping matches
only, so its count is lower than the automaton's (which reports every overlapping hit).

The automaton runs over an encoding of the folded text (four small-alphabet code units per
character, see ``wordfilter._encode``) because pyahocorasick searches a node's children one by one;
a row shows the same automaton over the plain characters for comparison.

Memory: the tracemalloc peak while building the automaton from rows already in memory (pyahocorasick
allocates through PyMem, which tracemalloc sees) and the size of the pickle stored in the shared cache.
"""

import pickle
import random
import re
import time
import tracemalloc

import ahocorasick

from bench.common import Row
from publishing import wordfilter
from publishing.models import WordCategory, WordLevel
from publishing.wordfilter.folding import _encode
from publishing.wordfilter.matcher import _load_rows

ORDER = 20
SEED = 2026
WORD_COUNT = 20_000
TEXT_BYTES = 10_000_000
REGEX_BYTES = 1_000_000
PLANT_EVERY = 2_000  # bytes
ASCII = "abcdefghijklmnopqrstuvwxyz"
CJK = [chr(code) for code in range(0x4E00, 0x9FA6)]
FILLER = CJK + list(ASCII) * 40 + [" "] * 600 + list("，。、；：！？,.;") * 40


def make_words(rng):
    categories = [value for value, _label in WordCategory.choices]
    words = {}
    while len(words) < WORD_COUNT:
        if rng.random() < 0.8:
            text = "".join(rng.choices(CJK, k=rng.randint(2, 5)))
        else:
            text = "".join(rng.choices(ASCII, k=rng.randint(4, 8)))
        normalized = wordfilter.normalize_word(text)
        if normalized in words:
            continue
        index = len(words)
        words[normalized] = {
            "word": text,
            "category": categories[index % len(categories)],
            "level": WordLevel.REVIEW if index % 5 == 0 else WordLevel.BLOCK,
        }
    return list(words.values())


def evade(word, rng):
    kind = rng.randrange(3)
    if kind == 0 or len(word) < 2:
        return word
    cut = rng.randint(1, len(word) - 1)
    separator = rng.choice([" ", "\u200b", "."])
    return word[:cut] + separator + word[cut:]


def make_text(rng, words):
    parts = []
    size = 0
    planted = 0
    while size < TEXT_BYTES:
        chunk = "".join(rng.choices(FILLER, k=700))  # ~2 KB of UTF-8
        planted_word = evade(rng.choice(words)["word"], rng)
        piece = chunk + planted_word
        parts.append(piece)
        size += len(piece.encode())
        planted += 1
    text = "".join(parts)
    encoded = text.encode()[:TEXT_BYTES]
    return encoded.decode(errors="ignore"), planted


def megabytes(text):
    return len(text.encode()) / 1e6


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def run(ctx):
    rng = random.Random(SEED)
    words = make_words(rng)
    text, planted = make_text(rng, words)
    size = megabytes(text)

    result, import_seconds = timed(wordfilter.add_words, words)
    rows_in_db, read_seconds = timed(lambda: list(_load_rows()))

    matcher, build_seconds = timed(wordfilter.Matcher.build, "bench", rows_in_db)
    tracemalloc.start()
    wordfilter.Matcher.build("bench-memory", rows_in_db)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    blob, dump_seconds = timed(pickle.dumps, (matcher.size, matcher.automaton), pickle.HIGHEST_PROTOCOL)
    _loaded, load_seconds = timed(pickle.loads, blob)

    wordfilter.check("预热")  # the process's automaton for the current version (built or loaded once)
    hits, check_seconds = timed(wordfilter.check, text)
    (folded, _positions), fold_seconds = timed(wordfilter.normalize, text)
    matches, match_seconds = timed(lambda: sum(1 for _ in matcher.automaton.iter(_encode(folded))))

    # The same words as one regular expression, on the same folded text (first 1 MB).
    sample = text.encode()[:REGEX_BYTES].decode(errors="ignore")
    sample_size = megabytes(sample)
    folded_sample, _ = wordfilter.normalize(sample)
    pattern = "|".join(
        re.escape(row[0]) for row in sorted(rows_in_db, key=lambda row: (-len(row[0]), row[0]))
    )
    regex, compile_seconds = timed(re.compile, pattern)
    regex_matches, regex_seconds = timed(lambda: sum(1 for _ in regex.finditer(folded_sample)))
    sample_matches, sample_match_seconds = timed(
        lambda: sum(1 for _ in matcher.automaton.iter(_encode(folded_sample)))
    )
    # The same automaton over the characters themselves (no small-alphabet encoding), for the record.
    plain = ahocorasick.Automaton()
    for normalized, word, category, level in rows_in_db:
        plain.add_word(normalized, (len(normalized), word, category, level))
    plain.make_automaton()
    plain_matches, plain_seconds = timed(lambda: sum(1 for _ in plain.iter(folded_sample)))
    sample_hits, sample_check_seconds = timed(wordfilter.check, sample)

    regex_rate = sample_size / regex_seconds
    automaton_rate_1mb = sample_size / sample_match_seconds
    check_rate_1mb = sample_size / sample_check_seconds
    versus = "re alternation (1 MB)"
    return [
        Row(f"words in list (of {WORD_COUNT:,} generated)", result.created, "words"),
        Row("add_words: validate + bulk_create_with_history", import_seconds, "s"),
        Row("text size (UTF-8)", size, "MB"),
        Row("planted words (1/3 evaded)", planted, "words"),
        Row("read active words from the database", read_seconds, "s"),
        Row("automaton build (20,000 words, in memory)", build_seconds, "s"),
        Row("automaton memory: tracemalloc peak of a build", peak / 1e6, "MB"),
        Row("automaton memory: pickled size (shared cache)", len(blob) / 1e6, "MB"),
        Row("pickle dump", dump_seconds, "s"),
        Row(
            "pickle load (what another process does)",
            load_seconds,
            "s",
            load_seconds / (read_seconds + build_seconds),
            "read + build",
        ),
        Row("check(): fold + match + positions, 10 MB", size / check_seconds, "MB/s"),
        Row("check(): hits on 10 MB", len(hits), "hits"),
        Row("normalize() alone (fold + positions), 10 MB", size / fold_seconds, "MB/s"),
        Row("automaton matching alone (encode + iter, folded 10 MB)", size / match_seconds, "MB/s"),
        Row("automaton matches on folded 10 MB", matches, "hits"),
        Row("re alternation compile (20,000 words)", compile_seconds, "s"),
        Row("re alternation on folded text, first 1 MB only", regex_rate, "MB/s"),
        Row("re alternation matches, 1 MB (non-overlapping)", regex_matches, "hits"),
        Row(
            "automaton matching alone, same 1 MB",
            automaton_rate_1mb,
            "MB/s",
            automaton_rate_1mb / regex_rate,
            versus,
        ),
        Row("automaton matches, same 1 MB (overlapping)", sample_matches, "hits"),
        Row(
            "automaton on plain characters (no encoding), same 1 MB",
            sample_size / plain_seconds,
            "MB/s",
            (sample_size / plain_seconds) / regex_rate,
            versus,
        ),
        Row("automaton on plain characters: matches, same 1 MB", plain_matches, "hits"),
        Row(
            "check() (fold + match + positions), same 1 MB",
            check_rate_1mb,
            "MB/s",
            check_rate_1mb / regex_rate,
            versus,
        ),
        Row("check(): hits, same 1 MB", len(sample_hits), "hits"),
    ]
