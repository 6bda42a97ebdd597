import textwrap

import pytest

from szmz_security.compliance.loader import load_frameworks
from szmz_security.compliance.models import Framework


@pytest.fixture
def make_framework(tmp_path, db):
    """Load a small framework from TOML clause definitions, for testing the evidence rules on
    stable core models; returns the Framework."""

    def make(clauses, code="test-fw", version="1"):
        directory = tmp_path / code
        directory.mkdir(exist_ok=True)
        head = textwrap.dedent(
            f"""
            [framework]
            code = "{code}"
            name = "测试框架"
            short_name = "测试"
            version = "{version}"
            source = "测试"

            [[chapters]]
            code = "1"
            label = "第一章"
            title = "测试章"
            """
        )
        (directory / f"{code}.toml").write_text(head + textwrap.dedent(clauses), encoding="utf-8")
        load_frameworks(directory)
        return Framework.objects.get(code=code)

    return make
