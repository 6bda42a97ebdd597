"""Classified personnel (涉密人员) and secrecy education (保密教育): the business rules.

- 上岗: a person is 在岗 only with a passed 保密资格审查 and a signed 保密承诺书 (保守国家秘密法 2024:
  涉密人员上岗应当经过保密审查, 签订保密承诺书).
- 离岗: leaving starts the 脱密期 (its length by level, settings.SECRECY_DECLASSIFICATION_MONTHS),
  with a 离岗保密承诺书; at its end the secrecy office confirms the release (obligation
  ``secrecy.declassification_period``).
- 保密教育: every 在岗 classified person attends one a year (obligation ``secrecy.education``,
  created by the beat task, met when the year's sessions cover them all).

Refusals are ``ValidationError`` with the field they concern; each change is one transaction.
"""

import calendar
import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from szmz_security.obligations import services as obligations
from szmz_security.obligations.models import Obligation
from szmz_security.org.access import grant
from szmz_security.org.models import Department, display_name
from szmz_security.org.roles import DEPARTMENT_HEAD

from .models import ClassifiedPerson, SecrecyEducation

DECLASSIFICATION_KIND = "secrecy.declassification_period"
DECLASSIFICATION_CLAUSE = "保守国家秘密法 涉密人员脱密期管理；局保密制度 第六条"
EDUCATION_KIND = "secrecy.education"
EDUCATION_CLAUSE = "局保密制度 第四条、第五条、第六条（保密教育）"

Status = ClassifiedPerson.Status
# The states a record takes on its form; 脱密期 and 已脱密 only through leave_post / confirm_release.
ENTRY_STATUSES = (Status.PENDING, Status.ON_POST)


def end_of_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def add_months(day, months):
    """``day`` plus whole months (the 31st becomes the month's last day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def secrecy_department():
    return Department.objects.filter(code=settings.SECRECY_OFFICE_DEPARTMENT).first()


def department_heads(department):
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=DEPARTMENT_HEAD.name)
        .filter(groups=department.group)
        .distinct()
    )


# --- the roster ------------------------------------------------------------------------------------


def clean_person(person):
    """The rule of a record entered on its form (nothing is saved when it refuses)."""
    errors = {}
    if person.review_result and not person.reviewed_on:
        errors["reviewed_on"] = "请填写保密资格审查日期。"
    if person.reviewed_on and not person.review_result:
        errors["review_result"] = "请选择保密资格审查结论。"
    if person.review_result and person.reviewer_id is None:
        errors["reviewer"] = "请选择审查人。"
    if (
        person.commitment_signed_on
        and person.reviewed_on
        and person.commitment_signed_on < person.reviewed_on
    ):
        errors["commitment_signed_on"] = "保密承诺书应在保密资格审查之后签订。"
    if person.status == Status.ON_POST:
        if person.review_result != ClassifiedPerson.ReviewResult.PASSED:
            errors.setdefault("review_result", "未通过保密资格审查的人员不能在涉密岗位上岗。")
        if not person.commitment_signed_on:
            errors.setdefault("commitment_signed_on", "未签订保密承诺书的人员不能在涉密岗位上岗。")
    others = ClassifiedPerson.objects.filter(person_id=person.person_id).exclude(status=Status.RELEASED)
    if person.pk:
        others = others.exclude(pk=person.pk)
    if person.person_id and others.exists():
        errors["person"] = "该人员已在涉密人员名册中（未脱密），请修改原记录。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_person(person):
    """Create or correct a roster entry; a new one is readable by its department's heads."""
    creating = person.pk is None
    stored_status = (
        None
        if creating
        else ClassifiedPerson.objects.select_for_update().values_list("status", flat=True).get(pk=person.pk)
    )
    if person.status != stored_status and not {person.status, stored_status} <= {None, *ENTRY_STATUSES}:
        raise ValidationError(
            {"status": "登记时只能为“待上岗”或“在岗”；离岗和脱密由“办理离岗”“解除脱密期管理”办理。"}
        )
    clean_person(person)
    person._change_reason = "登记涉密人员" if creating else "修改"
    person.save()
    if creating:
        for head in department_heads(person.department):
            grant("view", head, person)
    return person


def declassification_end(level, left_on):
    return add_months(left_on, settings.SECRECY_DECLASSIFICATION_MONTHS[level])


@transaction.atomic
def leave_post(person, *, left_post_on, leaving_commitment_signed_on, by, note=""):
    """离岗离职: the 脱密期 starts; its end date comes from the level, and the secrecy office is
    to confirm the release then (an obligation)."""
    person = ClassifiedPerson.objects.select_for_update().get(pk=person.pk)
    if person.status != Status.ON_POST:
        raise ValidationError(
            {"left_post_on": f"该人员当前为“{person.get_status_display()}”，只有在岗人员可以办理离岗。"}
        )
    today = timezone.localdate()
    errors = {}
    if left_post_on > today:
        errors["left_post_on"] = "离岗日期不能晚于今天。"
    elif person.commitment_signed_on and left_post_on < person.commitment_signed_on:
        errors["left_post_on"] = "离岗日期不能早于上岗时签订保密承诺书的日期。"
    if not leaving_commitment_signed_on:
        errors["leaving_commitment_signed_on"] = "离岗前须签订离岗保密承诺书。"
    elif leaving_commitment_signed_on > today:
        errors["leaving_commitment_signed_on"] = "签订日期不能晚于今天。"
    if errors:
        raise ValidationError(errors)
    end = declassification_end(person.level, left_post_on)
    person.status = Status.DECLASSIFYING
    person.left_post_on = left_post_on
    person.leaving_commitment_signed_on = leaving_commitment_signed_on
    person.declassification_ends_on = end
    if note:
        person.note = note[:300]
    person.declassification_obligation = obligations.create_obligation(
        title=f"确认{display_name(person.person)}脱密期届满并解除脱密期管理",
        kind=DECLASSIFICATION_KIND,
        clause=DECLASSIFICATION_CLAUSE,
        due_at=end_of_day(end + datetime.timedelta(days=settings.SECRECY_RELEASE_CONFIRM_DAYS)),
        department=person.department,
        subject=person,
        notify_roles=("secrecy_office",),
        escalate_roles=("leadership",),
    )
    person._change_reason = f"离岗，进入脱密期（至 {end:%Y-%m-%d}）"
    person.save()
    return person


@transaction.atomic
def confirm_release(person, *, by, released_on=None, note=""):
    """The 脱密期 has ended: the person is released (已脱密); the obligation is met."""
    person = ClassifiedPerson.objects.select_for_update().get(pk=person.pk)
    released_on = released_on or timezone.localdate()
    if person.status != Status.DECLASSIFYING:
        raise ValidationError({"released_on": "该人员不在脱密期，无需解除。"})
    if released_on > timezone.localdate():
        raise ValidationError({"released_on": "解除日期不能晚于今天。"})
    if released_on < person.declassification_ends_on:
        raise ValidationError(
            {
                "released_on": f"脱密期至 {person.declassification_ends_on:%Y-%m-%d} 届满，届满前不能解除脱密期管理。"
            }
        )
    person.status = Status.RELEASED
    person.released_on = released_on
    person._change_reason = "脱密期届满，解除脱密期管理"
    person.save()
    obligation = person.declassification_obligation
    if obligation is not None and obligation.is_open:
        obligations.meet(
            obligation,
            by=by,
            evidence=f"{released_on:%Y-%m-%d} 确认脱密期届满，解除脱密期管理。{note}".strip(),
            at=min(end_of_day(released_on), timezone.now()),
        )
    return person


# --- secrecy education ----------------------------------------------------------------------------


def education_due_at(year):
    month, day = (int(part) for part in settings.SECRECY_EDUCATION_DUE.split("-"))
    return end_of_day(datetime.date(year, month, day))


def education_obligation(year):
    return Obligation.objects.filter(kind=EDUCATION_KIND, due_at__year=year).order_by("pk").first()


@transaction.atomic
def ensure_yearly_education(today=None):
    """This year's 保密教育 obligation of the secrecy office, created once; then checked."""
    today = today or timezone.localdate()
    department = secrecy_department()
    if department is None:
        return None
    # One row per year: serialise concurrent runs on the department row.
    Department.objects.select_for_update().filter(pk=department.pk).first()
    obligation = education_obligation(today.year)
    if obligation is None:
        obligation = obligations.create_obligation(
            title=f"{today.year}年度涉密人员保密教育（在岗涉密人员全员参加）",
            kind=EDUCATION_KIND,
            clause=EDUCATION_CLAUSE,
            due_at=education_due_at(today.year),
            department=department,
            notify_roles=("secrecy_office",),
            escalate_roles=("leadership",),
        )
    check_education(today.year)
    return obligation


def education_missing(year):
    """The 在岗 classified people who attended no 保密教育 in ``year``."""
    attended = SecrecyEducation.attendees.through.objects.filter(secrecyeducation__held_on__year=year).values(
        "user_id"
    )
    return ClassifiedPerson.objects.filter(status=Status.ON_POST).exclude(person_id__in=attended)


@transaction.atomic
def check_education(year, by=None):
    """Meet the year's obligation once there was a session and every 在岗 person attended one."""
    obligation = education_obligation(year)
    if obligation is None or not obligation.is_open:
        return obligation
    sessions = SecrecyEducation.objects.filter(held_on__year=year)
    if not sessions.exists() or education_missing(year).exists():
        return obligation
    last = sessions.order_by("-held_on").first()
    on_post = ClassifiedPerson.objects.filter(status=Status.ON_POST).count()
    return obligations.meet(
        obligation,
        by=by,
        evidence=f"{year}年度保密教育 {sessions.count()} 次，在岗涉密人员 {on_post} 人均已参加（最近一次 {last}）。",
        at=min(end_of_day(last.held_on), timezone.now()),
    )


def clean_education(education):
    if education.held_on and education.held_on > timezone.localdate():
        raise ValidationError({"held_on": "教育日期不能晚于今天。"})


@transaction.atomic
def save_education(form, by=None):
    """Create or correct a session with its attendees (a ModelForm), then check its year."""
    education = form.save(commit=False)
    clean_education(education)
    creating = education.pk is None
    education._change_reason = "登记保密教育" if creating else "修改"
    education.save()
    form.save_m2m()
    check_education(education.held_on.year, by=by)
    return education
