"""The sensitive-word filter (10 §2): evasion forms, positions in the original text, levels, list
versions and the shared automaton, imports, and ``POST /api/filter/check/``."""

import io
import random

import pytest
from django.core.cache import cache
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from publishing import wordfilter
from publishing.models import SensitiveWord, WordCategory, WordLevel, WordListVersion
from publishing.wordfilter import Hit, WordImportError, add_words, check, import_words, normalize

pytestmark = pytest.mark.django_db


def word(text, category=WordCategory.GAMBLING, level=WordLevel.BLOCK, **kwargs):
    return SensitiveWord.objects.create(word=text, category=category, level=level, **kwargs)


# --- folding ---------------------------------------------------------------------------------------


def test_normalize_folds_width_case_and_drops_separators_keeping_positions():
    assert normalize("ＡＢＣ") == ("abc", [0, 1, 2])
    assert normalize("A b\u200bC") == ("abc", [0, 2, 4])
    assert normalize("賭.博") == ("赌博", [0, 2])
    assert normalize("") == ("", [])
    assert normalize(" \t\u3000，。！★\u200d\ufeff") == ("", [])


def reference_normalize(text):
    """The folding spelled out one character at a time (what the fast path must equal)."""
    folded, positions = [], []
    for index, char in enumerate(text):
        part = wordfilter._fold_char(char)
        folded.append(part)
        positions.extend([index] * len(part))
    return "".join(folded), positions


def test_normalize_equals_the_character_by_character_folding():
    rng = random.Random(3)
    alphabet = [chr(c) for c in range(0x20, 0x2FFF)] + [chr(c) for c in range(0x4E00, 0x4F00)]
    alphabet += ["\U00020bb7", "\U0001f600", "\ufb01", "\u3231", "\u2460", "\uff21", "\u200b", "\ufeff"]
    for _ in range(50):
        text = "".join(rng.choices(alphabet, k=200))
        assert normalize(text) == reference_normalize(text)


def test_characters_that_expand_and_astral_characters_map_back():
    word("fine", category=WordCategory.ADVERTISING)
    word("\U00020bb7野家")  # 𠮷 (outside the BMP)
    text = "so \ufb01ne! ①㈱ x\U00020bb7 野.家"
    hits = check(text)
    assert [(text[h.start : h.end], h.word) for h in hits] == [
        ("\ufb01ne", "fine"),
        ("\U00020bb7 野.家", "\U00020bb7野家"),
    ]


def test_words_are_stored_in_folded_form():
    assert word("賭 博").normalized == "赌博"
    assert word("ＡbＣ").normalized == "abc"


# --- evasion ---------------------------------------------------------------------------------------

EVASIONS = [
    "赌博",
    "賭博",  # traditional text, simplified word
    "赌 博",
    "赌\u3000博",  # ideographic (full-width) space
    "赌\t\n博",
    "赌.博",
    "赌，博",  # full-width punctuation
    "赌-_-博",
    "赌★博",  # symbol
    "赌$+博",
    "赌\u200b博",  # zero-width space
    "赌\u200c\u200d博",
    "赌\u2060博",
    "赌\ufeff博",
    "赌\u00ad博",  # soft hyphen (format character)
    "賭 . 博",
]


@pytest.mark.parametrize("evaded", EVASIONS)
def test_evasion_forms_match_and_positions_span_the_original(evaded):
    word("赌博")
    text = f"欢迎来到{evaded}平台"
    hits = check(text)
    assert len(hits) == 1
    hit = hits[0]
    assert (hit.word, hit.category, hit.level) == ("赌博", "gambling", "block")
    assert text[hit.start : hit.end] == evaded
    assert hit.start == 4 and hit.end == 4 + len(evaded)


@pytest.mark.parametrize(
    "evaded", ["ＡＢＣ", "abc", "AbC", "a b c", "A.B.C", "ａ\u200bｂ\u200bｃ", "Ａ-b-Ｃ"]
)
def test_latin_word_matches_across_width_case_and_separators(evaded):
    word("ABC", category=WordCategory.ADVERTISING)
    text = f"买 {evaded}!"
    [hit] = check(text)
    assert text[hit.start : hit.end] == evaded


def test_full_width_word_in_list_matches_half_width_text():
    word("ＶＰＮ翻墙", category=WordCategory.POLITICS)
    [hit] = check("免费vpn 翻墙")
    assert hit.word == "ＶＰＮ翻墙" and (hit.start, hit.end) == (2, 8)


def test_traditional_word_in_list_matches_simplified_text():
    word("賭場")
    text = "地下赌场"
    [hit] = check(text)
    assert hit.word == "賭場"
    assert text[hit.start : hit.end] == "赌场"


def test_positions_are_in_the_original_text_with_multiple_hits():
    word("赌博")
    word("法轮", category=WordCategory.CULT)
    text = "Ａ赌 博ｘ法\u200b轮ｙ賭博"
    hits = check(text)
    assert [(text[h.start : h.end], h.word) for h in hits] == [
        ("赌 博", "赌博"),
        ("法\u200b轮", "法轮"),
        ("賭博", "赌博"),
    ]


def test_overlapping_and_nested_words_are_all_reported():
    word("赌博")
    word("博彩")
    word("赌博网站", level=WordLevel.REVIEW)
    text = "赌博彩票与赌博网站"
    hits = check(text)
    found = sorted((h.word, h.start, h.end) for h in hits)
    assert found == sorted([("赌博", 0, 2), ("博彩", 1, 3), ("赌博", 5, 7), ("赌博网站", 5, 9)])


def test_text_without_hits_and_empty_text():
    word("赌博")
    assert check("民政局养老服务通知") == []
    assert check("") == []
    assert check(None) == []


# --- levels ----------------------------------------------------------------------------------------


def test_block_and_review_levels():
    word("赌博", level=WordLevel.BLOCK)
    word("彩票", category=WordCategory.ADVERTISING, level=WordLevel.REVIEW)
    review_only = check("购买彩票")
    assert not wordfilter.blocking(review_only) and wordfilter.needs_review(review_only)
    both = check("赌博和彩票")
    assert wordfilter.blocking(both) and wordfilter.needs_review(both)
    block_only = check("赌博")
    assert wordfilter.blocking(block_only) and not wordfilter.needs_review(block_only)
    assert not wordfilter.blocking([]) and not wordfilter.needs_review([])


def test_hit_as_dict_and_highlight():
    word("赌博")
    text = "<b>赌.博</b>"
    hits = check(text)
    assert hits[0].as_dict() == {
        "word": "赌博",
        "category": "gambling",
        "level": "block",
        "start": 3,
        "end": 6,
    }
    assert wordfilter.highlight(text, hits) == (
        '&lt;b&gt;<mark class="sensitive-word">赌.博</mark>&lt;/b&gt;'
    )
    assert isinstance(hits[0], Hit)


def test_inactive_words_are_ignored():
    word("赌博", active=False)
    assert check("赌博") == []


# --- versions and the shared automaton --------------------------------------------------------------


def test_every_change_to_the_list_bumps_the_version_and_is_picked_up():
    assert check("赌博") == []
    entry = word("赌博")  # post_save bumps
    version = WordListVersion.objects.get().version
    assert [h.word for h in check("赌博")] == ["赌博"]

    entry.level = WordLevel.REVIEW
    entry.save()
    assert WordListVersion.objects.get().version == version + 1
    assert check("赌博")[0].level == "review"

    entry.active = False
    entry.save()
    assert check("赌博") == []

    entry.delete()
    assert WordListVersion.objects.get().version == version + 3


def test_a_change_made_by_another_process_is_picked_up_after_the_ttl(settings):
    settings.WORDFILTER_VERSION_TTL = 60
    entry = word("赌博")
    assert check("赌博")
    # Another process deactivates the word with a queryset update (no signal) and bumps the
    # version row itself: this process does not see it until its TTL has passed.
    SensitiveWord.objects.filter(pk=entry.pk).update(active=False)
    WordListVersion.objects.update(version=F("version") + 1, changed_at=timezone.now())
    assert check("赌博"), "within the TTL the version row is not read again"
    settings.WORDFILTER_VERSION_TTL = 0
    assert check("赌博") == []


def test_within_the_ttl_the_version_is_not_read_again(settings, django_assert_num_queries):
    settings.WORDFILTER_VERSION_TTL = 60
    word("赌博")
    check("赌博")
    with django_assert_num_queries(0):
        for _ in range(10):
            assert check("赌博")


def test_another_process_loads_the_automaton_from_the_shared_cache(django_assert_num_queries):
    word("赌博")
    check("赌博")  # builds and stores
    # Through the cache's public API, so it holds for the local-memory cache and for Redis alike.
    assert cache.get(wordfilter._cache_key(wordfilter._state["key"])) is not None
    # A fresh process: no local automaton. It reads the version (1 query) and loads the pickle,
    # without reading the word list.
    wordfilter._state.update(matcher=None, key=None, checked_at=0.0)
    with django_assert_num_queries(1):
        [hit] = check("赌.博")
    assert hit.word == "赌博"


def test_the_filter_works_when_the_cache_is_down(monkeypatch):
    word("赌博")

    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    assert check("赌博")


# --- writing the list ------------------------------------------------------------------------------


def test_add_words_computes_normalized_records_history_and_bumps_once(officer):
    before = WordListVersion.objects.first()
    before = before.version if before else 0
    result = add_words(
        ["赌博", {"word": "法轮", "category": "邪教", "level": "review", "note": "示例"}], user=officer
    )
    assert result.created == 2 and result.skipped == []
    assert WordListVersion.objects.get().version == before + 1
    cult = SensitiveWord.objects.get(word="法轮")
    assert (cult.normalized, cult.category, cult.level, cult.note) == ("法轮", "cult", "review", "示例")
    assert cult.history.get().history_user == officer
    assert check("法.轮")[0].level == "review"


def test_duplicates_by_folded_form_are_skipped_and_reported():
    word("赌博")
    result = add_words(["賭博", "赌 博", "博彩", "博　彩"])
    assert result.created == 1
    assert [(line, text) for line, text, _existing in result.skipped] == [
        (1, "賭博"),
        (2, "赌 博"),
        (4, "博　彩"),
    ]
    assert "跳过" in result.summary()
    assert SensitiveWord.objects.count() == 2


def test_text_import_reports_each_bad_line_by_number_and_writes_nothing():
    version = WordListVersion.objects.first()
    data = "赌博\n\n# 注释行\n！！！\n" + "长" * 101 + "\n博彩\n"
    with pytest.raises(WordImportError) as caught:
        import_words(io.BytesIO(data.encode()), name="words.txt")
    messages = [str(error) for error in caught.value.errors]
    assert [error.line for error in caught.value.errors] == [4, 5]
    assert messages[0].startswith("第 4 行：") and "规范化后为空" in messages[0]
    assert "超过 100 个字符" in messages[1]
    assert SensitiveWord.objects.count() == 0
    assert WordListVersion.objects.first() == version


def test_csv_import_validates_categories_levels_and_columns():
    data = "敏感词,类别,级别,备注\n赌博,赌博,拦截,\n法轮,邪教,review,示例\n某词,体育,拦截\n另词,广告,警告\n多,列,block,x,y\n"
    with pytest.raises(WordImportError) as caught:
        import_words(io.BytesIO(data.encode()), name="words.csv")
    errors = caught.value.errors
    assert [error.line for error in errors] == [4, 5, 6]
    assert "类别“体育”无效" in str(errors[0])
    assert "级别“警告”无效" in str(errors[1])
    assert "列数过多" in str(errors[2])
    assert not SensitiveWord.objects.exists()


def test_csv_import_with_defaults_and_gbk_encoding():
    data = "赌博,,\n彩票,advertising,审核\n法轮\n"
    result = import_words(
        io.BytesIO(data.encode("gb18030")), name="list.CSV", category=WordCategory.GAMBLING, level="review"
    )
    assert result.created == 3
    assert dict(SensitiveWord.objects.values_list("word", "category")) == {
        "赌博": "gambling",
        "彩票": "advertising",
        "法轮": "gambling",
    }
    assert set(SensitiveWord.objects.values_list("level", flat=True)) == {"review"}


def test_import_of_an_empty_file_is_refused():
    with pytest.raises(WordImportError, match="没有敏感词"):
        import_words(io.BytesIO(b"\n\n"), name="empty.txt")


def test_import_of_twenty_thousand_words(django_assert_max_num_queries):
    rng = random.Random(7)
    words = set()
    while len(words) < 20_000:
        words.add("".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(2, 6))))
    ordered = sorted(words)
    data = "\n".join(ordered).encode()
    with django_assert_max_num_queries(500):
        result = import_words(io.BytesIO(data), name="big.txt", category=WordCategory.POLITICS)
    assert result.created + len(result.skipped) == 20_000
    assert SensitiveWord.objects.count() == result.created
    assert SensitiveWord.history.count() == result.created
    target = ordered[12_345]
    spaced = " ".join(target)
    hits = check(f"开头{spaced}结尾")
    assert target in {hit.word for hit in hits} or any(
        line for line, text, _ in result.skipped if text == target
    )


# --- API ---------------------------------------------------------------------------------------------

URL = "/api/filter/check/"


def test_url_name():
    assert reverse("api:filter_check") == URL


def test_api_reports_hits_and_flags(staff):
    word("赌博")
    word("彩票", level=WordLevel.REVIEW, category=WordCategory.ADVERTISING)
    client = APIClient()
    client.force_authenticate(staff)
    response = client.post(URL, {"text": "网上賭.博和彩票"}, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "hits": [
            {"word": "赌博", "category": "gambling", "level": "block", "start": 2, "end": 5},
            {"word": "彩票", "category": "advertising", "level": "review", "start": 6, "end": 8},
        ],
        "total": 2,
        "truncated": False,
        "blocked": True,
        "needs_review": True,
    }
    clean = client.post(URL, {"text": ""}, format="json")
    assert clean.json() == {
        "hits": [],
        "total": 0,
        "truncated": False,
        "blocked": False,
        "needs_review": False,
    }


def test_api_with_the_cms_token(staff):
    word("赌博")
    token = Token.objects.create(user=staff)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post(URL, {"text": "赌博"}, format="json")
    assert response.status_code == 200 and response.json()["blocked"] is True


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"text": None},
        {"text": 42},
        {"text": ["赌博"]},
        {"text": {"a": 1}},
        {"txt": "赌博"},
        {"text": "x" * 1_000_001},
    ],
)
def test_api_400_names_text(staff, payload):
    client = APIClient()
    client.force_authenticate(staff)
    response = client.post(URL, payload, format="json")
    assert response.status_code == 400
    assert "text" in response.json()


def test_api_400_on_a_json_array(staff):
    client = APIClient()
    client.force_authenticate(staff)
    response = client.post(URL, ["赌博"], format="json")
    assert response.status_code == 400 and "text" in response.json()


def test_api_401_anonymous():
    response = APIClient().post(URL, {"text": "赌博"}, format="json")
    assert response.status_code == 401


def test_api_get_not_allowed(staff):
    client = APIClient()
    client.force_authenticate(staff)
    assert client.get(URL).status_code == 405


# --- admin ---------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    from tests.factories import UserFactory

    user = UserFactory(username="wordadmin", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_admin_changelist_filters_search_and_history(admin_client):
    entry = word("赌博")
    word("彩票", category=WordCategory.ADVERTISING, level=WordLevel.REVIEW)
    url = reverse("admin:publishing_sensitiveword_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert reverse("admin:publishing_sensitiveword_import") in response.content.decode()
    response = admin_client.get(url, {"category": "advertising", "level": "review", "active__exact": "1"})
    assert list(response.context["cl"].result_list) == [SensitiveWord.objects.get(word="彩票")]
    response = admin_client.get(url, {"q": "赌"})
    assert list(response.context["cl"].result_list) == [entry]
    history = admin_client.get(reverse("admin:publishing_sensitiveword_history", args=[entry.pk]))
    assert history.status_code == 200


def test_admin_add_refuses_a_duplicate_folded_form_and_a_new_word_is_matched(admin_client):
    word("赌博")
    url = reverse("admin:publishing_sensitiveword_add")
    data = {"word": "賭 博", "category": "gambling", "level": "block", "active": "on", "note": ""}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "规范形式相同" in response.content.decode()
    data["word"] = "博彩"
    assert admin_client.post(url, data).status_code == 302
    assert SensitiveWord.objects.get(word="博彩").history.get().history_user.username == "wordadmin"
    assert [hit.word for hit in check("博.彩")] == ["博彩"]


def test_admin_import_reports_bad_lines_then_imports(admin_client):
    url = reverse("admin:publishing_sensitiveword_import")
    assert admin_client.get(url).status_code == 200
    bad = io.BytesIO("赌博,赌博,拦截\n坏词,体育,拦截\n".encode())
    bad.name = "words.csv"
    response = admin_client.post(url, {"file": bad, "category": "other", "level": "block"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "第 2 行：类别“体育”无效" in page and "未导入任何词" in page
    assert not SensitiveWord.objects.exists()

    good = io.BytesIO("赌博\n博彩\n赌 博\n".encode())
    good.name = "words.txt"
    response = admin_client.post(url, {"file": good, "category": "gambling", "level": "review"}, follow=True)
    page = response.content.decode()
    assert "新增敏感词 2 个" in page and "跳过已存在（规范形式相同）的 1 个" in page
    assert set(SensitiveWord.objects.values_list("category", "level")) == {("gambling", "review")}


def test_admin_import_refuses_other_file_types(admin_client):
    upload = io.BytesIO(b"x")
    upload.name = "words.xlsx"
    response = admin_client.post(
        reverse("admin:publishing_sensitiveword_import"),
        {"file": upload, "category": "other", "level": "block"},
    )
    assert "不支持的文件类型“.xlsx”。允许：.csv、.txt。" in response.content.decode()


def test_admin_test_page_highlights_hits(admin_client):
    word("赌博")
    response = admin_client.post(reverse("admin:publishing_sensitiveword_test"), {"text": "<i>赌.博</i>"})
    page = response.content.decode()
    assert '<mark class="sensitive-word">赌.博</mark>' in page and "&lt;i&gt;" in page
    assert "含拦截级敏感词" in page


def test_admin_bulk_actions_record_history_and_bump(admin_client):
    entry = word("赌博")
    version = WordListVersion.objects.get().version
    response = admin_client.post(
        reverse("admin:publishing_sensitiveword_changelist"),
        {"action": "make_inactive", "_selected_action": [entry.pk]},
    )
    assert response.status_code == 302
    assert WordListVersion.objects.get().version == version + 1
    assert entry.history.count() == 2
    assert check("赌博") == []


def test_lone_surrogates_and_control_characters_do_not_break_the_filter(staff):
    word("赌博")
    text = "\ud800赌\x00博\udfff"
    [hit] = check(text)
    assert (hit.start, hit.end) == (1, 4)
    client = APIClient()
    client.force_authenticate(staff)
    # DRF's CharField refuses lone surrogates and NUL: a 400 naming the field, not a 500.
    response = client.post(URL, '{"text": "\\ud800\\u8d4c\\u535a"}', content_type="application/json")
    assert response.status_code == 400 and "text" in response.json()
    response = client.post(URL, '{"text": "\\u0000\\u8d4c"}', content_type="application/json")
    assert response.status_code == 400 and "text" in response.json()
    response = client.post(URL, '{"text": "\\u0007\\u8d4c\\u200b\\u535a"}', content_type="application/json")
    assert response.status_code == 200 and response.json()["hits"][0]["end"] == 4


def test_admin_bulk_delete_bumps_the_version_once(admin_client):
    entries = [word(text) for text in ("赌博", "博彩", "六合彩")]
    version = WordListVersion.objects.get().version
    response = admin_client.post(
        reverse("admin:publishing_sensitiveword_changelist"),
        {"action": "delete_selected", "_selected_action": [e.pk for e in entries], "post": "yes"},
    )
    assert response.status_code == 302
    assert not SensitiveWord.objects.exists()
    assert WordListVersion.objects.get().version == version + 1
    assert check("赌博博彩") == []


def test_batch_changes_bumps_once_and_nests():
    first = word("赌博")
    version = WordListVersion.objects.get().version
    with wordfilter.batch_changes():
        with wordfilter.batch_changes():
            word("博彩")
        first.delete()
        assert WordListVersion.objects.get().version == version
    assert WordListVersion.objects.get().version == version + 1
    assert [hit.word for hit in check("赌博彩")] == ["博彩"]
