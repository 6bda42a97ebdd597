"""The public message board (10 §2): filtered before display, held messages archived with hits."""

import pytest
from django.urls import reverse

from publishing.models import BoardMessage

from .conftest import BLOCKED, REVIEWED

pytestmark = pytest.mark.django_db
BOARD = "/board/"
Status = BoardMessage.Status


def post(client, text, name="张先生", contact="13800000000", ip="10.1.2.3"):
    return client.post(BOARD, {"name": name, "contact": contact, "text": text}, REMOTE_ADDR=ip)


def test_board_url_is_public(client):
    assert reverse("publishing:board") == BOARD
    response = client.get(BOARD)
    assert response.status_code == 200
    assert "我要留言" in response.content.decode()


def test_messages_are_filtered_before_display(words, client):
    assert post(client, "建议增加养老服务点。").status_code == 302
    assert post(client, f"欢迎访问{BLOCKED[:2]}\u200b{BLOCKED[2:]}").status_code == 302
    assert post(client, f"可{REVIEWED}，价格优惠").status_code == 302
    shown, held, review = BoardMessage.objects.order_by("pk")
    assert (shown.status, held.status, review.status) == (Status.SHOWN, Status.HELD, Status.REVIEW)
    assert held.filter_hits[0]["word"] == BLOCKED and held.filter_hits[0]["level"] == "block"
    assert held.ip_address == "10.1.2.3"
    html = client.get(BOARD).content.decode()
    assert "建议增加养老服务点" in html
    assert BLOCKED[:2] not in html and REVIEWED not in html


def test_invalid_message_shows_errors(client):
    response = client.post(BOARD, {"name": "", "text": ""})
    assert response.status_code == 400
    assert not BoardMessage.objects.exists()


def test_rate_limit_per_address(words, client, settings):
    settings.PUBLISHING_BOARD_RATE = 2
    assert post(client, "一").status_code == 302
    assert post(client, "二").status_code == 302
    response = post(client, "三")
    assert response.status_code == 429
    assert "太频繁" in response.content.decode()
    assert post(client, "四", ip="10.9.9.9").status_code == 302  # another address is not limited
    assert BoardMessage.objects.count() == 3


def test_archive_shows_held_and_review_with_hits(words, client, staff, info_officer):
    post(client, "正常留言")
    post(client, f"<script>x</script>{BLOCKED}")
    post(client, f"{REVIEWED}找我")
    client.logout()
    assert client.get(reverse("publishing:board_archive")).status_code == 302  # login required
    client.force_login(staff)
    assert client.get(reverse("publishing:board_archive")).status_code == 403
    client.force_login(info_officer)
    html = client.get(reverse("publishing:board_archive")).content.decode()
    assert "正常留言" not in html
    assert '&lt;script&gt;x&lt;/script&gt;<mark class="filter-hit filter-block"' in html
    assert f'title="advertising">{REVIEWED}</mark>' in html
    html = client.get(reverse("publishing:board_archive") + "?status=held").content.decode()
    assert REVIEWED not in html


def test_information_officer_approves_review_message(words, client, staff, info_officer):
    post(client, f"{REVIEWED}找我")
    message = BoardMessage.objects.get()
    url = reverse("publishing:board_review", args=[message.pk])
    client.force_login(staff)
    client.post(url, {"decision": "show"})
    assert BoardMessage.objects.get().status == Status.REVIEW
    client.force_login(info_officer)
    assert client.post(url, {"decision": "show"}).status_code == 302
    message.refresh_from_db()
    assert message.status == Status.SHOWN and message.reviewed_by == info_officer and message.reviewed_at
    latest = message.history.first()
    assert latest.history_user == info_officer and latest.history_change_reason == "审核通过，予以显示"
    client.logout()
    assert REVIEWED in client.get(BOARD).content.decode()
    # A held message cannot be approved.
    post(client, BLOCKED, ip="10.0.0.8")
    held = BoardMessage.objects.get(status=Status.HELD)
    client.force_login(info_officer)
    client.post(reverse("publishing:board_review", args=[held.pk]), {"decision": "show"})
    assert BoardMessage.objects.get(pk=held.pk).status == Status.HELD


def test_board_paginates(client):
    BoardMessage.objects.bulk_create(
        [BoardMessage(name=f"市民{i}", text=f"留言{i}", status=Status.SHOWN) for i in range(25)]
    )
    html = client.get(BOARD).content.decode()
    assert html.count('data-testid="board-message"') == 20
    assert "第 1 / 2 页" in html


def test_a_harmful_name_is_held_too(words, client, info_officer):
    post(client, "请问办事时间？", name=f"{BLOCKED}客服")
    message = BoardMessage.objects.get()
    assert message.status == Status.HELD
    assert message.filter_hits[0]["field"] == "name"
    assert BLOCKED not in client.get(BOARD).content.decode()
    client.force_login(info_officer)
    html = client.get(reverse("publishing:board_archive")).content.decode()
    assert f'title="gambling">{BLOCKED}</mark>客服' in html
