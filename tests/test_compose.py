"""docker-compose.yml agrees with the settings object and the ``sohoa`` command (no Docker here).

Every ``SOHOA_*`` variable must name a real setting and parse; the services must point sohoa at
MinIO, PostgreSQL and Redis; every long-running service has a health check; workers can be
scaled; the watcher mounts the drop folders it is configured with; commands exist.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import typer.main
import yaml  # type: ignore[import-untyped]
from pydantic import BaseModel
from sqlalchemy.engine import make_url

from schemas.settings import Settings, StorageSettings
from sohoa.cli import app
from storage.objects import MinioObjectStore

ROOT = Path(__file__).resolve().parents[1]
REQUIRED_SERVICES = {"minio", "minio-init", "redis", "postgres", "worker", "watcher", "api"}
SOHOA_SERVICES = {"worker", "watcher", "api"}  # built from this repository's Dockerfile
_VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:-|:\?)(?P<arg>[^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(compose["services"])


def setting_variables(model: type[BaseModel] = Settings, prefix: str = "SOHOA_") -> set[str]:
    """Every environment variable the settings read: nested sections joined by ``__``."""
    names: set[str] = set()
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names |= setting_variables(annotation, f"{prefix}{name.upper()}__")
        else:
            names.add(f"{prefix}{name.upper()}")
    return names


def interpolate(value: str, given: dict[str, str]) -> str:
    """Compose's ``${VAR}``, ``${VAR:-default}``, ``${VAR:?error}`` and ``$$``."""

    def one(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        if given.get(name):
            return given[name]
        if op == ":-":
            return arg
        if op == ":?":
            raise KeyError(f"{name} is required: {arg}")
        return ""

    return _VARIABLE.sub(one, value).replace("$$", "$")


def environment(service: dict[str, Any], given: dict[str, str]) -> dict[str, str]:
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {str(k): interpolate(str(v), given) for k, v in raw.items()}


# What an operator must provide (no defaults for secrets).
OPERATOR = {
    "SOHOA_API_SECRET": "0123456789abcdef" * 4,
    "MINIO_ROOT_PASSWORD": "minio-password",
    "POSTGRES_PASSWORD": "pg-password",
}


def test_services_present(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) >= REQUIRED_SERVICES, REQUIRED_SERVICES - set(services)
    for name in SOHOA_SERVICES:
        assert services[name].get("build") == ".", name


def test_every_sohoa_variable_is_a_setting_and_parses(
    services: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    known = setting_variables()
    assert "SOHOA_STORAGE__MINIO_ENDPOINT" in known and "SOHOA_WATCH__DROP_DIRS" in known
    for name, service in services.items():
        env = environment(service, OPERATOR)
        unknown = sorted(k for k in env if k.startswith("SOHOA_") and k not in known)
        assert not unknown, f"{name}: not settings of schemas/settings.py: {unknown}"
        if name in SOHOA_SERVICES:
            settings = _settings_of(service, monkeypatch)  # types parse: bools, JSON lists…
            assert settings.storage.backend == "minio", name


def _settings_of(service: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The settings a container of ``service`` builds from its environment alone."""
    for variable in [v for v in os.environ if v.startswith("SOHOA_")]:
        monkeypatch.delenv(variable)
    for key, value in environment(service, OPERATOR).items():
        monkeypatch.setenv(key, value)
    return Settings()


def test_services_point_sohoa_at_minio_postgres_and_redis(
    services: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in SOHOA_SERVICES:
        settings = _settings_of(services[name], monkeypatch)
        storage = settings.storage
        host, _, port = storage.minio_endpoint.partition(":")
        assert (storage.backend, host, port) == ("minio", "minio", "9000"), name
        assert storage.minio_access_key and storage.minio_secret_key == "minio-password"
        assert storage.minio_public_endpoint, "presigned links need the browsers' address"
        index = make_url(settings.index.url)
        assert (index.get_backend_name(), index.host, index.port) == (
            "postgresql",
            "postgres",
            5432,
        )
        assert index.password == "pg-password"
        assert settings.queue.redis_url.startswith("redis://redis:6379/"), name
        assert settings.api.secret_key == OPERATOR["SOHOA_API_SECRET"], name
        depends = set(services[name].get("depends_on") or {})
        assert {"redis", "postgres", "minio-init"} <= depends, name


def test_secrets_have_no_defaults(services: dict[str, dict[str, Any]]) -> None:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "change-me" not in text
    for name in SOHOA_SERVICES:
        with pytest.raises(KeyError, match="SOHOA_API_SECRET"):
            environment(services[name], {k: v for k, v in OPERATOR.items() if "API" not in k})


def test_long_running_services_have_health_checks(services: dict[str, dict[str, Any]]) -> None:
    one_shot = {
        dependency
        for service in services.values()
        for dependency, rule in (service.get("depends_on") or {}).items()
        if rule.get("condition") == "service_completed_successfully"
    }
    assert one_shot == {"minio-init"}
    for name, service in services.items():
        if name in one_shot:
            assert service.get("restart") == "no", name
            continue
        test = (service.get("healthcheck") or {}).get("test")
        assert test and test[0] in ("CMD", "CMD-SHELL"), f"{name} has no health check"
        if test[:3] == ["CMD", "python", "-c"]:
            compile(test[3], f"{name} healthcheck", "exec")  # the one-liner is valid Python
    for name, service in services.items():
        for dependency, rule in (service.get("depends_on") or {}).items():
            if dependency not in one_shot:
                assert rule.get("condition") == "service_healthy", (name, dependency)


def test_workers_scale(services: dict[str, dict[str, Any]], compose: dict[str, Any]) -> None:
    worker = services["worker"]
    assert "container_name" not in worker and "ports" not in worker
    named = set(compose.get("volumes") or {})
    for volume in worker.get("volumes") or []:
        source = str(volume).split(":", 1)[0]
        assert source not in named, "a named volume would be shared by every replica"


def test_watcher_mounts_its_drop_folders(
    services: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    watcher = services["watcher"]
    settings = _settings_of(watcher, monkeypatch)
    env = environment(watcher, OPERATOR)
    assert json.loads(env["SOHOA_WATCH__DROP_DIRS"]) == [str(d) for d in settings.watch.drop_dirs]
    targets = {
        PurePosixPath(interpolate(str(volume), OPERATOR).split(":")[1])
        for volume in watcher.get("volumes") or []
    }
    for folder in [*settings.watch.drop_dirs, settings.watch.work_dir]:
        assert PurePosixPath(folder) in targets, f"{folder} is not a mounted volume"


def _commands() -> dict[str, Any]:
    """The ``sohoa`` subcommands by name (typer builds on its own copy of click)."""
    group = typer.main.get_command(app)
    commands = getattr(group, "commands", None)
    assert isinstance(commands, dict)
    return dict(commands)


def test_service_commands_are_sohoa_commands(services: dict[str, dict[str, Any]]) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r'^ENTRYPOINT \["sohoa"\]', dockerfile, re.M)
    commands = _commands()
    used = {}
    for name in SOHOA_SERVICES:
        command = services[name]["command"]
        assert command[0] in commands, f"{name}: 'sohoa {command[0]}' does not exist"
        used[name] = command[0]
        options = {opt for param in commands[command[0]].params for opt in param.opts}
        for word in command[1:]:
            if word.startswith("--"):
                assert word in options, f"{name}: sohoa {command[0]} has no {word}"
    assert used == {"worker": "worker", "watcher": "watch", "api": "serve"}


def test_dockerfile_ships_every_package() -> None:
    """The image installs what pyproject packages (migrations included, as package data)."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    packages = re.search(r"packages = \[(.*?)\]", pyproject)
    assert packages
    for package in re.findall(r'"(\w+)"', packages[1]):
        assert re.search(rf"^COPY {package} {package}$", dockerfile, re.M), package


def test_presigned_links_use_the_public_endpoint() -> None:
    """Workers talk to ``minio:9000``; the links staff browsers follow name the public host."""
    store = MinioObjectStore(
        StorageSettings(
            backend="minio",
            minio_endpoint="minio:9000",
            minio_public_endpoint="so-hoa.example.vn:9000",
            minio_access_key="k",
            minio_secret_key="s",
            presign_seconds=120,
        )
    )
    url = store.presigned_url("originals/" + "a" * 64)
    assert url is not None
    assert url.startswith("http://so-hoa.example.vn:9000/sohoa/originals/aaaa")
    assert "X-Amz-Expires=120" in url
