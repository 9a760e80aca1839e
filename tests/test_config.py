"""Configuration comes from the environment and bad values fail at start, naming the variable."""

import subprocess
import sys
from pathlib import Path

import pytest

from studio.config import DEV_SECRET_KEY, ConfigError, load

BASE = Path(__file__).resolve().parent.parent


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
                   "SECRET_KEY": "x" * 40, "ALLOWED_HOSTS": "studio.example.com, 10.0.0.5"}, tmp_path)
    assert config.debug is False
    assert config.database_url.startswith("postgres://")
    assert config.celery_broker_url == "redis://127.0.0.1:6379/0"
    assert config.allowed_hosts == ["studio.example.com", "10.0.0.5"]


@pytest.mark.parametrize("env, variable", [
    ({"DEBUG": "maybe"}, "DEBUG"),
    ({"DEBUG": "0", "ALLOWED_HOSTS": "a"}, "SECRET_KEY"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"DEBUG": "0", "SECRET_KEY": "y" * 40}, "ALLOWED_HOSTS"),
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
