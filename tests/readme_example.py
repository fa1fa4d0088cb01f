"""The READMEs' commands and their "use the construct in your own app" example, as the tests run them: in a new
user's shell, watched for network calls."""

from __future__ import annotations

import functools
import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from tests.conftest import ROOT, jsii_package_cache

HEADINGS = {"README.md": "## Use the construct in your own app", "README.ja.md": "## 自分のアプリでコンストラクトを使う"}
# What a command the README calls quiet must not print: jsii's Node end-of-life banner (which the Python side
# prints as bytes literals, b'!!  Node 20 is end-of-life ...'), npm's update notice, the CLI's notices.
NOISE = ("end-of-life", "b'!!", "npm notice", "NOTICES", "feature flags are not configured")


def _section(readme: str) -> str:
    text = (ROOT / readme).read_text()
    return text[text.index(HEADINGS[readme]):]


def example_app(readme: str = "README.md") -> str:
    """The first ```python block under the section's heading."""
    return re.search(r"```python\n(.*?)```", _section(readme), re.S).group(1)


def offline_steps(readme: str = "README.md") -> list[str]:
    """The shell lines of the section's ```bash block that copies cdk.context.json: how to try the example offline."""
    (block,) = [b for b in re.findall(r"```bash\n(.*?)```", _section(readme), re.S) if "cdk.context.json" in b]
    return block.strip().splitlines()


def offline_steps_as_run(clone: Path = ROOT) -> str:
    """The steps as a script, as the test runs them. The clone is this checkout; and instead of a new virtual
    environment and `pip install` (minutes; tests/package/test_wheel.py installs the wheel into a fresh one, in
    make test-slow) the folder borrows this checkout's .venv, where `make setup` installed the construct."""
    lines = offline_steps()
    (clone_line,) = [line for line in lines if line.startswith("CLONE=")]
    (install_line,) = [line for line in lines if "pip install" in line]
    replaced = {clone_line: f"CLONE={shlex.quote(str(clone))}", install_line: 'ln -s "$CLONE/.venv" .venv'}
    return "set -euo pipefail\n" + "\n".join(replaced.get(line, line) for line in lines) + "\n"


def new_users_shell(home: Path, *, region: Optional[str] = None) -> dict[str, str]:
    """A new user's shell: PATH and a HOME of its own (no ~/.npmrc, ~/.aws, ~/.cdk), nothing else of this test run's
    environment. With ``region``, configured as the README's deploy step 1 leaves it but without credentials:
    AWS_REGION exported and a config file naming the region."""
    home.mkdir(parents=True, exist_ok=True)
    # jsii's cache of extracted npm packages (no settings, no credentials): a new HOME would spend 4-6 s extracting
    # aws-cdk-lib again, and nothing else changes.
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "LANG": "C.UTF-8",
           "JSII_RUNTIME_PACKAGE_CACHE_ROOT": jsii_package_cache()}
    if region:
        config = home / ".aws" / "config"
        config.parent.mkdir(exist_ok=True)
        config.write_text(f"[default]\nregion = {region}\n")
        env["AWS_REGION"] = region
    return env


@functools.cache
def strace_works() -> bool:
    """strace is installed and may trace here (containers can forbid ptrace)."""
    return shutil.which("strace") is not None and subprocess.run(
        ["strace", "-f", "-qq", "-o", os.devnull, "true"], capture_output=True, check=False).returncode == 0


@dataclass(frozen=True)
class Watched:
    """A shell command's run, and its network calls (None when strace cannot watch here)."""

    run: subprocess.CompletedProcess
    network_calls: Optional[list[str]]

    @property
    def output(self) -> str:
        return self.run.stdout + self.run.stderr


def run_watched(script: str, *, cwd: Path, env: dict[str, str], trace: Path, timeout: float = 600) -> Watched:
    """``bash -c script``, as a terminal runs what a user pastes, under strace: every connect() or sendto() that any
    process it starts makes to an IPv4 or IPv6 address (DNS and loopback included) is a network call. strace sees
    the attempt whatever the network answers, so a call that fails quietly (npm's update check offline) counts."""
    command = ["bash", "-c", script]
    if strace_works():
        command = ["strace", "-f", "-qq", "--seccomp-bpf", "-e", "trace=connect,sendto,sendmsg", "-o", str(trace),
                   *command]
    run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=timeout)
    calls = [line for line in trace.read_text().splitlines() if "AF_INET" in line] if strace_works() else None
    return Watched(run, calls)
