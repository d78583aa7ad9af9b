"""The documented production settings pass `check --deploy`; the local ones stay on http."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys

from django.conf import settings

ENV_EXAMPLE = settings.BASE_DIR / ".env.example"
PRODUCTION_MARKER = "## Production"
# Settings the examples set; the test's own environment must not leak into them.
OWN_PREFIXES = ("SECURE_", "AXES_", "TRUSTED_", "DATABASE_", "ALLOWED_HOSTS", "CSRF_", "DEBUG")


def _example_blocks() -> tuple[dict[str, str], dict[str, str]]:
    """(local, production): the plain KEY=value lines above the production marker, and the
    commented-out #KEY=value lines below it."""
    local_text, _, production_text = ENV_EXAMPLE.read_text().partition(PRODUCTION_MARKER)
    local = dict(re.findall(r"^([A-Z_]+)=(.*)$", local_text, flags=re.MULTILINE))
    production = dict(re.findall(r"^#([A-Z_]+)=(.*)$", production_text, flags=re.MULTILINE))
    return local, production


def _check_deploy(values: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_PREFIXES)}
    # The browser tests set it for this process (Playwright's sync API); production never does.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(values)
    # The examples leave the key blank on purpose; a real one is long and random.
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_documents_a_production_block_that_turns_https_on():
    _, production = _example_blocks()
    assert production["DEBUG"] == "false"
    assert production["SECURE_SSL_REDIRECT"] == "true"
    assert production["SECURE_COOKIES"] == "true"
    assert int(production["SECURE_HSTS_SECONDS"]) >= 31536000
    assert production["SECURE_PROXY_SSL_HEADER"] == "HTTP_X_FORWARDED_PROTO,https"


def test_it_passes_check_deploy_with_the_production_settings_of_env_example():
    _, production = _example_blocks()
    result = _check_deploy(production)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output


def test_it_keeps_https_off_with_the_local_settings_so_make_run_serves_http():
    local, _ = _example_blocks()
    result = _check_deploy(local)
    output = result.stdout + result.stderr
    # The same check fails on exactly the HTTPS settings production turns on.
    assert result.returncode == 1
    found = set(re.findall(r"\(security\.(W\d+)\)", output))
    assert found == {"W004", "W008", "W012", "W016"}, output
