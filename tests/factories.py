"""factory-boy factories shared by the whole suite."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from incidents.models import Incident
from szmz_security.obligations.models import Obligation
from szmz_security.org.models import Department, StaffProfile
from szmz_security.org.roles import ROLES_BY_CODE

PASSWORD = "Correct-Horse-2026"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"测试处{n:03d}")


class UserFactory(factory.django.DjangoModelFactory):
    """``UserFactory(roles=["security_officer"], departments=[dept])``"""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@szmz.example")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def profile(self, create, extracted, **kwargs):
        if create:
            StaffProfile.objects.get_or_create(
                user=self, defaults={"full_name": extracted or f"姓名{self.pk}"}
            )
            self.save()

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=[ROLES_BY_CODE[code].name for code in extracted]))

    @factory.post_generation
    def departments(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[department.group for department in extracted])


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    title = factory.Sequence(lambda n: f"安全事件{n}")
    description = "测试描述"
    # A valid incident as the service would file it: type 其他事件, no sub-type.
    category = "other"
    department = factory.SubFactory(DepartmentFactory)
    reported_by = factory.SubFactory(UserFactory)
    discovered_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


class ObligationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Obligation

    title = factory.Sequence(lambda n: f"义务{n}")
    kind = "test.obligation"
    clause = "市民政局制度 第三章第4条"
    department = factory.SubFactory(DepartmentFactory)
    created_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyAttribute(lambda ob: ob.created_at + timedelta(hours=24))
    notify_roles = factory.LazyFunction(lambda: ["security_officer"])
    escalate_roles = factory.LazyFunction(lambda: ["leadership"])
