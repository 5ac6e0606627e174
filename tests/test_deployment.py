"""The deployment files: docker-compose.yml validated by a real Compose implementation (Debian's
docker-compose, which needs no Docker engine for `config`) and read for what the scale-out needs;
the Dockerfile read for CPU torch, pinned installs, a non-root user, a health check and the
index built at image build; constraints.txt pinning everything installed."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
CONSTRAINTS = ROOT / "constraints.txt"
TOKEN_SECRET_FILE = "deploy/telegram_bot_token"


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def service(name: str) -> dict[str, Any]:
    found: dict[str, Any] = compose()["services"][name]
    return found


# --- docker-compose.yml -----------------------------------------------------------------------


@pytest.mark.skipif(
    shutil.which("docker-compose") is None,
    reason="docker-compose is not installed (`make test` brings Debian's)",
)
def test_compose_file_passes_docker_compose_config() -> None:
    run = subprocess.run(
        ["docker-compose", "-f", str(COMPOSE), "config"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "WARNING" not in run.stderr, run.stderr
    resolved = yaml.safe_load(run.stdout)  # anchors and merges as Compose itself reads them
    assert set(resolved["services"]) == {"api", "proxy", "telegram", "redis"}
    api = resolved["services"]["api"]
    assert api["environment"]["TUTOR_STATE_URL"] == "redis://redis:6379/0"
    assert api["depends_on"]["redis"]["condition"] == "service_healthy"
    assert resolved["services"]["telegram"]["depends_on"]["redis"]["condition"] == (
        "service_healthy"
    )


def test_api_runs_several_stateless_replicas_behind_the_proxy() -> None:
    api = service("api")
    assert api["deploy"]["replicas"] >= 2
    assert "ports" not in api, "replicas publish no host port: the proxy is the entry"
    assert api["command"][:2] == ["tutor", "serve"]
    env = api["environment"]
    assert env["TUTOR_STATE_URL"].startswith("redis://redis:")
    assert env["TUTOR_AUTO_INDEX"] == "false", "replicas serve the image's index, never rebuild"
    assert not any(v.get("target", "").startswith("/app/data") for v in api.get("volumes", []))


def test_proxy_balances_over_every_api_replica() -> None:
    proxy = service("proxy")
    assert proxy["ports"] == ["127.0.0.1:8000:8080"]
    mount = next(v for v in proxy["volumes"] if v.endswith(":/etc/caddy/Caddyfile:ro"))
    caddyfile = (ROOT / mount.split(":")[0]).read_text(encoding="utf-8")
    assert re.search(r"dynamic a api 8000", caddyfile), "every replica's address, re-resolved"
    assert ":8080" in caddyfile and "lb_policy round_robin" in caddyfile


def test_the_telegram_bot_is_one_poller_with_its_token_from_a_secret() -> None:
    bot = service("telegram")
    assert bot["deploy"]["replicas"] == 1
    assert "tutor telegram" in " ".join(bot["command"])
    assert "/run/secrets/telegram_bot_token" in " ".join(bot["command"])
    assert bot["secrets"] == ["telegram_bot_token"]
    assert "TELEGRAM_BOT_TOKEN" not in bot.get("environment", {})
    assert compose()["secrets"]["telegram_bot_token"]["file"] == f"./{TOKEN_SECRET_FILE}"
    for ignore in (".gitignore", ".dockerignore"):
        lines = (ROOT / ignore).read_text(encoding="utf-8").splitlines()
        assert TOKEN_SECRET_FILE in lines, f"the token file must be in {ignore}"


def test_redis_keeps_state_on_a_volume_and_reports_health() -> None:
    redis = service("redis")
    assert redis["command"][redis["command"].index("--appendonly") + 1] == "yes"
    assert any(v.endswith(":/data") for v in redis["volumes"])
    assert redis["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert "ports" not in redis, "Redis is reachable from the services only"


def test_the_compose_file_holds_no_secret() -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    assert not re.search(r"\d{6,}:[A-Za-z0-9_-]{30,}", text), "a bot token"
    assert not re.search(r"tk_[A-Za-z0-9_-]{16,}", text), "an API key"
    assert not re.search(r"redis://[^@\s]*:[^@\s]+@", text), "a Redis password"


# --- Dockerfile -------------------------------------------------------------------------------


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def runs() -> list[str]:
    return [args for word, args in instructions() if word == "RUN"]


def test_dockerfile_starts_from_a_slim_python_311() -> None:
    assert instructions()[0][0] == "FROM"
    assert re.fullmatch(
        r"python:3\.11[.\d]*-slim(-bookworm)?(@sha256:[0-9a-f]{64})?", instructions()[0][1]
    )


def test_torch_is_the_cpu_build_from_the_pytorch_cpu_index() -> None:
    torch_installs = [r for r in runs() if "torch==" in r]
    assert len(torch_installs) == 1
    assert "https://download.pytorch.org/whl/cpu" in torch_installs[0]
    assert '"torch==2.13.0+cpu"' in torch_installs[0], "the local version pins the CPU wheel"
    assert runs().index(torch_installs[0]) < next(
        i for i, r in enumerate(runs()) if "pip install" in r and " ." in r
    ), "torch before the project, so the project's torch requirement is already met"


def test_every_pip_install_is_pinned_by_the_constraints_file() -> None:
    installs = [r for r in runs() if "pip install" in r]
    assert len(installs) >= 2
    for run in installs:
        assert "-c constraints.txt" in run, run
    copied = [args for word, args in instructions() if word == "COPY"]
    assert copied[0].split()[0] == "constraints.txt", "the constraints arrive before any install"


def test_the_service_runs_as_a_non_root_user() -> None:
    users = [args for word, args in instructions() if word == "USER"]
    assert users and users[-1] not in ("root", "0"), users
    useradd = next(r for r in runs() if "useradd" in r)
    uid = int(re.search(r"--uid (\d+)", useradd).group(1))  # type: ignore[union-attr]
    assert uid >= 1000 and users[-1] == shlex.split(useradd.split("&&")[0])[-1]


def test_the_model_is_baked_in_and_the_index_built_at_image_build() -> None:
    words = [w for w, _ in instructions()]
    env = " ".join(args for word, args in instructions() if word == "ENV")
    assert "HF_HUB_OFFLINE=1" in env, "nothing may be fetched from a model hub at run time"
    index_run = next(
        i for i, (w, a) in enumerate(instructions()) if w == "RUN" and "tutor index" in a
    )
    last_user = max(i for i, w in enumerate(words) if w == "USER")
    assert last_user < index_run, "built as the service's user, so it owns the files"
    assert "TUTOR_DATA_DIR=/app/data" in env


def test_dockerfile_has_a_healthcheck_and_serves_by_default() -> None:
    health = [args for word, args in instructions() if word == "HEALTHCHECK"]
    assert len(health) == 1 and "/healthz" in health[0]
    cmd = [args for word, args in instructions() if word == "CMD"]
    assert cmd[-1] == '["tutor", "serve"]'
    baked = [a for w, a in instructions() if w in ("ENV", "ARG") and "TELEGRAM_BOT_TOKEN" in a]
    assert not baked, "a token in the image would be in every layer's history"


# --- constraints.txt --------------------------------------------------------------------------


def pins() -> dict[str, str]:
    found = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, sep, version = line.partition("==")
            assert sep, f"not an exact pin: {line!r}"
            found[canonical(name)] = version
    return found


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_installed_package_is_pinned_at_its_installed_version() -> None:
    pinned = pins()
    assert "tutor" not in pinned, "the project itself is not a constraint"
    drift = {}
    for dist in metadata.distributions():
        name = canonical(dist.metadata["Name"])
        if name in ("tutor", "pip", "setuptools", "wheel"):
            continue
        installed = dist.version.split("+")[0]  # torch's +cpu: the wheel index decides it
        if pinned.get(name) != installed:
            drift[name] = (pinned.get(name), installed)
    assert not drift, f"constraints.txt is out of date (pinned, installed): {drift}"


def test_make_install_uses_the_constraints() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line for line in makefile.splitlines() if "pip install" in line]
    assert installs and all("-c constraints.txt" in line for line in installs), installs
