"""The access contract on every department-scoped model declared to the registry.

A model with a contract written in its app's tests (``tests/<app>/test_*access*.py``) is covered by
it; every other declared department-scoped model gets one generated here from its factory, so a new
model is covered by declaring it. A declared model without a factory fails here with the reason.
"""

import importlib
import pkgutil

import factory
import pytest
from django.urls import get_resolver

import tests
from szmz_security.core import registry
from szmz_security.org.roles import ROLES, ROLES_BY_CODE, permission_matches
from tests.access import AccessContract
from tests.factories import DepartmentFactory

# Load every hand-written contract (as modules: their classes are collected where they are written).
for module in pkgutil.walk_packages(tests.__path__, "tests."):
    leaf = module.name.rsplit(".", 1)[-1]
    if leaf.startswith("test_") and "access" in leaf and module.name != __name__:
        importlib.import_module(module.name)


def contracts():
    found, pending = [], list(AccessContract.__subclasses__())
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def factory_for(model):
    """The factory-boy factory of ``model`` in tests/factories.py or tests/<app>/factories.py."""
    for name in ("tests.factories", f"tests.{model._meta.app_label}.factories"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, factory.django.DjangoModelFactory)
                and value._meta.model is model
            ):
                return value
    return None


def scoped_declarations():
    get_resolver().url_patterns  # noqa: B018 - apps declare their models when their views load
    return [d for d in registry.declarations() if d.department_scoped and "list" in d.url_names]


class GeneratedContract(AccessContract):
    """A contract from the declaration alone: the factory makes the record; a model without a
    need-to-know marking gets a record of a third department as its "restricted" record, which
    the department's members must not see either."""

    factory_class = None

    def make_record(self, department, restricted=False):
        if restricted and self.model.restricted_field:
            return self.factory_class(department=department, **{self.model.restricted_field: True})
        return self.factory_class(department=department)

    @pytest.fixture
    def restricted_record(self, department, db):
        if self.model.restricted_field:
            record = self.make_record(department, restricted=True)
            assert record.is_restricted()
            return record
        return self.make_record(DepartmentFactory(code="MZJ3", name="第三处室"))


def holds(role, model, action):
    return permission_matches(role, model._meta.app_label, f"{action}_{model._meta.model_name}")


def roles_for(model):
    """The role whose global view permission covers every record of the model (security officers
    where they have it), and a role that views all but changes none (inspectors), if any."""
    viewers = [role.code for role in ROLES if holds(role, model, "view") and "*" not in role.permissions]
    global_role = "security_officer" if "security_officer" in viewers else viewers[0]
    inspector = ROLES_BY_CODE["inspector"]
    read_only = (
        "inspector" if holds(inspector, model, "view") and not holds(inspector, model, "change") else None
    )
    return global_role, read_only


covered = {cls.model for cls in contracts() if cls.model is not None}
for declaration in scoped_declarations():
    model = declaration.model
    if model in covered:
        continue
    global_role, read_only_role = roles_for(model)
    globals()[f"Test{model.__name__}AccessFromRegistry"] = type(
        f"Test{model.__name__}AccessFromRegistry",
        (GeneratedContract,),
        {
            "model": model,
            "factory_class": factory_for(model),
            "global_role": global_role,
            "read_only_role": read_only_role,
            "__module__": __name__,
        },
    )


@pytest.mark.parametrize("declaration", scoped_declarations(), ids=lambda d: d.model._meta.label)
def test_every_declared_department_scoped_model_has_a_contract(declaration):
    model = declaration.model
    if model in covered:
        return
    assert factory_for(model) is not None, (
        f"{model._meta.label} is declared but has no factory: add one to tests/{model._meta.app_label}/"
        "factories.py so the generated access contract can make its records"
    )
