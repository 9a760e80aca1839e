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
    #: Production transport security (ignored while ``debug``): see ``load`` and the README.
    insecure_http: bool = False
    behind_tls_proxy: bool = False
    ssl_redirect: bool = True
    hsts_seconds: int = 0
    hsts_include_subdomains: bool = False
    hsts_preload: bool = False
    csrf_trusted_origins: tuple[str, ...] = ()
    #: Sign-in rate limit (django-axes): wrong passwords per user name and address, then a lock-out.
    login_failure_limit: int = 5
    login_cooloff_minutes: int = 15
    #: Design-size limits (``studio.domain.limits.DesignSize``) and the largest design file accepted.
    max_racks: int = 25_000
    max_devices_per_rack: int = 100
    max_upload_mb: int = 32
    #: The Celery queue this studio's jobs go through: two studios (or a test stack) sharing one Redis
    #: must not take each other's jobs.
    celery_queue: str = "celery"
    #: How long a process trusts its copy of the catalog before asking the database whether it changed
    #: (an edit in this process's admin is seen at once; one made elsewhere within this many ms).
    catalog_recheck_ms: int = 2000


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


#: Django's deploy check (security.W009) wants at least 50 characters and 5 distinct ones.
SECRET_KEY_MIN_CHARS = 50
SECRET_KEY_MIN_DISTINCT = 5
#: One year, the value https://hstspreload.org/ asks for (max-age >= 31536000).
DEFAULT_HSTS_SECONDS = 31_536_000


def parse_int(env: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ConfigError(f"{name}={raw!r} is below the minimum {minimum}")
    return value


def parse_origins(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    origins = tuple(o.strip() for o in env.get(name, "").split(",") if o.strip())
    for origin in origins:
        if urlparse(origin).scheme not in {"http", "https"} or not urlparse(origin).netloc:
            raise ConfigError(f"{name} has {origin!r}: expected origins like https://studio.example.com")
    return origins


def parse_queue(env: Mapping[str, str]) -> str:
    raw = env.get("STUDIO_CELERY_QUEUE", "").strip() or "celery"
    if not raw.replace("-", "").replace("_", "").replace(".", "").isalnum() or len(raw) > 100:
        raise ConfigError(f"STUDIO_CELERY_QUEUE={raw[:40]!r}: use letters, digits, '-', '_' or '.' (at most 100)")
    return raw


def check_secret_key(secret_key: str) -> None:
    if len(secret_key) < SECRET_KEY_MIN_CHARS or len(set(secret_key)) < SECRET_KEY_MIN_DISTINCT:
        raise ConfigError(f"SECRET_KEY is too weak: use at least {SECRET_KEY_MIN_CHARS} random characters "
                          f"(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))')")


def load(env: Mapping[str, str], base_dir: Path) -> Config:
    """Build the configuration; raises ``ConfigError`` with the variable's name on bad input."""
    debug = parse_bool(env, "DEBUG", default=True)
    secret_key = env.get("SECRET_KEY", "").strip()
    if not secret_key:
        if not debug:
            raise ConfigError("SECRET_KEY is not set: it is required when DEBUG is off")
        secret_key = DEV_SECRET_KEY
    else:
        check_secret_key(secret_key)
    hosts_raw = env.get("ALLOWED_HOSTS", "")
    hosts = [h.strip() for h in hosts_raw.split(",") if h.strip()]
    if not hosts:
        if not debug:
            raise ConfigError("ALLOWED_HOSTS is not set: list the host names, comma-separated, when DEBUG is off")
        hosts = ["localhost", "127.0.0.1", "[::1]", "testserver"]
    var_dir = Path(env.get("STUDIO_VAR_DIR", "") or base_dir / "var")
    result_backend = env.get("CELERY_RESULT_BACKEND", "").strip() or None
    # Transport security. Production is HTTPS: TLS at the studio's own front (or a proxy that says so in
    # X-Forwarded-Proto), HTTPS redirect, HSTS, Secure cookies. STUDIO_INSECURE_HTTP=1 is the explicit,
    # documented opt-out for a plain-HTTP trial on a private machine; it turns all of that off.
    insecure_http = parse_bool(env, "STUDIO_INSECURE_HTTP", default=False)
    secure = not debug and not insecure_http
    return Config(
        debug=debug,
        secret_key=secret_key,
        allowed_hosts=hosts,
        database_url=parse_database_url(env),
        celery_broker_url=parse_broker_url(env, var_dir),
        celery_result_backend=result_backend,
        require_services=parse_bool(env, "STUDIO_REQUIRE_SERVICES", default=False),
        var_dir=var_dir,
        insecure_http=insecure_http,
        behind_tls_proxy=parse_bool(env, "STUDIO_BEHIND_TLS_PROXY", default=False),
        ssl_redirect=secure and parse_bool(env, "STUDIO_SSL_REDIRECT", default=True),
        hsts_seconds=parse_int(env, "STUDIO_HSTS_SECONDS", DEFAULT_HSTS_SECONDS) if secure else 0,
        hsts_include_subdomains=secure and parse_bool(env, "STUDIO_HSTS_INCLUDE_SUBDOMAINS", default=True),
        hsts_preload=secure and parse_bool(env, "STUDIO_HSTS_PRELOAD", default=True),
        csrf_trusted_origins=parse_origins(env, "CSRF_TRUSTED_ORIGINS"),
        login_failure_limit=parse_int(env, "STUDIO_LOGIN_FAILURE_LIMIT", 5, minimum=1),
        login_cooloff_minutes=parse_int(env, "STUDIO_LOGIN_COOLOFF_MIN", 15, minimum=1),
        max_racks=parse_int(env, "STUDIO_MAX_RACKS", 25_000, minimum=1),
        max_devices_per_rack=parse_int(env, "STUDIO_MAX_DEVICES_PER_RACK", 100, minimum=1),
        max_upload_mb=parse_int(env, "STUDIO_MAX_UPLOAD_MB", 32, minimum=1),
        celery_queue=parse_queue(env),
        catalog_recheck_ms=parse_int(env, "STUDIO_CATALOG_RECHECK_MS", 2000),
    )
