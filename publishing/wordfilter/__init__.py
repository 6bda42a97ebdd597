"""The sensitive-word filter (regulation 10 §2): evasion-resistant matching with an Aho–Corasick
automaton, hits reported at their positions in the original text.

The package: ``folding`` (the normal form of text and words), ``matcher`` (hits, the automaton,
its cache and the version signals), ``wordlist`` (adding and importing words), ``scan`` (hits as
the stored dicts the workflow and the board keep, and their highlighting), ``api`` (the bounded
check endpoint). Public interface (used by the publication workflow, the message board and the API)::

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

from .folding import _fold_char, normalize, normalize_word  # noqa: F401
from .matcher import (  # noqa: F401
    CheckSummary,
    Hit,
    Matcher,
    _cache_key,
    _state,
    batch_changes,
    blocking,
    bump_version,
    check,
    check_first,
    get_matcher,
    highlight,
    needs_review,
    reset_local_cache,
)
from .wordlist import (  # noqa: F401
    CATEGORY_HELP,
    LEVEL_HELP,
    ImportResult,
    LineError,
    WordImportError,
    add_words,
    import_words,
)
