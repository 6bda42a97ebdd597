"""The registry keeps the URLs and names of pages declared after they had them (issue #17)."""

from django.urls import get_resolver, reverse

from publishing.models import BoardMessage, HarmfulContentReport
from szmz_security.core.registry import declaration


def test_a_view_marked_with_an_empty_path_is_the_prefix_itself():
    get_resolver().url_patterns  # noqa: B018 - apps declare their models when their views load
    routes = [str(pattern.pattern) for pattern in declaration(BoardMessage).urlpatterns()]
    assert routes == ["board/", "board/archive/", "board/<int:pk>/review/"]
    assert reverse("publishing:board") == "/board/"


def test_a_marked_view_keeps_its_older_url_name_for_a_generic_action_too():
    get_resolver().url_patterns  # noqa: B018
    assert declaration(HarmfulContentReport).url_names == {"list": "publishing:report_list"}
    assert reverse("publishing:report_list") == "/publications/reports/"
    assert reverse("publishing:board_review", args=[7]) == "/board/7/review/"
