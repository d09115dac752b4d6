"""The deploy files (issue #21): gunicorn.conf.py serves with a JSON access log, and every command
the Dockerfile, compose.yaml and the Procfile name exists. Docker cannot run on the development
machines, so the image and the compose file are checked here as far as they can be without it."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

from lendportal.healthcheck import healthz_request

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def dockerfile_commands() -> list[list[str]]:
    """The shell commands of the Dockerfile's RUN lines and its exec-form CMD/HEALTHCHECK."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    text = re.sub(r'"\$\(.*?\)"(?=\s)', "x", text)  # "$(python -c '...')" values
    commands: list[list[str]] = []
    for line in text.splitlines():
        instruction, _, rest = line.strip().partition(" ")
        if instruction == "RUN":
            for part in re.split(r"&&|;", rest):
                words = [w for w in shlex.split(part) if not re.fullmatch(r"[A-Z_]+=.*", w)]
                words = words[1:] if words[:1] == ["do"] else words
                if words and words[0] not in {"for", "done"}:
                    commands.append(words)
        elif instruction in {"CMD", "HEALTHCHECK"}:
            commands.append(json.loads(rest[rest.index("[") :]))
    return commands


def compose_commands() -> list[list[str]]:
    """The commands of the services that run LendPortal's image (not postgres, redis)."""
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    ours = [s for s in compose["services"].values() if s.get("image") == "lendportal:latest"]
    return [s["command"] for s in ours if isinstance(s.get("command"), list)]


def procfile_commands() -> list[list[str]]:
    commands = []
    for line in (ROOT / "Procfile").read_text().splitlines():
        for part in re.split(r";|then|else|fi", line.partition(":")[2]):
            words = [w for w in shlex.split(part) if not re.fullmatch(r"[A-Z_]+=.*", w)]
            words = [w for w in words if w not in {"exec", "if", "["}]
            if words and not words[0].startswith("$"):
                commands.append(words)
    return commands


def assert_command_exists(words: list[str]) -> None:
    program = Path(words[0]).name
    if program == "python" and words[1] == "-m":
        __import__(words[2])
    elif program == "python" and words[1] == "manage.py":
        assert words[2] in get_commands(), f"no manage.py command {words[2]}"
    elif program == "celery":
        assert words[1:3] == ["-A", "lendportal"]
        assert words[3] in {"worker", "beat"}
        if "--queues" in words:
            queues = set(words[words.index("--queues") + 1].split(","))
            assert queues == {"default", "cob"}
    elif program == "gunicorn":
        assert (ROOT / words[words.index("-c") + 1]).exists()
        __import__(words[-1])
    elif program in {"pip", "pybabel", "useradd", "rm", "apt-get"}:
        assert program in {"useradd", "rm", "apt-get"} or (BIN / program).exists(), program
    else:
        pytest.fail(f"a deploy file names a command this test does not know: {words}")


def test_every_command_the_deploy_files_name_exists():
    commands = dockerfile_commands() + compose_commands() + procfile_commands()
    programs = {Path(c[0]).name for c in commands}
    assert {"gunicorn", "celery", "python", "pybabel"} <= programs
    for words in commands:
        assert_command_exists(words)


def test_compose_runs_postgres_redis_migrations_web_two_workers_and_one_beat():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "web", "worker-1", "worker-2", "beat"} == set(services)
    commands = {name: " ".join(s.get("command", [])) for name, s in services.items()}
    assert sum(" beat " in c for c in commands.values()) == 1
    assert sum(" worker " in c for c in commands.values()) == 2
    assert "DATABASE_OWNER_URL" in services["migrate"]["environment"]
    assert "DATABASE_OWNER_URL" not in services["web"]["environment"]  # the app role only
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_the_image_runs_as_a_user_of_its_own_with_a_healthcheck():
    text = (ROOT / "Dockerfile").read_text()
    assert text.count("FROM ") == 2  # build, then run
    assert "USER lendportal" in text.split("FROM ")[-1]
    assert "collectstatic" in text
    assert 'CMD ["python", "-m", "lendportal.healthcheck"]' in text


def test_the_healthcheck_asks_as_the_proxy_would():
    request = healthz_request({"PORT": "9000", "DJANGO_ALLOWED_HOSTS": ".example.com,x.test"})
    assert request.full_url == "http://127.0.0.1:9000/healthz"
    assert request.headers["Host"] == "example.com"
    assert request.headers["X-forwarded-proto"] == "https"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """gunicorn with gunicorn.conf.py and one worker on a free port; its log in a file."""
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"}
    env["DJANGO_SETTINGS_MODULE"] = "lendportal.settings.local"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "lendportal.wsgi"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while "Booting worker" not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield port, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_gunicorn_serves_with_a_json_access_log_without_the_query_string(gunicorn):
    port, log = gunicorn
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz?q=13900001111", headers={"X-Request-Id": "deploy-1"}
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                assert answer.status == 200
            break
        except OSError:
            assert time.monotonic() < deadline
            time.sleep(0.3)
    checked = subprocess.run(
        [sys.executable, "-m", "lendportal.healthcheck"],
        env={**os.environ, "PORT": str(port), "DJANGO_ALLOWED_HOSTS": "localhost"},
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr

    time.sleep(0.5)
    lines = [json.loads(x) for x in log.read_text().splitlines() if x.startswith("{")]
    mine = next(x for x in lines if x["request_id"] == "deploy-1")
    assert mine["method"] == "GET"
    assert mine["path"] == "/healthz"
    assert mine["status"] == 200
    assert mine["ms"] > 0
    assert "13900001111" not in log.read_text()
    assert any(x["request_id"] == "healthcheck" and x["status"] == 200 for x in lines)
