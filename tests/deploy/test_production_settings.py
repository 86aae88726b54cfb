"""Production settings as a county deploys them: `gongkai check --deploy` has nothing to say, and
a missing or weak ALLOWED_HOSTS/SECRET_KEY is refused with one line naming the variable, in
English and Chinese, without a traceback (issue 12)."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from tests.deploy.test_serve import _env, _run


def _deployment(var_dir: Path, **extra: str) -> dict[str, str]:
    """What docs/deploy/README.md tells a county to set."""
    settings = {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "gongkai.example.gov.cn",
        "CSRF_TRUSTED_ORIGINS": "https://gongkai.example.gov.cn",
        "GONGKAI_SITE_URL": "https://gongkai.example.gov.cn/",
    }
    return _env(var_dir, **{**settings, **extra})


def test_check_deploy_is_clean(tmp_path: Path) -> None:
    result = _run(_deployment(tmp_path), "check", "--deploy")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_check_deploy_is_clean_with_a_rotated_key(tmp_path: Path) -> None:
    env = _deployment(tmp_path, SECRET_KEY_FALLBACKS=secrets.token_urlsafe(48))
    result = _run(env, "check", "--deploy")
    assert result.returncode == 0 and "WARNING" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("change", "variable", "chinese"),
    [
        ({"ALLOWED_HOSTS": ""}, "set ALLOWED_HOSTS", "请把环境变量 ALLOWED_HOSTS 设为网站的域名"),
        ({"SECRET_KEY": ""}, "set SECRET_KEY", "请把环境变量 SECRET_KEY 设为至少 50 个字符"),
        ({"SECRET_KEY": "short-but-random-9f3k2"}, "set SECRET_KEY", "SECRET_KEY"),
        ({"SECRET_KEY": "s" * 60}, "set SECRET_KEY", "SECRET_KEY"),
        ({"SECRET_KEY_FALLBACKS": "old"}, "SECRET_KEY_FALLBACKS", "SECRET_KEY_FALLBACKS"),
        ({"DEBUG": "1"}, "DEBUG must be off", "DEBUG=0"),
    ],
)
def test_production_names_the_missing_variable(
    tmp_path: Path, change: dict[str, str], variable: str, chinese: str
) -> None:
    result = _run(_deployment(tmp_path, **change), "check", "--deploy")
    assert result.returncode != 0
    message = result.stderr.strip()
    assert variable in message and chinese in message
    assert "Traceback" not in result.stderr
