"""The publication chain (10 §1): order, refusals, major path, return/resubmit, reject, versions,
the filter on submission and before publication, access per department."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from publishing.models import ApprovalStep, Publication
from publishing.publications import services
from tests.factories import UserFactory

from .conftest import BLOCKED, REVIEWED

State = Publication.State
pytestmark = pytest.mark.django_db


def run_chain(publication, staff, head, info_officer, leader=None):
    services.submit(publication, by=staff)
    services.approve(publication, by=head, comment="同意发布")
    publication = services.approve(publication, by=info_officer, comment="审核通过")
    if publication.is_major:
        publication = services.approve(publication, by=leader, comment="同意")
    return services.publish(publication, by=info_officer)


def test_ordinary_item_passes_head_and_information_officer(
    words, make_publication, staff, head, info_officer
):
    publication = make_publication()
    publication = services.submit(publication, by=staff, comment="请审批")
    assert publication.state == State.HEAD_REVIEW
    publication = services.approve(publication, by=head, comment="同意")
    assert publication.state == State.INFO_REVIEW
    publication = services.approve(publication, by=info_officer)
    assert publication.state == State.READY  # not major: no leadership step
    publication = services.publish(publication, by=info_officer)
    assert publication.state == State.PUBLISHED
    assert publication.published_by == info_officer and publication.published_at
    steps = list(publication.steps.values_list("action", "from_state", "to_state", "user__username"))
    assert steps == [
        ("submit", "draft", "head_review", "staff"),
        ("approve", "head_review", "info_review", "head"),
        ("approve", "info_review", "ready", "info"),
        ("publish", "ready", "published", "info"),
    ]
    assert all(step.comment for step in publication.steps.all())


def test_major_item_needs_leadership(words, make_publication, staff, head, info_officer, leader):
    publication = make_publication(is_major=True)
    services.submit(publication, by=staff)
    services.approve(publication, by=head)
    publication = services.approve(publication, by=info_officer)
    assert publication.state == State.LEADER_REVIEW
    with pytest.raises(ValidationError):
        services.publish(publication, by=info_officer)  # no skipping leadership
    with pytest.raises(PermissionDenied, match="局领导"):
        services.approve(publication, by=info_officer)  # 信息员 does not hold the leadership permission
    with pytest.raises(PermissionDenied, match="局领导"):
        services.approve(publication, by=head)
    publication = services.approve(publication, by=leader, comment="同意")
    assert publication.state == State.READY
    assert services.publish(publication, by=info_officer).state == State.PUBLISHED


def test_refusals_self_approval_wrong_person_and_skipping(
    words, make_publication, staff, head, info_officer, outsider, other_department
):
    own = make_publication(author=head)
    services.submit(own, by=head)
    with pytest.raises(PermissionDenied, match="不能审批本人起草的信息"):
        services.approve(own, by=head)

    publication = make_publication()
    with pytest.raises(ValidationError):
        services.approve(publication, by=head)  # a draft is not in review
    services.submit(publication, by=staff)
    with pytest.raises(PermissionDenied, match="处室负责人"):
        services.approve(publication, by=info_officer)  # skipping the head
    with pytest.raises(PermissionDenied):
        services.approve(publication, by=outsider)
    other_head = UserFactory(username="other-head", roles=["department_head"], departments=[other_department])
    with pytest.raises(PermissionDenied):
        services.approve(publication, by=other_head)  # head of another department
    with pytest.raises(ValidationError, match="不能执行"):
        services.approve(publication, by=head, expected_state=State.INFO_REVIEW)
    with pytest.raises(ValidationError, match="审批未完成"):
        services.publish(publication, by=info_officer)
    assert Publication.objects.get(pk=publication.pk).state == State.HEAD_REVIEW

    # The information officer who wrote an item cannot review it either.
    own_info = make_publication(author=info_officer)
    services.submit(own_info, by=info_officer)
    services.approve(own_info, by=head)
    with pytest.raises(PermissionDenied, match="本人"):
        services.approve(own_info, by=info_officer)


def test_return_and_resubmit_is_a_new_pass(words, make_publication, staff, head, info_officer):
    publication = make_publication()
    services.submit(publication, by=staff)
    services.approve(publication, by=head)
    with pytest.raises(ValidationError, match="退回修改须填写意见"):
        services.return_for_changes(publication, by=info_officer, comment=" ")
    publication = services.return_for_changes(publication, by=info_officer, comment="请补充联系电话")
    assert publication.state == State.RETURNED
    publication.body += "联系电话：88123456。"
    services.update_publication(publication, by=staff)
    publication = services.submit(publication, by=staff)
    assert publication.state == State.HEAD_REVIEW  # back to the start of the chain
    services.approve(publication, by=head)
    assert services.approve(publication, by=info_officer).state == State.READY


def test_reject_is_final(words, make_publication, staff, head):
    publication = make_publication()
    services.submit(publication, by=staff)
    with pytest.raises(ValidationError, match="否决须填写意见"):
        services.reject(publication, by=head, comment="")
    publication = services.reject(publication, by=head, comment="不宜公开")
    assert publication.state == State.REJECTED
    with pytest.raises(ValidationError):
        services.submit(publication, by=staff)
    with pytest.raises(PermissionDenied):
        services.check_editable(staff, publication)


def test_published_is_frozen_and_new_version_starts_as_draft(
    words, make_publication, staff, head, info_officer, client
):
    publication = run_chain(make_publication(), staff, head, info_officer)
    client.force_login(staff)
    response = client.get(reverse("publishing:publication_edit", args=[publication.pk]))
    assert response.status_code == 403
    assert "已发布的信息不能修改" in response.content.decode()
    response = client.post(
        reverse("publishing:publication_edit", args=[publication.pk]),
        {"title": "改", "body": "改", "department": publication.department_id, "channel": "portal"},
    )
    assert response.status_code == 403
    assert Publication.objects.get(pk=publication.pk).title != "改"

    response = client.post(reverse("publishing:publication_new_version", args=[publication.pk]))
    draft = Publication.objects.get(previous_version=publication)
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    assert (draft.version, draft.state, draft.author) == (2, State.DRAFT, staff)
    with pytest.raises(ValidationError):
        services.new_version(publication, by=staff)  # one next version only


def test_blocked_word_on_submit_keeps_draft_and_highlights(words, make_publication, staff, client):
    publication = make_publication(body=f"欢迎访问<b>{BLOCKED[:2]} {BLOCKED[2:]}</b>，注册即送。")
    client.force_login(staff)
    response = client.post(
        reverse("publishing:publication_decide", args=[publication.pk]), {"action": "submit", "comment": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "禁止发布的敏感词" in html
    # Hit words highlighted in place, the rest of the text escaped.
    assert (
        f'&lt;b&gt;<mark class="filter-hit filter-block" data-level="block" title="gambling">{BLOCKED[:2]} {BLOCKED[2:]}</mark>&lt;/b&gt;'
        in html
    )  # noqa: E501
    assert Publication.objects.get(pk=publication.pk).state == State.DRAFT
    assert not ApprovalStep.objects.exists()


def test_filter_runs_again_before_publication(words, make_publication, staff, head, info_officer):
    from publishing import wordfilter
    from publishing.models import SensitiveWord

    publication = make_publication(body="本周将开展扫黑除恶专项宣传。")
    services.submit(publication, by=staff)
    services.approve(publication, by=head)
    services.approve(publication, by=info_officer)
    wordfilter.add_words([{"word": "扫黑除恶专项", "category": "politics", "level": "block"}])
    assert SensitiveWord.objects.filter(word="扫黑除恶专项").exists()
    with pytest.raises(services.FilterBlocked) as caught:
        services.publish(publication, by=info_officer)
    assert caught.value.hits[0]["word"] == "扫黑除恶专项"
    assert Publication.objects.get(pk=publication.pk).state == State.READY


def test_review_level_hit_needs_override(words, make_publication, staff, head, info_officer, client):
    publication = make_publication(body=f"本处可{REVIEWED}，请联系。")
    services.submit(publication, by=staff)
    services.approve(publication, by=head)
    with pytest.raises(ValidationError, match="须由信息员确认放行"):
        services.approve(publication, by=info_officer)
    with pytest.raises(ValidationError, match="放行须填写意见"):
        services.override_filter(publication, by=info_officer, comment="")
    with pytest.raises(PermissionDenied):
        services.override_filter(publication, by=head, comment="可以")
    client.force_login(info_officer)
    url = reverse("publishing:publication_decide", args=[publication.pk])
    response = client.get(reverse("publishing:publication", args=[publication.pk]))
    assert "放行审核级敏感词</button>" in response.content.decode()
    response = client.post(url, {"action": "override", "comment": "系财政局正式业务用语，可以发布"})
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.filter_override
    step = publication.steps.get(action=ApprovalStep.Action.OVERRIDE)
    assert step.user == info_officer and step.filter_hits[0]["word"] == REVIEWED
    response = client.post(url, {"action": "approve", "expected_state": "info_review"})
    assert response.status_code == 302
    assert services.publish(publication, by=info_officer).state == State.PUBLISHED


def test_views_answer_403_and_400_with_chinese_messages(words, make_publication, staff, head, client):
    publication = make_publication()
    services.submit(publication, by=staff)
    url = reverse("publishing:publication_decide", args=[publication.pk])
    client.force_login(staff)
    response = client.post(url, {"action": "approve", "expected_state": "head_review"})
    assert response.status_code == 403
    client.force_login(head)
    response = client.post(url, {"action": "return", "comment": "", "expected_state": "head_review"})
    assert response.status_code == 400
    assert "退回修改须填写意见" in response.content.decode()
    response = client.post(url, {"action": "approve", "expected_state": "info_review"})
    assert response.status_code == 400
    assert "不能执行" in response.content.decode()


def test_access_per_department(words, make_publication, staff, outsider, info_officer, leader, client):
    publication = make_publication(title="社会救助处的通知")
    client.force_login(outsider)
    assert client.get(publication.get_absolute_url()).status_code == 404
    assert client.get(reverse("publishing:publication_history", args=[publication.pk])).status_code == 404
    response = client.get(reverse("publishing:publication_list"))
    assert "社会救助处的通知" not in response.content.decode()
    response = client.get(reverse("publishing:publication_list") + "?export=csv")
    assert "社会救助处的通知" not in b"".join(response.streaming_content).decode()
    for user in (staff, info_officer, leader):
        client.force_login(user)
        assert client.get(publication.get_absolute_url()).status_code == 200
        assert "社会救助处的通知" in client.get(reverse("publishing:publication_list")).content.decode()


def test_pending_list_shows_what_waits_for_me(words, make_publication, staff, head, info_officer, client):
    waiting = make_publication(title="等待负责人")
    services.submit(waiting, by=staff)
    make_publication(title="仍是草稿")
    client.force_login(head)
    html = client.get(reverse("publishing:publication_pending")).content.decode()
    assert "等待负责人" in html and "仍是草稿" not in html
    client.force_login(info_officer)
    assert "等待负责人" not in client.get(reverse("publishing:publication_pending")).content.decode()
    html = client.get(reverse("publishing:publication_list") + "?pending=true").content.decode()
    assert "等待负责人" not in html


def test_create_draft_through_the_form(words, staff, department, other_department, client):
    client.force_login(staff)
    response = client.get(reverse("publishing:publication_add"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "社会救助处" in html and "养老服务处" not in html
    response = client.post(
        reverse("publishing:publication_add"),
        {"title": "新通知", "body": "正文", "department": department.pk, "channel": "wechat"},
    )
    publication = Publication.objects.get(title="新通知")
    assert response.status_code == 302
    assert (publication.author, publication.state, publication.channel) == (staff, State.DRAFT, "wechat")
    response = client.post(
        reverse("publishing:publication_add"),
        {"title": "他处通知", "body": "正文", "department": other_department.pk, "channel": "portal"},
    )
    assert response.status_code == 200 and not Publication.objects.filter(title="他处通知").exists()


def test_csv_export_and_history_tab(words, make_publication, staff, head, client):
    publication = make_publication(title="导出测试")
    services.submit(publication, by=staff)
    client.force_login(head)
    response = client.get(reverse("publishing:publication_list") + "?export=csv")
    content = b"".join(response.streaming_content).decode()
    assert "导出测试" in content and "处室负责人审批" in content
    response = client.get(reverse("publishing:publication_history", args=[publication.pk]))
    assert response.status_code == 200
    assert "提交审批" in response.content.decode()


def list_queries(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("publishing:publication_list"))
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_is_constant(words, make_publication, staff, info_officer, client):
    for _ in range(3):
        make_publication()
    few = list_queries(client, staff), list_queries(client, info_officer)
    for _ in range(27):
        make_publication()
    many = list_queries(client, staff), list_queries(client, info_officer)
    assert few == many


def test_detail_page_shows_timeline(words, make_publication, staff, head, client):
    publication = make_publication()
    services.submit(publication, by=staff, comment="请审批")
    services.approve(publication, by=head, comment="同意，转信息员")
    client.force_login(staff)
    html = client.get(publication.get_absolute_url()).content.decode()
    assert re.search(r'data-testid="steps"', html)
    assert "同意，转信息员" in html and "请审批" in html


def test_attachments_are_uploaded_and_served_through_the_access_rule(
    words, staff, outsider, department, client, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(staff)
    response = client.post(
        reverse("publishing:publication_add"),
        {
            "title": "带附件的通知",
            "body": "正文",
            "department": department.pk,
            "channel": "portal",
            "attachments": [SimpleUploadedFile("通知.pdf", b"%PDF-1.4 test")],
        },
    )
    assert response.status_code == 302
    publication = Publication.objects.get(title="带附件的通知")
    attachment = publication.attachments.get()
    assert (attachment.original_name, attachment.size, attachment.uploaded_by) == ("通知.pdf", 13, staff)
    url = reverse("publishing:publication_attachment", args=[publication.pk, attachment.pk])
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 test"
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_dashboard_shows_the_publishing_cards(words, make_publication, staff, head, client):
    services.submit(make_publication(), by=staff)
    client.force_login(head)
    html = client.get("/").content.decode()
    assert "信息发布" in html and "待我审批的信息" in html
