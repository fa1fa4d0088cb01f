"""Running the pinned CDK CLI (``npx cdk``) from the project's tools and tests.

One place for the environment the CLI needs: no telemetry, no Node end-of-life banner, and, when
talking to the emulator, its endpoint, fake credentials and a CDK_HOME of our own (the CLI caches
access key -> account there, so runs against the emulator and a real account cannot mix).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
CDK_HOME = ROOT / ".cdk-home"
# The pinned CLI that `npm ci` installed, started directly: `npx` would start a Node process of its own
# first, about 0.45 s of CPU per command on this machine (the tests run the CLI dozens of times).
CDK_BIN = ROOT / "node_modules" / ".bin" / "cdk"

QUIET_ENV = {
    "CDK_DISABLE_CLI_TELEMETRY": "true",
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    "NODE_NO_WARNINGS": "1",
}


def cli_env(extra: Optional[Mapping[str, str]] = None, *, emulator_env: Optional[Mapping[str, str]] = None) -> dict:
    """The CLI's environment. With ``emulator_env``, real credentials and profiles are dropped."""
    env = {**os.environ, **QUIET_ENV}
    if emulator_env is not None:
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE"):
            env.pop(name, None)
        env.update(emulator_env)
        env["CDK_HOME"] = str(CDK_HOME)
        CDK_HOME.mkdir(exist_ok=True)
    env.update(extra or {})
    return env


def offline_env() -> dict[str, str]:
    """The CLI's environment with every way to reach AWS closed: no credentials, profiles or instance
    metadata (the SDK would otherwise probe 169.254.169.254). With lookups off as well, synthesis uses
    cdk.context.json or fails; it never calls AWS."""
    env = {k: v for k, v in os.environ.items() if not (k.startswith("AWS_") or k.startswith("CDK_DEFAULT_"))}
    env.update(QUIET_ENV)
    env.update({"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "AWS_EC2_METADATA_DISABLED": "true"})
    return env


def context_args(context: Mapping[str, str]) -> list[str]:
    """``-c key=value`` for each setting."""
    args: list[str] = []
    for key, value in context.items():
        args += ["-c", f"{key}={value}"]
    return args


def cdk_command() -> list[str]:
    """The pinned CLI's command: node_modules' own, else (before `npm ci`) npx's lookup, which fails clearly."""
    return [str(CDK_BIN)] if CDK_BIN.exists() else ["npx", "--no-install", "cdk"]


def cdk(args: Sequence[str], *, env: Mapping[str, str], check: bool = True, capture: bool = False,
        timeout: float = 600, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the pinned ``cdk <args>`` (what `npx cdk` runs) in the project."""
    return subprocess.run(
        [*cdk_command(), *args], cwd=cwd, env=dict(env), check=check, timeout=timeout,
        capture_output=capture, text=True,
    )


class SynthError(Exception):
    """An offline synthesis failed: its exit status and the last lines it printed."""

    def __init__(self, returncode: int, tail: str) -> None:
        super().__init__(f"cdk synth failed (exit status {returncode}):\n{tail}")
        self.returncode = returncode
        self.tail = tail


def synth_offline(outdir: Path, args: Sequence[str] = (), *, cwd: Path = ROOT, timeout: float = 900) -> None:
    """``cdk synth --quiet --no-lookups --output <outdir> <args>`` in ``cwd`` with every way to reach AWS closed
    (offline_env): the app's context comes from cdk.context.json, never from AWS. ``args``: ``-c key=value``...
    Raises SynthError with the last 15 lines of its output when it fails."""
    run = subprocess.run([*cdk_command(), "synth", "--quiet", "--no-lookups", "--output", str(outdir), *args],
                         cwd=cwd, env=offline_env(), capture_output=True, text=True, check=False, timeout=timeout)
    if run.returncode != 0:
        raise SynthError(run.returncode, "\n".join((run.stderr + run.stdout).strip().splitlines()[-15:]))
