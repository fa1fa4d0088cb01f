"""End-to-end fixtures: one emulator per session, bootstrapped once, driven by the real CDK CLI.

Most deployments use the assembly the unit tests already synthesized for that configuration
(``cdk deploy --app <assembly>``), so each configuration is synthesized once per session; the
default deployment goes through the CLI's own synth, as a user's `cdk deploy` does.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import emulator
from tests.conftest import ROOT
from tools.deployment import Deployment

EXISTING_KEY = "my-existing-key"


@pytest.fixture(scope="session")
def emu():
    with emulator.start(port=0) as running:
        yield running


@pytest.fixture(scope="session")
def cli(emu) -> Deployment:
    deployment = Deployment(emu)
    deployment.bootstrap()
    # The fully-loaded configuration imports an existing key pair: create it, as a user would have.
    emu.client("ec2").create_key_pair(KeyName=EXISTING_KEY)
    return deployment


def audit(emu) -> subprocess.CompletedProcess:
    """`make audit` against the emulator: exit 0 only when nothing unintended is left."""
    return subprocess.run(
        [sys.executable, "-m", "tools.audit", "--region", "us-east-1", "--tag-key", "app",
         "--tag-value", "ec2-web-server", "--endpoint-url", emu.endpoint],
        cwd=ROOT, env=Deployment(emu).env, capture_output=True, text=True, check=False)


def leftovers(emu) -> list:
    """The audit's findings (tools.audit's own API, so no table is parsed): what the deployments left."""
    from tools.audit import audit as find

    return find("us-east-1", "app", "ec2-web-server", stack_name="WebServerStack", endpoint_url=emu.endpoint).findings


def assembly(result) -> str:
    """The cloud assembly directory of a configuration synthesized by the unit-test fixtures."""
    return str(result.template_path.parent)
