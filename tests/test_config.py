"""Configuration comes from the environment and bad values fail at start, naming the variable."""

import subprocess
import sys
from pathlib import Path

import pytest

from studio.config import DEV_SECRET_KEY, ConfigError, load

BASE = Path(__file__).resolve().parent.parent
STRONG_KEY = "Zq8-vR2_pL5wK9mN3xT7bY1cF6hJ4dS0gA-eU8iO2rW5tQ3zXy"  # 50 characters, many distinct


def test_defaults_are_the_embedded_development_setup(tmp_path):
    config = load({}, tmp_path)
    assert config.debug is True
    assert config.secret_key == DEV_SECRET_KEY
    assert config.database_url is None  # SQLite under var/
    assert config.celery_broker_url == "filesystem://"
    assert config.var_dir == tmp_path / "var"


def test_it_reads_database_broker_hosts_and_debug(tmp_path):
    config = load({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
                   "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0", "DEBUG": "0",
                   "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "studio.example.com, 10.0.0.5"}, tmp_path)
    assert config.debug is False
    assert config.database_url.startswith("postgres://")
    assert config.celery_broker_url == "redis://127.0.0.1:6379/0"
    assert config.allowed_hosts == ["studio.example.com", "10.0.0.5"]


@pytest.mark.parametrize("env, variable", [
    ({"DEBUG": "maybe"}, "DEBUG"),
    ({"DEBUG": "0", "ALLOWED_HOSTS": "a"}, "SECRET_KEY"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"DEBUG": "0", "SECRET_KEY": STRONG_KEY}, "ALLOWED_HOSTS"),
    ({"SECRET_KEY": "k" * 49 + "x"}, "SECRET_KEY"),  # 50 characters but 2 distinct ones
    ({"SECRET_KEY": "abcdefghij" * 4}, "SECRET_KEY"),  # 40: below Django's deploy check's 50
    ({"DEBUG": "0", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "a", "STUDIO_HSTS_SECONDS": "a year"},
     "STUDIO_HSTS_SECONDS"),
    ({"CSRF_TRUSTED_ORIGINS": "studio.example.com"}, "CSRF_TRUSTED_ORIGINS"),
    ({"STUDIO_INSECURE_HTTP": "perhaps"}, "STUDIO_INSECURE_HTTP"),
    ({"STUDIO_CELERY_QUEUE": "jobs; rm -rf /"}, "STUDIO_CELERY_QUEUE"),
    ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL"),
    ({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432"}, "DATABASE_URL"),
    ({"CELERY_BROKER_URL": "kafka://broker:9092"}, "CELERY_BROKER_URL"),
    ({"STUDIO_REQUIRE_SERVICES": "sometimes"}, "STUDIO_REQUIRE_SERVICES"),
])
def test_it_rejects_bad_values_naming_the_variable(tmp_path, env, variable):
    with pytest.raises(ConfigError, match=variable):
        load(env, tmp_path)


def test_the_studio_refuses_to_start_with_bad_configuration():
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=BASE, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "mysql://nobody@nowhere/x"}, timeout=60)
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr


def test_production_is_https_with_hsts_unless_plain_http_is_asked_for(tmp_path):
    prod = {"DEBUG": "0", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "studio.example.com"}
    secure = load(prod, tmp_path)
    assert (secure.ssl_redirect, secure.hsts_seconds, secure.behind_tls_proxy) == (True, 31_536_000, False)
    proxied = load({**prod, "STUDIO_BEHIND_TLS_PROXY": "1", "STUDIO_HSTS_SECONDS": "3600",
                    "CSRF_TRUSTED_ORIGINS": "https://studio.example.com"}, tmp_path)
    assert (proxied.behind_tls_proxy, proxied.hsts_seconds) == (True, 3600)
    assert proxied.csrf_trusted_origins == ("https://studio.example.com",)
    trial = load({**prod, "STUDIO_INSECURE_HTTP": "1"}, tmp_path)
    assert (trial.insecure_http, trial.ssl_redirect, trial.hsts_seconds) == (True, False, 0)
    assert load({}, tmp_path).ssl_redirect is False  # development: no redirect, no HSTS


@pytest.mark.parametrize("extra, clean", [({}, True), ({"STUDIO_INSECURE_HTTP": "1"}, True)])
def test_the_deploy_check_is_clean_with_production_settings(tmp_path, extra, clean):
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "0", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "studio.example.com",
           "STUDIO_VAR_DIR": str(tmp_path), **extra}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=BASE,
                            capture_output=True, text=True, env=env, timeout=60)
    assert (result.returncode == 0) is clean, result.stdout + result.stderr
