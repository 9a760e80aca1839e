"""Read and check the studio's configuration from the environment.

Pure functions over a mapping (``os.environ`` in production, a dict in tests): every bad value
raises ``ConfigError`` naming the variable, so that a misconfigured studio fails at start.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import urlparse

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-8c1f3e9a"


class ConfigError(RuntimeError):
    """A configuration variable with a value the studio cannot use."""


@dataclass(frozen=True)
class Config:
    debug: bool
    secret_key: str
    allowed_hosts: list[str]
    database_url: str | None
    celery_broker_url: str
    celery_result_backend: str | None
    require_services: bool
    var_dir: Path


def parse_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off")


def parse_database_url(env: Mapping[str, str]) -> str | None:
    raw = env.get("DATABASE_URL", "").strip()
    if not raw:
        return None
    scheme = urlparse(raw).scheme
    if scheme not in {"postgres", "postgresql", "sqlite"}:
        raise ConfigError(f"DATABASE_URL has scheme {scheme!r}: expected postgres://user@host:port/name or sqlite:///path")
    if scheme.startswith("postgres") and not urlparse(raw).path.strip("/"):
        raise ConfigError("DATABASE_URL names no database: expected postgres://user@host:port/name")
    return raw


def parse_broker_url(env: Mapping[str, str], var_dir: Path) -> str:
    raw = env.get("CELERY_BROKER_URL", "").strip()
    if not raw:
        return "filesystem://"
    scheme = urlparse(raw).scheme
    if scheme not in {"redis", "rediss", "filesystem", "memory", "amqp"}:
        raise ConfigError(f"CELERY_BROKER_URL has scheme {scheme!r}: expected redis://host:port/db "
                          "(or filesystem:// for the embedded default)")
    return raw


def load(env: Mapping[str, str], base_dir: Path) -> Config:
    """Build the configuration; raises ``ConfigError`` with the variable's name on bad input."""
    debug = parse_bool(env, "DEBUG", default=True)
    secret_key = env.get("SECRET_KEY", "").strip()
    if not secret_key:
        if not debug:
            raise ConfigError("SECRET_KEY is not set: it is required when DEBUG is off")
        secret_key = DEV_SECRET_KEY
    elif len(secret_key) < 32:
        raise ConfigError("SECRET_KEY is too short: use at least 32 random characters")
    hosts_raw = env.get("ALLOWED_HOSTS", "")
    hosts = [h.strip() for h in hosts_raw.split(",") if h.strip()]
    if not hosts:
        if not debug:
            raise ConfigError("ALLOWED_HOSTS is not set: list the host names, comma-separated, when DEBUG is off")
        hosts = ["localhost", "127.0.0.1", "[::1]", "testserver"]
    var_dir = Path(env.get("STUDIO_VAR_DIR", "") or base_dir / "var")
    result_backend = env.get("CELERY_RESULT_BACKEND", "").strip() or None
    return Config(
        debug=debug,
        secret_key=secret_key,
        allowed_hosts=hosts,
        database_url=parse_database_url(env),
        celery_broker_url=parse_broker_url(env, var_dir),
        celery_result_backend=result_backend,
        require_services=parse_bool(env, "STUDIO_REQUIRE_SERVICES", default=False),
        var_dir=var_dir,
    )
