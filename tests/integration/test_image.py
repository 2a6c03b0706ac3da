"""The container image can't be built here (no Docker engine), so its parts are checked as they are:
the install script the Dockerfile runs (from requirements.lock), the Dockerfile itself (hadolint),
the compose file and the proxy's configuration."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import REPO
from tests.support.token_proxy import REFUSAL


def test_the_image_install_steps_give_a_working_brandbot(tmp_path: Path) -> None:
    prefix = tmp_path / "opt-brandbot"
    result = subprocess.run(
        ["bash", str(REPO / "deploy" / "install.sh"), str(prefix), str(REPO)],
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "embedding model loads offline" in result.stdout
    help_text = subprocess.run([str(prefix / "bin" / "brandbot"), "serve", "--help"], capture_output=True, text=True)
    assert help_text.returncode == 0 and "--port" in help_text.stdout


def test_dockerfile_passes_hadolint_and_runs_the_shared_install_script() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    result = subprocess.run([hadolint, str(REPO / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "RUN /deploy/install.sh /opt/brandbot /dist/brandbot-*.whl /deploy/requirements.lock" in dockerfile
    assert "127.0.0.1:3001/healthz" in dockerfile, "the health check uses the internal port"
    assert (
        "HEALTHCHECK" in dockerfile and "USER 10001" in dockerfile and 'ENTRYPOINT ["brandbot", "serve"]' in dockerfile
    )


def test_compose_wires_replicas_database_chroma_and_a_gpu_llm() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"bot-a", "bot-b", "lb", "postgres", "chroma", "vllm"} <= services.keys()
    bot = services["bot-a"]["environment"]
    assert bot["BRANDBOT_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert bot["BRANDBOT_CHROMA_URL"] == "http://chroma-auth:8000"
    assert bot["BRANDBOT_LLM_MODEL"] == "meta-llama/Llama-4-Scout-17B-16E-Instruct"
    gpus = services["vllm"]["deploy"]["resources"]["reservations"]["devices"][0]
    assert gpus["capabilities"] == ["gpu"] and "--tensor-parallel-size=8" in services["vllm"]["command"]


def test_compose_pins_every_image_and_keeps_the_internals_off_the_network() -> None:
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    for name, service in services.items():
        tag = service["image"].rsplit(":", 1)[-1]
        assert re.fullmatch(r"v?\d+\.\d+(\.\d+)?(-[a-z0-9]+)?", tag), f"{name}: {service['image']} is not a version"
    assert services["lb"]["ports"] == ["127.0.0.1:3000:3000"], "plain HTTP on the loopback only"
    assert [name for name, service in services.items() if "ports" in service] == ["lb"]
    bot = services["bot-a"]
    assert "127.0.0.1:3001/healthz" in " ".join(bot["healthcheck"]["test"])
    assert "BRANDBOT_MIGRATION_DATABASE_URL" not in bot["environment"], "replicas never hold the owner's password"
    assert bot["environment"]["BRANDBOT_DATABASE_URL"].startswith("postgresql+psycopg://brandbot_app:")
    assert services["migrate"]["entrypoint"] == ["brandbot", "db", "migrate"]
    assert bot["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_compose_keeps_chroma_and_vllm_behind_secrets_on_networks_only_the_bots_share() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services, networks = compose["services"], compose["networks"]
    assert all(service.get("networks") for service in services.values()), "none on compose's default network"

    def sharing(name: str) -> set[str]:
        on = set(services[name]["networks"])
        return {other for other, service in services.items() if on & set(service["networks"])}

    internal = {name for name, network in networks.items() if (network or {}).get("internal")}
    for backend in ("chroma", "chroma-auth", "vllm", "postgres"):
        assert set(services[backend]["networks"]) <= internal, f"{backend} has no way out"
    assert sharing("vllm") == {"bot-a", "bot-b", "vllm"}
    assert sharing("chroma") == {"chroma", "chroma-auth"}, "Chroma's server only behind its proxy"
    assert sharing("chroma-auth") == {"bot-a", "bot-b", "chroma-auth", "chroma"}
    assert sharing("postgres") == {"postgres", "migrate", "bot-a", "bot-b"}
    assert sharing("vllm-weights") == {"vllm-weights"} and not set(services["vllm-weights"]["networks"]) & internal

    bot = services["bot-a"]["environment"]
    assert bot["BRANDBOT_CHROMA_TOKEN"] == services["chroma-auth"]["environment"]["CHROMA_TOKEN"]
    assert bot["BRANDBOT_CHROMA_TOKEN"].startswith("${BRANDBOT_CHROMA_TOKEN:?")
    vllm = services["vllm"]
    assert bot["BRANDBOT_LLM_API_KEY"] == vllm["environment"]["VLLM_API_KEY"]
    assert bot["BRANDBOT_LLM_API_KEY"].startswith("${BRANDBOT_LLM_API_KEY:?")
    assert vllm["environment"]["HF_HUB_OFFLINE"] == "1" and "HUGGING_FACE_HUB_TOKEN" not in vllm["environment"]
    assert vllm["depends_on"]["vllm-weights"] == {"condition": "service_completed_successfully"}

    [mount] = services["chroma-auth"]["volumes"]
    source, target, _ = mount.split(":")
    assert target == "/etc/nginx/templates/default.conf.template", "the nginx image fills in ${CHROMA_TOKEN}"
    template = (REPO / source).read_text()
    assert re.search(
        r'map \$http_authorization \$chroma_token_ok \{\s+default 0;\s+"Bearer \$\{CHROMA_TOKEN\}" 1;', template
    )
    refusal = re.search(r"if \(\$chroma_token_ok = 0\) \{\s+return 401 '(.*)';", template)
    assert refusal is not None and json.loads(refusal[1]) == json.loads(REFUSAL), "as the tests' stand-in answers"
    assert template.count("proxy_pass") == 1 and "proxy_pass http://chroma:8000;" in template


def test_the_proxy_forwards_slacks_path_only() -> None:
    conf = (REPO / "deploy" / "nginx.conf").read_text()
    locations = dict(re.findall(r"location ([^{]+?) \{(.*?)\n    \}", conf, re.S))
    assert set(locations) == {"= /slack/events", "/"}
    assert "proxy_pass" in locations["= /slack/events"] and "return 404;" in locations["/"]
    assert conf.count("proxy_pass") == 1
