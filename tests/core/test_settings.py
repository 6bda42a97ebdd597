"""Production settings: ``manage.py check --deploy`` is clean, and a missing SECRET_KEY stops the
portal with a clear message (DESIGN.md "Runtime")."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
SETTINGS_SOURCE = (BASE_DIR / "szmz_security" / "settings.py").read_text(encoding="utf-8")
# Every variable the settings read, so that none leaks in from the shell running the tests.
PROJECT_VARIABLES = set(re.findall(r'env(?:\.\w+)?\(\s*f?"([A-Z_]+)', SETTINGS_SOURCE)) | {"SECRET_KEY"}


def production_env(tmp_path, **overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in PROJECT_VARIABLES and not key.startswith(("AUDIT_RETENTION_DAYS", "SECURE_"))
    }
    env.update(
        DEBUG="False",
        ALLOWED_HOSTS="portal.szmz.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
        VAR_DIR=str(tmp_path / "var"),
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def check_deploy(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_project_variables_were_found():
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "VAR_DIR"} <= PROJECT_VARIABLES


def test_check_deploy_is_clean_in_production(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "inherited-from-the-shell")  # must not reach the subprocess
    env = production_env(tmp_path, SECRET_KEY=secrets.token_hex(32))
    assert len(env["SECRET_KEY"]) == 64
    # As after the image's collectstatic (a missing manifest is an error: tests/core/test_faults.py).
    manifest = tmp_path / "var" / "staticfiles" / "staticfiles.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text('{"paths": {}, "version": "1.1"}')
    result = check_deploy(env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in output
    assert not re.search(r"\(security\.W\d+\)", output)


def test_without_secret_key_the_portal_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))  # a key in the shell must not rescue it
    env = production_env(tmp_path)
    assert "SECRET_KEY" not in env
    result = check_deploy(env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "未设置 SECRET_KEY：生产环境（DEBUG=False）必须通过环境变量提供 SECRET_KEY。" in result.stderr


@pytest.mark.parametrize(
    "overrides, warning",
    [
        ({"SECRET_KEY": "short-key"}, "security.W009"),
        ({"SECRET_KEY": secrets.token_hex(32), "SECURE_HSTS_SECONDS": "0"}, "security.W004"),
    ],
    ids=["weak-secret-key", "no-hsts"],
)
def test_check_deploy_fails_on_an_insecure_production_setting(tmp_path, overrides, warning):
    result = check_deploy(production_env(tmp_path, **overrides))
    assert result.returncode != 0
    assert warning in result.stdout + result.stderr
