"""Shared test helpers: every configuration is synthesized once per session, offline.

Context is what the CLI would pass: cdk.json's defaults, the committed lookups in cdk.context.json
(so the VPC and AMI lookups answer without AWS), then the configuration's overrides.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

# Never let a test reach a real AWS account, whatever the developer's shell has.
for _name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
    os.environ.pop(_name, None)


def base_context() -> dict[str, Any]:
    context = dict(json.loads((ROOT / "cdk.json").read_text())["context"])
    context.update(json.loads((ROOT / "cdk.context.json").read_text()))
    return context


@dataclass(frozen=True)
class Synth:
    """One synthesized configuration: the stack's template (as dict) and its file on disk."""

    template: dict
    template_path: Path
    stack: Any
    warnings: tuple[str, ...]

    def resources(self, type_: str) -> dict[str, dict]:
        return {k: v for k, v in self.template["Resources"].items() if v["Type"] == type_}

    def assertions(self):
        from aws_cdk.assertions import Template

        return Template.from_json(self.template)


_CACHE: dict[str, Synth] = {}
SYNTH_COUNT = {"n": 0}


def synth(overrides: dict[str, Any] | None = None, tmp_root: Path | None = None) -> Synth:
    """Synthesize (once per session per configuration) with cdk-nag, as `cdk synth` does."""
    from app import build_app

    key = json.dumps(overrides or {}, sort_keys=True)
    if key in _CACHE:
        return _CACHE[key]
    outdir = (tmp_root or Path(tempfile.gettempdir())) / f"synth-{len(_CACHE)}-{os.getpid()}"
    app, stack = build_app(context={**base_context(), **(overrides or {})}, outdir=str(outdir))
    assembly = app.synth()
    SYNTH_COUNT["n"] += 1
    artifact = assembly.get_stack_artifact(stack.artifact_id)
    warnings = tuple(
        str(m.entry.data) for m in artifact.messages if str(m.level).lower().endswith("warning")
    )
    result = Synth(template=artifact.template, template_path=Path(assembly.directory) / artifact.template_file,
                   stack=stack, warnings=warnings)
    _CACHE[key] = result
    return result


# The configurations the project ships and tests; each is synthesized once per session.
DEFAULT: dict[str, Any] = {}
FULLY_LOADED: dict[str, Any] = {
    "machine_image": "amazon-linux-2023",
    "instance_count": "2",
    "ssh_cidr": "203.0.113.7",
    "key_pair_name": "my-existing-key",
    "root_volume": json.dumps({"type": "gp3", "size": 30, "iops": 6000}),
    "volumes": json.dumps([
        {"size": 50, "type": "gp2", "device": "/dev/sdf"},
        {"size": 100, "type": "io1", "iops": 3000, "on_destroy": "delete"},
    ]),
    "tags": json.dumps({"team": "web", "cost-center": "1234"}),
    "detailed_monitoring": "true",
    "placement_group": "spread",
    "iam_policies": json.dumps(["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"]),
}


@pytest.fixture(scope="session")
def tmp_synth_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cdk-out")


@pytest.fixture(scope="session")
def default(tmp_synth_root) -> Synth:
    return synth(DEFAULT, tmp_synth_root)


@pytest.fixture(scope="session")
def loaded(tmp_synth_root) -> Synth:
    return synth(FULLY_LOADED, tmp_synth_root)


@pytest.fixture(scope="session")
def synth_with(tmp_synth_root):
    """Synthesize another configuration (cached per session)."""
    return lambda overrides: synth(overrides, tmp_synth_root)


def pytest_terminal_summary(terminalreporter):
    """How many configurations this run synthesized in-process (the benchmark reads this line)."""
    terminalreporter.write_line(f"in-process syntheses: {SYNTH_COUNT['n']}")
