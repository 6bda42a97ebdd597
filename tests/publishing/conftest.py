import pytest
from django.core.cache import cache

from publishing import wordfilter
from publishing.models import Publication
from tests.factories import DepartmentFactory, UserFactory

BLOCKED = "赌博网站"
REVIEWED = "代开发票"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    wordfilter.reset_local_cache()
    yield
    cache.clear()
    wordfilter.reset_local_cache()


@pytest.fixture
def words(db):
    wordfilter.add_words(
        [
            {"word": BLOCKED, "category": "gambling", "level": "block"},
            {"word": REVIEWED, "category": "advertising", "level": "review"},
        ]
    )


@pytest.fixture
def info_centre(db):
    return DepartmentFactory(code="XXZX", name="信息中心")


@pytest.fixture
def info_officer(info_centre):
    return UserFactory(username="info", roles=["information_officer", "staff"], departments=[info_centre])


@pytest.fixture
def make_publication(department, staff):
    def make(**kwargs):
        values = {
            "title": "关于开展养老服务补贴申请的通知",
            "body": "各位市民：现将有关事项通知如下。",
            "department": department,
            "author": staff,
        }
        values.update(kwargs)
        return Publication.objects.create(**values)

    return make
